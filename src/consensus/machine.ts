// The consensus engine's entry point: `step(state, input) -> { state, effects }`, a synchronous
// pure function in the style of etcd raft. It admits or drops each input (peer input is never
// trusted to be well formed, in range or from the right validator), records it, and lets the
// rules of rules.ts fire.
//
// EFFECT ORDERING CONTRACT. The shell performs a step's effects in list order, completely,
// BEFORE it feeds the next input; messages it must feed back (own proposals and votes) are
// queued and fed AFTER the list is done. For a sign-and-broadcast effect it MUST:
//   1. check the signer state and refuse anything that conflicts with an earlier signature,
//   2. persist the new signer state durably (fsync) BEFORE the signature leaves the node: the
//      height, round and step, the signed message itself, and for a locking precommit the lock
//      and its polka (see SignVoteEffect and ResumePoint),
//   3. broadcast the signed message,
//   4. feed it back as an input (apply).
// For `decide` it MUST make the block and commit durable BEFORE reporting the block to clients
// and BEFORE sending `start-height` for the next height. `schedule-timeout` and `evidence` have
// no durability requirement; a timeout lost in a crash is re-created by the restarted round.
import { VoteType, assert, bytesEqual, checkValidatorSet, hashBytes, isSupermajority,
  unreachable } from '../core/index.js';
import type { Height, Round, SignedProposal, SignedVote } from '../core/index.js';
import { resolveConsensusInit } from './options.js';
import type { ConsensusInit } from './options.js';
import { ProposerSchedule } from './proposer.js';
import {
  addVote, allVotes, emptyRound, findProposal, hasSent, tallyOf, withTally,
} from './tally.js';
import {
  applyRules, castVote, clearFlags, contextOf, decide, propose, startRound,
} from './rules.js';
import type { Draft } from './rules.js';
import type {
  CommitInput, ConsensusState, Effect, Input, NextHeightMessage, ProposalInput, RoundRecord,
  StartHeightInput, StepResult, TimeoutInput, ValueInput, VoteInput,
} from './types.js';

/** The state before the first `start-height`. */
export function initialState(init?: ConsensusInit): ConsensusState {
  return {
    options: resolveConsensusInit(init), phase: 'idle', height: 0 as Height, round: 0 as Round,
    step: 'propose', context: null, lockedValue: null, lockedRound: -1, validValue: null,
    validRound: -1, rounds: new Map(), flags: clearFlags, awaitingValue: false,
    nextHeightMessages: [], decision: null,
  };
}

/** Applies one input. Pure: `state` is not modified, and equal inputs give equal outputs. */
export function step(state: ConsensusState, input: Input): StepResult {
  const draft: Draft = { ...state };
  const effects: Effect[] = [];
  switch (input.kind) {
    case 'start-height': onStartHeight(draft, effects, input); break;
    case 'proposal': onProposal(draft, effects, input); break;
    case 'vote': onVote(draft, effects, input); break;
    case 'timeout': onTimeout(draft, effects, input); break;
    case 'value-for-proposal': onValue(draft, effects, input); break;
    case 'commit': onCommit(draft, effects, input); break;
    default: unreachable(input);
  }
  assert(draft.phase === 'idle' || draft.context !== null, 'a running engine has a height');
  return { state: draft, effects };
}

function onStartHeight(draft: Draft, effects: Effect[], input: StartHeightInput): void {
  assert(draft.phase === 'idle' || input.height > draft.height, 'heights only move forward');
  checkValidatorSet(input.validatorSet);
  const replay = draft.phase !== 'idle' && input.height === draft.height + 1
    ? draft.nextHeightMessages : [];
  const validators = input.validatorSet.validators;
  const self = input.self;
  const selfIndex = self === null ? -1 : validators.findIndex((v) => bytesEqual(v.address, self));
  Object.assign(draft, initialState(draft.options), {
    phase: 'running', height: input.height,
    context: { validatorSet: input.validatorSet, totalPower: totalOf(input), selfIndex,
      proposerPriorities: input.proposerPriorities,
      schedule: new ProposerSchedule(input.validatorSet, input.proposerPriorities) },
  });
  const locked = input.resume?.locked ?? null;
  if (locked !== null) {
    assert(input.resume !== undefined && locked.round <= input.resume.round,
      'a lock is never newer than the last signed round');
    draft.lockedValue = locked.blockHash;
    draft.validValue = locked.blockHash;
    draft.lockedRound = locked.round;
    draft.validRound = locked.round;
  }
  startRound(draft, effects, input.resume?.round ?? (0 as Round));
  applyRules(draft, effects, null);
  for (const message of replay) {
    if (message.kind === 'proposal') onProposal(draft, effects, message);
    else onVote(draft, effects, message);
  }
}

function totalOf(input: StartHeightInput): number {
  let total = 0;
  for (const validator of input.validatorSet.validators) total += validator.power;
  assert(total > 0, 'a validator set has power');
  return total;
}

/** Holds a message for the next height (bounded); drops anything else not for this height. */
function admitHeight(draft: Draft, message: NextHeightMessage, height: number): boolean {
  if (draft.phase === 'idle') return false;
  if (height === draft.height + 1) {
    // Beyond the bound messages are dropped; peers gossip them again once we are there.
    if (draft.nextHeightMessages.length < draft.options.nextHeightMessagesMax) {
      draft.nextHeightMessages = [...draft.nextHeightMessages, message];
    }
    assert(draft.nextHeightMessages.length <= draft.options.nextHeightMessagesMax,
      'next-height messages stay bounded');
    return false;
  }
  return draft.phase === 'running' && height === draft.height;
}

/**
 * Admits a message of `round` from validator `index`: not too far ahead, not long pruned, and
 * within the validator's allowance of future rounds, so a peer cannot make us hold many rounds.
 */
function admitRound(draft: Draft, round: number, index: number): boolean {
  const options = draft.options;
  assert(index >= 0 && index < contextOf(draft).validatorSet.validators.length,
    'the sender is a validator');
  if (!Number.isSafeInteger(round) || round < 0) return false;
  if (round > draft.round + options.roundsAheadMax) return false;
  if (round < draft.round - options.roundsKeptMax && round !== draft.lockedRound
    && round !== draft.validRound) return false;
  if (round <= draft.round) return true;
  const schedule = contextOf(draft).schedule;
  const record = draft.rounds.get(round);
  if (record !== undefined && hasSent(record, index, schedule.proposerAt(round))) return true;
  let occupied = 0;
  for (const [other, otherRecord] of draft.rounds) {
    if (other > draft.round && hasSent(otherRecord, index, schedule.proposerAt(other))) {
      occupied++;
    }
  }
  return occupied < options.futureRoundsPerValidatorMax;
}

function recordOf(draft: Draft, round: number): RoundRecord {
  return draft.rounds.get(round) ?? emptyRound(contextOf(draft).validatorSet.validators.length);
}

function setRecord(draft: Draft, round: number, record: RoundRecord): void {
  const rounds = new Map(draft.rounds);
  rounds.set(round, record);
  draft.rounds = rounds;
}

function onProposal(draft: Draft, effects: Effect[], input: ProposalInput): void {
  const proposal: SignedProposal = input.proposal;
  if (!admitHeight(draft, input, proposal.height)) return;
  const context = contextOf(draft);
  const proposer = context.validatorSet.validators.findIndex((validator) =>
    bytesEqual(validator.address, proposal.proposer));
  if (proposer < 0 || !admitRound(draft, proposal.round, proposer)) return;
  if (!Number.isSafeInteger(proposal.polRound) || proposal.polRound < -1
    || proposal.polRound >= proposal.round || proposal.blockHash.length !== hashBytes) return;
  // Only proposer(h, r) may propose in round r; the schedule is the same on every node.
  if (context.schedule.proposerAt(proposal.round) !== proposer) return;
  const record = recordOf(draft, proposal.round);
  if (findProposal(record, proposal.blockHash, proposal.polRound) !== undefined) return;
  if (record.proposals.length >= draft.options.proposalsPerRoundMax) return;
  setRecord(draft, proposal.round, { ...record,
    proposals: [...record.proposals, { proposal, valid: input.valid }] });
  assert(recordOf(draft, proposal.round).proposals.length <= draft.options.proposalsPerRoundMax,
    'proposals per round stay bounded');
  applyRules(draft, effects, proposal.round);
}

function onVote(draft: Draft, effects: Effect[], input: VoteInput): void {
  const vote: SignedVote = input.vote;
  if (!admitHeight(draft, input, vote.height)) return;
  if (vote.type !== VoteType.prevote && vote.type !== VoteType.precommit) return;
  if (vote.blockHash !== null && vote.blockHash.length !== hashBytes) return;
  const context = contextOf(draft);
  const index = context.validatorSet.validators.findIndex((validator) =>
    bytesEqual(validator.address, vote.validator));
  if (index < 0 || !admitRound(draft, vote.round, index)) return;
  const record = recordOf(draft, vote.round);
  const outcome = addVote(tallyOf(record, vote.type), index, vote,
    draft.options.conflictingVotesPerValidatorMax);
  if (outcome.kind === 'duplicate') return;
  setRecord(draft, vote.round, withTally(record, vote.type, outcome.tally));
  assert(tallyOf(recordOf(draft, vote.round), vote.type).conflicting.length
    <= draft.options.conflictingVotesPerValidatorMax * context.validatorSet.validators.length,
  'conflicting votes stay bounded');
  // A conflicting vote counts too (see VoteTally); it is reported once per validator and slot.
  if (outcome.kind === 'conflict' && outcome.report) {
    effects.push({ kind: 'evidence', first: outcome.first, second: vote });
  }
  applyRules(draft, effects, vote.round);
}

/** OnTimeoutPropose, OnTimeoutPrevote, OnTimeoutPrecommit (lines 57-67). */
function onTimeout(draft: Draft, effects: Effect[], input: TimeoutInput): void {
  if (draft.phase !== 'running' || input.height !== draft.height || input.round !== draft.round) {
    return;
  }
  if (input.step === 'propose' && draft.step === 'propose') {
    castVote(draft, effects, VoteType.prevote, null);
    draft.step = 'prevote';
  } else if (input.step === 'prevote' && draft.step === 'prevote') {
    castVote(draft, effects, VoteType.precommit, null);
    draft.step = 'precommit';
  } else if (input.step === 'precommit') {
    startRound(draft, effects, (draft.round + 1) as Round);
  } else {
    return;
  }
  applyRules(draft, effects, null);
}

/** The answer to getValue(): propose it unless the round or step has moved on meanwhile. */
function onValue(draft: Draft, effects: Effect[], input: ValueInput): void {
  if (draft.phase !== 'running' || !draft.awaitingValue || input.height !== draft.height
    || input.round !== draft.round || draft.step !== 'propose') return;
  assert(input.blockHash.length === hashBytes, 'the shell builds well-formed block hashes');
  draft.awaitingValue = false;
  // A polka seen while the block was being built takes precedence, as StartRound would have.
  if (draft.validValue !== null) propose(draft, effects, draft.validValue, draft.validRound);
  else propose(draft, effects, input.blockHash, -1);
}

/** A commit verified by the shell decides the height even if we missed its votes. */
function onCommit(draft: Draft, effects: Effect[], input: CommitInput): void {
  const commit = input.commit;
  if (draft.phase !== 'running' || commit.height !== draft.height || !input.valid
    || commit.blockHash.length !== hashBytes) return;
  const { validatorSet, totalPower } = contextOf(draft);
  const seen = new Set<number>();
  let power = 0;
  for (const entry of commit.signatures) {
    const index = validatorSet.validators.findIndex((v) => bytesEqual(v.address, entry.validator));
    if (index < 0 || seen.has(index)) return;
    seen.add(index);
    power += (validatorSet.validators[index] as { power: number }).power;
  }
  if (!isSupermajority(power, totalPower)) return;
  decide(draft, effects, commit);
}

/**
 * Signed messages of the current height a stalled node should send again, so that after the
 * network heals every correct node sees what any correct node saw (the paper's gossip
 * assumption). It covers the current and previous round and the locked and valid rounds, whose
 * polkas a re-proposal needs. Own messages are included; the shell may add its own buffer.
 */
export function gossipMessages(state: ConsensusState): {
  proposals: SignedProposal[]; votes: SignedVote[];
} {
  const proposals: SignedProposal[] = [];
  const votes: SignedVote[] = [];
  if (state.phase !== 'running') return { proposals, votes };
  const rounds = [...new Set([state.round, state.round - 1, state.lockedRound, state.validRound])]
    .filter((round) => round >= 0).sort((a, b) => a - b);
  for (const round of rounds) {
    const record = state.rounds.get(round);
    if (record === undefined) continue;
    for (const entry of record.proposals) proposals.push(entry.proposal);
    votes.push(...allVotes(record.prevotes), ...allVotes(record.precommits));
  }
  assert(rounds.length <= 4, 'gossip covers at most four rounds');
  return { proposals, votes };
}

/** The address of proposer(height, round) for the engine's current height. */
export function proposerOf(state: ConsensusState, round: number): Uint8Array {
  const context = state.context;
  assert(context !== null, 'a height has been started');
  const validator = context.validatorSet.validators[context.schedule.proposerAt(round)];
  assert(validator !== undefined, 'the proposer is in the set');
  return validator.address;
}
