// Validator keys for the simulator. Two schemes: real Ed25519 through node:crypto (keys derived
// from the validator index, so a seed replays identically), and a cheap keyed-hash stand-in
// used for most seeds because simulation speed is dominated by signature checks. Both produce a
// core `VerifySignature`, so decisions are always checked with core `verifyCommit`.
import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { asAddress, compareBytes, toHex } from '../../src/core/index.js';
import type { Address, PublicKey, ValidatorSet, VerifySignature } from '../../src/core/index.js';

export interface SimKey {
  readonly address: Address;
  readonly publicKey: PublicKey;
  sign(message: Uint8Array): Uint8Array;
}

export interface KeyRing {
  /** Keys in validator-set order (sorted by address), index i is validator i. */
  readonly keys: readonly SimKey[];
  readonly verify: VerifySignature;
  readonly set: ValidatorSet;
}

function sha256(...parts: (string | Uint8Array)[]): Uint8Array {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

function addressOf(publicKey: Uint8Array): Address {
  return asAddress(sha256(publicKey).subarray(0, 20));
}

/** PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410). */
const pkcs8Ed25519Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');

function realKey(index: number): SimKey {
  const seed = sha256('zw-sim-ed25519', String(index));
  const privateKey = createPrivateKey({ key: Buffer.concat([pkcs8Ed25519Prefix, seed]),
    format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const publicKey = new Uint8Array(spki.subarray(spki.length - 32)) as PublicKey;
  return { address: addressOf(publicKey), publicKey,
    sign: (message) => new Uint8Array(sign(null, message, privateKey)) };
}

function fakeKey(index: number, secrets: Map<string, Uint8Array>): SimKey {
  const secret = sha256('zw-sim-secret', String(index));
  const publicKey = sha256('zw-sim-public', secret) as PublicKey;
  secrets.set(Buffer.from(publicKey).toString('latin1'), secret);
  return { address: addressOf(publicKey), publicKey,
    sign: (message) => sha256(secret, message) };
}

function realVerify(): VerifySignature {
  const cache = new Map<string, KeyObject>();
  return (publicKey, message, signature) => {
    const hex = toHex(publicKey);
    let key = cache.get(hex);
    if (key === undefined) {
      key = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'),
        publicKey]), format: 'der', type: 'spki' });
      cache.set(hex, key);
    }
    try {
      return verify(null, message, key, signature);
    } catch {
      return false;
    }
  };
}

function fakeVerify(secrets: Map<string, Uint8Array>): VerifySignature {
  return (publicKey, message, signature) => {
    const secret = secrets.get(Buffer.from(publicKey).toString('latin1'));
    if (secret === undefined) return false;
    const expected = sha256(secret, message);
    return Buffer.compare(Buffer.from(expected), Buffer.from(signature)) === 0;
  };
}

/** Keys and a validator set with the given powers; validator i holds powers[i]. */
export function keyRing(powers: readonly number[], real: boolean): KeyRing {
  const secrets = new Map<string, Uint8Array>();
  const keys = powers.map((_, index) => real ? realKey(index) : fakeKey(index, secrets))
    .sort((a, b) => compareBytes(a.address, b.address));
  const set: ValidatorSet = { validators: keys.map((key, index) => ({ address: key.address,
    publicKey: key.publicKey, power: powers[index] ?? 1 })) };
  return { keys, set, verify: real ? realVerify() : fakeVerify(secrets) };
}
