// The consensus engine's vocabulary: the inputs the node shell feeds to `step`, the effects
// `step` asks the shell to perform, and the engine's state. Variable names follow Algorithm 1 of
// Buchman, Kwon and Milosevic, "The latest gossip on BFT consensus" (2018): lockedValue,
// lockedRound, validValue, validRound, proposer(h, r), and the steps propose, prevote, precommit.
import type {
  Address, Commit, Hash, Height, Proposal, Round, SignedProposal, SignedVote, ValidatorSet, Vote,
} from '../core/index.js';
import type { ResolvedConsensusInit } from './options.js';
import type { ProposerPriorities, ProposerSchedule } from './proposer.js';

export type Step = 'propose' | 'prevote' | 'precommit';

/** A value this validator precommitted, which locks it (lines 36-38 of Algorithm 1). */
export interface Lock {
  readonly round: Round;
  readonly blockHash: Hash;
}

/**
 * Where a restarted validator resumes within a height, read from its persisted signer state:
 * `round` is the last round it signed anything in, and `locked` the last non-nil precommit it
 * signed at this height (a lock is taken exactly when such a precommit is signed, so the signer
 * state alone restores it). Without this a restarted validator would forget its lock, which is
 * the amnesia fault that breaks safety. After `start-height` with a resume point the shell
 * SHOULD feed back, as inputs, the messages it signed at this height and the lock's polka (see
 * SignVoteEffect), so its votes still count and its lock can still be justified.
 */
export interface ResumePoint {
  readonly round: Round;
  readonly locked: Lock | null;
}

// ---- Inputs ------------------------------------------------------------------------------------

/** Begin a height. The shell sends it first, and again after executing each decided block. */
export interface StartHeightInput {
  readonly kind: 'start-height';
  readonly height: Height;
  readonly validatorSet: ValidatorSet;
  /** Priorities of this height (see proposer.ts); the same on every node. */
  readonly proposerPriorities: ProposerPriorities;
  /** This node's validator address, or null for a node that follows without voting. */
  readonly self: Address | null;
  /** Present only when restarting inside this height; absent for a fresh height. */
  readonly resume?: ResumePoint;
}

/**
 * A proposal whose signature the shell has checked against the proposer's key. `valid` is the
 * paper's valid(v): the shell has the block named by `blockHash` and judged it acceptable.
 * The shell holds the block bytes; the engine only ever handles the block hash (the value id).
 */
export interface ProposalInput {
  readonly kind: 'proposal';
  readonly proposal: SignedProposal;
  readonly valid: boolean;
}

/** A vote whose signature the shell has checked; own votes come back this way too. */
export interface VoteInput {
  readonly kind: 'vote';
  readonly vote: SignedVote;
}

/** A timeout the engine scheduled has expired. Stale timeouts are ignored. */
export interface TimeoutInput {
  readonly kind: 'timeout';
  readonly height: Height;
  readonly round: Round;
  readonly step: Step;
}

/** The answer to `request-value` (the paper's getValue()): the hash of a block the shell built. */
export interface ValueInput {
  readonly kind: 'value-for-proposal';
  readonly height: Height;
  readonly round: Round;
  readonly blockHash: Hash;
}

/**
 * A commit for the current height that the shell learned from block sync or a peer and checked
 * with core `verifyCommit`; `valid` is valid(v) for the block it names. It lets a validator that
 * missed the votes of a height decide it (the engine re-checks the power, not the signatures).
 */
export interface CommitInput {
  readonly kind: 'commit';
  readonly commit: Commit;
  readonly valid: boolean;
}

export type Input =
  | StartHeightInput | ProposalInput | VoteInput | TimeoutInput | ValueInput | CommitInput;

// ---- Effects -----------------------------------------------------------------------------------

/** Build a block for (height, round) and answer with `value-for-proposal`. */
export interface RequestValueEffect {
  readonly kind: 'request-value';
  readonly height: Height;
  readonly round: Round;
}

/**
 * Sign and broadcast a proposal. The shell MUST persist its signer state BEFORE the signature
 * leaves the node, and MUST refuse to sign a different proposal for the same height and round.
 * After broadcasting it feeds the signed proposal back as a `proposal` input with valid = true.
 */
export interface SignProposalEffect {
  readonly kind: 'sign-and-broadcast-proposal';
  readonly proposal: Proposal;
}

/**
 * Sign and broadcast a prevote or precommit. The shell MUST persist its signer state (height,
 * round, step, the signed bytes and signature, and for a non-nil precommit the lock with its
 * `polka`) BEFORE the signature leaves the node, and MUST refuse to sign anything that conflicts
 * with what it signed before. After broadcasting it feeds the signed vote back as a `vote`
 * input, so own votes are counted exactly like everyone else's.
 */
export interface SignVoteEffect {
  readonly kind: 'sign-and-broadcast-vote';
  readonly vote: Vote;
  /**
   * For a non-nil precommit, which locks its value: the >2/3 prevotes that justify the lock.
   * After a restart the shell feeds them back, so the node can still show others the polka its
   * lock rests on (line 28); if it only remembered the lock, and the prevotes were lost with
   * the other nodes that saw them, the lock could never be released and the height would stall.
   * Empty for every other vote.
   */
  readonly polka: readonly SignedVote[];
}

/** Feed `timeout {height, round, step}` back after `durationMs` of the shell's clock. */
export interface ScheduleTimeoutEffect {
  readonly kind: 'schedule-timeout';
  readonly height: Height;
  readonly round: Round;
  readonly step: Step;
  readonly durationMs: number;
}

/**
 * The height is decided (line 49). The shell MUST make the block and `commit` durable BEFORE it
 * reports the block to anyone or sends `start-height` for the next height.
 */
export interface DecideEffect {
  readonly kind: 'decide';
  readonly height: Height;
  readonly round: Round;
  readonly blockHash: Hash;
  /** Precommits for `blockHash` in `round` from more than 2/3 of the power. */
  readonly commit: Commit;
  /** The next height's proposer priorities if the validator set does not change. */
  readonly nextProposerPriorities: ProposerPriorities;
}

/** Two conflicting signed votes from one validator for the same height, round and type. */
export interface EvidenceEffect {
  readonly kind: 'evidence';
  readonly first: SignedVote;
  readonly second: SignedVote;
}

export type Effect =
  | RequestValueEffect | SignProposalEffect | SignVoteEffect | ScheduleTimeoutEffect
  | DecideEffect | EvidenceEffect;

// ---- State -------------------------------------------------------------------------------------

/** One proposal from proposer(h, r), with the shell's verdict on its value. */
export interface ProposalRecord {
  readonly proposal: SignedProposal;
  readonly valid: boolean;
}

/**
 * Votes of one type in one round. As in the paper, a validator counts towards every value it
 * sent a vote for, so an equivocator's conflicting votes are kept too (bounded per validator):
 * if they were dropped, correct nodes that saw different halves of an equivocation would never
 * agree on which polkas exist, and rounds could keep failing after GST. Safety is unaffected:
 * two >2/3 quorums for different values in one round would need a correct validator in both.
 */
export interface VoteTally {
  /** The first vote of each validator, indexed like the validator set. */
  readonly votes: readonly (SignedVote | undefined)[];
  /** Later votes that conflict with a validator's first one, in arrival order. */
  readonly conflicting: readonly SignedVote[];
  /** Validator indexes already reported as equivocating here, so evidence is sent once. */
  readonly equivocators: readonly number[];
}

/** Everything received for one round of the current height. */
export interface RoundRecord {
  readonly proposals: readonly ProposalRecord[];
  readonly prevotes: VoteTally;
  readonly precommits: VoteTally;
}

/** "For the first time" guards of lines 34, 36 and 47, for the current round only. */
export interface RoundFlags {
  readonly prevoteTimeoutScheduled: boolean;
  readonly precommitTimeoutScheduled: boolean;
  readonly polkaValueSeen: boolean;
}

/** The validator set of the current height and what is derived from it. */
export interface HeightContext {
  readonly validatorSet: ValidatorSet;
  readonly totalPower: number;
  /** Index of this node in the set, or -1 when it does not vote. */
  readonly selfIndex: number;
  readonly proposerPriorities: ProposerPriorities;
  readonly schedule: ProposerSchedule;
}

export interface Decision {
  readonly round: Round;
  readonly blockHash: Hash;
  readonly commit: Commit;
}

/** A proposal or vote for the next height, held until `start-height` for it. */
export type NextHeightMessage = ProposalInput | VoteInput;

/**
 * The engine's whole state. It is a plain value: `step` never mutates it and returns a new one.
 * `phase` is 'idle' before the first `start-height' and 'decided' between a decision and the
 * next `start-height`.
 */
export interface ConsensusState {
  readonly options: ResolvedConsensusInit;
  readonly phase: 'idle' | 'running' | 'decided';
  readonly height: Height;
  readonly round: Round;
  readonly step: Step;
  readonly context: HeightContext | null;
  readonly lockedValue: Hash | null;
  readonly lockedRound: number;
  readonly validValue: Hash | null;
  readonly validRound: number;
  readonly rounds: ReadonlyMap<number, RoundRecord>;
  readonly flags: RoundFlags;
  /** A `request-value` for the current round is unanswered. */
  readonly awaitingValue: boolean;
  readonly nextHeightMessages: readonly NextHeightMessage[];
  readonly decision: Decision | null;
}

export interface StepResult {
  readonly state: ConsensusState;
  /** Effects in the order the shell MUST perform them (see machine.ts). */
  readonly effects: readonly Effect[];
}
