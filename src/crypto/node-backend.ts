// The backend used when running in Node: suites on OpenSSL (node:crypto and the SM2 addon),
// scrypt and randomness from node:crypto. index.ts imports this file only when it runs in Node,
// so a browser bundle never evaluates it.
import { randomBytes, scrypt, scryptSync } from 'node:crypto';
import type { CryptoBackend, ScryptParameters } from './backend.js';
import { nodeGmSuite } from './node-gm.js';
import { nodeIntlSuite } from './node-intl.js';
import { checkSuiteName } from './portable.js';
import type { CryptoSuite, SuiteName } from './suite.js';

// OpenSSL needs 128 * r * (N + p + 2) bytes; Node's default cap (32 MiB) is below our default
// parameters, so the cap is set from the parameters themselves (which the keystore bounds).
function scryptOptions(parameters: ScryptParameters): {
  N: number; r: number; p: number; maxmem: number;
} {
  const { n, r, p } = parameters;
  return { N: n, r, p, maxmem: 128 * r * (n + p + 2) + 1024 * 1024 };
}

export function getNativeSuite(name: SuiteName): CryptoSuite {
  return checkSuiteName(name) === 'intl' ? nodeIntlSuite : nodeGmSuite;
}

export const nodeBackend: CryptoBackend = {
  kind: 'native',
  suite: getNativeSuite,
  scrypt: (passphrase, salt, parameters) => new Uint8Array(
    scryptSync(passphrase, salt, parameters.dkLen, scryptOptions(parameters))),
  scryptAsync: (passphrase, salt, parameters) => new Promise((resolve, reject) => {
    scrypt(passphrase, salt, parameters.dkLen, scryptOptions(parameters), (error, key) => {
      if (error === null) resolve(new Uint8Array(key));
      else reject(error);
    });
  }),
  randomBytes: (length) => new Uint8Array(randomBytes(length)),
};
