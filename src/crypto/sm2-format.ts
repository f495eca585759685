// SM2 wire formats shared by the native and the portable gm suites, so both read and write
// byte-identical structures: the DER signature SEQUENCE { r, s } and the GM/T 0009 ciphertext
// SEQUENCE { x, y, C3 (SM3 hash), C2 (ciphertext) } that OpenSSL writes ("C1C3C2" ASN.1).
// Browser-safe: no Node imports.
import { ErrorCode, ZwError, concatBytes } from '../core/index.js';
import {
  decodeUnsignedInteger, derTag, encodeOctetString, encodeSequence, encodeUnsignedInteger,
  integerToBytes, readSequence,
} from './der.js';

/** GB/T 32918.2 default distinguishing identifier, used whenever a signer names none. */
export const sm2DefaultUserId = '1234567812345678';

/** Field prime p and group order n of the SM2 recommended curve (GB/T 32918.5). */
export const sm2FieldPrime = 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn;
export const sm2Order = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;

export const sm2PrivateKeyBytes = 32;
export const sm2PublicKeyBytes = 65;
const sm3Bytes = 32;
const coordinateBytes = 32;

/**
 * A private key is valid when its scalar lies in [1, n-2]: signing divides by 1 + d, which has
 * no inverse for d = n-1.
 */
export function isValidSm2PrivateScalar(privateKey: Uint8Array): boolean {
  if (privateKey.length !== sm2PrivateKeyBytes) return false;
  let scalar = 0n;
  for (const byte of privateKey) scalar = (scalar << 8n) | BigInt(byte);
  return scalar >= 1n && scalar <= sm2Order - 2n;
}

export interface Sm2Signature {
  readonly r: bigint;
  readonly s: bigint;
}

export function encodeSm2Signature(signature: Sm2Signature): Uint8Array {
  return encodeSequence(encodeUnsignedInteger(signature.r), encodeUnsignedInteger(signature.s));
}

/**
 * Strict decode with the range checks of GB/T 32918.2 §7.1 (r, s in [1, n-1]); undefined for
 * anything else. OpenSSL applies the same rules, so both suites reject the same signatures.
 */
export function decodeSm2Signature(der: Uint8Array): Sm2Signature | undefined {
  try {
    const [r, s] = readSequence(der, [derTag.integer, derTag.integer])
      .map(decodeUnsignedInteger) as [bigint, bigint];
    if (r < 1n || r >= sm2Order || s < 1n || s >= sm2Order) return undefined;
    return { r, s };
  } catch {
    return undefined;
  }
}

export interface Sm2Ciphertext {
  /** C1 as the uncompressed point 0x04 || x || y. */
  readonly c1: Uint8Array;
  /** C3 = SM3(x2 || M || y2). */
  readonly c3: Uint8Array;
  /** C2 = M xor KDF(x2 || y2). */
  readonly c2: Uint8Array;
}

export function encodeSm2Ciphertext(ciphertext: Sm2Ciphertext): Uint8Array {
  const { c1, c3, c2 } = ciphertext;
  if (c1.length !== sm2PublicKeyBytes || c1[0] !== 0x04 || c3.length !== sm3Bytes) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'SM2 ciphertext parts have wrong sizes');
  }
  let x = 0n;
  let y = 0n;
  for (let i = 1; i <= coordinateBytes; i++) {
    x = (x << 8n) | BigInt(c1[i] as number);
    y = (y << 8n) | BigInt(c1[i + coordinateBytes] as number);
  }
  return encodeSequence(encodeUnsignedInteger(x), encodeUnsignedInteger(y),
    encodeOctetString(c3), encodeOctetString(c2));
}

/**
 * Strictly decodes OpenSSL's SM2 ciphertext. Throws MALFORMED on anything that is not a
 * canonical encoding with coordinates below p, a 32-byte hash and a non-empty C2 (OpenSSL
 * refuses to encrypt an empty message, so an empty C2 never comes from an honest sender).
 */
export function decodeSm2Ciphertext(bytes: Uint8Array): Sm2Ciphertext {
  const [x, y, c3, c2] = readSequence(bytes,
    [derTag.integer, derTag.integer, derTag.octetString, derTag.octetString]) as
    [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  const xValue = decodeUnsignedInteger(x);
  const yValue = decodeUnsignedInteger(y);
  if (xValue >= sm2FieldPrime || yValue >= sm2FieldPrime) {
    throw new ZwError(ErrorCode.MALFORMED, 'SM2 ciphertext point is out of range');
  }
  if (c3.length !== sm3Bytes || c2.length === 0) {
    throw new ZwError(ErrorCode.MALFORMED, 'SM2 ciphertext has a wrong hash or empty body');
  }
  const c1 = concatBytes(Uint8Array.of(0x04), integerToBytes(xValue, coordinateBytes),
    integerToBytes(yValue, coordinateBytes));
  return { c1, c3, c2 };
}
