// The fixed world of a ledger simulation: validator and account keys derived from their index
// (so a seed replays the same signatures), the genesis every node starts from, and the signed
// notarization transactions the simulated clients submit. Real Ed25519 through getSuite('intl').
// As in a real network, each genesis validator belongs to its own agency, whose administrator
// key (derived from the seed) signs governance transactions; spare node keys are genesis nodes
// of those agencies but not validators, so that governance can add them. Nodes build their
// Chain with the hooks the real node uses (src/node/node.ts): sender identity, the genesis
// identity writes and the governance validator schedule.
import { createHash } from 'node:crypto';
import { asHeight, bytesEqual, toHex } from '../../src/core/index.js';
import type { Address, Hash } from '../../src/core/index.js';
import { getSuite } from '../../src/crypto/index.js';
import type { CryptoSuite, KeyPair } from '../../src/crypto/index.js';
import { checkGenesis, defaultParams, encodeTx, signTx } from '../../src/ledger/index.js';
import type { ChainParams, Genesis, LoadedGenesis } from '../../src/ledger/index.js';
import type { Chain } from '../../src/node/index.js';
import {
  genesisStateUpdates, identifySender, scheduledValidatorSets,
} from '../../src/system/index.js';

export const ledgerChainId = 'zw-ledger-sim';
/** Block times are real epoch milliseconds: the simulated clock starts here. */
export const genesisTimeMs = 1_700_000_000_000;
/** checkGenesis only asks that the agency names a PEM certificate; TLS is not simulated. */
const caCertPem = '-----BEGIN CERTIFICATE-----\nsimulated\n-----END CERTIFICATE-----\n';
/** How far past the next height a simulated client lets its transaction expire. */
const txExpiryHeights = 200;
const txGasLimit = 100_000;

export interface ValidatorKey {
  readonly key: KeyPair;
  readonly address: Address;
}

/** The hooks a real node gives its Chain (the third argument of `new Chain`). */
export type ChainHooks = NonNullable<ConstructorParameters<typeof Chain>[2]>;

export interface World {
  readonly suite: CryptoSuite;
  readonly genesis: LoadedGenesis;
  /** Keys in validator-set order (sorted by address): validator i holds powers[i]. */
  readonly validators: readonly ValidatorKey[];
  /** Genesis nodes that are not genesis validators; node `validators.length + j` holds j. */
  readonly spares: readonly ValidatorKey[];
  /** Every node's key by node index: the genesis validators, then the spares. */
  readonly nodeKeys: readonly ValidatorKey[];
  /** Agency ids; genesis validator i belongs to agency i, spare j to agency j mod agencies. */
  readonly agencies: readonly string[];
  /** Each agency's administrator key, by agency index. */
  readonly admins: readonly KeyPair[];
  readonly accounts: readonly KeyPair[];
  /** What a node passes to `new Chain`, as src/node/node.ts does. */
  readonly hooks: ChainHooks;
}

export interface WorldOptions {
  /** Administrator keys derive from it, so each seed has its own. */
  readonly seed?: number;
  /** Genesis nodes beyond the validators, which governance may make validators. */
  readonly spares?: number;
}

/** The agency index of node `index`: one agency per genesis validator, spares round robin. */
function agencyIndexOf(validators: number, index: number): number {
  return index < validators ? index : (index - validators) % validators;
}

/** The agency of node `index` (see World.agencies). */
export function agencyOfNode(world: World, index: number): string {
  const agency = world.agencies[agencyIndexOf(world.validators.length, index)];
  if (agency === undefined) throw new Error(`node ${index} has an agency`);
  return agency;
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
  verify: (suite: CryptoSuite) => CryptoSuite['verify'], options: WorldOptions = {},
): World {
  const base = getSuite('intl');
  const suite: CryptoSuite = { ...base, verify: verify(base) };
  const nodeKey = (...parts: (string | number)[]): ValidatorKey => {
    const key = keyPair(suite, ...parts);
    return { key, address: suite.address(key.publicKey) };
  };
  const validators = powers.map((_, index) => nodeKey('zw-ledger-sim-validator', index))
    .sort((a, b) => (toHex(a.address) < toHex(b.address) ? -1 : 1));
  const spares = Array.from({ length: options.spares ?? 0 },
    (_, index) => nodeKey('zw-ledger-sim-spare', index));
  const agencies = powers.map((_, index) => `CN-BJ/GOV/SIM${index}/ledger`);
  const admins = agencies.map((_, index) => keyPair(suite, 'zw-ledger-sim-admin',
    options.seed ?? 0, index));
  const nodeKeys = [...validators, ...spares];
  const agencyOf = (index: number): string =>
    agencies[agencyIndexOf(validators.length, index)] ?? '';
  const genesis: Genesis = {
    chainId: ledgerChainId, suite: 'intl', genesisTime: genesisTimeMs,
    agencies: agencies.map((id, index) => ({ id, name: `Simulated agency ${index}`,
      caCert: caCertPem, adminKey: toHex(admins[index]?.publicKey ?? new Uint8Array()) })),
    validators: validators.map((validator, index) => ({ agency: agencyOf(index),
      address: toHex(validator.address), publicKey: toHex(validator.key.publicKey),
      power: powers[index] ?? 1 })),
    nodes: nodeKeys.map((node, index) => ({ agency: agencyOf(index), name: `node${index}`,
      publicKey: toHex(node.key.publicKey) })),
    params: { ...defaultParams, ...params },
  };
  const loaded = checkGenesis(genesis);
  const hooks: ChainHooks = {
    identify: identifySender(suite.hash, genesis.params.publicContracts),
    genesisWrites: genesisStateUpdates(genesis, suite),
    validatorSchedule: (state) => scheduledValidatorSets(suite.hash, state),
  };
  return { suite, validators, spares, nodeKeys, agencies, admins, hooks,
    genesis: { ...loaded, suite },
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
