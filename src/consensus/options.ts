// The consensus engine's options (`ConsensusInit`): timeouts and every bound the state machine
// keeps on memory it fills from peer input. Time is abstract here: the engine only names
// durations in `schedule-timeout` effects, and the node shell owns the clock that honours them.
import { ErrorCode, ZwError } from '../core/index.js';

/**
 * Options for `initialState`. Every field has a default (see `defaultConsensusInit`); a chain may
 * tune timeouts, but all validators should use the same ones so rounds stay in step.
 */
export interface ConsensusInit {
  /** Wait for a proposal in round 0; round r waits timeoutProposeMs + r * timeoutDeltaMs. */
  readonly timeoutProposeMs?: number;
  /** Wait after seeing >2/3 prevotes for anything (line 34), plus r * timeoutDeltaMs. */
  readonly timeoutPrevoteMs?: number;
  /** Wait after seeing >2/3 precommits for anything (line 47), plus r * timeoutDeltaMs. */
  readonly timeoutPrecommitMs?: number;
  /** How much every timeout grows per round, so that after GST some round outlasts the delay. */
  readonly timeoutDeltaMs?: number;
  /**
   * Messages for rounds further than this above the current round are dropped, which bounds the
   * proposer-schedule work a peer can force (it is computed round by round).
   */
  readonly roundsAheadMax?: number;
  /**
   * How many distinct rounds above the current one each validator may occupy with messages
   * (CometBFT's catch-up rounds). Bounds memory to validators × this many future rounds.
   */
  readonly futureRoundsPerValidatorMax?: number;
  /**
   * Rounds of the current height kept in memory. Older rounds are pruned oldest first, except the
   * locked and valid rounds, whose polkas line 28 may still need.
   */
  readonly roundsKeptMax?: number;
  /** Distinct proposals kept per round (more than one only when a proposer equivocates). */
  readonly proposalsPerRoundMax?: number;
  /**
   * Votes kept per validator, round and type beyond its first (only an equivocator sends any).
   * Past this bound an equivocator's further votes are dropped, which can cost liveness against
   * a validator flooding conflicting votes but never safety.
   */
  readonly conflictingVotesPerValidatorMax?: number;
  /** Messages for the next height held until `start-height` for it; the rest are dropped. */
  readonly nextHeightMessagesMax?: number;
  /** Rules evaluated per input before the engine asserts it is looping. */
  readonly ruleFiringsPerStepMax?: number;
}

export type ResolvedConsensusInit = Required<ConsensusInit>;

export const defaultConsensusInit: ResolvedConsensusInit = {
  timeoutProposeMs: 3_000,
  timeoutPrevoteMs: 1_000,
  timeoutPrecommitMs: 1_000,
  timeoutDeltaMs: 500,
  roundsAheadMax: 1_000,
  futureRoundsPerValidatorMax: 2,
  roundsKeptMax: 256,
  proposalsPerRoundMax: 4,
  conflictingVotesPerValidatorMax: 4,
  nextHeightMessagesMax: 1_024,
  ruleFiringsPerStepMax: 64,
};

/** Fills defaults and rejects values that would make the engine unsafe or stuck. */
export function resolveConsensusInit(init: ConsensusInit = {}): ResolvedConsensusInit {
  const resolved: ResolvedConsensusInit = { ...defaultConsensusInit, ...init };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new ZwError(ErrorCode.INVALID_ARGUMENT, `consensus option ${name} must be a ` +
        `non-negative integer, got ${String(value)}`);
    }
  }
  const atLeastOne: (keyof ResolvedConsensusInit)[] = ['roundsAheadMax',
    'futureRoundsPerValidatorMax', 'roundsKeptMax', 'proposalsPerRoundMax',
    'ruleFiringsPerStepMax', 'timeoutProposeMs', 'timeoutPrevoteMs', 'timeoutPrecommitMs',
    'timeoutDeltaMs'];
  for (const name of atLeastOne) {
    if (resolved[name] < 1) {
      throw new ZwError(ErrorCode.INVALID_ARGUMENT, `consensus option ${name} must be at least 1`);
    }
  }
  return resolved;
}
