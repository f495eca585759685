// The node shell: the only place where clock, disk, network and threads meet the pure ledger.
// Today it runs a chain with a single validator (this node) that proposes, executes, signs and
// commits each block; multi-agency BFT consensus replaces `produceBlock` with the Tendermint
// engine and keeps every other path (admission, execution, atomic storage, proofs) as it is.
//
// The durability order for a block is fixed: execute, persist signer state, sign, write the block
// with all its results in ONE storage transaction, and only then tell clients and subscribers.
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import type { Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import {
  ErrorCode, ZwError, VoteType, asHash, bytesEqual, encode, isZwError, merkleProof, toHex,
  validatorSetHash, voteSignBytes, asHeight, asRound,
} from '../core/index.js';
import type { CborValue, Commit, Hash, Height } from '../core/index.js';
import { openKeystore } from '../crypto/index.js';
import type { KeyPair } from '../crypto/index.js';
import {
  Mempool, accountNonce, blockHash, commitHash, decodeBlock, decodeCommit,
  decodeReceipt, decodeTx, encodeBlock, encodeCommit, encodeHeader, encodeReceipt, executeBlock,
  receiptsRoot, runQuery, stateTreeKey, txRoot, zeroHash,
} from '../ledger/index.js';
import type {
  Block, BlockHeader, LoadedGenesis, Receipt, StateReader,
} from '../ledger/index.js';
import { StateTree, encodeProof } from '../state/index.js';
import { ChainStore, SignerStateFile } from '../storage/index.js';
import { systemContracts } from '../system/index.js';
import { createApiServer } from '../api/index.js';
import type {
  ApiBackend, BlockLookup, ChainEvent, NodeStatus, ProofMaterial, StateLookup, TxLookup,
} from '../api/index.js';
import { loadConfig } from './config.js';
import type { NodeConfig } from './config.js';
import { loadGenesisFile } from './genesis.js';
import { VerifyPool } from './verify-pool.js';

export const nodeVersion = '0.1.0';

export interface NodeInit {
  readonly home: string;
  readonly passphrase: string;
  /** Signature-check worker threads; 0 checks inline. Default: 1. */
  readonly verifyThreads?: number;
  /** Overrides the API port in config.json (0 picks a free port). */
  readonly apiPort?: number;
  readonly logger?: Logger;
}

/** Rejections remembered so that GET /v1/txs/:hash can say why; oldest forgotten first. */
const rejectedRememberedMax = 10_000;

interface Tip {
  readonly header: BlockHeader;
  readonly hash: Hash;
  readonly commit: Commit;
  readonly txCount: number;
}

export class ZhengwuNode implements ApiBackend {
  private tip: Tip | undefined;
  private readonly listeners = new Set<(event: ChainEvent) => void>();
  private readonly rejected = new Map<string, { code: string; message: string }>();
  private readonly verified = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private api: FastifyInstance | undefined;
  readonly mempool: Mempool;
  private readonly tree: StateTree;
  private readonly latestState: StateReader;
  private readonly contracts = systemContracts();
  private readonly validatorsHash: Hash;

  private constructor(
    readonly config: NodeConfig,
    readonly chain: LoadedGenesis,
    private readonly key: KeyPair,
    private readonly store: ChainStore,
    private readonly signer: SignerStateFile,
    private readonly pool: VerifyPool,
    readonly log: Logger,
  ) {
    const suite = chain.suite;
    this.tree = new StateTree(suite.hash, store);
    this.latestState = { get: (treeKey) => store.latestValue(treeKey) };
    this.validatorsHash = asHash(validatorSetHash(suite.hash, chain.validatorSet));
    this.mempool = new Mempool({ chainId: chain.chainId }, {
      nonceOf: (address) => accountNonce(suite, this.latestState, address),
      height: () => this.height,
      addressOf: (publicKey) => suite.address(publicKey),
    });
    this.tip = this.loadTip();
  }

  static async start(init: NodeInit): Promise<ZhengwuNode> {
    const home = resolve(init.home);
    const config = loadConfig(home);
    const log = init.logger ?? pino({ level: config.logLevel, base: { node: config.moniker } });
    const chain = loadGenesisFile(resolve(home, config.genesis));
    const key = openKeystore(readFileSync(resolve(home, config.keystore), 'utf8'),
      init.passphrase);
    const dataDir = resolve(home, config.dataDir);
    mkdirSync(dataDir, { recursive: true });
    const store = new ChainStore(join(dataDir, 'chain.db'));
    checkGenesisHash(store, chain);
    checkSoleValidator(chain, key);
    const signer = new SignerStateFile(join(dataDir, 'signer-state.json'));
    const pool = new VerifyPool({ suite: chain.suite.name, threads: init.verifyThreads ?? 1 });
    const node = new ZhengwuNode(config, chain, key, store, signer, pool, log);
    node.api = await createApiServer(node, {
      host: config.api.host, port: init.apiPort ?? config.api.port, logger: false,
    });
    log.info({ height: node.height, api: node.apiUrl, chainId: chain.chainId,
      suite: chain.suite.name }, 'node started');
    node.scheduleBlock();
    return node;
  }

  get height(): number {
    return this.tip?.header.height ?? 0;
  }

  get apiUrl(): string {
    const address = this.api?.server.address();
    if (address === null || address === undefined || typeof address === 'string') return '';
    return `http://${this.config.api.host}:${address.port}`;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.api?.close();
    await this.pool.close();
    this.store.close();
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

  // ---- Admission ----------------------------------------------------------------------------

  async submitTx(bytes: Uint8Array): Promise<Hash> {
    const hash = asHash(this.chain.suite.hash(bytes));
    try {
      const envelope = decodeTx(this.chain.suite, bytes);
      if (this.store.tx(hash) !== undefined) {
        throw new ZwError(ErrorCode.DUPLICATE, 'transaction is already committed');
      }
      if (envelope.tx.chainId !== this.chain.chainId) {
        throw new ZwError(ErrorCode.WRONG_CHAIN,
          `transaction is for chain ${envelope.tx.chainId}, this is ${this.chain.chainId}`);
      }
      if (envelope.tx.gasLimit > this.chain.genesis.params.txGasMax) {
        throw new ZwError(ErrorCode.INVALID_ARGUMENT,
          `gas limit exceeds the chain's ${this.chain.genesis.params.txGasMax}`);
      }
      this.contracts.checkCall(envelope.tx.contract, envelope.tx.method, envelope.tx.args);
      if (!(await this.pool.verify(bytes))) {
        throw new ZwError(ErrorCode.BAD_SIGNATURE, 'transaction signature does not verify');
      }
      this.mempool.add(envelope);
      this.verified.add(toHex(hash));
      this.rejected.delete(toHex(hash));
      this.scheduleBlock();
      return hash;
    } catch (error) {
      if (isZwError(error) && error.code !== ErrorCode.DUPLICATE) this.remember(hash, error);
      throw error;
    }
  }

  private remember(hash: Hash, error: ZwError): void {
    if (this.rejected.size >= rejectedRememberedMax) {
      const oldest = this.rejected.keys().next().value;
      if (oldest !== undefined) this.rejected.delete(oldest);
    }
    this.rejected.set(toHex(hash), { code: error.code, message: error.message });
  }

  // ---- Block production (single validator) ---------------------------------------------------

  /** Results of the tip are signed only by the next header, so a tip with transactions is sealed
   * by one more block even when the mempool is empty. */
  private needsBlock(): boolean {
    return this.mempool.size > 0 || (this.tip !== undefined && this.tip.txCount > 0);
  }

  private scheduleBlock(): void {
    if (this.timer !== undefined || this.stopped || !this.needsBlock()) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.stopped) return;
      try {
        this.produceBlock();
      } catch (error) {
        // A failure here is a storage or programming fault; the node cannot continue safely.
        this.log.fatal({ err: error }, 'block production failed');
        process.exitCode = 1;
        void this.stop();
        return;
      }
      this.scheduleBlock();
    }, this.config.blockGatherMs);
  }

  private produceBlock(): void {
    const suite = this.chain.suite;
    const height = asHeight(this.height + 1);
    const params = this.chain.genesis.params;
    const txs = this.mempool.reap(params.blockTxsMax, params.blockBytesMax).map((e) => e.bytes);
    const previous = this.tip;
    const lastResult = previous === undefined ? undefined
      : this.store.result(previous.header.height);
    const header: BlockHeader = {
      chainId: this.chain.chainId,
      height,
      time: Math.max(Date.now(), (previous?.header.time ?? this.chain.genesis.genesisTime) + 1),
      previousBlockHash: previous?.hash ?? zeroHash,
      proposer: suite.address(this.key.publicKey),
      txRoot: txRoot(suite.hash, txs),
      lastStateRoot: asHash(lastResult?.stateRoot ?? this.tree.rootHash(0)),
      lastReceiptsRoot: asHash(lastResult?.receiptsRoot ?? receiptsRoot(suite.hash, [])),
      lastCommitHash: commitHash(suite.hash, previous?.commit ?? null),
      validatorsHash: this.validatorsHash,
    };
    const block: Block = { header, txs, lastCommit: previous?.commit ?? null };
    this.commitBlock(block, blockHash(suite.hash, header));
  }

  private commitBlock(block: Block, hash: Hash): void {
    const suite = this.chain.suite;
    const { header } = block;
    const result = executeBlock(
      { suite, contracts: this.contracts, state: this.latestState,
        txGasMax: this.chain.genesis.params.txGasMax,
        verified: { has: (txHash) => this.verified.has(toHex(txHash)) } },
      { chainId: header.chainId, height: header.height, time: header.time }, block.txs);
    const tree = this.tree.applyUpdates(this.height, header.height, result.updates);
    const commit = this.signCommit(header.height, hash);
    this.store.commitBlock({
      block: { height: header.height, hash, block: encodeBlock(block),
        commit: encodeCommit(commit) },
      result: { height: header.height, stateRoot: tree.root,
        receiptsRoot: receiptsRoot(suite.hash, result.receipts) },
      txs: result.receipts.map((receipt, index) => ({
        hash: receipt.txHash, height: header.height, index, receipt: encodeReceipt(receipt) })),
      stateNodes: tree.nodes,
      stateLatest: result.updates,
    });
    // Only now, with the block durable, may anyone learn that its transactions committed.
    this.tip = { header, hash, commit, txCount: block.txs.length };
    const hashes = result.receipts.map((receipt) => toHex(receipt.txHash));
    for (const txHash of hashes) this.verified.delete(txHash);
    this.mempool.update(hashes);
    this.publish(header, hash, result.receipts);
  }

  private signCommit(height: Height, hash: Hash): Commit {
    const suite = this.chain.suite;
    const last = this.signer.lastSigned;
    // A crash after signing but before storing leaves a signature for an unstored block; a new
    // block at that height is then signed in the next round, never over the old signature.
    const round = asRound(last !== undefined && last.height === height ? last.round + 1 : 0);
    this.signer.record({ height, round, step: 3, payloadHash: toHex(hash) });
    const validator = suite.address(this.key.publicKey);
    const vote = { type: VoteType.precommit, height, round, blockHash: hash, validator };
    const signature = suite.sign(this.key.privateKey, voteSignBytes(this.chain.chainId, vote));
    return { height, round, blockHash: hash, signatures: [{ validator, signature }] };
  }

  private publish(header: BlockHeader, hash: Hash, receipts: readonly Receipt[]): void {
    const events: ChainEvent[] = [
      { type: 'block', height: header.height, hash, header, txCount: receipts.length }];
    for (const receipt of receipts) {
      events.push({ type: 'tx', height: header.height, receipt });
      for (const event of receipt.events) {
        events.push({ type: 'event', height: header.height, txHash: receipt.txHash,
          contract: event.contract, name: event.name, data: event.data });
      }
    }
    for (const listener of this.listeners) {
      for (const event of events) listener(event);
    }
  }

  // ---- Queries ---------------------------------------------------------------------------------

  /** The highest height whose results a committed header signs (results of H are in H+1). */
  private get provableHeight(): number {
    return Math.max(0, this.height - 1);
  }

  status(): NodeStatus {
    const agencies = new Map(this.chain.genesis.validators.map((v) => [v.address, v.agency]));
    return {
      chainId: this.chain.chainId,
      suite: this.chain.suite.name,
      hashAlgorithm: this.chain.suite.hashName,
      genesisHash: this.chain.hash,
      moniker: this.config.moniker,
      agency: this.config.agency,
      nodeAddress: this.chain.suite.address(this.key.publicKey),
      height: this.height,
      latestBlockHash: this.tip?.hash ?? null,
      latestBlockTime: this.tip?.header.time ?? null,
      provableHeight: this.provableHeight,
      validatorSet: this.chain.validatorSet,
      validatorAgencies: agencies,
      mempool: { size: this.mempool.size, bytes: this.mempool.bytes },
      version: nodeVersion,
    };
  }

  genesis(): unknown {
    return this.chain.genesis;
  }

  tx(hash: Uint8Array): TxLookup | undefined {
    const hex = toHex(hash);
    const stored = this.store.tx(hash);
    if (stored !== undefined) {
      const block = this.store.block(stored.height);
      if (block === undefined) throw new ZwError(ErrorCode.INTERNAL, 'indexed block missing');
      return { status: 'committed', hash: asHash(hash), height: stored.height,
        index: stored.index, blockHash: block.hash, receipt: decodeReceipt(stored.receipt),
        proof: this.receiptProof(stored.height, stored.index) };
    }
    if (this.mempool.has(hex)) return { status: 'pending', hash: asHash(hash) };
    const rejection = this.rejected.get(hex);
    if (rejection !== undefined) return { status: 'rejected', hash: asHash(hash), ...rejection };
    return undefined;
  }

  private receiptProof(height: number, index: number): ProofMaterial | null {
    const signer = this.store.block(height + 1);
    if (signer === undefined) return null;
    const receipts = this.store.txsAt(height).map((tx) => tx.receipt);
    const proof = merkleProof(this.chain.suite.hash, receipts, index);
    return { header: encodeHeader(decodeBlock(signer.block).header), commit: signer.commit,
      proof: encode([proof.index, proof.total, [...proof.path]]) };
  }

  block(height: number): BlockLookup | undefined {
    const stored = this.store.block(height);
    if (stored === undefined) return undefined;
    const block = decodeBlock(stored.block);
    return { block, hash: stored.hash, commit: decodeCommit(stored.commit),
      txHashes: block.txs.map((tx) => this.chain.suite.hash(tx)) };
  }

  accountNonce(address: Uint8Array): number {
    return accountNonce(this.chain.suite, this.latestState, address);
  }

  state(contract: string, key: Uint8Array, options: { height?: number; proof: boolean }):
    StateLookup {
    const treeKey = stateTreeKey(this.chain.suite.hash, contract, key);
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
    return runQuery(this.chain.suite.hash, this.contracts, this.latestState,
      { chainId: this.chain.chainId, height: asHeight(this.height) }, contract, method, args);
  }

  subscribe(listener: (event: ChainEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function checkGenesisHash(store: ChainStore, chain: LoadedGenesis): void {
  const stored = store.meta('genesis_hash');
  if (stored === undefined) {
    store.setMeta('genesis_hash', chain.hash);
  } else if (!bytesEqual(stored, chain.hash)) {
    throw new ZwError(ErrorCode.WRONG_CHAIN, 'the database belongs to a different genesis');
  }
}

function checkSoleValidator(chain: LoadedGenesis, key: KeyPair): void {
  const validators = chain.validatorSet.validators;
  const own = chain.suite.address(key.publicKey);
  if (validators.length !== 1 || !bytesEqual(validators[0]?.address ?? zeroHash, own)) {
    throw new ZwError(ErrorCode.UNAVAILABLE,
      'this build runs a single-validator chain whose validator is this node\'s key');
  }
}
