// Canonical encoding: deterministic CBOR (RFC 8949 §4.2.1) for everything that is hashed, signed or
// sent between nodes. Encoding sorts map keys bytewise, uses the shortest integer forms and refuses
// floats, undefined and non-plain values. Decoding accepts only bytes that re-encode to exactly
// themselves, so one value has one encoding and a signature or hash can never be malleated.
import { decode as cborDecode, encode as cborEncode, rfc8949EncodeOptions } from 'cborg';
import type { EncodeOptions, DecodeOptions, TypeEncoder } from 'cborg';
import { bytesEqual } from './bytes.js';
import { ErrorCode, ZwError } from './errors.js';

/** Values the canonical codec represents: no floats, no undefined, no classes. */
export type CborValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | readonly CborValue[]
  | { readonly [key: string]: CborValue };

const rejectFloat: TypeEncoder = (value) => {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, `cannot encode non-integer number ${value}`);
  }
  return null;
};

const rejectUndefined: TypeEncoder = () => {
  throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'cannot encode undefined');
};

const encodeOptions: EncodeOptions = {
  ...rfc8949EncodeOptions,
  typeEncoders: { number: rejectFloat, undefined: rejectUndefined },
};

// Parsing is lenient about integer width so that a non-minimal integer is reported as
// NON_CANONICAL by the re-encoding check below rather than as unreadable.
const decodeOptions: DecodeOptions = {
  strict: false,
  allowIndefinite: false,
  allowUndefined: false,
  allowNaN: false,
  allowInfinity: false,
  rejectDuplicateMapKeys: true,
  allowBigInt: true,
  useMaps: false,
  tags: [],
};

export function encode(value: CborValue): Uint8Array {
  try {
    return cborEncode(value, encodeOptions);
  } catch (error) {
    if (error instanceof ZwError) throw error;
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, `cannot encode value: ${String(error)}`);
  }
}

/**
 * Decodes canonical CBOR. Throws MALFORMED for bytes that are not CBOR (or have trailing bytes),
 * NON_CANONICAL for valid CBOR that is not in canonical form.
 */
export function decode(bytes: Uint8Array): CborValue {
  let value: unknown;
  try {
    value = cborDecode(bytes, decodeOptions);
  } catch (error) {
    throw new ZwError(ErrorCode.MALFORMED, `malformed CBOR: ${(error as Error).message}`);
  }
  let again: Uint8Array;
  try {
    again = cborEncode(value, encodeOptions);
  } catch {
    throw new ZwError(ErrorCode.NON_CANONICAL, 'CBOR holds values outside the canonical model');
  }
  if (!bytesEqual(again, bytes)) {
    throw new ZwError(ErrorCode.NON_CANONICAL, 'CBOR is not in canonical form');
  }
  return value as CborValue;
}
