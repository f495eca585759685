// Encrypted key files. A keystore holds one private key sealed under a key derived from a
// passphrase with scrypt, using the suite's own authenticated cipher: AES-256-GCM on intl
// chains, SM4-CTR + HMAC-SM3 on gm chains (so a gm deployment uses only 国密 algorithms).
// Everything in the file except the nonce and ciphertext is bound in as associated data, so a
// swapped public key, address or weakened KDF parameter fails like a wrong passphrase would.
// The code is written against a CryptoBackend, so the same file opens in Node (OpenSSL scrypt)
// and in a browser (noble scrypt); both derive the same key. Keys are never logged.
// Browser-safe: no Node imports.
import {
  ErrorCode, ZwError, bytesEqual, fromHex, isZwError, toHex, utf8,
} from '../core/index.js';
import type { Address } from '../core/index.js';
import type { CryptoBackend, ScryptParameters } from './backend.js';
import {
  aesGcmNonceBytes, sm4NonceBytes, symmetricCipherName, symmetricKeyBytes,
} from './formats.js';
import { isSuiteName } from './portable.js';
import type { CryptoSuite, KeyPair, SuiteName } from './suite.js';

/** A signing key (Ed25519 / SM2) or an encryption key (X25519 / SM2). */
export type KeyPurpose = 'signing' | 'encryption';

export type KeystoreCipherName = (typeof symmetricCipherName)[SuiteName];

/** The JSON document written to disk. Hex strings carry no 0x prefix. */
export interface KeystoreFile {
  readonly version: 1;
  readonly suite: SuiteName;
  readonly purpose: KeyPurpose;
  readonly address: string;
  readonly publicKey: string;
  readonly kdf: {
    readonly name: 'scrypt';
    readonly n: number;
    readonly r: number;
    readonly p: number;
    readonly dkLen: number;
    readonly salt: string;
  };
  readonly cipher: { readonly name: KeystoreCipherName; readonly nonce: string };
  readonly ciphertext: string;
}

export interface KeystoreOptions {
  /** scrypt cost N (power of two); default 2^17, i.e. 128 MiB and ~0.3 s natively. */
  readonly scryptN?: number;
  readonly purpose?: KeyPurpose;
}

/** What opening a keystore yields: the key pair plus what the file says about it. */
export interface OpenedKeystore extends KeyPair {
  readonly suite: SuiteName;
  readonly purpose: KeyPurpose;
  readonly address: Address;
}

/** Bounds on file-supplied KDF parameters, so a crafted file cannot exhaust memory or time. */
export const keystoreLimits = {
  scryptNDefault: 2 ** 17,
  scryptNMin: 2 ** 10,
  scryptNMax: 2 ** 20,
  scryptR: 8,
  scryptRMax: 16,
  scryptPMax: 4,
  saltBytes: 32,
  saltBytesMin: 16,
  saltBytesMax: 64,
} as const;

const nonceBytes: Record<SuiteName, number> = { intl: aesGcmNonceBytes, gm: sm4NonceBytes };

function malformed(message: string): ZwError {
  return new ZwError(ErrorCode.MALFORMED, `keystore: ${message}`);
}

function passphraseBytes(passphrase: string): Uint8Array {
  // NFKC, so the same passphrase typed on different systems yields the same bytes.
  return utf8(passphrase.normalize('NFKC'));
}

function associatedData(file: Omit<KeystoreFile, 'cipher' | 'ciphertext'>,
  cipherName: string): Uint8Array {
  const { kdf } = file;
  return utf8(['zhengwu-keystore', file.version, file.suite, file.purpose, file.address,
    file.publicKey, kdf.name, kdf.n, kdf.r, kdf.p, kdf.dkLen, kdf.salt, cipherName].join('|'));
}

function derivePublicKey(suite: CryptoSuite, purpose: KeyPurpose, privateKey: Uint8Array):
  Uint8Array {
  return purpose === 'signing' ? suite.publicKeyOf(privateKey)
    : suite.encryptionPublicKeyOf(privateKey);
}

interface Prepared {
  readonly header: Omit<KeystoreFile, 'cipher' | 'ciphertext'>;
  readonly salt: Uint8Array;
  readonly parameters: ScryptParameters;
}

function prepare(backend: CryptoBackend, suite: CryptoSuite, keyPair: KeyPair,
  passphrase: string, options: KeystoreOptions): Prepared {
  const purpose = options.purpose ?? 'signing';
  if (passphrase.length === 0) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'keystore passphrase must not be empty');
  }
  if (!bytesEqual(derivePublicKey(suite, purpose, keyPair.privateKey), keyPair.publicKey)) {
    throw new ZwError(ErrorCode.BAD_KEY, 'public key does not belong to the private key');
  }
  const parameters = { n: options.scryptN ?? keystoreLimits.scryptNDefault,
    r: keystoreLimits.scryptR, p: 1, dkLen: symmetricKeyBytes };
  checkScrypt(parameters);
  const salt = backend.randomBytes(keystoreLimits.saltBytes);
  const header = {
    version: 1 as const, suite: suite.name, purpose,
    address: toHex(suite.address(keyPair.publicKey)), publicKey: toHex(keyPair.publicKey),
    kdf: { name: 'scrypt' as const, ...parameters, salt: toHex(salt) },
  };
  return { header, salt, parameters };
}

function seal(suite: CryptoSuite, prepared: Prepared, key: Uint8Array, privateKey: Uint8Array):
  string {
  const cipherName = symmetricCipherName[suite.name];
  const sealed = suite.sealSymmetric(key, privateKey, associatedData(prepared.header, cipherName));
  key.fill(0);
  const split = nonceBytes[suite.name];
  const file: KeystoreFile = {
    ...prepared.header,
    cipher: { name: cipherName, nonce: toHex(sealed.subarray(0, split)) },
    ciphertext: toHex(sealed.subarray(split)),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

function checkScrypt(parameters: ScryptParameters): void {
  const { n, r, p, dkLen } = parameters;
  const limits = keystoreLimits;
  const powerOfTwo = Number.isSafeInteger(n) && n > 0 && (n & (n - 1)) === 0;
  if (!powerOfTwo || n < limits.scryptNMin || n > limits.scryptNMax
    || !Number.isSafeInteger(r) || r < 1 || r > limits.scryptRMax
    || !Number.isSafeInteger(p) || p < 1 || p > limits.scryptPMax || dkLen !== symmetricKeyBytes) {
    throw malformed(`scrypt parameters out of bounds (N a power of two in ` +
      `[${limits.scryptNMin}, ${limits.scryptNMax}], r <= ${limits.scryptRMax}, ` +
      `p <= ${limits.scryptPMax}, dkLen ${symmetricKeyBytes})`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hexField(value: unknown, what: string): Uint8Array {
  if (typeof value !== 'string') throw malformed(`${what} must be a hex string`);
  try {
    return fromHex(value, what);
  } catch {
    throw malformed(`${what} must be a hex string`);
  }
}

/** Checks the shape of a parsed keystore document; throws MALFORMED naming the first fault. */
export function parseKeystore(json: unknown): KeystoreFile {
  let value: unknown = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch {
      throw malformed('not JSON');
    }
  }
  if (!isRecord(value) || value.version !== 1) throw malformed('unsupported version');
  const { suite, purpose, kdf, cipher } = value;
  if (!isSuiteName(suite)) throw malformed('unknown suite');
  if (purpose !== 'signing' && purpose !== 'encryption') throw malformed('unknown purpose');
  if (!isRecord(kdf) || kdf.name !== 'scrypt') throw malformed('kdf must be scrypt');
  if (!isRecord(cipher) || cipher.name !== symmetricCipherName[suite]) {
    throw malformed(`cipher must be ${symmetricCipherName[suite]}`);
  }
  const parameters = { n: kdf.n, r: kdf.r, p: kdf.p, dkLen: kdf.dkLen } as ScryptParameters;
  checkScrypt(parameters);
  const salt = hexField(kdf.salt, 'salt');
  if (salt.length < keystoreLimits.saltBytesMin || salt.length > keystoreLimits.saltBytesMax) {
    throw malformed('salt has a wrong length');
  }
  if (hexField(cipher.nonce, 'nonce').length !== nonceBytes[suite]) {
    throw malformed('nonce has a wrong length');
  }
  for (const field of ['address', 'publicKey', 'ciphertext'] as const) {
    hexField(value[field], field);
  }
  return {
    version: 1, suite, purpose,
    address: (value.address as string).toLowerCase(),
    publicKey: (value.publicKey as string).toLowerCase(),
    kdf: { name: 'scrypt', ...parameters, salt: toHex(salt) },
    cipher: { name: symmetricCipherName[suite], nonce: (cipher.nonce as string).toLowerCase() },
    ciphertext: (value.ciphertext as string).toLowerCase(),
  };
}

function unseal(backend: CryptoBackend, file: KeystoreFile, key: Uint8Array): OpenedKeystore {
  const suite = backend.suite(file.suite);
  const header = {
    version: file.version, suite: file.suite, purpose: file.purpose, address: file.address,
    publicKey: file.publicKey, kdf: file.kdf,
  };
  let privateKey: Uint8Array;
  try {
    privateKey = suite.openSymmetric(key, fromHex(file.cipher.nonce + file.ciphertext),
      associatedData(header, file.cipher.name));
  } catch (error) {
    if (isZwError(error) && error.code === ErrorCode.MALFORMED) {
      throw new ZwError(ErrorCode.BAD_PASSPHRASE, 'wrong passphrase (or a modified keystore)');
    }
    throw error;
  } finally {
    key.fill(0);
  }
  const publicKey = derivePublicKey(suite, file.purpose, privateKey);
  if (toHex(publicKey) !== file.publicKey
    || toHex(suite.address(publicKey)) !== file.address) {
    throw new ZwError(ErrorCode.BAD_KEY, 'keystore key does not match its public key');
  }
  return {
    privateKey, publicKey: publicKey as KeyPair['publicKey'], suite: file.suite,
    purpose: file.purpose, address: suite.address(publicKey),
  };
}

/** createKeystore answers the file's JSON text, ready to write (with mode 0600). */
export interface KeystoreFunctions {
  createKeystore(suite: CryptoSuite, keyPair: KeyPair, passphrase: string,
    options?: KeystoreOptions): string;
  openKeystore(json: string | KeystoreFile, passphrase: string): OpenedKeystore;
  createKeystoreAsync(suite: CryptoSuite, keyPair: KeyPair, passphrase: string,
    options?: KeystoreOptions): Promise<string>;
  openKeystoreAsync(json: string | KeystoreFile, passphrase: string): Promise<OpenedKeystore>;
}

/**
 * Binds the keystore to a backend. The synchronous forms block for the scrypt time (~0.3 s
 * natively at the default cost), which suits start-up and the CLI; servers and browsers use
 * the asynchronous forms.
 */
export function keystoreFunctions(backend: CryptoBackend): KeystoreFunctions {
  return {
    createKeystore(suite, keyPair, passphrase, options = {}) {
      const prepared = prepare(backend, suite, keyPair, passphrase, options);
      const key = backend.scrypt(passphraseBytes(passphrase), prepared.salt, prepared.parameters);
      return seal(suite, prepared, key, keyPair.privateKey);
    },
    openKeystore(json, passphrase) {
      const file = parseKeystore(json);
      const key = backend.scrypt(passphraseBytes(passphrase), fromHex(file.kdf.salt), file.kdf);
      return unseal(backend, file, key);
    },
    async createKeystoreAsync(suite, keyPair, passphrase, options = {}) {
      const prepared = prepare(backend, suite, keyPair, passphrase, options);
      const key = await backend.scryptAsync(passphraseBytes(passphrase), prepared.salt,
        prepared.parameters);
      return seal(suite, prepared, key, keyPair.privateKey);
    },
    async openKeystoreAsync(json, passphrase) {
      const file = parseKeystore(json);
      const key = await backend.scryptAsync(passphraseBytes(passphrase), fromHex(file.kdf.salt),
        file.kdf);
      return unseal(backend, file, key);
    },
  };
}
