// The validator schedule: which validator set signs at which height. Governance never changes the
// set of a height that may already be under way; a change executed in the block at height H takes
// effect at height H + 2 (validatorDelayHeights). Why 2: block H's results are only known once H
// is committed and executed, by which time height H + 1 may already be proposed and voted on by
// the old set (as in CometBFT, whose EndBlock updates at H also apply from H + 2). Consensus and
// block sync MUST use validatorSetAt(schedule, h) for height h, reading the schedule from the
// state after the latest executed block. The schedule is append-only, so every past height keeps
// its set; several changes executed in one block make one entry.
import { assert, compareBytes, decode, encode } from '../core/index.js';
import type { CborValue } from '../core/index.js';
import type { ContractState } from '../ledger/index.js';
import { governanceContractName, validatorScheduleEntryKey, validatorScheduleKey } from './keys.js';
import type { SystemStateRead } from './keys.js';

export interface ScheduledValidator {
  readonly address: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly power: number;
  /** The agency that runs the validator. */
  readonly agency: string;
}

/** A full validator set snapshot (sorted by address) and the first height it signs. */
export interface ScheduleEntry {
  readonly effectiveHeight: number;
  readonly validators: readonly ScheduledValidator[];
}

export function scheduleEntryValue(entry: ScheduleEntry): Uint8Array {
  return encode(entry as unknown as CborValue);
}

/**
 * The schedule in governance state: `validator-schedule` holds the number of entries n, and
 * `validator-schedule/0` .. `validator-schedule/<n-1>` each a ScheduleEntry (CBOR map
 * {effectiveHeight, validators: [{address, publicKey, power, agency}]}), ascending by
 * effectiveHeight, each a full set sorted by address. Empty when genesis wrote none.
 */
export function readValidatorSchedule(get: SystemStateRead): ScheduleEntry[] {
  const stored = get(governanceContractName, validatorScheduleKey);
  if (stored === undefined) return [];
  const count = decode(stored);
  assert(typeof count === 'number', 'validator schedule count must be an integer');
  const entries: ScheduleEntry[] = [];
  for (let index = 0; index < count; index++) {
    const entry = get(governanceContractName, validatorScheduleEntryKey(index));
    assert(entry !== undefined, 'validator schedule entry is missing');
    entries.push(decode(entry) as unknown as ScheduleEntry);
  }
  return entries;
}

/** The newest entry (possibly not yet in effect): governance changes build on it. */
export function latestScheduleEntry(state: Pick<ContractState, 'get'>):
  { entry: ScheduleEntry; index: number } | undefined {
  const stored = state.get(validatorScheduleKey);
  if (stored === undefined) return undefined;
  const index = (decode(stored) as number) - 1;
  const entry = state.get(validatorScheduleEntryKey(index));
  return entry === undefined ? undefined
    : { entry: decode(entry) as unknown as ScheduleEntry, index };
}

/** The set that signs at `height`: the last entry effective at or before it. */
export function validatorSetAt(schedule: readonly ScheduleEntry[], height: number):
  ScheduleEntry | undefined {
  let found: ScheduleEntry | undefined;
  for (const entry of schedule) {
    if (entry.effectiveHeight <= height) found = entry;
  }
  return found;
}

/** Appends `validators` effective at `effectiveHeight`, or replaces the newest entry if equal. */
export function appendSchedule(state: ContractState, effectiveHeight: number,
  validators: readonly ScheduledValidator[]): void {
  const sorted = [...validators].sort((a, b) => compareBytes(a.address, b.address));
  const latest = latestScheduleEntry(state);
  assert(latest === undefined || latest.entry.effectiveHeight <= effectiveHeight,
    'validator schedule must be ascending');
  const index = latest === undefined ? 0
    : latest.entry.effectiveHeight === effectiveHeight ? latest.index : latest.index + 1;
  state.set(validatorScheduleEntryKey(index), scheduleEntryValue({ effectiveHeight,
    validators: sorted }));
  state.set(validatorScheduleKey, encode(index + 1));
}
