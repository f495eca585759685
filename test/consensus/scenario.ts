// A small interpreter for consensus scenario scripts (in the style of etcd raft's datadriven
// tests). A script drives one node's engine with inputs such as
//   proposal h=1 r=0 from=v0 value=A
// and the lines starting with "> " after each command are the effects the engine returned. The
// interpreter plays the shell's part for the node's own messages: it "signs" every proposal or
// vote the engine asks for and feeds it back, printing "feed ..." and that input's effects.
import { VoteType, asAddress, asHash, asHeight, asRound } from '../../src/core/index.js';
import type {
  Address, Commit, Hash, SignedProposal, SignedVote, ValidatorSet, PublicKey,
} from '../../src/core/index.js';
import {
  initialProposerPriorities, initialState, proposerIndexAt, step,
} from '../../src/consensus/index.js';
import type { ConsensusState, Effect, Input, Lock } from '../../src/consensus/index.js';

const outputPrefix = '> ';
/** Own messages fed back per command before the interpreter assumes a loop. */
const feedbackMax = 64;

export function validatorAddress(index: number): Address {
  return asAddress(new Uint8Array(20).fill(index + 1));
}

/** Values are single letters; each maps to a hash filled with that letter's code. */
export function valueHash(name: string): Hash {
  if (!/^[A-Z]$/.test(name)) throw new Error(`value must be a capital letter, got ${name}`);
  return asHash(new Uint8Array(32).fill(name.charCodeAt(0)));
}

function valueName(hash: Hash | null): string {
  if (hash === null) return 'nil';
  const first = hash[0] ?? 0;
  if (hash.every((byte) => byte === first) && first >= 65 && first <= 90) {
    return String.fromCharCode(first);
  }
  return Buffer.from(hash).toString('hex').slice(0, 8);
}

class Interpreter {
  private state: ConsensusState = initialState();
  private set: ValidatorSet | null = null;
  private output: string[] = [];

  run(command: string): string[] {
    this.output = [];
    const [verb, ...rest] = command.trim().split(/\s+/);
    const args = parseArgs(rest);
    if (verb === 'state') this.output.push(this.describeState());
    else if (verb === 'proposers') this.describeProposers(args);
    else this.apply(this.inputFor(verb ?? '', args));
    return this.output;
  }

  private inputFor(verb: string, args: Map<string, string>): Input {
    const height = asHeight(Number(need(args, 'h')));
    if (verb === 'start') return this.startInput(height, args);
    const round = asRound(Number(args.get('r') ?? '0'));
    switch (verb) {
      case 'proposal': return { kind: 'proposal', valid: args.get('valid') !== 'false',
        proposal: { height, round, polRound: Number(args.get('pol') ?? '-1'),
          blockHash: valueHash(need(args, 'value')), proposer: this.address(need(args, 'from')),
          signature: new Uint8Array(64) } };
      case 'prevote':
      case 'precommit': return { kind: 'vote', vote: this.vote(verb, height, round, args) };
      case 'timeout': return { kind: 'timeout', height, round,
        step: need(args, 'step') as 'propose' | 'prevote' | 'precommit' };
      case 'value': return { kind: 'value-for-proposal', height, round,
        blockHash: valueHash(need(args, 'value')) };
      case 'commit': return { kind: 'commit', valid: args.get('valid') !== 'false',
        commit: this.commit(height, round, args) };
      default: throw new Error(`unknown command ${verb}`);
    }
  }

  private startInput(height: ReturnType<typeof asHeight>, args: Map<string, string>): Input {
    const count = Number(args.get('n') ?? '4');
    const powers = (args.get('powers') ?? Array(count).fill('1').join(',')).split(',').map(Number);
    this.set = { validators: powers.map((power, index) => ({ address: validatorAddress(index),
      publicKey: new Uint8Array(32) as PublicKey, power })) };
    const self = args.get('self');
    const resumeRound = args.get('resume-round');
    const base = { kind: 'start-height' as const, height, validatorSet: this.set,
      proposerPriorities: initialProposerPriorities(this.set),
      self: self === undefined || self === 'none' ? null : this.address(self) };
    if (resumeRound === undefined) return base;
    return { ...base, resume: { round: asRound(Number(resumeRound)),
      locked: parseLock(args.get('locked')) } };
  }

  private vote(
    verb: 'prevote' | 'precommit', height: ReturnType<typeof asHeight>,
    round: ReturnType<typeof asRound>, args: Map<string, string>,
  ): SignedVote {
    const value = need(args, 'value');
    return { type: verb === 'prevote' ? VoteType.prevote : VoteType.precommit, height, round,
      blockHash: value === 'nil' ? null : valueHash(value),
      validator: this.address(need(args, 'from')), signature: new Uint8Array(64) };
  }

  private commit(
    height: ReturnType<typeof asHeight>, round: ReturnType<typeof asRound>,
    args: Map<string, string>,
  ): Commit {
    return { height, round, blockHash: valueHash(need(args, 'value')),
      signatures: need(args, 'signers').split(',').map((name) => ({
        validator: this.address(name), signature: new Uint8Array(64) })) };
  }

  /** Steps the engine, prints effects, then feeds own signed messages back like a shell. */
  private apply(input: Input): void {
    const queue: Input[] = [input];
    for (let fed = 0; queue.length > 0; fed++) {
      if (fed > feedbackMax) throw new Error('own messages keep feeding back');
      const next = queue.shift() as Input;
      if (fed > 0) this.output.push(outputPrefix + 'feed ' + describeInput(next, this));
      const result = step(this.state, next);
      this.state = result.state;
      for (const effect of result.effects) {
        this.output.push(outputPrefix + this.describeEffect(effect));
        const own = ownMessage(effect);
        if (own !== null) queue.push(own);
      }
    }
  }

  describeEffect(effect: Effect): string {
    switch (effect.kind) {
      case 'request-value': return `request-value h=${effect.height} r=${effect.round}`;
      case 'sign-and-broadcast-proposal': {
        const p = effect.proposal;
        return `sign proposal h=${p.height} r=${p.round} value=${valueName(p.blockHash)} ` +
          `pol=${p.polRound}`;
      }
      case 'sign-and-broadcast-vote': {
        const v = effect.vote;
        return `sign ${typeName(v.type)} h=${v.height} r=${v.round} ` +
          `value=${valueName(v.blockHash)}`;
      }
      case 'schedule-timeout': return `schedule-timeout h=${effect.height} r=${effect.round} ` +
        `step=${effect.step} ms=${effect.durationMs}`;
      case 'decide': return `decide h=${effect.height} r=${effect.round} ` +
        `value=${valueName(effect.blockHash)} signers=` +
        effect.commit.signatures.map((s) => this.name(s.validator)).join(',');
      case 'evidence': return `evidence ${this.name(effect.first.validator)} ` +
        `${typeName(effect.first.type)} h=${effect.first.height} r=${effect.first.round} ` +
        `${valueName(effect.first.blockHash)} vs ${valueName(effect.second.blockHash)}`;
    }
  }

  private describeState(): string {
    const s = this.state;
    const lock = (value: Hash | null, round: number): string =>
      value === null ? 'none' : `${valueName(value)}@${round}`;
    const decided = s.decision === null ? '' : ` decided=${valueName(s.decision.blockHash)}`;
    return `${outputPrefix}state phase=${s.phase} h=${s.height} r=${s.round} step=${s.step} ` +
      `locked=${lock(s.lockedValue, s.lockedRound)} valid=${lock(s.validValue, s.validRound)}` +
      decided;
  }

  private describeProposers(args: Map<string, string>): void {
    const set = this.set;
    if (set === null) throw new Error('proposers needs start first');
    const rounds = Number(args.get('rounds') ?? '4');
    const priorities = this.state.context?.proposerPriorities ?? initialProposerPriorities(set);
    const names: string[] = [];
    for (let round = 0; round < rounds; round++) {
      names.push(`r${round}=v${proposerIndexAt(set, priorities, round)}`);
    }
    this.output.push(outputPrefix + 'proposers ' + names.join(' '));
  }

  address(name: string): Address {
    const match = /^v(\d+)$/.exec(name);
    if (match === null) throw new Error(`validator names look like v0, got ${name}`);
    return validatorAddress(Number(match[1]));
  }

  name(address: Uint8Array): string {
    return `v${(address[0] ?? 0) - 1}`;
  }
}

function typeName(type: VoteType): string {
  return type === VoteType.prevote ? 'prevote' : 'precommit';
}

/** The input a shell feeds back after signing an own proposal or vote. */
function ownMessage(effect: Effect): Input | null {
  if (effect.kind === 'sign-and-broadcast-vote') {
    return { kind: 'vote', vote: { ...effect.vote, signature: new Uint8Array(64) } };
  }
  if (effect.kind === 'sign-and-broadcast-proposal') {
    const proposal: SignedProposal = { ...effect.proposal, signature: new Uint8Array(64) };
    return { kind: 'proposal', proposal, valid: true };
  }
  return null;
}

function describeInput(input: Input, interpreter: Interpreter): string {
  if (input.kind === 'vote') {
    const v = input.vote;
    return `${typeName(v.type)} h=${v.height} r=${v.round} from=${interpreter.name(v.validator)} ` +
      `value=${valueName(v.blockHash)}`;
  }
  if (input.kind === 'proposal') {
    const p = input.proposal;
    return `proposal h=${p.height} r=${p.round} from=${interpreter.name(p.proposer)} ` +
      `value=${valueName(p.blockHash)} pol=${p.polRound}`;
  }
  return input.kind;
}

function parseArgs(words: readonly string[]): Map<string, string> {
  const args = new Map<string, string>();
  for (const word of words) {
    const at = word.indexOf('=');
    if (at <= 0) throw new Error(`arguments look like key=value, got ${word}`);
    args.set(word.slice(0, at), word.slice(at + 1));
  }
  return args;
}

function need(args: Map<string, string>, key: string): string {
  const value = args.get(key);
  if (value === undefined) throw new Error(`missing ${key}=`);
  return value;
}

function parseLock(text: string | undefined): Lock | null {
  if (text === undefined || text === 'none') return null;
  const [value, round] = text.split('@');
  return { blockHash: valueHash(value ?? ''), round: asRound(Number(round)) };
}

/**
 * Runs a script and returns it with every command's output regenerated. Comment lines (#) and
 * blank lines are kept; old output lines are dropped and replaced.
 */
export function runScript(text: string): string {
  const interpreter = new Interpreter();
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith(outputPrefix) || line === '>') continue;
    lines.push(line);
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    try {
      lines.push(...interpreter.run(trimmed));
    } catch (error) {
      lines.push(`${outputPrefix}error: ${(error as Error).message}`);
    }
  }
  return lines.join('\n');
}
