// The node's one embedded database: blocks, commits, execution results, the transaction index and
// the authenticated state tree's nodes, all in one SQLite file. A block and everything derived from
// it are written in ONE transaction (`commitBlock`), fsynced (WAL, synchronous=FULL), so after a
// crash at any instant the store holds either all of height H or none of it.
// This module knows rows and bytes only; the formats belong to the ledger and state modules.
import Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { assert } from '../core/index.js';
import { DataIndex } from './data-index.js';
import type { DataIndexRow } from './data-index.js';

export interface StoredBlock {
  readonly height: number;
  readonly hash: Uint8Array;
  readonly block: Uint8Array;
  /** The commit this node saw for this block (precommits of > 2/3 of the power). */
  readonly commit: Uint8Array;
}

export interface StoredResult {
  readonly height: number;
  /** State root after executing the block at this height. */
  readonly stateRoot: Uint8Array;
  readonly receiptsRoot: Uint8Array;
}

export interface StoredTx {
  readonly hash: Uint8Array;
  readonly height: number;
  readonly index: number;
  readonly receipt: Uint8Array;
}

export interface BlockBatch {
  readonly block: StoredBlock;
  readonly result: StoredResult;
  readonly txs: readonly StoredTx[];
  readonly stateNodes: readonly (readonly [Uint8Array, Uint8Array])[];
  readonly stateLatest: readonly { readonly key: Uint8Array; readonly value: Uint8Array | null }[];
  readonly evidence: readonly StoredEvidence[];
  /** Metadata written in the same transaction, e.g. the next height's proposer priorities. */
  readonly meta: readonly (readonly [string, Uint8Array])[];
  /**
   * The data index's rows for this block. Absent when the caller does not index (tools,
   * simulations): the index then stays behind and is caught up from the receipts later.
   */
  readonly dataIndex?: readonly DataIndexRow[];
}

export interface StoredEvidence {
  readonly id: Uint8Array;
  readonly height: number;
  readonly validator: Uint8Array;
  readonly evidence: Uint8Array;
}

const schema = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS blocks (
  height INTEGER PRIMARY KEY, hash BLOB NOT NULL, block BLOB NOT NULL, commit_ BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS blocks_by_hash ON blocks (hash);
CREATE TABLE IF NOT EXISTS results (
  height INTEGER PRIMARY KEY, state_root BLOB NOT NULL, receipts_root BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS txs (
  hash BLOB PRIMARY KEY, height INTEGER NOT NULL, idx INTEGER NOT NULL, receipt BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS txs_by_height ON txs (height, idx);
CREATE TABLE IF NOT EXISTS state_nodes (key BLOB PRIMARY KEY, node BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS state_latest (key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS evidence (
  id BLOB PRIMARY KEY, height INTEGER NOT NULL, validator BLOB NOT NULL, evidence BLOB NOT NULL
) WITHOUT ROWID;
`;

interface Statements {
  latest: Statement<[], { height: number } | undefined>;
  blockAt: Statement<[number], { height: number; hash: Buffer; block: Buffer; commit_: Buffer }>;
  resultAt: Statement<[number], { height: number; state_root: Buffer; receipts_root: Buffer }>;
  txByHash: Statement<[Uint8Array], { hash: Buffer; height: number; idx: number; receipt: Buffer }>;
  txsAt: Statement<[number], { hash: Buffer; height: number; idx: number; receipt: Buffer }>;
  node: Statement<[Uint8Array], { node: Buffer }>;
  latestValue: Statement<[Uint8Array], { value: Buffer }>;
  metaGet: Statement<[string], { value: Buffer }>;
  insertBlock: Statement<[number, Uint8Array, Uint8Array, Uint8Array]>;
  insertResult: Statement<[number, Uint8Array, Uint8Array]>;
  insertTx: Statement<[Uint8Array, number, number, Uint8Array]>;
  insertNode: Statement<[Uint8Array, Uint8Array]>;
  putLatest: Statement<[Uint8Array, Uint8Array]>;
  deleteLatest: Statement<[Uint8Array]>;
  metaPut: Statement<[string, Uint8Array]>;
  insertEvidence: Statement<[Uint8Array, number, Uint8Array, Uint8Array]>;
  evidenceList: Statement<[number, number],
    { id: Buffer; height: number; validator: Buffer; evidence: Buffer }>;
}

function bytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export class ChainStore {
  private readonly db: Database.Database;
  private readonly statements: Statements;
  private readonly commitTransaction: (batch: BlockBatch) => void;
  /** Catalog, request, receipt and citizen-usage tables, written with each block. */
  readonly data: DataIndex;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // FULL makes every commit durable at the moment it returns, which the node relies on before
    // it tells any client that a transaction is committed.
    this.db.pragma('synchronous = FULL');
    this.db.exec(schema);
    this.statements = this.prepare();
    this.data = new DataIndex(this.db);
    this.commitTransaction = this.db.transaction((batch: BlockBatch) => this.writeBatch(batch));
  }

  private prepare(): Statements {
    const db = this.db;
    return {
      latest: db.prepare('SELECT MAX(height) AS height FROM blocks'),
      blockAt: db.prepare('SELECT height, hash, block, commit_ FROM blocks WHERE height = ?'),
      resultAt: db.prepare(
        'SELECT height, state_root, receipts_root FROM results WHERE height = ?'),
      txByHash: db.prepare('SELECT hash, height, idx, receipt FROM txs WHERE hash = ?'),
      txsAt: db.prepare('SELECT hash, height, idx, receipt FROM txs WHERE height = ? ORDER BY idx'),
      node: db.prepare('SELECT node FROM state_nodes WHERE key = ?'),
      latestValue: db.prepare('SELECT value FROM state_latest WHERE key = ?'),
      metaGet: db.prepare('SELECT value FROM meta WHERE key = ?'),
      insertBlock: db.prepare(
        'INSERT INTO blocks (height, hash, block, commit_) VALUES (?, ?, ?, ?)'),
      insertResult: db.prepare(
        'INSERT INTO results (height, state_root, receipts_root) VALUES (?, ?, ?)'),
      insertTx: db.prepare(
        'INSERT OR IGNORE INTO txs (hash, height, idx, receipt) VALUES (?, ?, ?, ?)'),
      insertNode: db.prepare('INSERT OR REPLACE INTO state_nodes (key, node) VALUES (?, ?)'),
      putLatest: db.prepare('INSERT OR REPLACE INTO state_latest (key, value) VALUES (?, ?)'),
      deleteLatest: db.prepare('DELETE FROM state_latest WHERE key = ?'),
      metaPut: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
      insertEvidence: db.prepare(
        'INSERT OR IGNORE INTO evidence (id, height, validator, evidence) VALUES (?, ?, ?, ?)'),
      evidenceList: db.prepare('SELECT id, height, validator, evidence FROM evidence ' +
        'ORDER BY height DESC, id LIMIT ? OFFSET ?'),
    };
  }

  private writeBatch(batch: BlockBatch): void {
    const s = this.statements;
    const latest = this.latestHeight();
    assert(batch.block.height === latest + 1, 'blocks are stored in height order');
    assert(batch.result.height === batch.block.height, 'result belongs to the block');
    s.insertBlock.run(batch.block.height, batch.block.hash, batch.block.block, batch.block.commit);
    s.insertResult.run(batch.result.height, batch.result.stateRoot, batch.result.receiptsRoot);
    // A byzantine proposer could repeat a transaction; its first execution is the one indexed.
    for (const tx of batch.txs) s.insertTx.run(tx.hash, tx.height, tx.index, tx.receipt);
    for (const e of batch.evidence) s.insertEvidence.run(e.id, e.height, e.validator, e.evidence);
    for (const [key, value] of batch.meta) s.metaPut.run(key, value);
    for (const [key, node] of batch.stateNodes) s.insertNode.run(key, node);
    for (const { key, value } of batch.stateLatest) {
      if (value === null) s.deleteLatest.run(key);
      else s.putLatest.run(key, value);
    }
    // Rows join the index only when it is caught up to the previous block; otherwise the
    // start-up catch-up replays this block's receipts, so nothing is indexed twice or skipped.
    if (batch.dataIndex !== undefined && this.data.height() === batch.block.height - 1) {
      this.data.write(batch.dataIndex, batch.block.height);
    }
  }

  /** Writes index rows of stored blocks up to `height` in one transaction (rebuild, catch-up). */
  indexData(rows: readonly DataIndexRow[], height: number): void {
    assert(height <= this.latestHeight(), 'only stored blocks are indexed');
    this.db.transaction(() => this.data.write(rows, height))();
  }

  /** Writes a block with all its results atomically and durably. MUST return before any client
   * is told that one of its transactions committed. */
  commitBlock(batch: BlockBatch): void {
    this.commitTransaction(batch);
  }

  /** The highest stored height, 0 for an empty store. */
  latestHeight(): number {
    return this.statements.latest.get()?.height ?? 0;
  }

  block(height: number): StoredBlock | undefined {
    const row = this.statements.blockAt.get(height);
    return row === undefined ? undefined
      : { height: row.height, hash: bytes(row.hash), block: bytes(row.block),
        commit: bytes(row.commit_) };
  }

  result(height: number): StoredResult | undefined {
    const row = this.statements.resultAt.get(height);
    return row === undefined ? undefined
      : { height: row.height, stateRoot: bytes(row.state_root),
        receiptsRoot: bytes(row.receipts_root) };
  }

  tx(hash: Uint8Array): StoredTx | undefined {
    const row = this.statements.txByHash.get(hash);
    return row === undefined ? undefined
      : { hash: bytes(row.hash), height: row.height, index: row.idx, receipt: bytes(row.receipt) };
  }

  txsAt(height: number): StoredTx[] {
    return this.statements.txsAt.all(height).map((row) => ({
      hash: bytes(row.hash), height: row.height, index: row.idx, receipt: bytes(row.receipt),
    }));
  }

  getNode(key: Uint8Array): Uint8Array | undefined {
    const row = this.statements.node.get(key);
    return row === undefined ? undefined : bytes(row.node);
  }

  latestValue(key: Uint8Array): Uint8Array | undefined {
    const row = this.statements.latestValue.get(key);
    return row === undefined ? undefined : bytes(row.value);
  }

  meta(key: string): Uint8Array | undefined {
    const row = this.statements.metaGet.get(key);
    return row === undefined ? undefined : bytes(row.value);
  }

  /** Stores a metadata value outside a block (e.g. the genesis hash at first start). */
  setMeta(key: string, value: Uint8Array): void {
    this.statements.metaPut.run(key, value);
  }

  /** Recorded double-sign evidence, newest first. */
  evidence(limit: number, offset: number): StoredEvidence[] {
    return this.statements.evidenceList.all(limit, offset).map((row) => ({
      id: bytes(row.id), height: row.height, validator: bytes(row.validator),
      evidence: bytes(row.evidence) }));
  }

  close(): void {
    this.db.close();
  }
}
