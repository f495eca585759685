// What the HTTP API needs from a node. The node shell implements this; the API only validates
// input, calls it, and presents the results. Keeping it an interface lets the API be tested
// against a real in-process ledger without sockets between them.
import type { CborValue, Commit, Hash, ValidatorSet } from '../core/index.js';
import type { Block, BlockHeader, Receipt } from '../ledger/index.js';
import type { DataQueries, ReceiptReaders } from './data-routes.js';
import type { ExchangeBackend } from './exchange-routes.js';
import type { SubjectBackend } from './subject-routes.js';
import type { ProofMaterial } from './views.js';

export interface NodeStatus {
  readonly chainId: string;
  readonly suite: string;
  readonly hashAlgorithm: string;
  readonly genesisHash: Uint8Array;
  readonly moniker: string;
  readonly agency: string;
  readonly nodeAddress: Uint8Array | null;
  readonly height: number;
  readonly latestBlockHash: Uint8Array | null;
  readonly latestBlockTime: number | null;
  /** The latest height whose results are signed by a later header (proofs are available). */
  readonly provableHeight: number;
  readonly validatorSet: ValidatorSet;
  readonly validatorAgencies: ReadonlyMap<string, string>;
  /** Validators whose precommits are in the latest block's commit. */
  readonly lastCommitSigners: readonly Uint8Array[];
  /** Where consensus is: the height being decided, its round, and whether this node votes. */
  readonly consensus: { readonly height: number; readonly round: number;
    readonly validator: boolean };
  readonly peers: readonly { readonly address: string; readonly agency: string;
    readonly direction: string; readonly connectedSince: number }[];
  readonly mempool: { readonly size: number; readonly bytes: number };
  readonly version: string;
}

export interface EvidenceRecord {
  readonly id: string;
  readonly height: number;
  readonly validator: string;
  /** Canonical CBOR of the two conflicting signed votes. */
  readonly evidence: Uint8Array;
}

export type TxLookup =
  | { readonly status: 'pending'; readonly hash: Hash }
  | { readonly status: 'rejected'; readonly hash: Hash; readonly code: string;
    readonly message: string }
  | { readonly status: 'committed'; readonly hash: Hash; readonly height: number;
    readonly index: number; readonly blockHash: Uint8Array; readonly receipt: Receipt;
    readonly proof: ProofMaterial | null };

export interface BlockLookup {
  readonly block: Block;
  readonly hash: Uint8Array;
  readonly commit: Commit;
  readonly txHashes: readonly Uint8Array[];
}

export interface StateLookup {
  readonly height: number;
  readonly treeKey: Uint8Array;
  readonly value: Uint8Array | undefined;
  readonly proof: ProofMaterial | null;
}

/** Everything a subscriber can be told about, in commit order. */
export type ChainEvent =
  | { readonly type: 'block'; readonly height: number; readonly hash: Uint8Array;
    readonly header: BlockHeader; readonly txCount: number }
  | { readonly type: 'tx'; readonly height: number; readonly receipt: Receipt }
  | { readonly type: 'event'; readonly height: number; readonly txHash: Uint8Array;
    readonly contract: string; readonly name: string; readonly data: CborValue };

export interface ApiBackend {
  status(): NodeStatus;
  genesis(): unknown;
  /**
   * Admits a transaction to the mempool; resolves to its hash or rejects with a ZwError.
   * `client` is the submitting client's address (non-members are rate-limited by it).
   */
  submitTx(bytes: Uint8Array, client?: string): Promise<Hash>;
  tx(hash: Uint8Array): TxLookup | undefined;
  block(height: number): BlockLookup | undefined;
  accountNonce(address: Uint8Array): number;
  /** Reads a contract key at a height (default: the latest provable one when a proof is asked). */
  state(contract: string, key: Uint8Array, options: { height?: number; proof: boolean }):
    StateLookup;
  query(contract: string, method: string, args: CborValue): CborValue;
  /** The validator set that decides `height`. */
  validators(height: number): ValidatorSet;
  /** Double-sign evidence recorded on chain, newest first. */
  evidence(limit: number, offset: number): readonly EvidenceRecord[];
  subscribe(listener: (event: ChainEvent) => void): () => void;
  /** The node-side data index: catalog, requests, receipts and the citizen's usage log. */
  dataQueries(): DataQueries;
  /** The node's data exchange (uploads, fetches). */
  exchangeBackend(): ExchangeBackend;
  /** Subject ids: derivation, usage proofs, uploads as jobs (ADR 0013). */
  subjectBackend(): SubjectBackend;
  /** Who signed a receipt reader proof (receipts' personal fields, ADR 0010). */
  receiptReaders(): ReceiptReaders;
}
