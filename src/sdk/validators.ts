// Following validator-set changes as a light client. Trust starts from the genesis validators;
// each later set is believed only once a state proof shows it in governance's validator schedule
// against a header signed by the set already trusted. A change executed at height H takes effect
// at H+2, so entry k (effective at e_k) is provable at height e_k - 2 under header e_k - 1, which
// the previous set signs. A node that hides a change cannot make the client accept a wrong set:
// headers signed by the hidden set simply fail to verify.
import {
  ErrorCode, ZwError, asAddress, compareBytes, decode, fromHex, utf8,
} from '../core/index.js';
import type { CborValue, PublicKey, Validator } from '../core/index.js';
import type { StateView, ZhengwuClient } from './client.js';
import { verifyStateView } from './verify.js';
import type { TrustedChain } from './verify.js';

/** The governance contract's schedule keys (see src/system/keys.ts, which owns the format). */
const scheduleContract = 'governance';
const entryKey = (index: number): Uint8Array => utf8(`validator-schedule/${index}`);
/** Bounds the walk, so a node cannot keep a client busy with an endless schedule. */
const scheduleEntriesMax = 10_000;

function entryValidators(value: CborValue): { effectiveHeight: number; validators: Validator[] } {
  const record = value as Record<string, CborValue> | null;
  const list = record?.validators;
  if (record === null || typeof record !== 'object' || typeof record.effectiveHeight !== 'number' ||
      !Array.isArray(list)) {
    throw new ZwError(ErrorCode.INVALID_PROOF, 'validator schedule entry has an unexpected shape');
  }
  const validators = list.map((item: CborValue) => {
    const v = item as Record<string, CborValue>;
    if (!(v.address instanceof Uint8Array) || !(v.publicKey instanceof Uint8Array) ||
        typeof v.power !== 'number') {
      throw new ZwError(ErrorCode.INVALID_PROOF, 'validator schedule entry has a bad validator');
    }
    return { address: asAddress(v.address), publicKey: v.publicKey as PublicKey, power: v.power };
  }).sort((a, b) => compareBytes(a.address, b.address));
  return { effectiveHeight: record.effectiveHeight, validators };
}

/**
 * Verifies schedule entry `index`, read with a proof, under the `current` trust and returns
 * trust in the set it names with its effective height. Shared by `trustAtHeight` and offline
 * verifiers that carry the proven entries with them (evidence bundles).
 */
export function trustAfterScheduleEntry(current: TrustedChain, index: number, view: StateView):
  { trust: TrustedChain; effectiveHeight: number } {
  const proven = verifyStateView(current, view, scheduleContract, entryKey(index));
  if (proven.value === undefined) {
    throw new ZwError(ErrorCode.INVALID_PROOF, `schedule entry ${index} is not proven`);
  }
  const entry = entryValidators(decode(proven.value));
  return { trust: { ...current, validatorSet: { validators: entry.validators } },
    effectiveHeight: entry.effectiveHeight };
}

/**
 * Returns trust in the validator set that signs `height`, walking the proven schedule from the
 * given trust (usually the genesis set). Throws INVALID_PROOF or INVALID_COMMIT when the node
 * cannot prove a change.
 */
export async function trustAtHeight(
  client: ZhengwuClient, trust: TrustedChain, height: number,
): Promise<TrustedChain> {
  let current = trust;
  for (let index = 1; index < scheduleEntriesMax; index++) {
    const peek = await client.state(scheduleContract, entryKey(index));
    if (peek.value === null) return current;
    const { effectiveHeight } = entryValidators(decode(fromHex(peek.value, 'schedule entry')));
    if (effectiveHeight > height) return current;
    const view = await client.state(scheduleContract, entryKey(index),
      { proof: true, height: effectiveHeight - 2 });
    const next = trustAfterScheduleEntry(current, index, view);
    if (next.effectiveHeight !== effectiveHeight) {
      throw new ZwError(ErrorCode.INVALID_PROOF, 'schedule entry changed between reads');
    }
    current = next.trust;
  }
  throw new ZwError(ErrorCode.INVALID_PROOF, 'validator schedule is too long');
}

