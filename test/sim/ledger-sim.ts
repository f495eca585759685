// The ledger simulator: the same idea as simulator.ts (one seeded PRNG, a fake clock, an event
// queue, a lossy network, crashes, byzantine interceptors), but each node is the PRODUCTION
// stack: ConsensusDriver + Chain + Mempool + ChainStore (SQLite in memory), with a simulated
// Clock and SignerStore. Clients submit signed notarizations to random correct nodes. A crash
// drops the node's process objects (driver, Chain, Mempool, its timers and its clients) and
// keeps its disk: the ChainStore object and the signer record (see ledger-disk.ts). A restart
// builds a new Chain on the same store and a new driver that resumes from the signer record.
//
// The driver awaits proposal checks (verifyTxs), which resolve at once here; after each event
// that can start such work the loop lets the microtask queue drain completely (setImmediate runs
// only after it is empty), so every run of a seed interleaves identically. Checks are in
// ledger-checker.ts.
//
// Nodes build their Chain with the real node's hooks (identity, genesis writes, the governance
// validator schedule); spare nodes are genesis nodes outside the validator set, which run the
// driver as followers until governance (ledger-governance.ts) makes them validators, and a
// removed validator carries on as a follower.
import { pino } from 'pino';
import {
  VoteType, bytesEqual, isZwError, proposalSignBytes, toHex, voteSignBytes,
} from '../../src/core/index.js';
import type { Hash, SignedProposal, SignedVote } from '../../src/core/index.js';
import { Mempool, decodeTx, verifyTxSignature } from '../../src/ledger/index.js';
import type { TxEnvelope } from '../../src/ledger/index.js';
import { Chain, ConsensusDriver } from '../../src/node/index.js';
import type {
  AppliedBlock, Clock, ConsensusMessage, DriverInit,
} from '../../src/node/index.js';
import { withinFaultBound } from './config.js';
import { EventQueue } from './event-queue.js';
import { LedgerClients } from './ledger-clients.js';
import { LedgerChecker } from './ledger-checker.js';
import { LedgerGovernance } from './ledger-governance.js';
import type { GovernanceStats } from './ledger-governance.js';
import type { LedgerSimConfig } from './ledger-config.js';
import { SimDisk, SimSigner } from './ledger-disk.js';
import type { CrashPoint, DiskHooks } from './ledger-disk.js';
import { interceptLedger } from './ledger-byzantine.js';
import { genesisTimeMs, makeWorld, memoisedVerify } from './ledger-world.js';
import type { World } from './ledger-world.js';
import { Prng } from './prng.js';
import type { Violation } from './checker.js';

/** What travels between simulated nodes: the driver's messages and gossiped transactions. */
export type LedgerMessage = ConsensusMessage | { readonly type: 'tx'; readonly tx: Uint8Array };

type Event =
  | { readonly kind: 'deliver'; readonly to: number; readonly from: number;
      readonly message: LedgerMessage }
  | { readonly kind: 'timer'; readonly node: number; readonly incarnation: number;
      readonly id: number }
  | { readonly kind: 'crash' | 'restart'; readonly node: number }
  | { readonly kind: 'load' | 'partition' | 'gst' | 'governance' };

/** One incarnation of a node's process: everything here is lost in a crash. */
export interface NodeProcess {
  readonly incarnation: number;
  readonly chain: Chain;
  readonly mempool: Mempool;
  readonly driver: ConsensusDriver;
  /** Transactions whose signature this process checked (the node's `verified` set). */
  readonly verified: Set<string>;
  /** Transactions clients submitted to this process and wait on (their connections). */
  readonly submitted: Set<string>;
}

export class LedgerNode {
  process: NodeProcess | null = null;
  incarnation = 0;
  readonly disk = new SimDisk();
  readonly signer: SimSigner;
  /** Highest height of `disk` the checker has seen. */
  checkedHeight = 0;
  /** Height the current process resumed at; signer refusals there are expected. */
  restartHeight = 0;
  readonly timers = new Map<number, () => void>();
  /** Byzantine shells: proposals seen per height/round, and variants already built. */
  readonly seen = new Map<string, Hash>();
  readonly variants = new Map<string, ConsensusMessage>();

  constructor(readonly index: number, readonly correct: boolean, readonly skewMs: number,
    onRefusal: (height: number) => void) {
    this.signer = new SimSigner((next) => onRefusal(next.height));
  }
}

export interface LedgerStats extends GovernanceStats {
  events: number;
  deliveries: number;
  dropped: number;
  crashes: number;
  restarts: number;
  blockWriteCrashes: number;
  tornWrites: number;
  signerWriteCrashes: number;
  refusals: number;
  heightAtGst: number;
  heightsMin: number;
  heightsMax: number;
  maxRoundAfterGst: number;
  txsSubmitted: number;
  txsAcknowledged: number;
  /** Double-sign evidence on chain (most held by one correct node's store at the end). */
  evidenceCommitted: number;
  /** Committed heights whose validator set was checked against the executed changes. */
  setHeightsChecked: number;
}

export interface LedgerSimResult {
  readonly config: LedgerSimConfig;
  readonly violations: readonly Violation[];
  readonly traceHash: string;
  readonly stats: LedgerStats;
}

const silentLog = pino({ level: 'silent' });
/** Evidence rows read back per store for the statistics. */
const evidenceCountedMax = 10_000;

export class LedgerSimulation {
  readonly rng: Prng;
  readonly world: World;
  readonly nodes: LedgerNode[];
  readonly checker: LedgerChecker;
  readonly clients: LedgerClients;
  readonly stats: LedgerStats = { events: 0, deliveries: 0, dropped: 0, crashes: 0,
    restarts: 0, blockWriteCrashes: 0, tornWrites: 0, signerWriteCrashes: 0, refusals: 0,
    heightAtGst: 0, heightsMin: 0, heightsMax: 0, maxRoundAfterGst: 0, txsSubmitted: 0,
    txsAcknowledged: 0, evidenceCommitted: 0, setHeightsChecked: 0, changesProposed: 0,
    changesExecuted: 0, changesExpired: 0, byzantineChanges: 0, governanceTxs: 0,
    setSizeMax: 0 };
  readonly governance: LedgerGovernance | null;
  private readonly queue = new EventQueue<Event>();
  private now = 0;
  private trace = 0x811c9dc5;
  private groups: number[] | null = null;
  private afterGst = false;
  private timerSeq = 0;
  private readonly collusion = new Map<string, readonly Hash[]>();
  /** Signed messages already shown to the checker (gossip re-sends the same objects). */
  private readonly observed = new WeakSet<SignedVote | SignedProposal>();
  private readonly driverInit: DriverInit;
  private stopped = false;
  /** Set by a debugging test to follow a run: events and the drivers' own log lines. */
  log: ((line: string) => void) | null = null;

  constructor(readonly config: LedgerSimConfig) {
    const base = config.base;
    this.rng = new Prng(base.seed).fork().fork().fork().fork();
    this.world = makeWorld(base.powers, config.accounts, {
      timeoutCommitMs: config.timeoutCommitMs, emptyBlockIntervalMs: 0 }, memoisedVerify,
    { seed: base.seed, spares: config.spares });
    const genesis = this.world.genesis;
    this.checker = new LedgerChecker(genesis.chainId, genesis.validatorSet,
      (key, message, signature) => genesis.suite.verify(key, message, signature), genesis.suite);
    this.nodes = this.world.nodeKeys.map((_, index) => new LedgerNode(index,
      !base.byzantine.has(index), this.rng.int(0, config.clockSkewMaxMs),
      (height) => this.refused(index, height)));
    this.clients = new LedgerClients(this.world, this.rng, config);
    this.governance = config.validatorChanges === 'off' ? null : new LedgerGovernance(this.world,
      base.seed, new Set(base.byzantine.keys()), config.validatorChanges, {
        readChain: () => this.readChain(),
        submit: (bytes, hash) => this.submitGovernance(bytes, hash),
        report: (detail) => this.checker.report('validator-set', detail),
      });
    this.driverInit = { consensus: base.consensus, emptyBlockIntervalMs: 0,
      gossipIntervalMs: config.gossipIntervalMs,
      syncRequestTimeoutMs: config.syncRequestTimeoutMs, timeoutCommitMs: config.timeoutCommitMs };
  }

  /**
   * Runs the seed to its end. An exception escaping the production code (which would kill a
   * real node) is a violation that ends the run, whether thrown in an event or in one of the
   * driver's own promise chains.
   */
  async run(): Promise<LedgerSimResult> {
    const onRejection = (error: unknown): void => this.failed(error);
    process.on('unhandledRejection', onRejection);
    try {
      await this.loop();
    } catch (error) {
      this.failed(error);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
    if (!this.stopped) this.finish();
    if (this.governance !== null) Object.assign(this.stats, this.governance.stats);
    for (const node of this.nodes) node.disk.close();
    return { config: this.config, violations: this.checker.violations,
      traceHash: (this.trace >>> 0).toString(16).padStart(8, '0'), stats: this.stats };
  }

  private failed(error: unknown): void {
    const text = error instanceof Error ? `${error.message} ${error.stack?.split('\n')
      .slice(1, 4).map((line) => line.trim()).join(' ')}` : String(error);
    this.checker.report('exception', text);
    this.stopped = true;
  }

  private async loop(): Promise<void> {
    for (const node of this.nodes) this.boot(node);
    this.schedule(this.config.base.gstMs, { kind: 'gst' });
    this.schedule(this.config.loadIntervalMs, { kind: 'load' });
    if (this.governance !== null) {
      this.schedule(this.config.governanceTickMs, { kind: 'governance' });
    }
    if (this.config.base.partitions) {
      this.schedule(this.rng.int(200, 3_000), { kind: 'partition' });
    }
    if (this.config.base.crashes) this.scheduleRandomCrash();
    await settle();
    for (;;) {
      const next = this.queue.pop();
      if (next === undefined || next.time > this.config.endMs || this.stopped) break;
      this.now = next.time;
      this.checker.now = next.time;
      if (++this.stats.events > this.config.eventsMax) {
        this.checker.report('liveness', `more than ${this.config.eventsMax} events`);
        break;
      }
      if (this.log !== null) this.log(`${next.time} ${describeEvent(next.event)}`);
      if (this.handle(next.event)) await settle();
    }
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

  /** Handles one event; true when it may have started asynchronous driver work. */
  private handle(event: Event): boolean {
    switch (event.kind) {
      case 'deliver': return this.deliver(event.to, event.from, event.message);
      case 'timer': this.fireTimer(event.node, event.incarnation, event.id); return false;
      case 'load': this.load(); return false;
      case 'governance': this.governanceTick(); return false;
      case 'crash': this.crashRandom(); return false;
      case 'restart': this.restart(event.node); return false;
      case 'partition': this.togglePartition(); return false;
      case 'gst': this.stabilize(); return false;
    }
  }

  private live(node: LedgerNode, incarnation: number): NodeProcess | null {
    const current = node.process;
    return current !== null && current.incarnation === incarnation ? current : null;
  }

  // ---- Booting a node: the production stack on the surviving disk -----------------------------

  private boot(node: LedgerNode): void {
    const incarnation = node.incarnation;
    const world = this.world;
    const chain = new Chain(world.genesis, node.disk, world.hooks);
    this.checkStore(node, chain);
    const mempool = new Mempool({ chainId: world.genesis.chainId }, {
      nonceOf: (address) => chain.nonceOf(address),
      height: () => chain.height,
      addressOf: (publicKey) => world.suite.address(publicKey),
    });
    const verified = new Set<string>();
    const key = world.nodeKeys[node.index]?.key;
    if (key === undefined) throw new Error(`validator ${node.index} has a key`);
    const driver = new ConsensusDriver(this.driverInit, {
      chain, mempool, key, signer: node.signer, clock: this.clockFor(node, incarnation),
      verifyTxs: (txs) => Promise.resolve(txs.every((tx) => this.txSignatureValid(tx))),
      isVerified: (txHash) => verified.has(toHex(txHash)),
      broadcast: (message) => this.broadcast(node, incarnation, message),
      send: (peer, message) => this.sendFrom(node, incarnation, peerIndex(peer), message),
      onCommitted: (applied) => this.committed(node, incarnation, applied),
      log: this.log === null ? silentLog : this.driverLog(node.index),
    });
    node.process = { incarnation, chain, mempool, driver, verified, submitted: new Set() };
    node.restartHeight = chain.height + 1;
    const hooks = this.diskHooks(node, incarnation);
    node.disk.hooks = hooks;
    node.signer.hooks = hooks;
    driver.start();
  }

  private driverLog(index: number): typeof silentLog {
    return pino({ level: 'debug', base: { node: index } }, { write: (line: string) => {
      this.log?.(`${this.now} ${line.trim()}`);
    } });
  }

  private clockFor(node: LedgerNode, incarnation: number): Clock {
    return {
      now: () => genesisTimeMs + this.now + node.skewMs,
      setTimer: (callback, delayMs) => {
        const id = ++this.timerSeq;
        if (this.live(node, incarnation) === null) return id;
        node.timers.set(id, callback);
        this.schedule(this.now + Math.max(0, delayMs), { kind: 'timer', node: node.index,
          incarnation, id });
        return id;
      },
      clearTimer: (timer) => {
        node.timers.delete(timer as number);
      },
    };
  }

  private fireTimer(index: number, incarnation: number, id: number): void {
    const node = this.nodes[index];
    if (node === undefined || this.live(node, incarnation) === null) return;
    const callback = node.timers.get(id);
    if (callback === undefined) return;
    node.timers.delete(id);
    this.mix(this.now, 0x7173, index);
    callback();
  }

  private diskHooks(node: LedgerNode, incarnation: number): DiskHooks {
    return {
      alive: () => this.live(node, incarnation) !== null,
      crashAt: (write) => this.crashPoint(node, write),
      crash: () => this.crash(node),
    };
  }

  private crashPoint(node: LedgerNode, write: 'block' | 'signer'): CrashPoint {
    if (!node.correct || this.afterGst) return 'none';
    const chance = write === 'block' ? this.config.crashPerBlockWrite
      : this.config.crashPerSignerWrite;
    if (chance <= 0 || !this.rng.chance(chance)) return 'none';
    const point = this.rng.pick<CrashPoint>(write === 'block' ? ['before', 'torn', 'after']
      : ['before', 'after']);
    if (write === 'block') this.stats.blockWriteCrashes++;
    else this.stats.signerWriteCrashes++;
    return point;
  }

  private refused(index: number, height: number): void {
    const node = this.nodes[index];
    this.stats.refusals++;
    if (node === undefined || !node.correct || height === node.restartHeight) return;
    this.checker.report('unexpected-refusal', `node ${index} refused to sign at ${height}`);
  }

  private txSignatureValid(bytes: Uint8Array): boolean {
    try {
      return verifyTxSignature(this.world.suite, decodeTx(this.world.suite, bytes).tx);
    } catch {
      return false;
    }
  }

  // ---- Commits and the checks on them ----------------------------------------------------------

  /** The driver's onCommitted: the block is durable; clean the mempool, answer clients. */
  private committed(node: LedgerNode, incarnation: number, applied: AppliedBlock): void {
    const current = this.live(node, incarnation);
    if (current === null) return;
    const height = applied.block.header.height;
    const hashes = applied.receipts.map((receipt) => toHex(receipt.txHash));
    for (const hash of hashes) current.verified.delete(hash);
    current.mempool.update(hashes);
    for (const receipt of applied.receipts) {
      const hash = toHex(receipt.txHash);
      this.clients.onReceipt(this.now, hash);
      if (receipt.status === 'ok' && current.submitted.delete(hash)) {
        this.checker.acknowledge(hash, height);
        this.stats.txsAcknowledged++;
      }
    }
    this.checkStore(node, current.chain);
  }

  /**
   * Checks what the node's disk gained since the last look, and feeds liveness statistics.
   * Validator sets come from `chain` (the node's own, on this disk), or from a Chain built on
   * the disk when the node is down.
   */
  private checkStore(node: LedgerNode, chain?: Chain): void {
    const own = chain ?? node.process?.chain ?? new Chain(this.world.genesis, node.disk,
      this.world.hooks);
    const commits = this.checker.checkStore(node.index, node.correct, node.disk,
      node.checkedHeight, (height) => own.validatorsAt(height));
    for (const commit of commits) {
      node.checkedHeight = commit.height;
      this.mix(this.now, node.index, 0xdec1de, commit.height, commit.round,
        (commit.blockHash[1] ?? 0) << 8 | (commit.blockHash[2] ?? 0));
      if (this.afterGst && node.correct && commit.height > this.stats.heightAtGst + 1) {
        this.stats.maxRoundAfterGst = Math.max(this.stats.maxRoundAfterGst, commit.round);
      }
    }
    if (this.config.stopOnViolation !== null && this.checker.violations.some(
      (violation) => violation.kind === this.config.stopOnViolation)) this.stopped = true;
  }

  // ---- Network ---------------------------------------------------------------------------------

  private broadcast(node: LedgerNode, incarnation: number, message: ConsensusMessage): void {
    if (this.live(node, incarnation) === null) return;
    this.observe(message);
    if (!node.correct && message.type === 'proposal') this.noteProposal(node, message.proposal);
    for (const peer of this.nodes) {
      if (peer.index !== node.index) this.sendFrom(node, incarnation, peer.index, message);
    }
  }

  /** The checker sees every payload a correct validator signed, whoever relays it. */
  private observe(message: ConsensusMessage): void {
    const genesis = this.world.genesis;
    if (message.type === 'proposal') {
      const p = message.proposal;
      const signer = this.signerIndex(p.proposer);
      if (this.observed.has(p) || signer === null) return;
      this.observed.add(p);
      this.checker.onSign(signer, `${p.height}/${p.round}/proposal`,
        proposalSignBytes(genesis.chainId, p));
    } else if (message.type === 'vote') {
      const v = message.vote;
      const signer = this.signerIndex(v.validator);
      if (this.observed.has(v) || signer === null) return;
      this.observed.add(v);
      this.checker.onSign(signer, `${v.height}/${v.round}/${v.type === VoteType.prevote
        ? 'prevote' : 'precommit'}`, voteSignBytes(genesis.chainId, v));
    }
  }

  /** Index of the correct validator with this address, or null for a byzantine or unknown one. */
  private signerIndex(address: Uint8Array): number | null {
    const index = this.world.nodeKeys.findIndex((v) => bytesEqual(v.address, address));
    return index < 0 || !(this.nodes[index]?.correct ?? false) ? null : index;
  }

  private noteProposal(node: LedgerNode, proposal: SignedProposal): void {
    node.seen.set(`${proposal.height}/${proposal.round}`, proposal.blockHash);
  }

  /** Sends through the byzantine interceptor, if the node has one, then the network. */
  private sendFrom(node: LedgerNode, incarnation: number, to: number, message: LedgerMessage)
    : void {
    if (this.live(node, incarnation) === null) return;
    const behavior = this.config.base.byzantine.get(node.index);
    const key = this.world.nodeKeys[node.index];
    let out: LedgerMessage | null = message;
    if (behavior !== undefined && key !== undefined && message.type !== 'tx') {
      out = interceptLedger(behavior, { rng: this.rng, suite: this.world.suite,
        chainId: this.world.genesis.chainId, key: key.key, self: key.address, peer: to,
        collusion: this.collusion, seen: node.seen, variants: node.variants,
        flood: this.config.floodEquivocation }, message);
    }
    if (out !== null) this.transmit(node.index, to, out);
  }

  private transmit(from: number, to: number, message: LedgerMessage): void {
    if (this.groups !== null && this.groups[from] !== this.groups[to]) {
      this.stats.dropped++;
      return;
    }
    const base = this.config.base;
    if (!this.afterGst && this.rng.chance(base.lossBeforeGst)) {
      this.stats.dropped++;
      return;
    }
    const delayMax = this.afterGst ? base.delayMaxMs : base.delayMaxBeforeGstMs;
    const copies = this.rng.chance(base.duplicate) ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) {
      this.schedule(this.now + this.rng.int(base.delayMinMs, delayMax),
        { kind: 'deliver', to, from, message });
    }
  }

  /** Delivery; true for the two message kinds whose handling in the driver is asynchronous. */
  private deliver(to: number, from: number, message: LedgerMessage): boolean {
    const node = this.nodes[to];
    const current = node?.process ?? null;
    if (node === undefined || current === null) return false;
    this.stats.deliveries++;
    this.mix(this.now, from, to, messageCode(message));
    if (message.type === 'tx') {
      this.admit(node, current, message.tx, false);
      return false;
    }
    if (!node.correct && message.type === 'proposal') this.noteProposal(node, message.proposal);
    current.driver.onMessage(peerName(from), message);
    return message.type === 'proposal' || message.type === 'block-response';
  }

  /**
   * Transaction admission as the node does it (form, duplicate, chain, contract call, signature,
   * mempool), inline. Client transactions are gossiped on; peers' are not (full mesh). Only the
   * node's named errors are rejections; anything else thrown is a bug and ends the run.
   */
  private admit(node: LedgerNode, current: NodeProcess, bytes: Uint8Array, fromClient: boolean)
    : boolean {
    const suite = this.world.suite;
    let envelope: TxEnvelope;
    try {
      envelope = decodeTx(suite, bytes);
      if (node.disk.tx(envelope.hash) !== undefined || current.mempool.has(toHex(envelope.hash)) ||
          envelope.tx.chainId !== this.world.genesis.chainId) return false;
      current.chain.contracts.checkCall(envelope.tx.contract, envelope.tx.method,
        envelope.tx.args, current.chain.latestState);
      // As the node does: a sender governance does not know may call only public contracts.
      const who = this.world.hooks.identify?.(current.chain.latestState,
        suite.address(envelope.tx.sender), envelope.tx.contract, current.chain.height + 1);
      if (who instanceof Error) return false;
      if (!verifyTxSignature(suite, envelope.tx)) return false;
      current.mempool.add(envelope);
    } catch (error) {
      if (isZwError(error)) return false;
      throw error;
    }
    current.verified.add(toHex(envelope.hash));
    if (fromClient) {
      for (const peer of this.nodes) {
        if (peer !== node) this.transmit(node.index, peer.index, { type: 'tx', tx: bytes });
      }
    }
    current.driver.maybeStartHeight();
    return true;
  }

  // ---- Load ------------------------------------------------------------------------------------

  private load(): void {
    if (this.now >= this.config.loadEndMs) return;
    this.schedule(this.now + this.config.loadIntervalMs, { kind: 'load' });
    const targets = this.nodes.filter((node) => node.correct && node.process !== null);
    if (targets.length === 0) return;
    const node = this.rng.pick(targets);
    const current = node.process;
    if (current === null) return;
    const tx = this.clients.next(this.now, current.chain);
    if (tx === null) return;
    this.stats.txsSubmitted++;
    if (this.admit(node, current, tx.bytes, true)) {
      current.submitted.add(toHex(tx.hash));
      this.clients.admitted(this.now, tx);
    } else {
      this.clients.rejected(current.chain, tx);
    }
  }

  // ---- Governance ------------------------------------------------------------------------------

  private governanceTick(): void {
    const governance = this.governance;
    if (governance === null || this.now >= this.config.loadEndMs) return;
    this.schedule(this.now + this.config.governanceTickMs, { kind: 'governance' });
    governance.tick(this.now, this.config.changesEndMs);
  }

  /** The most advanced live correct node's chain (the lowest index among equals). */
  private readChain(): Chain | null {
    let best: Chain | null = null;
    for (const node of this.nodes) {
      const chain = node.correct ? node.process?.chain : undefined;
      if (chain !== undefined && (best === null || chain.height > best.height)) best = chain;
    }
    return best;
  }

  /** A governance transaction goes to a random live correct node, as the load's do. */
  private submitGovernance(bytes: Uint8Array, hash: Hash): boolean {
    const targets = this.nodes.filter((node) => node.correct && node.process !== null);
    if (targets.length === 0) return false;
    const node = this.rng.pick(targets);
    const current = node.process;
    if (current === null || !this.admit(node, current, bytes, true)) return false;
    current.submitted.add(toHex(hash));
    return true;
  }

  // ---- Faults ----------------------------------------------------------------------------------

  private scheduleRandomCrash(): void {
    const time = this.now + this.rng.int(300, 3_000);
    if (time < this.config.base.gstMs) this.schedule(time, { kind: 'crash', node: -1 });
  }

  private crashRandom(): void {
    const candidates = this.nodes.filter((node) => node.correct && node.process !== null);
    if (candidates.length > 0) this.crash(this.rng.pick(candidates));
    this.scheduleRandomCrash();
  }

  /**
   * Kills a node: its process objects are dropped (the driver is stopped, so that what is left
   * of its current step does nothing visible), its disk stays. May run inside the driver's own
   * call stack, at a write.
   */
  private crash(node: LedgerNode): void {
    const current = node.process;
    if (current === null) return;
    node.process = null;
    node.incarnation++;
    node.timers.clear();
    current.driver.stop();
    this.stats.crashes++;
    this.mix(this.now, node.index, 0xc4a5);
    const downMs = this.rng.int(100, 2_500);
    if (this.now + downMs < this.config.base.gstMs) {
      this.schedule(this.now + downMs, { kind: 'restart', node: node.index });
    }
  }

  private restart(index: number): void {
    const node = this.nodes[index];
    if (node === undefined || node.process !== null) return;
    this.stats.restarts++;
    this.mix(this.now, index, 0x5e57a7);
    this.boot(node);
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
    for (const node of this.nodes) if (node.process === null) this.restart(node.index);
    this.stats.heightAtGst = Math.max(0, ...this.nodes.map((node) => node.checkedHeight));
  }

  private finish(): void {
    for (const node of this.nodes) this.checkStore(node);
    const correct = this.nodes.filter((node) => node.correct);
    for (const node of correct) this.checker.checkAcknowledged(node.index, node.disk);
    const heights = correct.map((node) => node.disk.latestHeight());
    this.stats.heightsMin = Math.min(...heights);
    this.stats.heightsMax = Math.max(...heights);
    this.stats.tornWrites = this.nodes.reduce((sum, node) => sum + node.disk.tornWrites, 0);
    this.stats.evidenceCommitted = Math.max(...correct.map((node) =>
      node.disk.evidence(evidenceCountedMax, 0).length));
    const governance = this.governance;
    if (governance !== null) {
      governance.finish(this.now);
      this.stats.setHeightsChecked = this.checker.checkSchedule(
        this.world.genesis.validatorSet, governance.executed);
    }
    if (withinFaultBound(this.config.base) && (governance?.withinBound ?? true)) {
      this.checkLiveness(correct);
    }
  }

  /**
   * After GST every correct node commits new heights, within a bounded number of rounds, and
   * gets at least as far as the highest acknowledged transaction (so the check above that it
   * holds every acknowledged transaction covers every correct node).
   */
  private checkLiveness(correct: readonly LedgerNode[]): void {
    const afterGst = this.stats.heightAtGst + this.config.livenessHeightsMin;
    const acknowledged = Math.max(0, ...this.checker.acknowledged.values());
    for (const node of correct) {
      const height = node.disk.latestHeight();
      if (height < Math.max(afterGst, acknowledged)) {
        this.checker.report('liveness', `node ${node.index} ended at height ${height}; wanted ` +
          `${afterGst} (GST height + ${this.config.livenessHeightsMin}) and ${acknowledged} ` +
          '(highest acknowledged transaction)');
      }
    }
    if (this.stats.maxRoundAfterGst > this.config.roundsAfterGstMax) {
      this.checker.report('liveness', `a height begun after GST needed round ` +
        `${this.stats.maxRoundAfterGst}, bound ${this.config.roundsAfterGstMax}`);
    }
  }
}

/** Lets every pending promise continuation run: setImmediate fires after the microtasks. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function describeEvent(event: Event): string {
  switch (event.kind) {
    case 'deliver': {
      const m = event.message;
      const what = m.type === 'vote' ? `vote t${m.vote.type} h${m.vote.height} r${m.vote.round} ` +
        (m.vote.blockHash === null ? 'nil' : toHex(m.vote.blockHash).slice(0, 8))
        : m.type === 'proposal' ? `proposal h${m.proposal.height} r${m.proposal.round} ` +
          toHex(m.proposal.blockHash).slice(0, 8)
          : m.type === 'tx' ? 'tx'
            : m.type === 'proposal-parts' ? `proposal-parts h${m.proposal.height}`
              : `${m.type} h${m.height}`;
      return `deliver ${event.from}->${event.to} ${what}`;
    }
    case 'timer': return `timer node ${event.node}`;
    case 'crash': case 'restart': return `${event.kind} node ${event.node}`;
    default: return event.kind;
  }
}

function peerName(index: number): string {
  return `node${index}`;
}

function peerIndex(peer: string): number {
  return Number(peer.slice('node'.length));
}

function messageCode(message: LedgerMessage): number {
  switch (message.type) {
    case 'proposal': return 1 + message.proposal.round * 16;
    case 'vote': return 2 + message.vote.type * 4 + message.vote.round * 16;
    case 'status': return 3 + message.height * 16;
    case 'block-request': return 4 + message.height * 16;
    case 'block-response': return 5 + message.height * 16;
    case 'tx': return 6;
    case 'proposal-parts': return 7 + message.proposal.round * 16;
    case 'block-part': return 8 + message.index * 16;
  }
}

export function runLedgerSimulation(config: LedgerSimConfig): Promise<LedgerSimResult> {
  return new LedgerSimulation(config).run();
}
