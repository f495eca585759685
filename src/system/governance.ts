// The `governance` system contract: one proposal type for every decision the agencies take
// together. An admin of an active agency proposes (its agency's yes vote is recorded with the
// proposal); admins vote for their agency, one changeable vote per agency while the proposal is
// open. The policy in force for the kind when the proposal was created decides it: the moment a
// vote meets it, the effect is executed in that same transaction (status executed); when it can no
// longer be met, the proposal is rejected; once its deadline height has passed, the next propose
// or vote marks it expired (and queries already show it so).
//
// Agency records live here, not in `identity`, because governance is what writes them (a contract
// writes only its own namespace); member records live in `identity`. Voters are authorized by
// the sender identity the ledger resolved (ctx.senderAgency/senderRoles, see identity.ts).
import { ErrorCode, ZwError, bytesEqual, decode, encode } from '../core/index.js';
import type { CborValue } from '../core/index.js';
import type { CallContext, Contract, MethodSpec, QueryContext } from '../ledger/index.js';
import { badArguments, readBytes, readInteger, readRecord, readText } from './args.js';
import { planEffect, readParamOverrides, readPayload } from './governance-effects.js';
import { decodeAgency, listAgencies, requireAdmin } from './identity.js';
import type { SystemComponents } from './identity.js';
import {
  agencyKey, agencyListKey, governanceContractName, openProposalsKey, policyKey,
  proposalCountKey, proposalKey, proposalSequenceKey,
} from './keys.js';
import type { SystemStateRead } from './keys.js';
import { governanceLimits } from './limits.js';
import { defaultPolicy, evaluatePolicy, isProposalKind } from './policy.js';
import type { Policy, ProposalKind, Voter } from './policy.js';
import { readValidatorSchedule } from './schedule.js';

export type ProposalStatus = 'open' | 'approved' | 'rejected' | 'expired' | 'executed';

export interface ProposalVote {
  readonly yes: boolean;
  /** The admin who cast (or last changed) the agency's vote. */
  readonly voter: Uint8Array;
  readonly height: number;
}

/** governance `proposal/<id>`. */
export interface Proposal {
  /** Hash of ('zw/proposal/1', creating transaction's hash). */
  readonly id: Uint8Array;
  readonly sequence: number;
  readonly kind: ProposalKind;
  readonly payload: CborValue;
  readonly reason: string;
  readonly legalBasis: string;
  readonly proposer: string;
  readonly proposerAddress: Uint8Array;
  readonly createdHeight: number;
  /** The last height at which votes count. */
  readonly deadlineHeight: number;
  /** The policy in force for the kind at creation; later policy changes do not apply. */
  readonly policy: Policy;
  readonly status: ProposalStatus;
  /** By agency id. Votes of agencies no longer active stay recorded but do not count. */
  readonly votes: Readonly<Record<string, ProposalVote>>;
  readonly closedHeight: number | null;
  readonly executedHeight: number | null;
  /** Why an approved proposal's effect could not apply (status approved). */
  readonly executionError: string | null;
}

export function decodeProposal(bytes: Uint8Array): Proposal {
  return decode(bytes) as unknown as Proposal;
}

function proposalValue(proposal: Proposal): Uint8Array {
  return encode(proposal as unknown as CborValue);
}

interface ProposeArgs {
  readonly kind: ProposalKind;
  readonly payload: CborValue;
  readonly reason: string;
  readonly legalBasis: string;
  readonly deadlineBlocks: number;
}

/** Fixed cost of a proposal or vote on top of its state reads and writes. */
const proposeGas = 5_000;
const voteGas = 2_000;

function readProposeArgs(components: SystemComponents, args: CborValue): ProposeArgs {
  const record = readRecord(args, 'propose arguments',
    ['kind', 'payload', 'reason', 'legalBasis', 'deadlineBlocks']);
  if (!isProposalKind(record.kind)) throw badArguments('kind is not a proposal kind');
  if (record.payload === undefined || encode(record.payload).length >
      governanceLimits.payloadBytesMax) {
    throw badArguments(`payload is missing or exceeds ${governanceLimits.payloadBytesMax} bytes`);
  }
  return {
    kind: record.kind,
    payload: readPayload(components.suite, record.kind, record.payload),
    reason: readText(record.reason, 'reason', governanceLimits.reasonBytesMax),
    legalBasis: readText(record.legalBasis, 'legalBasis', governanceLimits.legalBasisBytesMax),
    deadlineBlocks: readInteger(record.deadlineBlocks, 'deadlineBlocks',
      governanceLimits.proposalWindowHeightsMin, governanceLimits.proposalWindowHeightsMax),
  };
}

function readVoteArgs(args: CborValue): { id: Uint8Array; yes: boolean } {
  const record = readRecord(args, 'vote arguments', ['id', 'vote']);
  if (record.vote !== 'yes' && record.vote !== 'no') throw badArguments('vote must be yes or no');
  return { id: readBytes(record.id, 'id', 32), yes: record.vote === 'yes' };
}

/** The policy in force for `kind`: a set-policy override, else the strict default. */
export function policyFor(get: (key: Uint8Array) => Uint8Array | undefined,
  kind: ProposalKind): Policy {
  const stored = get(policyKey(kind));
  return stored === undefined ? defaultPolicy(kind) : (decode(stored) as unknown as Policy);
}

/** The active agencies with their current votes on `proposal`. */
function electorate(ctx: CallContext, proposal: Proposal): Voter[] {
  const stored = ctx.state.get(agencyListKey);
  const ids = stored === undefined ? [] : (decode(stored) as string[]);
  const voters: Voter[] = [];
  for (const id of ids) {
    const agency = ctx.state.get(agencyKey(id));
    if (agency === undefined) continue;
    const record = decodeAgency(agency);
    if (record.status !== 'active') continue;
    voters.push({ agency: id, weight: record.weight, vote: proposal.votes[id]?.yes });
  }
  return voters;
}

class Governance {
  constructor(private readonly components: SystemComponents) {}

  private admin(ctx: CallContext): string {
    return requireAdmin(ctx);
  }

  propose(ctx: CallContext, args: CborValue): CborValue {
    const input = readProposeArgs(this.components, args);
    const agency = this.admin(ctx);
    ctx.chargeGas(proposeGas);
    const open = this.sweep(ctx);
    if (open.length >= governanceLimits.openProposalsMax) {
      throw new ZwError(ErrorCode.TOO_LARGE, 'too many open proposals; vote on those first');
    }
    const id = this.components.suite.hash(encode(['zw/proposal/1', ctx.txHash]));
    const countBytes = ctx.state.get(proposalCountKey);
    const sequence = countBytes === undefined ? 0 : (decode(countBytes) as number);
    const proposal: Proposal = {
      id, sequence, kind: input.kind, payload: input.payload, reason: input.reason,
      legalBasis: input.legalBasis, proposer: agency, proposerAddress: ctx.sender,
      createdHeight: ctx.height, deadlineHeight: ctx.height + input.deadlineBlocks,
      policy: policyFor((key) => ctx.state.get(key), input.kind), status: 'open',
      votes: { [agency]: { yes: true, voter: ctx.sender, height: ctx.height } },
      closedHeight: null, executedHeight: null, executionError: null,
    };
    ctx.state.set(proposalCountKey, encode(sequence + 1));
    ctx.state.set(proposalSequenceKey(sequence), id);
    ctx.emit('ProposalCreated', { id, kind: input.kind, proposer: agency,
      deadlineHeight: proposal.deadlineHeight });
    const settled = this.settle(ctx, proposal);
    ctx.state.set(proposalKey(id), proposalValue(settled));
    if (settled.status === 'open') ctx.state.set(openProposalsKey, encode([...open, id]));
    return { id, status: settled.status };
  }

  vote(ctx: CallContext, args: CborValue): CborValue {
    const { id, yes } = readVoteArgs(args);
    const agency = this.admin(ctx);
    ctx.chargeGas(voteGas);
    const before = ctx.state.get(proposalKey(id));
    if (before === undefined) throw new ZwError(ErrorCode.NOT_FOUND, 'no such proposal');
    const wasOpen = decodeProposal(before).status === 'open';
    const open = this.sweep(ctx);
    const proposal = decodeProposal(ctx.state.get(proposalKey(id)) as Uint8Array);
    if (proposal.status === 'expired' && wasOpen) return { id, status: 'expired' };
    if (proposal.status !== 'open') {
      throw new ZwError(ErrorCode.CONTRACT_FAILED, `proposal is ${proposal.status}`);
    }
    const voted: Proposal = { ...proposal, votes: { ...proposal.votes,
      [agency]: { yes, voter: ctx.sender, height: ctx.height } } };
    ctx.emit('Voted', { id, agency, vote: yes ? 'yes' : 'no', voter: ctx.sender });
    const settled = this.settle(ctx, voted);
    ctx.state.set(proposalKey(id), proposalValue(settled));
    if (settled.status !== 'open') {
      ctx.state.set(openProposalsKey, encode(open.filter((item) => !bytesEqual(item, id))));
    }
    return { id, status: settled.status };
  }

  /** Marks open proposals past their deadline as expired; returns the ids still open. */
  private sweep(ctx: CallContext): Uint8Array[] {
    const stored = ctx.state.get(openProposalsKey);
    const open = stored === undefined ? [] : (decode(stored) as Uint8Array[]);
    const still: Uint8Array[] = [];
    let closed = 0;
    for (const id of open) {
      const proposal = decodeProposal(ctx.state.get(proposalKey(id)) as Uint8Array);
      const due = ctx.height > proposal.deadlineHeight;
      if (due && closed < governanceLimits.expirySweepProposalsMax) {
        closed += 1;
        ctx.state.set(proposalKey(id), proposalValue({ ...proposal, status: 'expired',
          closedHeight: ctx.height }));
        ctx.emit('ProposalExpired', { id, kind: proposal.kind });
      } else {
        still.push(id);
      }
    }
    if (closed > 0) ctx.state.set(openProposalsKey, encode(still));
    return still;
  }

  /** Counts the votes; executes or rejects the proposal when the policy decides it. */
  private settle(ctx: CallContext, proposal: Proposal): Proposal {
    const outcome = evaluatePolicy(proposal.policy, electorate(ctx, proposal));
    if (outcome === 'pending') return proposal;
    if (outcome === 'failed') {
      ctx.emit('ProposalRejected', { id: proposal.id, kind: proposal.kind });
      return { ...proposal, status: 'rejected', closedHeight: ctx.height };
    }
    let apply: () => void;
    try {
      apply = planEffect({ ctx, read: this.components.read, suite: this.components.suite,
        proposalId: proposal.id, proposer: proposal.proposer }, proposal.kind, proposal.payload);
    } catch (error) {
      if (!(error instanceof ZwError) || error.code === ErrorCode.OUT_OF_GAS) throw error;
      ctx.emit('ProposalApproved', { id: proposal.id, kind: proposal.kind,
        error: error.message.slice(0, 512) });
      return { ...proposal, status: 'approved', closedHeight: ctx.height,
        executionError: error.message.slice(0, 512) };
    }
    apply();
    ctx.emit('ProposalExecuted', { id: proposal.id, kind: proposal.kind, height: ctx.height });
    return { ...proposal, status: 'executed', closedHeight: ctx.height,
      executedHeight: ctx.height };
  }
}

/**
 * A proposal as of `height`: an open one whose deadline has passed shows as expired, because no
 * vote can reach it any more (the next block is past its deadline).
 */
export function proposalAt(proposal: Proposal, height: number): Proposal {
  return proposal.status === 'open' && height >= proposal.deadlineHeight
    ? { ...proposal, status: 'expired' } : proposal;
}

function queryProposal(ctx: QueryContext, args: CborValue): CborValue {
  const id = readBytes(readRecord(args, 'proposal arguments', ['id']).id, 'id', 32);
  const stored = ctx.state.get(proposalKey(id));
  return stored === undefined ? null
    : proposalAt(decodeProposal(stored), ctx.height) as unknown as CborValue;
}

/** The newest proposals first, up to proposalListMax, optionally of one (displayed) status. */
function queryProposals(ctx: QueryContext, args: CborValue): CborValue {
  const record = readRecord(args ?? {}, 'proposals arguments', ['status', 'limit']);
  const status = record.status;
  if (status !== undefined && !['open', 'approved', 'rejected', 'expired', 'executed']
    .includes(status as string)) {
    throw badArguments('status must be open, approved, rejected, expired or executed');
  }
  const limit = record.limit === undefined ? governanceLimits.proposalListMax
    : readInteger(record.limit, 'limit', 1, governanceLimits.proposalListMax);
  const countBytes = ctx.state.get(proposalCountKey);
  const count = countBytes === undefined ? 0 : (decode(countBytes) as number);
  const out: CborValue[] = [];
  // Bounded scan of the newest proposals, so a query's cost never grows with chain age.
  const scanMax = governanceLimits.proposalListMax * 4;
  for (let sequence = count - 1; sequence >= 0 && count - sequence <= scanMax; sequence--) {
    const id = ctx.state.get(proposalSequenceKey(sequence));
    const stored = id === undefined ? undefined : ctx.state.get(proposalKey(id));
    if (stored === undefined) continue;
    const proposal = proposalAt(decodeProposal(stored), ctx.height);
    if (status === undefined || proposal.status === status) {
      out.push(proposal as unknown as CborValue);
    }
    if (out.length >= limit) break;
  }
  return out;
}

function ownReader(ctx: QueryContext): SystemStateRead {
  return (contract, key) => (contract === governanceContractName ? ctx.state.get(key)
    : undefined);
}

function queries(): [string, MethodSpec][] {
  const query = (run: (ctx: QueryContext, args: CborValue) => CborValue): MethodSpec =>
    ({ kind: 'query', run });
  return [
    ['proposal', query(queryProposal)],
    ['proposals', query(queryProposals)],
    ['policy', query((ctx, args) => {
      const kind = readRecord(args, 'policy arguments', ['kind']).kind;
      if (!isProposalKind(kind)) throw badArguments('kind is not a proposal kind');
      return policyFor((key) => ctx.state.get(key), kind) as unknown as CborValue;
    })],
    ['agency', query((ctx, args) => {
      const id = readRecord(args, 'agency arguments', ['id']).id;
      if (typeof id !== 'string') throw badArguments('agency takes {id: string}');
      const stored = ctx.state.get(agencyKey(id));
      return stored === undefined ? null : decode(stored);
    })],
    ['agencies', query((ctx) => listAgencies(ownReader(ctx)))],
    ['validatorSchedule', query((ctx) =>
      readValidatorSchedule(ownReader(ctx)) as unknown as CborValue)],
    ['params', query((ctx) => readParamOverrides(ownReader(ctx)) as unknown as CborValue)],
  ];
}

/** The `governance` contract; see identity.ts for what `components.read` must read. */
export function governanceContract(components: SystemComponents): Contract {
  const governance = new Governance(components);
  const propose: MethodSpec = { kind: 'tx', run: (ctx, args) => governance.propose(ctx, args),
    checkArgs: (args) => { readProposeArgs(components, args); } };
  const vote: MethodSpec = { kind: 'tx', run: (ctx, args) => governance.vote(ctx, args),
    checkArgs: (args) => { readVoteArgs(args); } };
  return {
    name: governanceContractName,
    methods: new Map<string, MethodSpec>([['propose', propose], ['vote', vote], ...queries()]),
  };
}
