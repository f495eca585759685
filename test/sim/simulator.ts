// A deterministic simulator of consensus alone, after TigerBeetle's VOPR: N validators, one
// seeded PRNG, a fake clock and an event queue. Each node is the real engine (`step`) inside a
// simulated shell that performs effects the way the node shell must: signer state persisted
// BEFORE a signature leaves, then send, then feed back. The network loses, duplicates, delays
// (and so reorders) messages and partitions nodes until GST; nodes crash and restart with only
// their persisted signer state and block store; byzantine shells corrupt outgoing messages.
// Values are opaque ids; no ledger or storage is involved. See checker.ts for the invariants.
import { VoteType, bytesEqual, proposalSignBytes, toHex, verifyCommit, voteSignBytes }
  from '../../src/core/index.js';
import type { Commit, Height, Round, SignedProposal, SignedVote, Vote }
  from '../../src/core/index.js';
import { gossipMessages, initialProposerPriorities, initialState, step }
  from '../../src/consensus/index.js';
import type { ConsensusState, Effect, Input, Lock, ProposerPriorities }
  from '../../src/consensus/index.js';
import { Checker } from './checker.js';
import type { Violation } from './checker.js';
import { withinFaultBound } from './config.js';
import type { SimConfig } from './config.js';
import { keyRing } from './keys.js';
import type { KeyRing } from './keys.js';
import { Prng } from './prng.js';
import { EventQueue } from './event-queue.js';
import { intercept } from './byzantine.js';
import { chainId, isValidValue, valueId } from './values.js';
import type { Wire } from './values.js';


type Event =
  | { readonly kind: 'deliver'; readonly to: number; readonly from: number;
      readonly message: Wire }
  | { readonly kind: 'input'; readonly node: number; readonly incarnation: number;
      readonly input: Input }
  | { readonly kind: 'next-height'; readonly node: number; readonly incarnation: number }
  | { readonly kind: 'gossip'; readonly node: number; readonly incarnation: number }
  | { readonly kind: 'crash' | 'restart'; readonly node: number }
  | { readonly kind: 'partition' | 'gst' };

/** What a validator's signer keeps on disk: the last signed height/round/step and the lock. */
interface SignerRecord {
  readonly height: number;
  readonly round: number;
  /** 1 proposal, 2 prevote, 3 precommit: signing order within a round. */
  readonly step: number;
  readonly payload: string;
  readonly lock: Lock | null;
  /** The prevotes that justify `lock`, persisted with it (see SignVoteEffect.polka). */
  readonly polka: readonly SignedVote[];
  /**
   * Every message signed at `height`, as CometBFT's WAL keeps own messages. After a restart the
   * shell feeds them back and gossips them, so they still count. Without them a validator that
   * crashed after signing could neither repeat its votes (they are gone) nor cast others (the
   * signer refuses), and a few such validators, scattered over rounds, stall the height.
   */
  readonly messages: readonly Wire[];
}

interface Block {
  readonly commit: Commit;
  readonly nextPriorities: ProposerPriorities;
}

class SimNode {
  up = true;
  incarnation = 0;
  state: ConsensusState;
  /** Persisted: survives crashes. */
  signer: SignerRecord | null = null;
  readonly blocks: Block[] = [];
  /** Height the node last restarted in; refusals there are expected. */
  restartHeight = -1;
  /** Height at the last gossip tick, and for how many ticks it has not changed. */
  lastHeight = 0;
  stalledTicks = 0;

  constructor(readonly index: number, readonly config: SimConfig) {
    this.state = initialState(config.consensus);
  }

  get correct(): boolean {
    return !this.config.byzantine.has(this.index);
  }
}

export interface SimStats {
  events: number;
  deliveries: number;
  dropped: number;
  crashes: number;
  restarts: number;
  refusals: number;
  evidence: number;
  signatures: number;
  heightAtGst: number;
  heightsMin: number;
  heightsMax: number;
  maxRoundAfterGst: number;
}

export interface SimResult {
  readonly config: SimConfig;
  readonly violations: readonly Violation[];
  readonly traceHash: string;
  readonly stats: SimStats;
}

export class Simulation {
  readonly rng: Prng;
  readonly ring: KeyRing;
  readonly nodes: SimNode[];
  readonly checker: Checker;
  readonly stats: SimStats = { events: 0, deliveries: 0, dropped: 0, crashes: 0, restarts: 0,
    refusals: 0, evidence: 0, signatures: 0, heightAtGst: 0, heightsMin: 0, heightsMax: 0,
    maxRoundAfterGst: 0 };
  private readonly queue = new EventQueue<Event>();
  private now = 0;
  private trace = 0x811c9dc5;
  /** Partition group of each node, or null when the network is whole. */
  private groups: number[] | null = null;
  private afterGst = false;
  private readonly verifiedMessages = new WeakSet<SignedVote | SignedProposal>();
  /** Set by a debugging test to follow a run event by event. */
  log: ((line: string) => void) | null = null;

  constructor(readonly config: SimConfig) {
    this.rng = new Prng(config.seed).fork().fork();
    this.ring = keyRing(config.powers, config.realSignatures);
    this.nodes = Array.from({ length: config.validators }, (_, i) => new SimNode(i, config));
    this.checker = new Checker(chainId, this.ring.set, this.ring.verify);
  }

  run(): SimResult {
    for (const node of this.nodes) this.startNode(node, 1, undefined);
    this.schedule(this.config.gstMs, { kind: 'gst' });
    if (this.config.partitions) this.schedule(this.rng.int(200, 3_000), { kind: 'partition' });
    if (this.config.crashes) this.scheduleRandomCrash();
    for (;;) {
      const next = this.queue.pop();
      if (next === undefined || next.time > this.config.endMs) break;
      this.now = next.time;
      this.checker.now = next.time;
      if (++this.stats.events > this.config.eventsMax) {
        this.checker.report('liveness', `more than ${this.config.eventsMax} events`);
        break;
      }
      if (this.log !== null) this.log(`${next.time} ${describeEvent(next.event)}`);
      this.handle(next.event);
    }
    this.finish();
    return { config: this.config, violations: this.checker.violations,
      traceHash: (this.trace >>> 0).toString(16).padStart(8, '0'), stats: this.stats };
  }

  private schedule(time: number, event: Event): void {
    this.queue.push(Math.max(time, this.now), event);
  }

  /** FNV-1a over event summaries: two runs of a seed must produce the same value. */
  private mix(...values: number[]): void {
    let hash = this.trace;
    for (const value of values) {
      hash = Math.imul(hash ^ (value & 0xffff), 0x01000193);
      hash = Math.imul(hash ^ (value >>> 16), 0x01000193);
    }
    this.trace = hash >>> 0;
  }

  private handle(event: Event): void {
    switch (event.kind) {
      case 'deliver': this.deliver(event.to, event.from, event.message); break;
      case 'input': {
        const node = this.live(event.node, event.incarnation);
        if (node !== null) this.feed(node, event.input);
        break;
      }
      case 'next-height': this.nextHeight(event.node, event.incarnation); break;
      case 'gossip': this.gossip(event.node, event.incarnation); break;
      case 'crash': this.crashRandom(); break;
      case 'restart': this.restart(event.node); break;
      case 'partition': this.togglePartition(); break;
      case 'gst': this.stabilize(); break;
    }
  }

  private live(index: number, incarnation: number): SimNode | null {
    const node = this.nodes[index];
    if (node === undefined || !node.up || node.incarnation !== incarnation) return null;
    return node;
  }

  // ---- The node shell ------------------------------------------------------------------------

  /** Steps the engine and performs its effects in order; own messages are fed back after. */
  private feed(node: SimNode, input: Input): void {
    const pending: Input[] = [input];
    while (pending.length > 0 && node.up) {
      const next = pending.shift() as Input;
      const result = step(node.state, next);
      node.state = result.state;
      this.mix(this.now, node.index, inputCode(next), node.state.height, node.state.round);
      for (const effect of result.effects) {
        if (!node.up) return;
        this.perform(node, effect, pending);
      }
    }
  }

  private perform(node: SimNode, effect: Effect, pending: Input[]): void {
    const incarnation = node.incarnation;
    switch (effect.kind) {
      case 'request-value':
        this.schedule(this.now + this.config.valueDelayMs, { kind: 'input', node: node.index,
          incarnation, input: { kind: 'value-for-proposal', height: effect.height,
            round: effect.round, blockHash: valueId(effect.height, effect.round, node.index) } });
        break;
      case 'sign-and-broadcast-proposal': {
        const p = effect.proposal;
        const payload = proposalSignBytes(chainId, p);
        const record = this.signerAllows(node, p.height, p.round, 1, payload, null);
        if (record === null) return;
        const signed: SignedProposal = { ...p, signature: this.sign(node, payload) };
        if (!this.persistAndSend(node, `${p.height}/${p.round}/proposal`, payload, record,
          { kind: 'proposal', proposal: signed })) return;
        pending.push({ kind: 'proposal', proposal: signed, valid: true });
        break;
      }
      case 'sign-and-broadcast-vote':
        this.signVote(node, effect.vote, effect.polka, pending);
        break;
      case 'schedule-timeout':
        this.schedule(this.now + effect.durationMs, { kind: 'input', node: node.index,
          incarnation, input: { kind: 'timeout', height: effect.height, round: effect.round,
            step: effect.step } });
        break;
      case 'decide': this.decided(node, effect.commit, effect.nextProposerPriorities); break;
      case 'evidence': this.stats.evidence++; break;
    }
  }

  private signVote(node: SimNode, vote: Vote, polka: readonly SignedVote[],
    pending: Input[]): void {
    const payload = voteSignBytes(chainId, vote);
    const lock = vote.type === VoteType.precommit && vote.blockHash !== null
      ? { round: vote.round, blockHash: vote.blockHash } : null;
    const stepCode = vote.type === VoteType.prevote ? 2 : 3;
    const record = this.signerAllows(node, vote.height, vote.round, stepCode, payload,
      lock === null ? null : { lock, polka });
    if (record === null) return;
    const signed: SignedVote = { ...vote, signature: this.sign(node, payload) };
    if (!this.persistAndSend(node, `${vote.height}/${vote.round}/${stepCode}`, payload, record,
      { kind: 'vote', vote: signed })) return;
    pending.push({ kind: 'vote', vote: signed });
  }

  private sign(node: SimNode, payload: Uint8Array): Uint8Array {
    const key = this.ring.keys[node.index];
    if (key === undefined) throw new Error('node has a key');
    this.stats.signatures++;
    return key.sign(payload);
  }

  /**
   * Persists the signer record with the signature, then sends: the order the node shell MUST
   * keep. A crash may strike before the write (the write is lost and nothing is sent) or after
   * it (persisted, never sent; the restarted node feeds it back and gossips it). In the buggy
   * order of the negative control the write follows the send, and a crash in between loses it.
   * Returns false when the node crashed.
   */
  private persistAndSend(node: SimNode, slot: string, payload: Uint8Array,
    record: SignerRecord, message: Wire): boolean {
    const persisted: SignerRecord = { ...record, messages: [...record.messages, message] };
    const crashed = (): boolean => {
      if (!node.correct || !this.crashNow()) return false;
      this.crash(node);
      return true;
    };
    if (this.config.persistAfterSend) {
      this.sendSigned(node, slot, payload, message);
      if (crashed()) return false;
      node.signer = persisted;
      return true;
    }
    if (crashed()) return false;
    node.signer = persisted;
    if (crashed()) return false;
    this.sendSigned(node, slot, payload, message);
    return true;
  }

  /** A signature leaves the node: the checker sees every payload a correct validator sends. */
  private sendSigned(node: SimNode, slot: string, payload: Uint8Array, message: Wire): void {
    if (node.correct) this.checker.onSign(node.index, slot, payload);
    this.broadcast(node, message);
  }

  /**
   * The signer's check: refuses to sign below or beside what it signed before (re-signing the
   * identical payload is allowed). Returns the record to persist, or null when refused.
   */
  private signerAllows(node: SimNode, height: number, round: number, stepCode: number,
    payload: Uint8Array, locking: { lock: Lock; polka: readonly SignedVote[] } | null)
    : SignerRecord | null {
    const record = node.signer;
    const hex = toHex(payload);
    const order = record === null ? 1 : compareSlots(height, round, stepCode, record);
    if (node.correct && (order < 0 || (order === 0 && record?.payload !== hex))) {
      this.stats.refusals++;
      if (node.restartHeight !== height) {
        this.checker.report('unexpected-refusal', `node ${node.index} at ${height}/${round}`);
      }
      return null;
    }
    const sameHeight = record !== null && record.height === height;
    return { height, round, step: stepCode, payload: hex,
      lock: locking?.lock ?? (sameHeight ? record.lock : null),
      polka: locking?.polka ?? (sameHeight ? record.polka : []),
      messages: sameHeight ? record.messages : [] };
  }

  private crashNow(): boolean {
    return !this.afterGst && this.config.crashPerSignature > 0
      && this.rng.chance(this.config.crashPerSignature);
  }

  private decided(node: SimNode, commit: Commit, nextPriorities: ProposerPriorities): void {
    this.checker.onDecide(node.index, node.correct, node.blocks.length, commit);
    if (this.log !== null) {
      this.log(`${this.now} decide node ${node.index} h${commit.height} r${commit.round} ` +
        `${toHex(commit.blockHash).slice(0, 8)} via round ${node.state.round}`);
    }
    node.blocks.push({ commit, nextPriorities });
    this.mix(this.now, node.index, 0xdec1de, commit.height, commit.round,
      (commit.blockHash[1] ?? 0) << 8 | (commit.blockHash[2] ?? 0));
    if (this.afterGst && node.correct && commit.height > this.stats.heightAtGst + 1) {
      this.stats.maxRoundAfterGst = Math.max(this.stats.maxRoundAfterGst, commit.round);
    }
    this.schedule(this.now + this.config.commitDelayMs, { kind: 'next-height',
      node: node.index, incarnation: node.incarnation });
  }

  private nextHeight(index: number, incarnation: number): void {
    const node = this.live(index, incarnation);
    if (node === null) return;
    const block = node.blocks[node.blocks.length - 1];
    if (block === undefined || node.state.height !== block.commit.height) return;
    this.feed(node, { kind: 'start-height', height: (block.commit.height + 1) as Height,
      validatorSet: this.ring.set, proposerPriorities: block.nextPriorities,
      self: this.ring.keys[index]?.address ?? null });
    this.broadcast(node, { kind: 'status', height: node.state.height });
  }

  /** Boots or reboots a node from its persisted block store and signer state. */
  private startNode(node: SimNode, height: number, resumeFrom: SignerRecord | null | undefined) {
    const previous = node.blocks[node.blocks.length - 1];
    const priorities = previous?.nextPriorities ?? initialProposerPriorities(this.ring.set);
    const self = this.ring.keys[node.index]?.address ?? null;
    const amnesiac = node.config.byzantine.get(node.index) === 'amnesia';
    const base = { kind: 'start-height' as const, height: height as Height,
      validatorSet: this.ring.set, proposerPriorities: priorities, self };
    const input: Input = resumeFrom && resumeFrom.height === height && !amnesiac
      ? { ...base, resume: { round: resumeFrom.round as Round, locked: resumeFrom.lock } }
      : base;
    this.feed(node, input);
    const resumed = resumeFrom?.height === height && !amnesiac;
    for (const vote of resumed ? resumeFrom.polka : []) this.feed(node, { kind: 'vote', vote });
    for (const message of resumed ? resumeFrom.messages : []) {
      if (message.kind === 'vote') this.feed(node, { kind: 'vote', vote: message.vote });
      if (message.kind === 'proposal') {
        this.feed(node, { kind: 'proposal', proposal: message.proposal, valid: true });
      }
    }
    this.schedule(this.now + this.rng.int(1, this.config.gossipIntervalMs), { kind: 'gossip',
      node: node.index, incarnation: node.incarnation });
    this.broadcast(node, { kind: 'status', height });
  }

  // ---- Network -------------------------------------------------------------------------------

  private broadcast(node: SimNode, message: Wire): void {
    for (const peer of this.nodes) {
      if (peer.index === node.index) continue;
      const behavior = this.config.byzantine.get(node.index);
      const out = behavior === undefined ? message
        : intercept(behavior, { rng: this.rng, key: this.ring.keys[node.index],
          state: node.state, peer: peer.index, chainId }, message);
      if (out !== null) this.send(node.index, peer.index, out);
    }
  }

  private send(from: number, to: number, message: Wire): void {
    if (this.groups !== null && this.groups[from] !== this.groups[to]) {
      this.stats.dropped++;
      return;
    }
    const beforeGst = !this.afterGst;
    if (beforeGst && this.rng.chance(this.config.lossBeforeGst)) {
      this.stats.dropped++;
      return;
    }
    const delayMax = beforeGst ? this.config.delayMaxBeforeGstMs : this.config.delayMaxMs;
    const copies = this.rng.chance(this.config.duplicate) ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) {
      this.schedule(this.now + this.rng.int(this.config.delayMinMs, delayMax),
        { kind: 'deliver', to, from, message });
    }
  }

  /** The receiving shell: check signatures, judge valid(v), answer status, then step. */
  private deliver(to: number, from: number, message: Wire): void {
    const node = this.nodes[to];
    if (node === undefined || !node.up) return;
    this.stats.deliveries++;
    switch (message.kind) {
      case 'proposal': {
        const p = message.proposal;
        if (!this.verified(p, p.proposer, () => proposalSignBytes(chainId, p))) return;
        this.feed(node, { kind: 'proposal', proposal: p, valid: isValidValue(p.blockHash) });
        break;
      }
      case 'vote': {
        const v = message.vote;
        if (!this.verified(v, v.validator, () => voteSignBytes(chainId, v))) return;
        this.feed(node, { kind: 'vote', vote: v });
        break;
      }
      case 'status': this.answerStatus(node, from, message.height); break;
      case 'commit': this.catchUp(node, message.commit); break;
    }
  }

  /**
   * Checks a message's signature. Simulated messages are immutable objects shared by every copy
   * in flight, so a message checked once need not be checked again; a real shell would key such
   * a cache by the signature bytes.
   */
  private verified(message: SignedVote | SignedProposal, signer: Uint8Array,
    signBytes: () => Uint8Array): boolean {
    if (this.verifiedMessages.has(message)) return true;
    const validator = this.ring.set.validators.find((v) => bytesEqual(v.address, signer));
    if (validator === undefined) return false;
    if (!this.ring.verify(validator.publicKey, signBytes(), message.signature)) return false;
    this.verifiedMessages.add(message);
    return true;
  }

  /** A peer behind us gets the commit of the height it is stuck at (the block-sync path). */
  private answerStatus(node: SimNode, from: number, height: number): void {
    const block = node.blocks[height - 1];
    if (block === undefined || this.config.byzantine.get(node.index) === 'silent') return;
    this.send(node.index, from, { kind: 'commit', commit: block.commit });
  }

  private catchUp(node: SimNode, commit: Commit): void {
    if (node.state.phase !== 'running' || commit.height !== node.state.height) return;
    try {
      verifyCommit(chainId, this.ring.set, commit, { height: commit.height,
        blockHash: commit.blockHash }, this.ring.verify);
    } catch {
      return;
    }
    this.feed(node, { kind: 'commit', commit, valid: isValidValue(commit.blockHash) });
  }

  /**
   * Gossip tick: announce our height, and while the height is not deciding, send again what we
   * hold for it, so that after GST every correct node sees what any correct node saw (the
   * paper's gossip assumption). That includes both sides of an equivocation and the polka of a
   * lock, without which correct nodes locked in different rounds can keep rounds failing.
   * Byzantine nodes do not relay.
   */
  private gossip(index: number, incarnation: number): void {
    const node = this.live(index, incarnation);
    if (node === null) return;
    this.schedule(this.now + this.config.gossipIntervalMs, { kind: 'gossip', node: index,
      incarnation });
    this.broadcast(node, { kind: 'status', height: node.state.height });
    const state = node.state;
    node.stalledTicks = state.height === node.lastHeight ? node.stalledTicks + 1 : 0;
    node.lastHeight = state.height;
    if (node.stalledTicks < this.config.stalledTicksBeforeRelay || !node.correct) return;
    const held = gossipMessages(state);
    for (const peer of this.nodes) {
      if (peer.index === index) continue;
      for (const proposal of held.proposals) {
        this.send(index, peer.index, { kind: 'proposal', proposal });
      }
      for (const vote of held.votes) this.send(index, peer.index, { kind: 'vote', vote });
    }
  }

  // ---- Faults --------------------------------------------------------------------------------

  private scheduleRandomCrash(): void {
    const time = this.now + this.rng.int(300, 3_000);
    if (time < this.config.gstMs) this.schedule(time, { kind: 'crash', node: -1 });
  }

  private crashRandom(): void {
    const candidates = this.nodes.filter((node) => node.up && node.correct);
    if (candidates.length > 0) this.crash(this.rng.pick(candidates));
    this.scheduleRandomCrash();
  }

  private crash(node: SimNode): void {
    node.up = false;
    node.incarnation++;
    this.stats.crashes++;
    this.mix(this.now, node.index, 0xc4a5);
    const downMs = this.rng.int(100, 2_500);
    if (this.now + downMs < this.config.gstMs) {
      this.schedule(this.now + downMs, { kind: 'restart', node: node.index });
    }
  }

  private restart(index: number): void {
    const node = this.nodes[index];
    if (node === undefined || node.up) return;
    node.up = true;
    node.state = initialState(this.config.consensus);
    node.stalledTicks = 0;
    const height = node.blocks.length + 1;
    node.restartHeight = height;
    this.stats.restarts++;
    this.mix(this.now, index, 0x5e57a7);
    this.startNode(node, height, node.signer);
  }

  private togglePartition(): void {
    if (this.afterGst) return;
    if (this.groups !== null) {
      this.groups = null;
    } else if (this.rng.chance(0.5)) {
      const isolated = this.rng.int(0, this.nodes.length - 1);
      this.groups = this.nodes.map((node) => node.index === isolated ? 1 : 0);
    } else {
      this.groups = this.nodes.map(() => this.rng.int(0, 1));
    }
    this.mix(this.now, 0x9a97, this.groups === null ? 0 : 1);
    this.schedule(this.now + this.rng.int(300, 4_000), { kind: 'partition' });
  }

  /** GST: the network heals and stays within Δ, and every crashed node comes back. */
  private stabilize(): void {
    this.afterGst = true;
    this.groups = null;
    for (const node of this.nodes) if (!node.up) this.restart(node.index);
    this.stats.heightAtGst = Math.max(0, ...this.nodes.map((node) => node.blocks.length));
  }

  private finish(): void {
    const correct = this.nodes.filter((node) => node.correct);
    const heights = correct.map((node) => node.blocks.length);
    this.stats.heightsMin = Math.min(...heights);
    this.stats.heightsMax = Math.max(...heights);
    if (!withinFaultBound(this.config) || this.config.persistAfterSend) return;
    const wanted = this.stats.heightAtGst + this.config.livenessHeightsMin;
    for (const node of correct) {
      if (node.blocks.length < wanted) {
        this.checker.report('liveness', `node ${node.index} decided ${node.blocks.length} ` +
          `heights, wanted ${wanted} by ${this.config.endMs}ms`);
      }
    }
    if (this.stats.maxRoundAfterGst > this.config.roundsAfterGstMax) {
      this.checker.report('liveness', `a height begun after GST needed round ` +
        `${this.stats.maxRoundAfterGst}, bound ${this.config.roundsAfterGstMax}`);
    }
  }
}

function describeEvent(event: Event): string {
  switch (event.kind) {
    case 'deliver': {
      const m = event.message;
      const what = m.kind === 'vote' ? `vote t${m.vote.type} h${m.vote.height} r${m.vote.round}`
        : m.kind === 'proposal' ? `proposal h${m.proposal.height} r${m.proposal.round}`
          : m.kind === 'status' ? `status h${m.height}` : `commit h${m.commit.height}`;
      return `deliver ${event.from}->${event.to} ${what}`;
    }
    case 'input': return `input node ${event.node} ${event.input.kind}` + (event.input.kind ===
      'timeout' ? ` ${event.input.step} h${event.input.height} r${event.input.round}` : '');
    case 'next-height': case 'gossip': return `${event.kind} node ${event.node}`;
    case 'crash': case 'restart': return `${event.kind} node ${event.node}`;
    default: return event.kind;
  }
}

function compareSlots(height: number, round: number, stepCode: number, record: SignerRecord) {
  if (height !== record.height) return height - record.height;
  if (round !== record.round) return round - record.round;
  return stepCode - record.step;
}

function inputCode(input: Input): number {
  switch (input.kind) {
    case 'start-height': return 1;
    case 'proposal': return 2;
    case 'vote': return 3 + input.vote.type;
    case 'timeout': return 10 + (input.step === 'propose' ? 0 : input.step === 'prevote' ? 1 : 2);
    case 'value-for-proposal': return 20;
    case 'commit': return 30;
  }
}

export function runSimulation(config: SimConfig): SimResult {
  return new Simulation(config).run();
}
