// What differs between running in Node (OpenSSL through node:crypto and the SM2 addon) and in
// a browser (the portable suites): the suites themselves, scrypt and the random source. The
// keystore and the public entry are written against this interface, so they run unchanged in
// both places. Browser-safe: no Node imports.
import type { CryptoSuite, SuiteName } from './suite.js';

export interface ScryptParameters {
  /** CPU/memory cost, a power of two. */
  readonly n: number;
  /** Block size. */
  readonly r: number;
  /** Parallelism. */
  readonly p: number;
  /** Derived key length in bytes. */
  readonly dkLen: number;
}

export interface CryptoBackend {
  /** 'native' in Node (OpenSSL), 'portable' in browsers (pure JavaScript). */
  readonly kind: 'native' | 'portable';
  suite(name: SuiteName): CryptoSuite;
  scrypt(passphrase: Uint8Array, salt: Uint8Array, parameters: ScryptParameters): Uint8Array;
  scryptAsync(passphrase: Uint8Array, salt: Uint8Array, parameters: ScryptParameters):
    Promise<Uint8Array>;
  randomBytes(length: number): Uint8Array;
}
