// The node's view of its own chain: the store, the state tree and block execution. It builds
// block proposals, says what a valid next block must look like, and applies decided blocks —
// executing them and writing the block with all its results in ONE storage transaction BEFORE
// anyone is told. Consensus and block sync both commit through `applyBlock`, so there is one
// path from "decided" to "durable".
import {
  ErrorCode, ZwError, asHash, encode, merkleProof, toHex, validatorSetHash, asHeight,
} from '../core/index.js';
import type { Address, CborValue, Commit, Hash, ValidatorSet } from '../core/index.js';
import {
  accountNonce, blockHash, commitHash, decodeBlock, decodeCommit, decodeReceipt, encodeBlock,
  encodeCommit, encodeHeader, encodeReceipt, evidenceHash, evidenceToValue, executeBlock,
  genesisCalls, receiptsRoot, runQuery, stateTreeKey, txRoot, zeroHash,
} from '../ledger/index.js';
import type { ContractRegistry } from '../ledger/index.js';
import type {
  Block, BlockExpectations, BlockHeader, Evidence, IdentifySender, LoadedGenesis, Receipt,
  StateReader, StateUpdate,
} from '../ledger/index.js';
import { StateTree, encodeProof } from '../state/index.js';
import type { ChainStore, DataIndexRow } from '../storage/index.js';
import { systemContracts, treeReader } from '../system/index.js';
import { ContractVm } from '../vm/index.js';
import type { VmEngine, VmModule } from '../vm/index.js';
import type { BlockLookup, ProofMaterial, StateLookup } from '../api/index.js';

export interface Tip {
  readonly header: BlockHeader;
  readonly hash: Hash;
  readonly commit: Commit;
  readonly txCount: number;
}

export interface AppliedBlock {
  readonly block: Block;
  readonly hash: Hash;
  readonly receipts: readonly Receipt[];
}

/** A validator set taking effect at a height, as governance schedules it. */
export interface ScheduledValidators {
  readonly effectiveHeight: number;
  readonly validators: ValidatorSet['validators'];
}

/** What the chain takes from the system contracts, kept as functions so the chain stays generic. */
export interface ChainHooks {
  /** Resolves or refuses each transaction's sender. */
  readonly identify?: IdentifySender;
  /** State written at the start of block 1 (e.g. each agency's first administrator). */
  readonly genesisWrites?: readonly StateUpdate[];
  /** Validator-set changes recorded in state, each a full set and the height it applies from. */
  readonly validatorSchedule?: (state: StateReader) => readonly ScheduledValidators[];
  /**
   * The contract engine: the node's worker (src/node/vm-worker.ts), or a loaded module run in
   * this thread (src/node/vm-loader.ts; tools and tests). Without it deployed contracts are
   * unknown and deploys fail: fine for tools and simulations that never deploy, never for a
   * node of a chain that has contracts.
   */
  readonly vm?: VmModule | VmEngine;
  /** The data index's rows for a block's receipts, written in the block's transaction. */
  readonly dataIndex?: (height: number, receipts: readonly Receipt[]) => readonly DataIndexRow[];
}

export class Chain {
  private schedule: readonly ScheduledValidators[] = [];
  private tipValue: Tip | undefined;
  readonly tree: StateTree;
  readonly latestState: StateReader;
  readonly contracts: ContractRegistry;

  constructor(
    readonly genesis: LoadedGenesis, readonly store: ChainStore,
    private readonly hooks: ChainHooks = {},
  ) {
    const committed: StateReader = { get: (treeKey) => store.latestValue(treeKey) };
    this.contracts = systemContracts({ hash: genesis.suite.hash,
      deployers: genesis.genesis.params.contractDeployers ?? [],
      // System contracts read each other's namespaces in the latest committed state, which is
      // the block's starting state on every node alike.
      governance: { suite: genesis.suite, read: treeReader(genesis.suite.hash, committed) },
      ...(hooks.vm === undefined ? {} : { vm: new ContractVm(hooks.vm) }) });
    this.tree = new StateTree(genesis.suite.hash, store);
    this.latestState = { get: (treeKey) => store.latestValue(treeKey) };
    this.tipValue = this.loadTip();
    this.refreshSchedule();
  }

  private refreshSchedule(): void {
    this.schedule = this.hooks.validatorSchedule?.(this.latestState) ?? [];
  }

  get tip(): Tip | undefined {
    return this.tipValue;
  }

  get height(): number {
    return this.tipValue?.header.height ?? 0;
  }

  /** The highest height whose results a committed header signs (results of H are in H+1). */
  get provableHeight(): number {
    return Math.max(0, this.height - 1);
  }

  /**
   * Validators at a height: the genesis set, or the latest governance change whose effective
   * height has been reached. The schedule is append-only, so past heights keep their sets.
   */
  validatorsAt(height: number): ValidatorSet {
    let set: ValidatorSet = this.genesis.validatorSet;
    for (const entry of this.schedule) {
      if (entry.effectiveHeight <= height) set = { validators: entry.validators };
    }
    return set;
  }

  private loadTip(): Tip | undefined {
    const height = this.store.latestHeight();
    if (height === 0) return undefined;
    const stored = this.store.block(height);
    if (stored === undefined) throw new ZwError(ErrorCode.INTERNAL, 'latest block missing');
    const block = decodeBlock(stored.block);
    return { header: block.header, hash: asHash(stored.hash),
      commit: decodeCommit(stored.commit), txCount: block.txs.length };
  }

  private lastRoots(): { state: Hash; receipts: Hash } {
    const result = this.tipValue === undefined ? undefined : this.store.result(this.height);
    return {
      state: asHash(result?.stateRoot ?? this.tree.rootHash(0)),
      receipts: asHash(result?.receiptsRoot ?? receiptsRoot(this.genesis.suite.hash, [])),
    };
  }

  /** What the next block must look like; `proposer` null skips the proposer check (sync). */
  expectations(proposer: Address | null): BlockExpectations {
    const roots = this.lastRoots();
    const height = asHeight(this.height + 1);
    return {
      chainId: this.genesis.chainId,
      height,
      previousBlockHash: this.tipValue?.hash ?? zeroHash,
      previousTime: this.tipValue?.header.time ?? this.genesis.genesis.genesisTime,
      lastStateRoot: roots.state,
      lastReceiptsRoot: roots.receipts,
      validatorSet: this.validatorsAt(height),
      previousValidatorSet: height > 1 ? this.validatorsAt(height - 1) : null,
      params: this.genesis.genesis.params,
      proposer,
    };
  }

  /** Builds the next block from the given transactions and evidence. */
  buildBlock(
    proposer: Address, time: number, txs: readonly Uint8Array[], evidence: readonly Evidence[],
  ): { block: Block; hash: Hash } {
    const hashFunction = this.genesis.suite.hash;
    const expected = this.expectations(proposer);
    const previous = this.tipValue;
    const header: BlockHeader = {
      chainId: expected.chainId,
      height: expected.height,
      time: Math.max(time, expected.previousTime + 1),
      previousBlockHash: asHash(expected.previousBlockHash),
      proposer,
      txRoot: txRoot(hashFunction, txs),
      lastStateRoot: asHash(expected.lastStateRoot),
      lastReceiptsRoot: asHash(expected.lastReceiptsRoot),
      lastCommitHash: commitHash(hashFunction, previous?.commit ?? null),
      evidenceHash: evidenceHash(hashFunction, evidence),
      validatorsHash: asHash(validatorSetHash(hashFunction, expected.validatorSet)),
    };
    const block: Block = { header, txs, lastCommit: previous?.commit ?? null, evidence };
    return { block, hash: blockHash(hashFunction, header) };
  }

  /**
   * Executes a decided block and writes it, its commit and all results atomically. MUST complete
   * BEFORE any client or peer hears that the block committed. Throws, writing nothing, when the
   * block cannot be executed here (EngineFault: the contract engine faulted); the consensus
   * driver then stops the node at this height.
   */
  applyBlock(
    block: Block, hash: Hash, commit: Commit, verified: (txHash: Hash) => boolean,
    meta: readonly (readonly [string, Uint8Array])[] = [],
  ): AppliedBlock {
    const suite = this.genesis.suite;
    const { header } = block;
    if (header.height !== this.height + 1) {
      throw new ZwError(ErrorCode.INTERNAL, `cannot apply height ${header.height} on ${this.height}`);
    }
    const result = executeBlock(
      { suite, contracts: this.contracts, state: this.latestState,
        ...(this.hooks.identify === undefined ? {} : { identify: this.hooks.identify }),
        txGasMax: this.genesis.genesis.params.txGasMax, verified: { has: verified } },
      { chainId: header.chainId, height: header.height, time: header.time },
      block.txs, block.evidence, header.height === 1 ? this.hooks.genesisWrites ?? [] : [],
      header.height === 1 ? genesisCalls(this.genesis.genesis) : []);
    const tree = this.tree.applyUpdates(this.height, header.height, result.updates);
    this.store.commitBlock({
      block: { height: header.height, hash, block: encodeBlock(block),
        commit: encodeCommit(commit) },
      result: { height: header.height, stateRoot: tree.root,
        receiptsRoot: receiptsRoot(suite.hash, result.receipts) },
      txs: result.receipts.map((receipt, index) => ({
        hash: receipt.txHash, height: header.height, index, receipt: encodeReceipt(receipt) })),
      stateNodes: tree.nodes,
      stateLatest: result.updates,
      evidence: result.evidence.map(({ id, evidence }) => ({ id, height: header.height,
        validator: evidence.first.validator, evidence: encode(evidenceToValue(evidence)) })),
      meta,
      ...(this.hooks.dataIndex === undefined ? {}
        : { dataIndex: this.hooks.dataIndex(header.height, result.receipts) }),
    });
    this.tipValue = { header, hash, commit, txCount: block.txs.length };
    this.refreshSchedule();
    return { block, hash, receipts: result.receipts };
  }

  // ---- Reads -----------------------------------------------------------------------------------

  nonceOf(address: Uint8Array): number {
    return accountNonce(this.genesis.suite, this.latestState, address);
  }

  block(height: number): BlockLookup | undefined {
    const stored = this.store.block(height);
    if (stored === undefined) return undefined;
    const block = decodeBlock(stored.block);
    return { block, hash: stored.hash, commit: decodeCommit(stored.commit),
      txHashes: block.txs.map((tx) => this.genesis.suite.hash(tx)) };
  }

  committedTx(hash: Uint8Array): { height: number; index: number; blockHash: Uint8Array;
    receipt: Receipt; proof: ProofMaterial | null } | undefined {
    const stored = this.store.tx(hash);
    if (stored === undefined) return undefined;
    const block = this.store.block(stored.height);
    if (block === undefined) throw new ZwError(ErrorCode.INTERNAL, 'indexed block missing');
    return { height: stored.height, index: stored.index, blockHash: block.hash,
      receipt: decodeReceipt(stored.receipt),
      proof: this.receiptProof(stored.height, stored.index) };
  }

  private receiptProof(height: number, index: number): ProofMaterial | null {
    const signer = this.store.block(height + 1);
    if (signer === undefined) return null;
    const receipts = this.store.txsAt(height).map((tx) => tx.receipt);
    const proof = merkleProof(this.genesis.suite.hash, receipts, index);
    return { header: encodeHeader(decodeBlock(signer.block).header), commit: signer.commit,
      proof: encode([proof.index, proof.total, [...proof.path]]) };
  }

  state(contract: string, key: Uint8Array, options: { height?: number; proof: boolean }):
    StateLookup {
    const treeKey = stateTreeKey(this.genesis.suite.hash, contract, key);
    if (!options.proof && options.height === undefined) {
      return { height: this.height, treeKey, value: this.latestState.get(treeKey), proof: null };
    }
    const height = options.height ?? (options.proof ? this.provableHeight : this.height);
    if (height > this.height || (options.proof && height > this.provableHeight)) {
      throw new ZwError(ErrorCode.HEIGHT_UNAVAILABLE, options.proof
        ? `results of height ${height} are not yet signed by a later block; retry shortly`
        : `height ${height} is above the latest height ${this.height}`);
    }
    const { value, proof } = this.tree.getWithProof(height, treeKey);
    if (!options.proof) return { height, treeKey, value, proof: null };
    const signer = this.store.block(height + 1);
    if (signer === undefined) throw new ZwError(ErrorCode.HEIGHT_UNAVAILABLE, 'header missing');
    return { height, treeKey, value, proof: {
      header: encodeHeader(decodeBlock(signer.block).header),
      commit: signer.commit, proof: encodeProof(proof) } };
  }

  query(contract: string, method: string, args: CborValue): CborValue {
    return runQuery(this.genesis.suite.hash, this.contracts, this.latestState,
      { chainId: this.genesis.chainId, height: asHeight(this.height),
        time: this.tipValue?.header.time ?? 0 }, contract, method, args);
  }

  evidence(limit: number, offset: number): { id: string; height: number; validator: string;
    evidence: Uint8Array }[] {
    return this.store.evidence(limit, offset).map((row) => ({ id: toHex(row.id),
      height: row.height, validator: toHex(row.validator), evidence: row.evidence }));
  }
}

