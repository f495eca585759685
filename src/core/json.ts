// The JSON face of canonical values, for the HTTP API and the CLI. JSON has no byte strings and no
// big integers, so they travel as one-key tagged objects: {"$bytes": "<hex>"} and
// {"$bigint": "<decimal>"}. A plain JSON object whose only key starts with "$" is refused on the
// way in, so the mapping is one-to-one.
import { fromHex, toHex } from './bytes.js';
import type { CborValue } from './codec.js';
import { ErrorCode, ZwError } from './errors.js';

export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

export function toJsonValue(value: CborValue): JsonValue {
  if (value instanceof Uint8Array) return { $bytes: toHex(value) };
  if (typeof value === 'bigint') {
    return Number.isSafeInteger(Number(value)) ? Number(value) : { $bigint: value.toString() };
  }
  if (Array.isArray(value)) return value.map((item: CborValue) => toJsonValue(item));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(value as Record<string, CborValue>)) {
      out[key] = toJsonValue(item);
    }
    return out;
  }
  return value as JsonValue;
}

const depthMax = 32;

export function fromJsonValue(value: unknown, depth = 0): CborValue {
  if (depth > depthMax) throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'value nested too deeply');
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'numbers must be safe integers');
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => fromJsonValue(item, depth + 1));
  if (typeof value === 'object') return fromJsonObject(value as Record<string, unknown>, depth);
  throw new ZwError(ErrorCode.INVALID_ARGUMENT, `unsupported JSON value of type ${typeof value}`);
}

function fromJsonObject(value: Record<string, unknown>, depth: number): CborValue {
  const keys = Object.keys(value);
  const only = keys.length === 1 ? keys[0] : undefined;
  if (only === '$bytes' && typeof value.$bytes === 'string') return fromHex(value.$bytes, '$bytes');
  if (only === '$bigint' && typeof value.$bigint === 'string' && /^-?\d+$/.test(value.$bigint)) {
    return BigInt(value.$bigint);
  }
  if (only !== undefined && only.startsWith('$')) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, `unknown tagged value ${only}`);
  }
  const out: Record<string, CborValue> = {};
  for (const key of keys) out[key] = fromJsonValue(value[key], depth + 1);
  return out;
}
