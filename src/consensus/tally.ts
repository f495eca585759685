// Vote and proposal bookkeeping for one round: who voted what, how much power backs a value, and
// which validators equivocated. A validator's power counts once per value however often its vote
// is delivered; an equivocator counts for each value it voted for (see VoteTally), and its first
// conflicting vote produces evidence.
import { VoteType, assert, bytesEqual } from '../core/index.js';
import type { Hash, SignedVote, ValidatorSet } from '../core/index.js';
import type { ProposalRecord, RoundRecord, VoteTally } from './types.js';

export function emptyTally(validators: number): VoteTally {
  assert(validators > 0, 'a tally needs validators');
  return { votes: new Array<SignedVote | undefined>(validators).fill(undefined),
    conflicting: [], equivocators: [] };
}

export function emptyRound(validators: number): RoundRecord {
  return { proposals: [], prevotes: emptyTally(validators), precommits: emptyTally(validators) };
}

export function sameValue(a: Hash | null, b: Hash | null): boolean {
  if (a === null || b === null) return a === b;
  return bytesEqual(a, b);
}

export type AddVoteOutcome =
  | { readonly kind: 'added'; readonly tally: VoteTally }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'conflict'; readonly tally: VoteTally; readonly first: SignedVote;
      readonly report: boolean };

/**
 * Records `vote` from validator `index`. A vote for a value the validator already voted for is
 * a duplicate; a vote for another value is kept (up to `conflictingMax` per validator) and
 * counts too, and the first such conflict is reported as evidence.
 *
 * When an equivocator's allowance is full, a new conflicting vote replaces its kept vote for the
 * least-supported value if the new value has more support from other validators. An equivocator
 * flooding made-up values would otherwise fill its allowance first, and correct nodes that never
 * counted its vote for the value others locked on could stall the height forever. Made-up values
 * have no other support, so the votes that can complete a polka are the ones that stay. Safety is
 * unaffected: which conflicting votes are kept only ever adds power an equivocator really signed.
 */
export function addVote(
  tally: VoteTally, index: number, vote: SignedVote, conflictingMax: number,
): AddVoteOutcome {
  assert(index >= 0 && index < tally.votes.length, 'voter index within the set');
  const existing = tally.votes[index];
  if (existing === undefined) {
    const votes = [...tally.votes];
    votes[index] = vote;
    return { kind: 'added', tally: { ...tally, votes } };
  }
  assert(existing.type === vote.type && existing.round === vote.round, 'same tally slot');
  if (sameValue(existing.blockHash, vote.blockHash)) return { kind: 'duplicate' };
  let kept = 0;
  for (const other of tally.conflicting) {
    if (!bytesEqual(other.validator, vote.validator)) continue;
    if (sameValue(other.blockHash, vote.blockHash)) return { kind: 'duplicate' };
    kept++;
  }
  const report = !tally.equivocators.includes(index);
  const equivocators = report ? [...tally.equivocators, index] : tally.equivocators;
  const conflicting = kept < conflictingMax ? [...tally.conflicting, vote]
    : replaceWeakest(tally, vote);
  return { kind: 'conflict', tally: { votes: tally.votes, conflicting, equivocators },
    first: existing, report };
}

/** How many validators other than the voter voted for `value` in this tally. */
function supportOf(tally: VoteTally, voter: Uint8Array, value: Hash | null): number {
  let count = 0;
  for (const vote of [...tally.votes, ...tally.conflicting]) {
    if (vote !== undefined && !bytesEqual(vote.validator, voter) &&
        sameValue(vote.blockHash, value)) count++;
  }
  return count;
}

function replaceWeakest(tally: VoteTally, vote: SignedVote): readonly SignedVote[] {
  const incoming = supportOf(tally, vote.validator, vote.blockHash);
  let weakest = -1;
  let weakestSupport = incoming;
  tally.conflicting.forEach((kept, position) => {
    if (!bytesEqual(kept.validator, vote.validator)) return;
    const support = supportOf(tally, kept.validator, kept.blockHash);
    if (support < weakestSupport) {
      weakest = position;
      weakestSupport = support;
    }
  });
  if (weakest < 0) return tally.conflicting;
  const conflicting = [...tally.conflicting];
  conflicting[weakest] = vote;
  assert(conflicting.length === tally.conflicting.length, 'replacement keeps the bound');
  return conflicting;
}

/** Power of the validators that voted for exactly `value` (null: nil votes). */
export function powerFor(tally: VoteTally, set: ValidatorSet, value: Hash | null): number {
  let power = 0;
  for (let i = 0; i < tally.votes.length; i++) {
    const vote = tally.votes[i];
    if (vote !== undefined && sameValue(vote.blockHash, value)) power += powerAt(set, i);
  }
  // A conflicting vote is never for its validator's first value and never repeats a value, so
  // each adds its validator's power to `value` at most once.
  for (const vote of tally.conflicting) {
    if (sameValue(vote.blockHash, value)) power += powerOf(set, vote);
  }
  assert(power >= 0, 'power is non-negative');
  return power;
}

/** Power of all votes, whatever they are for. */
export function powerAny(tally: VoteTally, set: ValidatorSet): number {
  let power = 0;
  for (let i = 0; i < tally.votes.length; i++) {
    if (tally.votes[i] !== undefined) power += powerAt(set, i);
  }
  return power;
}

/** Power of validators that sent anything in the round (for the round skip of line 55). */
export function powerOfSenders(record: RoundRecord, set: ValidatorSet, proposer: number): number {
  let power = 0;
  for (let i = 0; i < set.validators.length; i++) {
    const sent = record.prevotes.votes[i] !== undefined || record.precommits.votes[i] !== undefined
      || (i === proposer && record.proposals.length > 0);
    if (sent) power += powerAt(set, i);
  }
  return power;
}

/** True when validator `index` has sent any message in the round. */
export function hasSent(record: RoundRecord, index: number, proposer: number): boolean {
  return record.prevotes.votes[index] !== undefined
    || record.precommits.votes[index] !== undefined
    || (index === proposer && record.proposals.length > 0);
}

export function tallyOf(record: RoundRecord, type: VoteType): VoteTally {
  return type === VoteType.prevote ? record.prevotes : record.precommits;
}

export function withTally(record: RoundRecord, type: VoteType, tally: VoteTally): RoundRecord {
  assert(tally.votes.length === record.prevotes.votes.length, 'tally keeps the set size');
  return type === VoteType.prevote
    ? { ...record, prevotes: tally } : { ...record, precommits: tally };
}

/** Signed votes for `value`, one per validator in set order (the order a Commit lists them). */
export function votesFor(tally: VoteTally, set: ValidatorSet, value: Hash): SignedVote[] {
  const byIndex = new Map<number, SignedVote>();
  tally.votes.forEach((vote, index) => {
    if (vote !== undefined && sameValue(vote.blockHash, value)) byIndex.set(index, vote);
  });
  for (const vote of tally.conflicting) {
    if (sameValue(vote.blockHash, value)) byIndex.set(indexOf(set, vote), vote);
  }
  const indexes = [...byIndex.keys()].sort((a, b) => a - b);
  const votes = indexes.map((index) => byIndex.get(index) as SignedVote);
  assert(new Set(indexes).size === votes.length, 'one vote per validator');
  return votes;
}

/** Every vote of a tally, first votes in validator order, then conflicting ones. */
export function allVotes(tally: VoteTally): SignedVote[] {
  const votes: SignedVote[] = [];
  for (const vote of tally.votes) if (vote !== undefined) votes.push(vote);
  votes.push(...tally.conflicting);
  return votes;
}

export function findProposal(
  record: RoundRecord, value: Hash, polRound: number,
): ProposalRecord | undefined {
  return record.proposals.find((entry) => entry.proposal.polRound === polRound
    && bytesEqual(entry.proposal.blockHash, value));
}

function indexOf(set: ValidatorSet, vote: SignedVote): number {
  const index = set.validators.findIndex((v) => bytesEqual(v.address, vote.validator));
  assert(index >= 0, 'a counted vote is from a validator');
  return index;
}

function powerOf(set: ValidatorSet, vote: SignedVote): number {
  return powerAt(set, indexOf(set, vote));
}

function powerAt(set: ValidatorSet, index: number): number {
  const validator = set.validators[index];
  assert(validator !== undefined, 'vote index within the set');
  return validator.power;
}
