// Reading untrusted call arguments and proposal payloads of the system contracts. Everything a
// transaction carries is input from outside, so each reader checks the exact shape and throws
// BAD_ARGUMENTS with a message that names the field, never a TypeError from deep inside.
import { ErrorCode, ZwError, fromHex, utf8 } from '../core/index.js';
import type { CborValue } from '../core/index.js';

export type ArgRecord = Readonly<Record<string, CborValue>>;

export function badArguments(message: string): ZwError {
  return new ZwError(ErrorCode.BAD_ARGUMENTS, message);
}

/** A plain map with only the `allowed` keys; `what` names it in errors. */
export function readRecord(value: CborValue | undefined, what: string,
  allowed: readonly string[]): ArgRecord {
  if (value === undefined || value === null || typeof value !== 'object' ||
      Array.isArray(value) || value instanceof Uint8Array) {
    throw badArguments(`${what} must be a map`);
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw badArguments(`${what}: unknown field ${key}`);
  }
  return value as ArgRecord;
}

/** A non-empty string of at most `bytesMax` UTF-8 bytes. */
export function readText(value: CborValue | undefined, what: string, bytesMax: number): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw badArguments(`${what} must be a non-empty string`);
  }
  if (utf8(value).length > bytesMax) throw badArguments(`${what} exceeds ${bytesMax} bytes`);
  return value;
}

export function readInteger(value: CborValue | undefined, what: string, min: number,
  max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw badArguments(`${what} must be an integer from ${min} to ${max}`);
  }
  return value;
}

/**
 * Bytes given either as a byte string (SDK, CBOR) or as a hex string (JSON payloads typed on the
 * command line), of exactly `length` bytes when a length is given.
 */
export function readBytes(value: CborValue | undefined, what: string, length?: number):
  Uint8Array {
  let bytes: Uint8Array;
  if (value instanceof Uint8Array) {
    bytes = value;
  } else if (typeof value === 'string') {
    try {
      bytes = fromHex(value, what);
    } catch {
      throw badArguments(`${what} must be hex`);
    }
  } else {
    throw badArguments(`${what} must be bytes or a hex string`);
  }
  if (length !== undefined && bytes.length !== length) {
    throw badArguments(`${what} must be ${length} bytes`);
  }
  return bytes;
}

export function readBoolean(value: CborValue | undefined, what: string): boolean {
  if (typeof value !== 'boolean') throw badArguments(`${what} must be true or false`);
  return value;
}
