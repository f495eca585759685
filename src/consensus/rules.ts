// The "upon" rules of Algorithm 1 (Buchman, Kwon, Milosevic 2018), applied to a draft state until
// none fires. Line numbers in comments are the paper's. Each rule guards itself with the paper's
// step condition or a "for the first time" flag, so evaluating them repeatedly is idempotent; the
// fixed evaluation order below only fixes the order of the effects.
//
// Two deliberate additions to the paper live here, both only about which value a correct
// proposer offers or when (proposals are untrusted input to every receiver, so no choice of a
// proposer's value can break safety): the proposer also schedules timeoutPropose (see
// startRound), and a polka seen late for an earlier round still updates validValue/validRound
// (see tryPolkaInEarlierRound). README.md lists every difference from the paper.
import { VoteType, assert, isSupermajority } from '../core/index.js';
import type { Hash, Height, Round, SignedVote } from '../core/index.js';
import { nextHeightProposerPriorities } from './proposer.js';
import { emptyRound, powerAny, powerFor, powerOfSenders, sameValue, votesFor } from './tally.js';
import type {
  ConsensusState, Effect, HeightContext, RoundFlags, RoundRecord, Step,
} from './types.js';
import type { Commit } from '../core/index.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A shallow copy of the state that handlers update field by field; inputs are never mutated. */
export type Draft = Mutable<ConsensusState>;

export const clearFlags: RoundFlags = {
  prevoteTimeoutScheduled: false, precommitTimeoutScheduled: false, polkaValueSeen: false,
};

export function contextOf(draft: Draft): HeightContext {
  assert(draft.context !== null, 'a height has been started');
  return draft.context;
}

/**
 * Fires rules until none applies. `touchedRound` is the round of the message just recorded:
 * only its arrival can complete a decision (line 49) or a round skip (line 55) there, while the
 * current round's rules are always re-checked.
 */
export function applyRules(draft: Draft, effects: Effect[], touchedRound: number | null): void {
  const firingsMax = draft.options.ruleFiringsPerStepMax;
  for (let firings = 0; ; firings++) {
    assert(firings <= firingsMax, 'rules reach a fixed point');
    if (draft.phase !== 'running') return;
    if (touchedRound !== null && tryDecide(draft, effects, touchedRound)) continue;
    if (touchedRound !== null && tryRoundSkip(draft, effects, touchedRound)) continue;
    if (touchedRound !== null && tryPolkaInEarlierRound(draft, touchedRound)) continue;
    if (tryCurrentRound(draft, effects)) continue;
    return;
  }
}

/** Line 49: a valid proposal of round r and >2/3 precommits for it in r decide, in any round. */
function tryDecide(draft: Draft, effects: Effect[], round: number): boolean {
  const record = draft.rounds.get(round);
  if (record === undefined) return false;
  const { validatorSet, totalPower } = contextOf(draft);
  for (const entry of record.proposals) {
    if (!entry.valid) continue;
    const value = entry.proposal.blockHash;
    if (!isSupermajority(powerFor(record.precommits, validatorSet, value), totalPower)) continue;
    const votes = votesFor(record.precommits, validatorSet, value);
    decide(draft, effects, commitOf(draft.height, round as Round, value, votes));
    return true;
  }
  return false;
}

/** Line 55: messages from more than 1/3 of the power in a higher round pull us into it. */
function tryRoundSkip(draft: Draft, effects: Effect[], round: number): boolean {
  if (round <= draft.round) return false;
  const record = draft.rounds.get(round);
  if (record === undefined) return false;
  const context = contextOf(draft);
  const proposer = context.schedule.proposerAt(round);
  const power = powerOfSenders(record, context.validatorSet, proposer);
  if (power * 3 <= context.totalPower) return false;
  startRound(draft, effects, round as Round);
  return true;
}

/**
 * Not in the paper: a valid proposal and its polka in an earlier round r > validRound, seen only
 * after we left r, become our valid value. The paper updates validValue only for the current
 * round (line 36), so a lock formed where only some correct nodes saw the polka in time can be
 * released only when the locked node itself proposes, up to a whole weighted proposer rotation
 * later. With this rule any correct proposer that has since seen the polka re-proposes that value
 * citing r, which the locked node accepts (line 28); receivers check the polka themselves.
 */
function tryPolkaInEarlierRound(draft: Draft, round: number): boolean {
  if (round >= draft.round || round <= draft.validRound) return false;
  const record = draft.rounds.get(round);
  if (record === undefined) return false;
  const { validatorSet, totalPower } = contextOf(draft);
  for (const entry of record.proposals) {
    const value = entry.proposal.blockHash;
    if (!entry.valid
      || !isSupermajority(powerFor(record.prevotes, validatorSet, value), totalPower)) continue;
    assert(round > draft.validRound, 'the valid round only moves forward');
    draft.validValue = value;
    draft.validRound = round;
    return true;
  }
  return false;
}

/** Lines 22-48: the rules about the current round, each behind its step or first-time guard. */
function tryCurrentRound(draft: Draft, effects: Effect[]): boolean {
  const { validatorSet, totalPower } = contextOf(draft);
  const record = draft.rounds.get(draft.round) ?? emptyRound(validatorSet.validators.length);
  if (draft.step === 'propose' && tryPrevoteProposal(draft, effects, record)) return true;
  if (draft.step === 'prevote' && !draft.flags.prevoteTimeoutScheduled
    && isSupermajority(powerAny(record.prevotes, validatorSet), totalPower)) {
    // Line 34: >2/3 prevotes for anything; wait a while for a polka before precommitting nil.
    draft.flags = { ...draft.flags, prevoteTimeoutScheduled: true };
    scheduleTimeout(draft, effects, 'prevote');
    return true;
  }
  if (draft.step !== 'propose' && !draft.flags.polkaValueSeen
    && tryPolkaForValue(draft, effects, record)) return true;
  if (draft.step === 'prevote'
    && isSupermajority(powerFor(record.prevotes, validatorSet, null), totalPower)) {
    // Line 44: a polka for nil; nothing can be decided in this round.
    castVote(draft, effects, VoteType.precommit, null);
    draft.step = 'precommit';
    return true;
  }
  if (!draft.flags.precommitTimeoutScheduled
    && isSupermajority(powerAny(record.precommits, validatorSet), totalPower)) {
    // Line 47: >2/3 precommits for anything; give the round a last chance, then move on.
    draft.flags = { ...draft.flags, precommitTimeoutScheduled: true };
    scheduleTimeout(draft, effects, 'precommit');
    return true;
  }
  return false;
}

/**
 * Lines 22 and 28: prevote the round's proposal if it is valid and our lock allows it. A fresh
 * proposal (polRound -1) is acceptable if we are unlocked or locked on it; a re-proposal with a
 * polka in polRound is acceptable if our lock is no newer than that polka.
 */
function tryPrevoteProposal(draft: Draft, effects: Effect[], record: RoundRecord): boolean {
  assert(draft.step === 'propose', 'prevote a proposal only from the propose step');
  const { validatorSet, totalPower } = contextOf(draft);
  for (const entry of record.proposals) {
    const { blockHash, polRound } = entry.proposal;
    let acceptable: boolean;
    if (polRound === -1) {
      acceptable = draft.lockedRound === -1 || sameValue(draft.lockedValue, blockHash);
    } else {
      assert(polRound >= 0 && polRound < draft.round, 'admitted polRound precedes its round');
      const polka = draft.rounds.get(polRound);
      if (polka === undefined) continue;
      if (!isSupermajority(powerFor(polka.prevotes, validatorSet, blockHash), totalPower)) continue;
      acceptable = draft.lockedRound <= polRound || sameValue(draft.lockedValue, blockHash);
    }
    castVote(draft, effects, VoteType.prevote, entry.valid && acceptable ? blockHash : null);
    draft.step = 'prevote';
    return true;
  }
  return false;
}

/**
 * Line 36: a valid proposal of this round with a polka for it. In the prevote step we lock on it
 * and precommit it; in any later step we only remember it as the valid value, which a future
 * proposal of ours re-proposes with this round as its polRound.
 */
function tryPolkaForValue(draft: Draft, effects: Effect[], record: RoundRecord): boolean {
  const { validatorSet, totalPower } = contextOf(draft);
  for (const entry of record.proposals) {
    if (!entry.valid) continue;
    const value = entry.proposal.blockHash;
    if (!isSupermajority(powerFor(record.prevotes, validatorSet, value), totalPower)) continue;
    if (draft.step === 'prevote') {
      draft.lockedValue = value;
      draft.lockedRound = draft.round;
      castVote(draft, effects, VoteType.precommit, value,
        votesFor(record.prevotes, validatorSet, value));
      draft.step = 'precommit';
    }
    draft.validValue = value;
    draft.validRound = draft.round;
    draft.flags = { ...draft.flags, polkaValueSeen: true };
    return true;
  }
  return false;
}

/**
 * StartRound (lines 11-21). Unlike the paper, the proposer also schedules timeoutPropose, as
 * CometBFT does, so a shell slow to answer `request-value` cannot stall the proposer's round.
 */
export function startRound(draft: Draft, effects: Effect[], round: Round): void {
  assert(round >= draft.round, 'rounds only move forward');
  assert(draft.phase === 'running', 'start a round only while running');
  const context = contextOf(draft);
  draft.round = round;
  draft.step = 'propose';
  draft.flags = clearFlags;
  draft.awaitingValue = false;
  const proposer = context.schedule.proposerAt(round);
  if (context.selfIndex >= 0 && proposer === context.selfIndex) {
    if (draft.validValue === null) {
      draft.awaitingValue = true;
      effects.push({ kind: 'request-value', height: draft.height, round });
    } else if (draft.validRound < round) {
      // The validRound < round test only fails right after a restart inside the round we last
      // signed in; we proposed then already, and the signer would refuse a second proposal.
      propose(draft, effects, draft.validValue, draft.validRound);
    }
  }
  scheduleTimeout(draft, effects, 'propose');
  pruneRounds(draft);
}

/** Emits our proposal for the current round; the shell feeds it back once signed. */
export function propose(draft: Draft, effects: Effect[], value: Hash, polRound: number): void {
  const context = contextOf(draft);
  assert(polRound >= -1 && polRound < draft.round, 'polRound precedes the round');
  const self = context.validatorSet.validators[context.selfIndex];
  assert(self !== undefined, 'only a validator proposes');
  effects.push({ kind: 'sign-and-broadcast-proposal', proposal: {
    height: draft.height, round: draft.round, polRound, blockHash: value, proposer: self.address,
  } });
}

/** Emits our vote for the current round; a node that does not vote only changes step. */
export function castVote(
  draft: Draft, effects: Effect[], type: VoteType, value: Hash | null,
  polka: readonly SignedVote[] = [],
): void {
  const context = contextOf(draft);
  assert(type === VoteType.prevote || type === VoteType.precommit, 'known vote type');
  const self = context.validatorSet.validators[context.selfIndex];
  if (self === undefined) return;
  assert(polka.length === 0 || (type === VoteType.precommit && value !== null),
    'only a lock comes with a polka');
  effects.push({ kind: 'sign-and-broadcast-vote', vote: {
    type, height: draft.height, round: draft.round, blockHash: value, validator: self.address,
  }, polka });
}

/** Timeouts grow linearly with the round, so after GST some round outlasts the network delay. */
export function scheduleTimeout(draft: Draft, effects: Effect[], step: Step): void {
  const options = draft.options;
  const base = step === 'propose' ? options.timeoutProposeMs
    : step === 'prevote' ? options.timeoutPrevoteMs : options.timeoutPrecommitMs;
  const durationMs = base + draft.round * options.timeoutDeltaMs;
  assert(Number.isSafeInteger(durationMs) && durationMs > 0, 'timeout is a positive integer');
  effects.push({ kind: 'schedule-timeout', height: draft.height, round: draft.round, step,
    durationMs });
}

/** Records the decision; the engine then waits for `start-height` of the next height. */
export function decide(draft: Draft, effects: Effect[], commit: Commit): void {
  assert(draft.phase === 'running' && draft.decision === null, 'decide once per height');
  assert(commit.height === draft.height, 'commit is for this height');
  const context = contextOf(draft);
  draft.phase = 'decided';
  draft.decision = { round: commit.round, blockHash: commit.blockHash, commit };
  draft.awaitingValue = false;
  effects.push({ kind: 'decide', height: draft.height, round: commit.round,
    blockHash: commit.blockHash, commit,
    nextProposerPriorities: nextHeightProposerPriorities(context.validatorSet,
      context.proposerPriorities) });
}

export function commitOf(
  height: Height, round: Round, value: Hash, votes: readonly SignedVote[],
): Commit {
  assert(votes.length > 0, 'a commit has signatures');
  return { height, round, blockHash: value,
    signatures: votes.map((vote) => ({ validator: vote.validator, signature: vote.signature })) };
}

/**
 * Drops rounds more than roundsKeptMax behind the current one, except the locked and valid
 * rounds: line 28 may still need their polkas, and they are what a re-proposal cites.
 */
function pruneRounds(draft: Draft): void {
  const oldestKept = draft.round - draft.options.roundsKeptMax;
  let stale = false;
  for (const round of draft.rounds.keys()) if (round < oldestKept) stale = true;
  if (!stale) return;
  const kept = new Map<number, RoundRecord>();
  for (const [round, record] of draft.rounds) {
    if (round >= oldestKept || round === draft.lockedRound || round === draft.validRound) {
      kept.set(round, record);
    }
  }
  assert(kept.size <= draft.rounds.size, 'pruning only removes');
  draft.rounds = kept;
}
