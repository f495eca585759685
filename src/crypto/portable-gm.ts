// The gm suite (SM2, SM3, SM4) in portable JavaScript for the SDK in browsers. The primitives
// come from sm-crypto-v2, a maintained TypeScript library whose SM2 runs on @noble/curves:
// SM3, HMAC-SM3, the SM4 block cipher, and the SM2 sign, verify, encrypt and decrypt
// equations. This file adds only what Zhengwu defines around them, identically to the native
// suite in node-gm.ts: raw key formats, strict DER (sm2-format.ts), the GB/T 32918 key range,
// SM4-CTR on the library's SM4-ECB, and the sealed layout of formats.ts.
// Browser-safe: no Node imports.
import { bytesToHex, hexToBytes, randomBytes } from '@noble/hashes/utils.js';
import { sm2, sm3 as sm3Hex, sm4 } from 'sm-crypto-v2';
import { ErrorCode, ZwError, asAddress, addressBytes, concatBytes } from '../core/index.js';
import type { Address, PublicKey } from '../core/index.js';
import {
  checkPublicKeyLength, constantTimeEqual, failedIntegrity, sm4BlockBytes, sm4Seal,
} from './formats.js';
import { KeyCache } from './lru.js';
import {
  decodeSm2Ciphertext, decodeSm2Signature, encodeSm2Ciphertext, encodeSm2Signature,
  isValidSm2PrivateScalar, sm2DefaultUserId, sm2PrivateKeyBytes, sm2PublicKeyBytes,
} from './sm2-format.js';
import type { CryptoSuite, KeyPair } from './suite.js';

const coordinateHexChars = 64;
const sm3Bytes = 32;
// A 4-bit window table is ~100 KiB and ~10 ms to build and doubles the verification rate;
// the library's default 8-bit window is ~15 times costlier to build than to use a few times.
const publicPointWindowBits = 4;
const publicPointCacheEntriesMax = 64;

/** SM3 (GB/T 32905) of `data`. */
export function sm3(data: Uint8Array): Uint8Array {
  return hexToBytes(sm3Hex(data));
}

/** HMAC (RFC 2104) with SM3 as the hash. */
export function hmacSm3(key: Uint8Array, data: Uint8Array): Uint8Array {
  return hexToBytes(sm3Hex(data, { key, mode: 'hmac' }));
}

/**
 * Z_A of GB/T 32918.2 §5.5: SM3(ENTL || ID || a || b || xG || yG || xA || yA), the value that
 * binds a signer's identity and public key into every SM2 signature. The id is UTF-8 text.
 */
export function sm2UserHash(publicKey: Uint8Array, userId: string = sm2DefaultUserId):
  Uint8Array {
  return Uint8Array.from(sm2.getZ(bytesToHex(publicKey), userId));
}

/** SM4-CTR with a 128-bit big-endian counter, built on the library's SM4 block function. */
export function sm4Ctr(key: Uint8Array, initialCounter: Uint8Array, input: Uint8Array):
  Uint8Array {
  const blocks = Math.ceil(input.length / sm4BlockBytes);
  const counters = new Uint8Array(blocks * sm4BlockBytes);
  const counter = initialCounter.slice();
  for (let block = 0; block < blocks; block++) {
    counters.set(counter, block * sm4BlockBytes);
    for (let i = sm4BlockBytes - 1; i >= 0; i--) {
      counter[i] = ((counter[i] as number) + 1) & 0xff;
      if (counter[i] !== 0) break;
    }
  }
  const stream = blocks === 0 ? counters
    : sm4.encrypt(counters, key, { mode: 'ecb', padding: 'none', output: 'array' });
  const out = new Uint8Array(input.length);
  for (let i = 0; i < input.length; i++) out[i] = (input[i] as number) ^ (stream[i] as number);
  return out;
}

function checkPrivateKey(privateKey: Uint8Array): void {
  if (!isValidSm2PrivateScalar(privateKey)) {
    throw new ZwError(ErrorCode.BAD_KEY, 'SM2 private key must be a 32-byte scalar in [1, n-2]');
  }
}

function publicKeyOf(privateKey: Uint8Array): PublicKey {
  checkPrivateKey(privateKey);
  return hexToBytes(sm2.getPublicKeyFromPrivateKey(bytesToHex(privateKey))) as PublicKey;
}

function generateKeyPair(): KeyPair {
  for (;;) {
    const privateKey = randomBytes(sm2PrivateKeyBytes);
    if (isValidSm2PrivateScalar(privateKey)) {
      return { privateKey, publicKey: publicKeyOf(privateKey) };
    }
  }
}

// Verification multiplies the public point; a precomputed table for recent keys makes that
// faster, and validators' keys recur in every commit the SDK checks.
const publicPoints = new KeyCache<ReturnType<typeof sm2.precomputePublicKey>>(
  publicPointCacheEntriesMax);

function publicPoint(publicKey: Uint8Array): ReturnType<typeof sm2.precomputePublicKey> {
  const hex = bytesToHex(publicKey);
  const cached = publicPoints.get(hex);
  if (cached !== undefined) return cached;
  // fromHex inside checks that the point lies on the curve, and throws if it does not.
  const point = sm2.precomputePublicKey(hex, publicPointWindowBits);
  publicPoints.set(hex, point);
  return point;
}

function pad(value: bigint): string {
  return value.toString(16).padStart(coordinateHexChars, '0');
}

function sign(privateKey: Uint8Array, message: Uint8Array): Uint8Array {
  const publicKey = publicKeyOf(privateKey);
  const rs = sm2.doSignature(message, bytesToHex(privateKey), {
    hash: true, der: false, publicKey: bytesToHex(publicKey), userId: sm2DefaultUserId,
  });
  return encodeSm2Signature({
    r: BigInt(`0x${rs.slice(0, coordinateHexChars)}`),
    s: BigInt(`0x${rs.slice(coordinateHexChars)}`),
  });
}

function verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== sm2PublicKeyBytes || publicKey[0] !== 0x04) return false;
  const decoded = decodeSm2Signature(signature);
  if (decoded === undefined) return false;
  try {
    return sm2.doVerifySignature(message, pad(decoded.r) + pad(decoded.s), publicPoint(publicKey),
      { hash: true, der: false, userId: sm2DefaultUserId });
  } catch {
    return false;
  }
}

function encrypt(recipientPublicKey: Uint8Array, plaintext: Uint8Array): Uint8Array {
  if (plaintext.length === 0) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'SM2 cannot encrypt an empty message');
  }
  if (recipientPublicKey.length !== sm2PublicKeyBytes || recipientPublicKey[0] !== 0x04) {
    throw new ZwError(ErrorCode.BAD_KEY, 'SM2 public key must be 65 bytes, uncompressed');
  }
  let raw: Uint8Array;
  try {
    // Mode 1 is C1 || C3 || C2 with C1 as x || y (no 0x04 prefix), all in hex.
    raw = hexToBytes(sm2.doEncrypt(plaintext, bytesToHex(recipientPublicKey), 1));
  } catch {
    throw new ZwError(ErrorCode.BAD_KEY, 'invalid SM2 public key');
  }
  const c1End = sm2PublicKeyBytes - 1;
  return encodeSm2Ciphertext({
    c1: concatBytes(Uint8Array.of(0x04), raw.subarray(0, c1End)),
    c3: raw.subarray(c1End, c1End + sm3Bytes),
    c2: raw.subarray(c1End + sm3Bytes),
  });
}

function decrypt(privateKey: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  checkPrivateKey(privateKey);
  const { c1, c3, c2 } = decodeSm2Ciphertext(ciphertext);
  let plaintext: Uint8Array;
  try {
    const raw = bytesToHex(concatBytes(c1.subarray(1), c3, c2));
    plaintext = Uint8Array.from(
      sm2.doDecrypt(raw, bytesToHex(privateKey), 1, { output: 'array' }));
  } catch {
    throw failedIntegrity('SM2 ciphertext');
  }
  // The library answers an empty array when C3 does not match; C2 is never empty here.
  if (plaintext.length !== c2.length) throw failedIntegrity('SM2 ciphertext');
  return plaintext;
}

// SM4-CTR + HMAC-SM3, composed once in formats.ts over this backend's primitives.
const { seal: sealSymmetric, open: openSymmetric } = sm4Seal({
  sm4Ctr, hmacSm3, randomBytes, equal: constantTimeEqual,
});

export const portableGmSuite: CryptoSuite = {
  name: 'gm',
  hashName: 'sm3',
  publicKeyBytes: sm2PublicKeyBytes,
  hash: sm3,
  generateKeyPair,
  publicKeyOf,
  sign,
  verify,
  address(publicKey: Uint8Array): Address {
    checkPublicKeyLength(publicKey, sm2PublicKeyBytes);
    return asAddress(sm3(publicKey).slice(0, addressBytes));
  },
  encryptionKeyPair: generateKeyPair,
  encryptionPublicKeyOf: publicKeyOf,
  encrypt,
  decrypt,
  sealSymmetric,
  openSymmetric,
};
