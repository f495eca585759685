// Loads the SM2 addon (native/sm2, built by `npm install`) through createRequire, which is how
// an ES module loads a .node file. The addon is context-aware, so each worker thread that calls
// this gets its own instance and key caches. It is loaded on first use: an intl chain never
// needs it, and a missing build is reported as UNAVAILABLE with the command that fixes it.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ErrorCode, ZwError } from '../core/index.js';

/** The addon's functions; keys are raw bytes (32-byte scalar, 65-byte uncompressed point). */
export interface Sm2Addon {
  generateKeyPair(): { privateKey: Uint8Array; publicKey: Uint8Array };
  publicKeyOf(privateKey: Uint8Array): Uint8Array;
  /** DER signature over SM3(Z_A || message) with the default user id. */
  sign(privateKey: Uint8Array, message: Uint8Array): Uint8Array;
  /** Never throws; false for any malformed input. */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  encrypt(publicKey: Uint8Array, plaintext: Uint8Array): Uint8Array;
  decrypt(privateKey: Uint8Array, ciphertext: Uint8Array): Uint8Array;
}

// src/crypto and dist/crypto are both two levels below the package root.
export const sm2AddonPath = fileURLToPath(
  new URL('../../native/sm2/build/Release/zw_sm2.node', import.meta.url));

let addon: Sm2Addon | undefined;

export function loadSm2Addon(): Sm2Addon {
  if (addon !== undefined) return addon;
  const require = createRequire(import.meta.url);
  try {
    addon = require(sm2AddonPath) as Sm2Addon;
  } catch (error) {
    throw new ZwError(ErrorCode.UNAVAILABLE,
      'the SM2 addon is not built; run `npm install` or `node native/sm2/install.mjs`',
      { path: sm2AddonPath, cause: error instanceof Error ? error.message : String(error) });
  }
  return addon;
}
