// How values cross the contract boundary. Inside QuickJS the runtime's prelude turns values into
// JSON text with two tags, {"$bytes": hex} for Uint8Array and {"$bigint": decimal} for bigint;
// outside they become canonical values (CborValue). JSON text is used because QuickJS's native
// JSON is far faster than building values handle by handle, and because the host must re-check
// everything anyway: only safe integers, no floats, bounded size and depth.
import { ErrorCode, ZwError, fromJsonValue, limits, toHex } from '../core/index.js';
import type { CborValue } from '../core/index.js';

/** Text longer than this cannot hold a value within the limit (hex doubles bytes, tags add). */
const textCharsMax = limits.contractValueBytesMax * 2 + 1024;

function tagged(value: CborValue): unknown {
  if (value instanceof Uint8Array) return { $bytes: toHex(value) };
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (Array.isArray(value)) return value.map((item: CborValue) => tagged(item));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, CborValue>)) {
      out[key] = tagged(item);
    }
    return out;
  }
  return value;
}

/** Encodes a host value for the VM. Bigints stay bigints (they are always tagged). */
export function toVmText(value: CborValue): string {
  return JSON.stringify(tagged(value));
}

/** Decodes text produced by the VM, refusing what has no canonical form. */
export function fromVmText(text: string, what: string): CborValue {
  if (text.length > textCharsMax) {
    throw new ZwError(ErrorCode.TOO_LARGE, `${what} exceeds ${limits.contractValueBytesMax} bytes`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ZwError(ErrorCode.BAD_ARGUMENTS, `${what} is not a plain value`);
  }
  try {
    return fromJsonValue(parsed);
  } catch (error) {
    throw new ZwError(ErrorCode.BAD_ARGUMENTS, `${what}: ${(error as Error).message}`);
  }
}
