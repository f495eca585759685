// Byte layouts that the native and the portable suites must share exactly: the sealed output
// of `sealSymmetric` in each suite, and the intl public-key envelope. Keeping them in one place
// is what makes a value sealed in a browser open on a node and the reverse.
// Browser-safe: no Node imports.
//
// intl sealSymmetric — AES-256-GCM: nonce (12 random bytes) || ciphertext || tag (16 bytes).
//   Random 96-bit nonces are safe for far more messages than one key ever seals here.
//
// gm sealSymmetric — SM4-CTR + HMAC-SM3, encrypt-then-MAC. The OpenSSL 3.0 linked into Node 20
//   has SM4 in ECB/CBC/CFB/OFB/CTR but no SM4-GCM, so we compose an AEAD from the two standard
//   primitives it does have, following the AES-CBC-HMAC-SHA2 construction of RFC 7518 §5.2:
//   the 32-byte key splits into MAC_KEY (first 16 bytes) and ENC_KEY (last 16 bytes);
//   C = SM4-CTR(ENC_KEY, N, plaintext) with N a random 16-byte initial counter block that
//   increments as one 128-bit big-endian integer (as OpenSSL's CTR does);
//   T = HMAC-SM3(MAC_KEY, A || N || C || AL) with AL the bit length of A as 64-bit big-endian;
//   output N || C || T (T all 32 bytes). Opening checks T in constant time BEFORE decrypting.
//
// intl encrypt — an ephemeral X25519 key E to the recipient's X25519 key R:
//   shared = X25519(e, R), rejected if all zero (a small-order R);
//   key || nonce = HKDF-SHA256(ikm = shared, salt = E || R, info = envelopeInfo, 32 + 12);
//   output E (32 bytes) || AES-256-GCM(key, nonce, plaintext) || tag (16 bytes).
//   The nonce may be derived because every envelope has a fresh ephemeral key.
import { ErrorCode, ZwError, concatBytes, utf8 } from '../core/index.js';

export const symmetricKeyBytes = 32;

export const aesGcmNonceBytes = 12;
export const aesGcmTagBytes = 16;
export const aesKeyBytes = 32;

export const sm4BlockBytes = 16;
export const sm4KeyBytes = 16;
export const sm4NonceBytes = 16;
export const sm4TagBytes = 32;

export const x25519KeyBytes = 32;
export const envelopeInfo = utf8('zhengwu/intl-envelope/x25519-hkdf-sha256-aes-256-gcm/v1');

/** Display names of the two authenticated symmetric constructions. */
export const symmetricCipherName = {
  intl: 'aes-256-gcm',
  gm: 'sm4-ctr-hmac-sm3',
} as const;

export function checkSymmetricKey(key: Uint8Array): void {
  if (key.length !== symmetricKeyBytes) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT,
      `symmetric key must be ${symmetricKeyBytes} bytes`);
  }
}

/** An address is defined only for a public key of the suite's length. */
export function checkPublicKeyLength(publicKey: Uint8Array, length: number): void {
  if (publicKey.length !== length) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, `public key must be ${length} bytes`);
  }
}

export function splitSm4Key(key: Uint8Array): { macKey: Uint8Array; encryptionKey: Uint8Array } {
  checkSymmetricKey(key);
  return { macKey: key.subarray(0, sm4KeyBytes), encryptionKey: key.subarray(sm4KeyBytes) };
}

/** A || N || C || AL, the input of the gm tag. */
export function sm4MacInput(associatedData: Uint8Array, nonce: Uint8Array,
  ciphertext: Uint8Array): Uint8Array {
  const lengthBits = new Uint8Array(8);
  new DataView(lengthBits.buffer).setBigUint64(0, BigInt(associatedData.length) * 8n);
  return concatBytes(associatedData, nonce, ciphertext, lengthBits);
}

export function tooShort(what: string): ZwError {
  return new ZwError(ErrorCode.MALFORMED, `${what} is too short`);
}

export function failedIntegrity(what: string): ZwError {
  return new ZwError(ErrorCode.MALFORMED, `${what} failed its integrity check`);
}

export function isAllZero(bytes: Uint8Array): boolean {
  let accumulated = 0;
  for (const byte of bytes) accumulated |= byte;
  return accumulated === 0;
}

/** Constant-time equality for tags; the lengths are public. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] as number);
  return difference === 0;
}

/** The primitives a backend supplies for the SM4-CTR + HMAC-SM3 seal (native or portable). */
export interface Sm4SealPrimitives {
  sm4Ctr(key: Uint8Array, initialCounter: Uint8Array, input: Uint8Array): Uint8Array;
  hmacSm3(key: Uint8Array, data: Uint8Array): Uint8Array;
  randomBytes(length: number): Uint8Array;
  equal(a: Uint8Array, b: Uint8Array): boolean;
}

/**
 * The gm suite's authenticated symmetric encryption, written once for both backends:
 * nonce ‖ SM4-CTR ciphertext ‖ HMAC-SM3 tag over (associated data, nonce, ciphertext).
 */
export function sm4Seal(primitives: Sm4SealPrimitives): {
  seal(key: Uint8Array, plaintext: Uint8Array, associatedData?: Uint8Array): Uint8Array;
  open(key: Uint8Array, sealed: Uint8Array, associatedData?: Uint8Array): Uint8Array;
} {
  return {
    seal(key, plaintext, associatedData) {
      const { macKey, encryptionKey } = splitSm4Key(key);
      const nonce = primitives.randomBytes(sm4NonceBytes);
      const ciphertext = primitives.sm4Ctr(encryptionKey, nonce, plaintext);
      const tag = primitives.hmacSm3(macKey,
        sm4MacInput(associatedData ?? new Uint8Array(0), nonce, ciphertext));
      return concatBytes(nonce, ciphertext, tag);
    },
    open(key, sealed, associatedData) {
      const { macKey, encryptionKey } = splitSm4Key(key);
      if (sealed.length < sm4NonceBytes + sm4TagBytes) throw tooShort('sealed value');
      const nonce = sealed.subarray(0, sm4NonceBytes);
      const ciphertext = sealed.subarray(sm4NonceBytes, sealed.length - sm4TagBytes);
      const tag = sealed.subarray(sealed.length - sm4TagBytes);
      const expected = primitives.hmacSm3(macKey,
        sm4MacInput(associatedData ?? new Uint8Array(0), nonce, ciphertext));
      // Encrypt-then-MAC: nothing is decrypted until the tag has been checked.
      if (!primitives.equal(tag, expected)) throw failedIntegrity('sealed value');
      return primitives.sm4Ctr(encryptionKey, nonce, ciphertext);
    },
  };
}
