// The provider side of the data exchange keeps the datasets its agency's systems hand it in a
// database of its own (exchange.db beside chain.db): off-chain data has its own backup and
// retention rules, and losing it never touches the ledger. Every record is stored sealed (the
// exchange module encrypts it before it gets here); this module knows rows and bytes only.
import Database from 'better-sqlite3';

export interface StoredDataset {
  readonly entry: string;
  readonly version: number;
  readonly records: number;
  /** Hash of the dataset as uploaded (hex), for the provider's own audit. */
  readonly hash: string;
  /** Hex address of the member who uploaded it. */
  readonly uploadedBy: string;
  readonly height: number;
}

export interface StoredRecord {
  readonly seq: number;
  /** The record's pseudonymous subject id (64 hex), or null for a record about no person. */
  readonly subject: string | null;
  readonly sealed: Uint8Array;
}

const schema = `
CREATE TABLE IF NOT EXISTS datasets (
  entry TEXT PRIMARY KEY, version INTEGER NOT NULL, records INTEGER NOT NULL, hash TEXT NOT NULL,
  uploaded_by TEXT NOT NULL, height INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS records (
  entry TEXT NOT NULL, seq INTEGER NOT NULL, subject TEXT, sealed BLOB NOT NULL,
  PRIMARY KEY (entry, seq)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS records_by_subject ON records (entry, subject, seq);
`;

function bytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export class DatasetStore {
  private readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(schema);
  }

  /** Replaces an entry's dataset with a new version in one transaction: all of it or none. */
  replace(dataset: StoredDataset, records: readonly Omit<StoredRecord, 'seq'>[]): void {
    const insert = this.db.prepare(
      'INSERT INTO records (entry, seq, subject, sealed) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM records WHERE entry = ?').run(dataset.entry);
      this.db.prepare(`INSERT OR REPLACE INTO datasets (entry, version, records, hash,
        uploaded_by, height) VALUES (?, ?, ?, ?, ?, ?)`).run(dataset.entry, dataset.version,
        dataset.records, dataset.hash, dataset.uploadedBy, dataset.height);
      records.forEach((record, seq) => {
        insert.run(dataset.entry, seq, record.subject, record.sealed);
      });
    })();
  }

  dataset(entry: string): StoredDataset | undefined {
    const row = this.db.prepare(`SELECT entry, version, records, hash, uploaded_by, height
      FROM datasets WHERE entry = ?`).get(entry) as { entry: string; version: number;
      records: number; hash: string; uploaded_by: string; height: number } | undefined;
    return row === undefined ? undefined : { entry: row.entry, version: row.version,
      records: row.records, hash: row.hash, uploadedBy: row.uploaded_by, height: row.height };
  }

  /**
   * Records of an entry in upload order: those about the given subjects when `subjects` is
   * given, else all, from `offset`, at most `limit`.
   */
  records(entry: string, options: { subjects?: readonly string[]; offset: number;
    limit: number }): StoredRecord[] {
    type Row = { seq: number; subject: string | null; sealed: Buffer };
    const rows = options.subjects === undefined
      ? this.db.prepare(`SELECT seq, subject, sealed FROM records WHERE entry = ?
          ORDER BY seq LIMIT ? OFFSET ?`).all(entry, options.limit, options.offset) as Row[]
      : this.db.prepare(`SELECT seq, subject, sealed FROM records WHERE entry = ? AND subject IN
          (SELECT value FROM json_each(?)) ORDER BY seq LIMIT ? OFFSET ?`)
        .all(entry, JSON.stringify(options.subjects), options.limit, options.offset) as Row[];
    return rows.map((row) => ({ seq: row.seq, subject: row.subject, sealed: bytes(row.sealed) }));
  }

  close(): void {
    this.db.close();
  }
}
