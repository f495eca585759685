// The fixed world of a ledger simulation: validator and account keys derived from their index
// (so a seed replays the same signatures), the genesis every node starts from, and the signed
// notarization transactions the simulated clients submit. Real Ed25519 through getSuite('intl').
import { createHash } from 'node:crypto';
import { asHeight, bytesEqual, toHex } from '../../src/core/index.js';
import type { Address, Hash } from '../../src/core/index.js';
import { getSuite } from '../../src/crypto/index.js';
import type { CryptoSuite, KeyPair } from '../../src/crypto/index.js';
import { checkGenesis, defaultParams, encodeTx, signTx } from '../../src/ledger/index.js';
import type { ChainParams, Genesis, LoadedGenesis } from '../../src/ledger/index.js';

export const ledgerChainId = 'zw-ledger-sim';
/** Block times are real epoch milliseconds: the simulated clock starts here. */
export const genesisTimeMs = 1_700_000_000_000;
const agencyId = 'CN-BJ/GOV/SIM/ledger';
/** checkGenesis only asks that the agency names a PEM certificate; TLS is not simulated. */
const caCertPem = '-----BEGIN CERTIFICATE-----\nsimulated\n-----END CERTIFICATE-----\n';
/** How far past the next height a simulated client lets its transaction expire. */
const txExpiryHeights = 200;
const txGasLimit = 100_000;

export interface ValidatorKey {
  readonly key: KeyPair;
  readonly address: Address;
}

export interface World {
  readonly suite: CryptoSuite;
  readonly genesis: LoadedGenesis;
  /** Keys in validator-set order (sorted by address): validator i holds powers[i]. */
  readonly validators: readonly ValidatorKey[];
  readonly accounts: readonly KeyPair[];
}

function seedBytes(...parts: (string | number)[]): Uint8Array {
  return new Uint8Array(createHash('sha256').update(parts.join('/')).digest());
}

function keyPair(suite: CryptoSuite, ...parts: (string | number)[]): KeyPair {
  const privateKey = seedBytes(...parts);
  return { privateKey, publicKey: suite.publicKeyOf(privateKey) };
}

/**
 * The chain every node of a run starts from. `verify` replaces the suite's signature check: the
 * simulator passes a memoised one, because every node checks every vote it receives, often
 * several times, and real Ed25519 checks would otherwise dominate the run.
 */
export function makeWorld(
  powers: readonly number[], accounts: number, params: Partial<ChainParams>,
  verify: (suite: CryptoSuite) => CryptoSuite['verify'],
): World {
  const base = getSuite('intl');
  const suite: CryptoSuite = { ...base, verify: verify(base) };
  const validators = powers.map((_, index) => {
    const key = keyPair(suite, 'zw-ledger-sim-validator', index);
    return { key, address: suite.address(key.publicKey) };
  }).sort((a, b) => (toHex(a.address) < toHex(b.address) ? -1 : 1));
  // Built apart from the genesis literal so that it carries the agency's first administrator
  // (`adminKey`) whether or not this version of GenesisAgency declares it.
  const agency = { id: agencyId, name: 'Simulated agency', caCert: caCertPem,
    adminKey: toHex(keyPair(suite, 'zw-ledger-sim-admin').publicKey) };
  const genesis: Genesis = {
    chainId: ledgerChainId, suite: 'intl', genesisTime: genesisTimeMs,
    agencies: [agency],
    validators: validators.map((validator, index) => ({ agency: agencyId,
      address: toHex(validator.address), publicKey: toHex(validator.key.publicKey),
      power: powers[index] ?? 1 })),
    nodes: [],
    params: { ...defaultParams, ...params },
  };
  const loaded = checkGenesis(genesis);
  return { suite, validators, genesis: { ...loaded, suite },
    accounts: Array.from({ length: accounts }, (_, i) => keyPair(suite, 'zw-ledger-sim-acct', i)) };
}

/** A signed notary.put of `documentHash`, encoded as a client submits it. */
export function notarizationTx(world: World, account: KeyPair, nonce: number,
  height: number, documentHash: Uint8Array): { bytes: Uint8Array; hash: Hash } {
  const signed = signTx(world.suite, account.privateKey, {
    chainId: world.genesis.chainId, sender: account.publicKey, nonce,
    expiryHeight: asHeight(height + txExpiryHeights), gasLimit: txGasLimit,
    contract: 'notary', method: 'put', args: { hash: documentHash, meta: {} },
  });
  const bytes = encodeTx(signed);
  return { bytes, hash: world.suite.hash(bytes) as Hash };
}

/**
 * A signature check that remembers its answers. It looks answers up by signature and compares
 * the key and message it was asked about, so the answer is always the suite's own for exactly
 * those bytes: the run is the same as without it, only faster.
 */
export function memoisedVerify(suite: CryptoSuite): CryptoSuite['verify'] {
  interface Answer { readonly publicKey: Uint8Array; readonly message: Uint8Array;
    readonly valid: boolean }
  const answers = new Map<string, Answer[]>();
  return (publicKey, message, signature) => {
    const key = toHex(signature);
    const known = answers.get(key) ?? [];
    const found = known.find((answer) => bytesEqual(answer.publicKey, publicKey) &&
      bytesEqual(answer.message, message));
    if (found !== undefined) return found.valid;
    const valid = suite.verify(publicKey, message, signature);
    answers.set(key, [...known, { publicKey: publicKey.slice(), message: message.slice(), valid }]);
    return valid;
  };
}
