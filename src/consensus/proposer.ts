// Weighted proposer rotation: CometBFT's proposer-priority algorithm in integer arithmetic.
// Every validator gains its power in priority each step; the highest priority proposes and pays
// the total power back. Over many steps each validator proposes in proportion to its power, and
// because the arithmetic is exact and ties break by address, every node computes the same
// proposer(height, round).
//
// The schedule is a sequence of steps. The priorities of height h (carried in `start-height`)
// give round 0's proposer after one step, round r's after r + 1 steps, and the next height's
// priorities are those after exactly one step, whatever round the height decided in (as in
// CometBFT, where a height advances the priorities once).
import { assert, checkValidatorSet, totalPower } from '../core/index.js';
import type { ValidatorSet } from '../core/index.js';

/** Proposer priorities aligned with `ValidatorSet.validators`; safe integers. */
export type ProposerPriorities = readonly number[];

/** Priorities are rescaled so that max - min stays within this many times the total power. */
const priorityWindowFactor = 2;

/** Priorities a new validator set starts from at genesis. */
export function initialProposerPriorities(set: ValidatorSet): ProposerPriorities {
  checkValidatorSet(set);
  return set.validators.map(() => 0);
}

/** The priorities of the height after one whose priorities were `priorities`. */
export function nextHeightProposerPriorities(
  set: ValidatorSet, priorities: ProposerPriorities,
): ProposerPriorities {
  checkPriorities(set, priorities);
  const next = [...priorities];
  advanceOnce(set, next, totalPower(set));
  return next;
}

/** Index into `set.validators` of the proposer of `round` at a height with `priorities`. */
export function proposerIndexAt(
  set: ValidatorSet, priorities: ProposerPriorities, round: number,
): number {
  return new ProposerSchedule(set, priorities).proposerAt(round);
}

/** Checks that priorities fit the set; bad input from the shell is a programmer error. */
export function checkPriorities(set: ValidatorSet, priorities: ProposerPriorities): void {
  assert(priorities.length === set.validators.length, 'one priority per validator');
  for (const priority of priorities) {
    assert(Number.isSafeInteger(priority), 'priorities are safe integers');
  }
}

/**
 * The proposers of one height, computed round by round on demand. It caches a pure function of
 * its constructor arguments, so states that share one schedule cannot observe each other.
 */
export class ProposerSchedule {
  private readonly current: number[];
  private readonly proposers: number[] = [];
  private readonly total: number;

  constructor(readonly set: ValidatorSet, readonly priorities: ProposerPriorities) {
    checkPriorities(set, priorities);
    this.current = [...priorities];
    this.total = totalPower(set);
    assert(this.total > 0, 'validator set has power');
  }

  /** Index of the proposer of `round`; costs one step per round not yet computed. */
  proposerAt(round: number): number {
    assert(Number.isSafeInteger(round) && round >= 0, 'round is a non-negative integer');
    while (this.proposers.length <= round) {
      this.proposers.push(advanceOnce(this.set, this.current, this.total));
    }
    const index = this.proposers[round];
    assert(index !== undefined, 'proposer computed');
    return index;
  }
}

/** One step of the schedule, in place: rescale, centre, add powers, pick, charge. */
function advanceOnce(set: ValidatorSet, priorities: number[], total: number): number {
  rescale(priorities, priorityWindowFactor * total);
  centre(priorities);
  let chosen = 0;
  for (let i = 0; i < priorities.length; i++) {
    const validator = set.validators[i];
    assert(validator !== undefined, 'priority index within the set');
    priorities[i] = (priorities[i] as number) + validator.power;
    if ((priorities[i] as number) > (priorities[chosen] as number)) chosen = i;
  }
  priorities[chosen] = (priorities[chosen] as number) - total;
  assert(spread(priorities) <= (priorityWindowFactor + 1) * total, 'priorities stay bounded');
  return chosen;
}

/** Divides all priorities so their spread fits the window (CometBFT's RescalePriorities). */
function rescale(priorities: number[], windowPower: number): void {
  const difference = spread(priorities);
  if (difference <= windowPower) return;
  const ratio = Math.ceil(difference / windowPower);
  assert(ratio >= 2, 'rescaling divides');
  // Math.trunc of the quotient of two safe integers is exact, and truncates toward zero like Go.
  for (let i = 0; i < priorities.length; i++) {
    priorities[i] = Math.trunc((priorities[i] as number) / ratio);
  }
}

/** Subtracts the (floored) average so priorities stay near zero and never overflow. */
function centre(priorities: number[]): void {
  let sum = 0;
  for (const priority of priorities) sum += priority;
  assert(Number.isSafeInteger(sum), 'priority sum is exact');
  const average = Math.floor(sum / priorities.length);
  for (let i = 0; i < priorities.length; i++) {
    priorities[i] = (priorities[i] as number) - average;
  }
}

function spread(priorities: readonly number[]): number {
  let minimum = Infinity;
  let maximum = -Infinity;
  for (const priority of priorities) {
    if (priority < minimum) minimum = priority;
    if (priority > maximum) maximum = priority;
  }
  return maximum - minimum;
}
