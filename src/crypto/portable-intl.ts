// The intl suite in portable JavaScript (Ed25519, SHA-256, X25519 + HKDF-SHA256 + AES-256-GCM)
// on the audited @noble libraries, for the SDK in browsers. It produces and accepts the same
// bytes as the native suite in node-intl.ts; test/crypto checks that in both directions.
// Browser-safe: no Node imports.
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { gcm } from '@noble/ciphers/aes.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { ErrorCode, ZwError, asAddress, addressBytes, concatBytes } from '../core/index.js';
import type { Address, PublicKey } from '../core/index.js';
import {
  aesGcmNonceBytes, aesGcmTagBytes, aesKeyBytes, checkPublicKeyLength, checkSymmetricKey,
  envelopeInfo,
  failedIntegrity, isAllZero, tooShort, x25519KeyBytes,
} from './formats.js';
import type { CryptoSuite, KeyPair } from './suite.js';

const ed25519KeyBytes = 32;
const ed25519SignatureBytes = 64;

function checkPrivateKey(privateKey: Uint8Array, what: string): void {
  if (privateKey.length !== ed25519KeyBytes) {
    throw new ZwError(ErrorCode.BAD_KEY, `${what} private key must be ${ed25519KeyBytes} bytes`);
  }
}

function envelopeKeys(shared: Uint8Array, ephemeral: Uint8Array, recipient: Uint8Array): {
  key: Uint8Array; nonce: Uint8Array;
} {
  if (isAllZero(shared)) throw new ZwError(ErrorCode.BAD_KEY, 'X25519 key has small order');
  const okm = hkdf(sha256, shared, concatBytes(ephemeral, recipient), envelopeInfo,
    aesKeyBytes + aesGcmNonceBytes);
  return { key: okm.subarray(0, aesKeyBytes), nonce: okm.subarray(aesKeyBytes) };
}

export function x25519Shared(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== x25519KeyBytes) {
    throw new ZwError(ErrorCode.BAD_KEY, `X25519 public key must be ${x25519KeyBytes} bytes`);
  }
  checkPrivateKey(privateKey, 'X25519');
  try {
    return x25519.getSharedSecret(privateKey, publicKey);
  } catch {
    // noble refuses an all-zero shared secret itself; the caller reports it the same way.
    return new Uint8Array(x25519KeyBytes);
  }
}

function publicKeyOf(privateKey: Uint8Array): PublicKey {
  checkPrivateKey(privateKey, 'Ed25519');
  return ed25519.getPublicKey(privateKey) as PublicKey;
}

function encryptionPublicKeyOf(privateKey: Uint8Array): Uint8Array {
  checkPrivateKey(privateKey, 'X25519');
  return x25519.getPublicKey(privateKey);
}

export const portableIntlSuite: CryptoSuite = {
  name: 'intl',
  hashName: 'sha256',
  publicKeyBytes: ed25519KeyBytes,

  hash(data: Uint8Array): Uint8Array {
    return sha256(data);
  },

  generateKeyPair(): KeyPair {
    const privateKey = randomBytes(ed25519KeyBytes);
    return { privateKey, publicKey: publicKeyOf(privateKey) };
  },

  publicKeyOf,

  sign(privateKey: Uint8Array, message: Uint8Array): Uint8Array {
    checkPrivateKey(privateKey, 'Ed25519');
    return ed25519.sign(message, privateKey);
  },

  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    if (publicKey.length !== ed25519KeyBytes || signature.length !== ed25519SignatureBytes) {
      return false;
    }
    try {
      // RFC 8032 strict decoding, as OpenSSL does; noble's default (ZIP-215) is more lenient.
      return ed25519.verify(signature, message, publicKey, { zip215: false });
    } catch {
      return false;
    }
  },

  address(publicKey: Uint8Array): Address {
    checkPublicKeyLength(publicKey, ed25519KeyBytes);
    return asAddress(sha256(publicKey).slice(0, addressBytes));
  },

  encryptionKeyPair(): KeyPair {
    const privateKey = randomBytes(x25519KeyBytes);
    return { privateKey, publicKey: encryptionPublicKeyOf(privateKey) as PublicKey };
  },

  encryptionPublicKeyOf,

  encrypt(recipientPublicKey: Uint8Array, plaintext: Uint8Array): Uint8Array {
    const ephemeralPrivate = randomBytes(x25519KeyBytes);
    const ephemeral = x25519.getPublicKey(ephemeralPrivate);
    const shared = x25519Shared(ephemeralPrivate, recipientPublicKey);
    const { key, nonce } = envelopeKeys(shared, ephemeral, recipientPublicKey);
    return concatBytes(ephemeral, gcm(key, nonce).encrypt(plaintext));
  },

  decrypt(privateKey: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    if (ciphertext.length < x25519KeyBytes + aesGcmTagBytes) throw tooShort('envelope');
    const ephemeral = ciphertext.subarray(0, x25519KeyBytes);
    const recipient = encryptionPublicKeyOf(privateKey);
    const { key, nonce } = envelopeKeys(x25519Shared(privateKey, ephemeral), ephemeral,
      recipient);
    try {
      return gcm(key, nonce).decrypt(ciphertext.subarray(x25519KeyBytes));
    } catch {
      throw failedIntegrity('envelope');
    }
  },

  sealSymmetric(key: Uint8Array, plaintext: Uint8Array, associatedData?: Uint8Array): Uint8Array {
    checkSymmetricKey(key);
    const nonce = randomBytes(aesGcmNonceBytes);
    return concatBytes(nonce, gcm(key, nonce, associatedData).encrypt(plaintext));
  },

  openSymmetric(key: Uint8Array, sealed: Uint8Array, associatedData?: Uint8Array): Uint8Array {
    checkSymmetricKey(key);
    if (sealed.length < aesGcmNonceBytes + aesGcmTagBytes) throw tooShort('sealed value');
    const nonce = sealed.subarray(0, aesGcmNonceBytes);
    try {
      return gcm(key, nonce, associatedData).decrypt(sealed.subarray(aesGcmNonceBytes));
    } catch {
      throw failedIntegrity('sealed value');
    }
  },
};
