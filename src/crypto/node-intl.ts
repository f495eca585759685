// The intl suite on Node's built-in crypto (OpenSSL 3): Ed25519, SHA-256, X25519 + HKDF-SHA256
// + AES-256-GCM. OpenSSL is several times faster than pure JavaScript, which matters for
// signature checks on the node. Raw keys are wrapped into PKCS#8/SPKI DER to become KeyObjects;
// parsed KeyObjects are cached because creating one costs a good part of a verification.
import {
  createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey,
  diffieHellman, hkdfSync, randomBytes, sign as nodeSign, verify as nodeVerify,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import {
  ErrorCode, ZwError, asAddress, addressBytes, concatBytes, toHex,
} from '../core/index.js';
import type { Address, PublicKey } from '../core/index.js';
import {
  aesGcmNonceBytes, aesGcmTagBytes, aesKeyBytes, checkPublicKeyLength, checkSymmetricKey,
  envelopeInfo, failedIntegrity, isAllZero, tooShort, x25519KeyBytes,
} from './formats.js';
import { KeyCache } from './lru.js';
import { privateKeyToPkcs8, publicKeyToSpki } from './pem.js';
import type { KeyKind } from './pem.js';
import type { CryptoSuite, KeyPair } from './suite.js';

const ed25519KeyBytes = 32;
const ed25519SignatureBytes = 64;
const publicKeyCacheEntriesMax = 4096;
const privateKeyCacheEntriesMax = 16;

const publicKeys = new KeyCache<KeyObject>(publicKeyCacheEntriesMax);
const privateKeys = new KeyCache<KeyObject>(privateKeyCacheEntriesMax);

function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

function checkPrivateKey(privateKey: Uint8Array, kind: KeyKind): void {
  if (privateKey.length !== ed25519KeyBytes) {
    throw new ZwError(ErrorCode.BAD_KEY, `${kind} private key must be ${ed25519KeyBytes} bytes`);
  }
}

function publicKeyObject(kind: KeyKind, publicKey: Uint8Array): KeyObject {
  const cacheKey = `${kind}:${toHex(publicKey)}`;
  const cached = publicKeys.get(cacheKey);
  if (cached !== undefined) return cached;
  const key = createPublicKey({ key: Buffer.from(publicKeyToSpki(kind, publicKey)),
    format: 'der', type: 'spki' });
  publicKeys.set(cacheKey, key);
  return key;
}

// The cache is keyed by a hash of the secret so that no copy of it sits in a Map key.
function privateKeyObject(kind: KeyKind, privateKey: Uint8Array): KeyObject {
  checkPrivateKey(privateKey, kind);
  const cacheKey = `${kind}:${toHex(sha256(privateKey))}`;
  const cached = privateKeys.get(cacheKey);
  if (cached !== undefined) return cached;
  const der = Buffer.from(privateKeyToPkcs8(kind, privateKey));
  const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  der.fill(0);
  privateKeys.set(cacheKey, key);
  return key;
}

function rawPublicKey(privateKey: KeyObject): Uint8Array {
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return new Uint8Array(spki.subarray(spki.length - ed25519KeyBytes));
}

function publicKeyOf(privateKey: Uint8Array): PublicKey {
  return rawPublicKey(privateKeyObject('ed25519', privateKey)) as PublicKey;
}

function encryptionPublicKeyOf(privateKey: Uint8Array): Uint8Array {
  return rawPublicKey(privateKeyObject('x25519', privateKey));
}

export function x25519Shared(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== x25519KeyBytes) {
    throw new ZwError(ErrorCode.BAD_KEY, `X25519 public key must be ${x25519KeyBytes} bytes`);
  }
  try {
    return new Uint8Array(diffieHellman({
      privateKey: privateKeyObject('x25519', privateKey),
      publicKey: publicKeyObject('x25519', publicKey),
    }));
  } catch (error) {
    if (error instanceof ZwError) throw error;
    // OpenSSL refuses an all-zero shared secret; reported below like the portable suite does.
    return new Uint8Array(x25519KeyBytes);
  }
}

function envelopeKeys(shared: Uint8Array, ephemeral: Uint8Array, recipient: Uint8Array): {
  key: Uint8Array; nonce: Uint8Array;
} {
  if (isAllZero(shared)) throw new ZwError(ErrorCode.BAD_KEY, 'X25519 key has small order');
  const okm = new Uint8Array(hkdfSync('sha256', shared, concatBytes(ephemeral, recipient),
    envelopeInfo, aesKeyBytes + aesGcmNonceBytes));
  return { key: okm.subarray(0, aesKeyBytes), nonce: okm.subarray(aesKeyBytes) };
}

function gcmEncrypt(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array,
  associatedData?: Uint8Array): Uint8Array {
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: aesGcmTagBytes });
  if (associatedData !== undefined) cipher.setAAD(associatedData);
  return concatBytes(cipher.update(plaintext), cipher.final(), cipher.getAuthTag());
}

function gcmDecrypt(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, what: string,
  associatedData?: Uint8Array): Uint8Array {
  if (sealed.length < aesGcmTagBytes) throw tooShort(what);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: aesGcmTagBytes });
  if (associatedData !== undefined) decipher.setAAD(associatedData);
  decipher.setAuthTag(sealed.subarray(sealed.length - aesGcmTagBytes));
  const body = decipher.update(sealed.subarray(0, sealed.length - aesGcmTagBytes));
  try {
    return concatBytes(body, decipher.final());
  } catch {
    body.fill(0);
    throw failedIntegrity(what);
  }
}

export const nodeIntlSuite: CryptoSuite = {
  name: 'intl',
  hashName: 'sha256',
  publicKeyBytes: ed25519KeyBytes,
  hash: sha256,

  generateKeyPair(): KeyPair {
    const privateKey = new Uint8Array(randomBytes(ed25519KeyBytes));
    return { privateKey, publicKey: publicKeyOf(privateKey) };
  },

  publicKeyOf,

  sign(privateKey: Uint8Array, message: Uint8Array): Uint8Array {
    return new Uint8Array(nodeSign(null, message, privateKeyObject('ed25519', privateKey)));
  },

  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    if (publicKey.length !== ed25519KeyBytes || signature.length !== ed25519SignatureBytes) {
      return false;
    }
    try {
      return nodeVerify(null, message, publicKeyObject('ed25519', publicKey), signature);
    } catch {
      return false;
    }
  },

  address(publicKey: Uint8Array): Address {
    checkPublicKeyLength(publicKey, ed25519KeyBytes);
    return asAddress(sha256(publicKey).slice(0, addressBytes));
  },

  encryptionKeyPair(): KeyPair {
    const privateKey = new Uint8Array(randomBytes(x25519KeyBytes));
    return { privateKey, publicKey: encryptionPublicKeyOf(privateKey) as PublicKey };
  },

  encryptionPublicKeyOf,

  encrypt(recipientPublicKey: Uint8Array, plaintext: Uint8Array): Uint8Array {
    const ephemeralPrivate = new Uint8Array(randomBytes(x25519KeyBytes));
    const ephemeral = encryptionPublicKeyOf(ephemeralPrivate);
    const shared = x25519Shared(ephemeralPrivate, recipientPublicKey);
    const { key, nonce } = envelopeKeys(shared, ephemeral, recipientPublicKey);
    return concatBytes(ephemeral, gcmEncrypt(key, nonce, plaintext));
  },

  decrypt(privateKey: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    if (ciphertext.length < x25519KeyBytes + aesGcmTagBytes) throw tooShort('envelope');
    const ephemeral = ciphertext.subarray(0, x25519KeyBytes);
    const recipient = encryptionPublicKeyOf(privateKey);
    const { key, nonce } = envelopeKeys(x25519Shared(privateKey, ephemeral), ephemeral,
      recipient);
    return gcmDecrypt(key, nonce, ciphertext.subarray(x25519KeyBytes), 'envelope');
  },

  sealSymmetric(key: Uint8Array, plaintext: Uint8Array, associatedData?: Uint8Array): Uint8Array {
    checkSymmetricKey(key);
    const nonce = new Uint8Array(randomBytes(aesGcmNonceBytes));
    return concatBytes(nonce, gcmEncrypt(key, nonce, plaintext, associatedData));
  },

  openSymmetric(key: Uint8Array, sealed: Uint8Array, associatedData?: Uint8Array): Uint8Array {
    checkSymmetricKey(key);
    if (sealed.length < aesGcmNonceBytes + aesGcmTagBytes) throw tooShort('sealed value');
    return gcmDecrypt(key, sealed.subarray(0, aesGcmNonceBytes),
      sealed.subarray(aesGcmNonceBytes), 'sealed value', associatedData);
  },
};
