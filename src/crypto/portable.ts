// The portable backend: both suites in pure JavaScript, scrypt from @noble/hashes and the
// platform's CSPRNG (crypto.getRandomValues), for the SDK in browsers. Node uses the native
// backend; these produce the same bytes (test/crypto checks it).
// Browser-safe: no Node imports.
import { scrypt, scryptAsync } from '@noble/hashes/scrypt.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { ErrorCode, ZwError } from '../core/index.js';
import type { CryptoBackend, ScryptParameters } from './backend.js';
import { portableGmSuite } from './portable-gm.js';
import { portableIntlSuite } from './portable-intl.js';
import type { CryptoSuite, SuiteName } from './suite.js';

export function isSuiteName(value: unknown): value is SuiteName {
  return value === 'intl' || value === 'gm';
}

export function checkSuiteName(name: unknown): SuiteName {
  if (!isSuiteName(name)) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, `unknown crypto suite: ${String(name)}`);
  }
  return name;
}

/** The pure-JavaScript implementation of a suite, whatever platform this runs on. */
export function getPortableSuite(name: SuiteName): CryptoSuite {
  return checkSuiteName(name) === 'intl' ? portableIntlSuite : portableGmSuite;
}

function scryptOptions(parameters: ScryptParameters): {
  N: number; r: number; p: number; dkLen: number;
} {
  return { N: parameters.n, r: parameters.r, p: parameters.p, dkLen: parameters.dkLen };
}

export const portableBackend: CryptoBackend = {
  kind: 'portable',
  suite: getPortableSuite,
  scrypt: (passphrase, salt, parameters) => scrypt(passphrase, salt, scryptOptions(parameters)),
  scryptAsync: (passphrase, salt, parameters) =>
    scryptAsync(passphrase, salt, scryptOptions(parameters)),
  randomBytes: (length) => randomBytes(length),
};
