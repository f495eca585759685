// Checked reads of decoded canonical values. Every field read from outside goes through one of
// these, so a malformed transaction or block fails with MALFORMED and the field's name, never with
// a TypeError deep inside the ledger.
import { ErrorCode, ZwError, hashBytes, addressBytes } from '../core/index.js';
import type { Address, CborValue, Hash } from '../core/index.js';

export function malformed(what: string): ZwError {
  return new ZwError(ErrorCode.MALFORMED, `malformed ${what}`);
}

export function readArray(value: CborValue, length: number, what: string): readonly CborValue[] {
  if (!Array.isArray(value) || value.length !== length) throw malformed(what);
  return value as readonly CborValue[];
}

export function readList(value: CborValue | undefined, what: string): readonly CborValue[] {
  if (!Array.isArray(value)) throw malformed(what);
  return value as readonly CborValue[];
}

export function readBytes(value: CborValue | undefined, what: string, length?: number): Uint8Array {
  if (!(value instanceof Uint8Array)) throw malformed(what);
  if (length !== undefined && value.length !== length) throw malformed(what);
  return value;
}

export function readHash(value: CborValue | undefined, what: string): Hash {
  return readBytes(value, what, hashBytes) as Hash;
}

export function readAddress(value: CborValue | undefined, what: string): Address {
  return readBytes(value, what, addressBytes) as Address;
}

export function readUint(value: CborValue | undefined, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw malformed(what);
  }
  return value;
}

export function readInt(value: CborValue | undefined, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw malformed(what);
  return value;
}

export function readString(value: CborValue | undefined, what: string, bytesMax: number): string {
  if (typeof value !== 'string' || new TextEncoder().encode(value).length > bytesMax) {
    throw malformed(what);
  }
  return value;
}
