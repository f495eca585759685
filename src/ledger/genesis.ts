// The genesis document: the chain's identity (chain id, crypto suite), its first validators and
// member agencies, and its parameters. Pure: nodes read it from a file, clients from the API.
// Every node of a chain starts from the same file; its hash
// is recorded in each node's database so a node can never be pointed at another chain's data.
import {
  ErrorCode, ZwError, asAddress, asChainId, checkValidatorSet, compareBytes, encode, fromHex,
  toHex,
} from '../core/index.js';
import type { CborValue, ChainId, PublicKey, ValidatorSet } from '../core/index.js';
import { getSuite } from '../crypto/index.js';
import type { SystemCall } from './execute.js';
import type { CryptoSuite, SuiteName } from '../crypto/index.js';

export interface GenesisAgency {
  /** X-Road style identifier, e.g. CN-BJ/GOV/11110000000021135M/tax. */
  readonly id: string;
  readonly name: string;
  /**
   * The agency's CA certificate (PEM). Node-to-node TLS accepts only certificates issued by a
   * member agency's CA, naming that agency.
   */
  readonly caCert: string;
  /**
   * For an agency whose CA comes from a government PKI (ADR 0009): the P-256 CA its caCert
   * issued for node TLS, when caCert cannot anchor TLS itself (not P-256, or not naming the
   * agency).
   */
  readonly tlsCaCert?: string;
  /** caCert's issuers up to a self-signed root, its own issuer first, when caCert is not one. */
  readonly caChain?: readonly string[];
  /**
   * Hex public key of the agency's first administrator, registered as an `admin` member at
   * genesis; from there the agency manages its own members on chain.
   */
  readonly adminKey: string;
}

/** A node that may connect to the network (validators and full nodes alike). */
export interface GenesisNode {
  readonly agency: string;
  readonly name: string;
  /** Hex chain-suite public key the node proves in its handshake. */
  readonly publicKey: string;
}

export interface GenesisValidator {
  readonly agency: string;
  readonly address: string;
  readonly publicKey: string;
  readonly power: number;
}

export interface ChainParams {
  readonly blockTxsMax: number;
  readonly blockBytesMax: number;
  readonly txGasMax: number;
  /** Consensus timeouts; every validator must use the same, so they are chain parameters. */
  readonly timeoutProposeMs: number;
  readonly timeoutPrevoteMs: number;
  readonly timeoutPrecommitMs: number;
  readonly timeoutDeltaMs: number;
  /**
   * Pause after committing a height before starting the next (Tendermint's timeout_commit), so
   * that a block gathers the transactions that arrived meanwhile instead of carrying one each.
   */
  readonly timeoutCommitMs: number;
  /** A block is made at least this often even when there is nothing to commit. */
  readonly emptyBlockIntervalMs: number;
  /**
   * Hex addresses that may deploy and upgrade contracts. Until on-chain governance decides
   * deployments, this list is the whole policy, and its default is empty: no one may deploy
   * unless the genesis names them (`zw init` names the network's admin key).
   */
  readonly contractDeployers?: readonly string[];
  /**
   * Contracts that accept transactions from senders who are not members of any agency (e.g. a
   * public notarization service). Every other contract requires an active member.
   */
  readonly publicContracts: readonly string[];
}

/**
 * A contract deployed by the genesis itself at the start of block 1 (the government applications
 * every agency starts with: the data catalog and sharing). Its deployer is the zero address, no
 * governance vote is needed because every agency signs off the genesis file, and `init` runs
 * with `init` as its arguments. Later versions go through upgrade proposals like any contract.
 */
export interface GenesisContract {
  readonly name: string;
  readonly version: string;
  /** The built JavaScript bundle (as `zw contract build` makes it). */
  readonly source: string;
  readonly init: CborValue;
}

export interface Genesis {
  readonly chainId: string;
  readonly suite: SuiteName;
  /** Milliseconds since the epoch; block 1's time must be later. */
  readonly genesisTime: number;
  readonly agencies: readonly GenesisAgency[];
  readonly validators: readonly GenesisValidator[];
  readonly nodes: readonly GenesisNode[];
  readonly params: ChainParams;
  readonly contracts?: readonly GenesisContract[];
}

export const defaultParams: ChainParams = {
  blockTxsMax: 5_000,
  blockBytesMax: 4 * 1024 * 1024,
  txGasMax: 10_000_000,
  timeoutProposeMs: 1_000,
  timeoutPrevoteMs: 500,
  timeoutPrecommitMs: 500,
  timeoutDeltaMs: 250,
  timeoutCommitMs: 100,
  emptyBlockIntervalMs: 10_000,
  contractDeployers: [],
  publicContracts: ['notary'],
};

export interface LoadedGenesis {
  readonly genesis: Genesis;
  readonly chainId: ChainId;
  readonly suite: CryptoSuite;
  readonly validatorSet: ValidatorSet;
  readonly hash: Uint8Array;
}

function invalid(message: string): ZwError {
  return new ZwError(ErrorCode.INVALID_ARGUMENT, `genesis: ${message}`);
}

/** Validates a genesis document and derives the validator set and the genesis hash. */
export function checkGenesis(genesis: Genesis): LoadedGenesis {
  if (genesis.suite !== 'intl' && genesis.suite !== 'gm') throw invalid('suite must be intl or gm');
  const suite = getSuite(genesis.suite);
  const chainId = asChainId(genesis.chainId);
  if (!Number.isSafeInteger(genesis.genesisTime)) throw invalid('genesisTime must be an integer');
  const validators = genesis.validators.map((v) => {
    const publicKey = fromHex(v.publicKey, 'validator public key') as PublicKey;
    if (publicKey.length !== suite.publicKeyBytes) throw invalid('validator key has wrong length');
    const address = asAddress(suite.address(publicKey));
    if (toHex(address) !== v.address.toLowerCase()) throw invalid('validator address mismatch');
    if (!genesis.agencies.some((agency) => agency.id === v.agency)) {
      throw invalid(`validator agency ${v.agency} is not a listed agency`);
    }
    return { address, publicKey, power: v.power };
  }).sort((a, b) => compareBytes(a.address, b.address));
  const validatorSet = { validators };
  checkValidatorSet(validatorSet);
  for (const agency of genesis.agencies) {
    if (!isPem(agency.caCert)) throw invalid(`agency ${agency.id} has no CA certificate`);
    // The certificates' X.509 is checked by every node, as for an agency added later (ADR 0009).
    if ((agency.tlsCaCert !== undefined && !isPem(agency.tlsCaCert)) ||
        (agency.caChain !== undefined &&
          !(Array.isArray(agency.caChain) && agency.caChain.every(isPem)))) {
      throw invalid(`agency ${agency.id}: tlsCaCert and caChain must be PEM certificates`);
    }
    if (typeof agency.adminKey !== 'string' ||
        fromHex(agency.adminKey, 'agency admin key').length !== suite.publicKeyBytes) {
      throw invalid(`agency ${agency.id} has no valid admin key`);
    }
  }
  for (const node of genesis.nodes ?? []) {
    if (!genesis.agencies.some((agency) => agency.id === node.agency)) {
      throw invalid(`node ${node.name} belongs to no listed agency`);
    }
    if (fromHex(node.publicKey, 'node public key').length !== suite.publicKeyBytes) {
      throw invalid(`node ${node.name} key has the wrong length`);
    }
  }
  checkGenesisContracts(genesis.contracts ?? []);
  const hash = suite.hash(encode(['zw/genesis/1', JSON.stringify(genesis)]));
  return { genesis, chainId, suite, validatorSet, hash };
}

function isPem(value: unknown): boolean {
  return typeof value === 'string' && value.includes('BEGIN CERTIFICATE');
}

/** The form of genesis contracts; whether each deploys is decided by executing block 1. */
function checkGenesisContracts(contracts: readonly GenesisContract[]): void {
  if (!Array.isArray(contracts)) throw invalid('contracts must be a list');
  const names = new Set<string>();
  for (const contract of contracts) {
    if (typeof contract.name !== 'string' || typeof contract.version !== 'string' ||
        typeof contract.source !== 'string' || contract.source.length === 0) {
      throw invalid('each contract needs a name, a version and a source');
    }
    if (names.has(contract.name)) throw invalid(`contract ${contract.name} is listed twice`);
    names.add(contract.name);
  }
}

/** The calls block 1 makes before its transactions: one deployment per genesis contract. */
export function genesisCalls(genesis: Genesis): SystemCall[] {
  return (genesis.contracts ?? []).map((contract) => ({
    contract: 'contracts', method: 'deploy',
    args: { name: contract.name, version: contract.version, source: contract.source,
      init: contract.init },
  }));
}
