// The gm suite in Node: SM2 through the native addon (standard default user id, which Node's
// own crypto cannot do), SM3 and SM4-CTR + HMAC-SM3 through node:crypto. The addon is loaded on
// the first SM2 operation, so hashing and symmetric sealing work even where it is not built.
import {
  createCipheriv, createHash, createHmac, randomBytes, timingSafeEqual,
} from 'node:crypto';
import { ErrorCode, ZwError, asAddress, addressBytes, concatBytes } from '../core/index.js';
import type { Address, PublicKey } from '../core/index.js';
import { checkPublicKeyLength, failedIntegrity, sm4Seal } from './formats.js';
import { loadSm2Addon } from './native.js';
import {
  decodeSm2Ciphertext, isValidSm2PrivateScalar, sm2PublicKeyBytes,
} from './sm2-format.js';
import type { CryptoSuite, KeyPair } from './suite.js';

function sm3(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sm3').update(data).digest());
}

function hmacSm3(key: Uint8Array, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sm3', key).update(data).digest());
}

// CTR is its own inverse, so one function both encrypts and decrypts.
export function sm4Ctr(key: Uint8Array, initialCounter: Uint8Array, input: Uint8Array):
  Uint8Array {
  const cipher = createCipheriv('sm4-ctr', key, initialCounter);
  return concatBytes(cipher.update(input), cipher.final());
}

function checkPrivateKey(privateKey: Uint8Array): void {
  if (!isValidSm2PrivateScalar(privateKey)) {
    throw new ZwError(ErrorCode.BAD_KEY, 'SM2 private key must be a 32-byte scalar in [1, n-2]');
  }
}

function checkPublicKey(publicKey: Uint8Array): void {
  if (publicKey.length !== sm2PublicKeyBytes || publicKey[0] !== 0x04) {
    throw new ZwError(ErrorCode.BAD_KEY, 'SM2 public key must be 65 bytes, uncompressed');
  }
}

function generateKeyPair(): KeyPair {
  const pair = loadSm2Addon().generateKeyPair();
  return { privateKey: pair.privateKey, publicKey: pair.publicKey as PublicKey };
}

function publicKeyOf(privateKey: Uint8Array): PublicKey {
  checkPrivateKey(privateKey);
  return loadSm2Addon().publicKeyOf(privateKey) as PublicKey;
}

function sign(privateKey: Uint8Array, message: Uint8Array): Uint8Array {
  checkPrivateKey(privateKey);
  return loadSm2Addon().sign(privateKey, message);
}

function verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== sm2PublicKeyBytes) return false;
  return loadSm2Addon().verify(publicKey, message, signature);
}

function encrypt(recipientPublicKey: Uint8Array, plaintext: Uint8Array): Uint8Array {
  if (plaintext.length === 0) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'SM2 cannot encrypt an empty message');
  }
  checkPublicKey(recipientPublicKey);
  try {
    return loadSm2Addon().encrypt(recipientPublicKey, plaintext);
  } catch (error) {
    if (error instanceof ZwError) throw error;
    throw new ZwError(ErrorCode.BAD_KEY, 'invalid SM2 public key');
  }
}

function decrypt(privateKey: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  checkPrivateKey(privateKey);
  // The same strict parse as the portable suite, so both reject exactly the same inputs.
  decodeSm2Ciphertext(ciphertext);
  try {
    return loadSm2Addon().decrypt(privateKey, ciphertext);
  } catch (error) {
    if (error instanceof ZwError) throw error;
    throw failedIntegrity('SM2 ciphertext');
  }
}

// SM4-CTR + HMAC-SM3, composed once in formats.ts over this backend's primitives.
const { seal: sealSymmetric, open: openSymmetric } = sm4Seal({
  sm4Ctr, hmacSm3, randomBytes: (length) => new Uint8Array(randomBytes(length)),
  equal: (a, b) => timingSafeEqual(a, b),
});

export const nodeGmSuite: CryptoSuite = {
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
