// The node-side data index: catalog entries (with keyword search), sharing requests, access
// receipts and the citizen's receipt subjects, as SQLite tables beside the blocks. The node
// projects the `catalog` and `sharing` contracts' events into the typed rows below; this module
// knows rows and SQL only, never contract events.
//
// Durability: rows of height H are written in the SAME transaction as block H (ChainStore's
// commitBlock), together with `data_index_height`, so after a crash the index holds exactly the
// committed blocks' rows. The index is derived data: when its schema version changes or its
// tables are missing, `open` drops it and the node rebuilds it from the stored receipts.
import type { Database, Statement } from 'better-sqlite3';
import { assert } from '../core/index.js';

/** The latest published version of one catalog entry. */
export interface CatalogEntryRow {
  readonly code: string;
  readonly provider: string;
  /** Class digit and two-digit item of the resource code, e.g. `301`. */
  readonly category: string;
  readonly sharingType: string;
  readonly name: string;
  readonly abstract: string;
  readonly itemNames: readonly string[];
  readonly status: string;
  readonly version: number;
  readonly height: number;
}

export interface SharingRequestRow {
  readonly id: string;
  readonly requester: string;
  readonly provider: string;
  readonly entry: string;
  readonly status: string;
  /** Block time (ms) by which the provider must answer; null when none applies. */
  readonly deadline: number | null;
  /** Height of the latest change. */
  readonly height: number;
}

export interface AccessReceiptRow {
  readonly id: string;
  readonly requester: string;
  readonly provider: string;
  readonly entry: string;
  readonly purpose: string;
  readonly system: string;
  readonly items: readonly string[];
  readonly time: number;
  readonly height: number;
  readonly outcome: string;
  /** A covert access is shown to its subjects only from this height; null: not covert. */
  readonly disclosureHeight: number | null;
  readonly subjects: readonly string[];
}

/** One change to the index, applied in order (a block can submit and cancel a request). */
export type DataIndexRow =
  | { readonly kind: 'entry'; readonly entry: CatalogEntryRow }
  | { readonly kind: 'entryStatus'; readonly code: string; readonly status: string;
    readonly height: number }
  | { readonly kind: 'request'; readonly request: SharingRequestRow }
  | { readonly kind: 'requestStatus'; readonly id: string; readonly status: string;
    readonly height: number }
  | { readonly kind: 'receipt'; readonly receipt: AccessReceiptRow };

export interface Page<T> {
  readonly items: readonly T[];
  /** The cursor (`after`) of the next page; null at the end. */
  readonly next: string | null;
}

export interface CatalogSearch {
  readonly provider?: string;
  /** A class digit (`3`) or class and item (`301`). */
  readonly category?: string;
  readonly sharingType?: string;
  readonly status: string;
  /** Keyword over name, abstract and item names (substring, case-insensitive). */
  readonly q?: string;
  readonly after?: string;
  readonly limit: number;
}

export interface RequestSearch {
  readonly agency: string;
  readonly side: 'requester' | 'provider';
  readonly status?: string;
  readonly after?: string;
  readonly limit: number;
}

export interface ReceiptSearch {
  readonly requester?: string;
  readonly provider?: string;
  readonly entry?: string;
  /** Block time range [from, to) in ms. */
  readonly from?: number;
  readonly to?: number;
  /** Substring of the purpose. */
  readonly purpose?: string;
  readonly after?: string;
  readonly limit: number;
}

/** Bump when a table or its meaning changes: the node then rebuilds the index at start-up. */
export const dataIndexSchemaVersion = 2;
const versionKey = 'data_index_schema';
const heightKey = 'data_index_height';
/** The trigram tokenizer matches substrings of at least this many characters. */
const trigramCharsMin = 3;

const tables = ['catalog_entries', 'catalog_text', 'sharing_requests', 'access_receipts',
  'receipt_subjects'] as const;

const schema = `
CREATE TABLE catalog_entries (
  code TEXT NOT NULL UNIQUE, provider TEXT NOT NULL, category TEXT NOT NULL,
  sharing_type TEXT NOT NULL, name TEXT NOT NULL, abstract TEXT NOT NULL,
  item_names TEXT NOT NULL, status TEXT NOT NULL, version INTEGER NOT NULL,
  height INTEGER NOT NULL);
CREATE INDEX catalog_by_provider ON catalog_entries (status, provider, code);
CREATE INDEX catalog_by_type ON catalog_entries (status, sharing_type, code);
CREATE INDEX catalog_by_status ON catalog_entries (status, code);
CREATE VIRTUAL TABLE catalog_text USING fts5 (text, tokenize = 'trigram');
CREATE TABLE sharing_requests (
  id TEXT PRIMARY KEY, requester TEXT NOT NULL, provider TEXT NOT NULL, entry TEXT NOT NULL,
  status TEXT NOT NULL, deadline INTEGER, height INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX requests_by_requester ON sharing_requests (requester, id);
CREATE INDEX requests_by_provider ON sharing_requests (provider, id);
CREATE TABLE access_receipts (
  id TEXT PRIMARY KEY, requester TEXT NOT NULL, provider TEXT NOT NULL, entry TEXT NOT NULL,
  purpose TEXT NOT NULL, system TEXT NOT NULL, items TEXT NOT NULL, time INTEGER NOT NULL,
  height INTEGER NOT NULL, outcome TEXT NOT NULL, disclosure_height INTEGER,
  subjects TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX receipts_by_requester ON access_receipts (requester, id);
CREATE INDEX receipts_by_provider ON access_receipts (provider, id);
CREATE INDEX receipts_by_entry ON access_receipts (entry, id);
CREATE TABLE receipt_subjects (
  subject TEXT NOT NULL, receipt_id TEXT NOT NULL, PRIMARY KEY (subject, receipt_id)
) WITHOUT ROWID;
`;

interface EntrySql {
  code: string; provider: string; category: string; sharing_type: string; name: string;
  abstract: string; item_names: string; status: string; version: number; height: number;
}
interface RequestSql {
  id: string; requester: string; provider: string; entry: string; status: string;
  deadline: number | null; height: number;
}
interface ReceiptSql {
  id: string; requester: string; provider: string; entry: string; purpose: string;
  system: string; items: string; time: number; height: number; outcome: string;
  disclosure_height: number | null; subjects: string;
}

interface Statements {
  entryRowid: Statement<[string], { rowid: number }>;
  insertEntry: Statement<[string, string, string, string, string, string, string, string,
    number, number]>;
  updateEntry: Statement<[string, string, string, string, string, string, string, number, number,
    number]>;
  entryStatus: Statement<[string, number, string]>;
  deleteText: Statement<[number]>;
  insertText: Statement<[number, string]>;
  putRequest: Statement<[string, string, string, string, string, number | null, number]>;
  requestStatus: Statement<[string, number, string]>;
  putReceipt: Statement<[string, string, string, string, string, string, string, number, number,
    string, number | null, string]>;
  putSubject: Statement<[string, string]>;
  metaGet: Statement<[string], { value: Buffer }>;
  metaPut: Statement<[string, Uint8Array]>;
}

function text(value: string): Uint8Array {
  return new TextEncoder().encode(value);
}

/** The text searched by keyword: one lowercased string, so matching ignores case. */
function searchText(entry: CatalogEntryRow): string {
  return [entry.name, entry.abstract, ...entry.itemNames].join('\n').toLowerCase();
}

/** `%`, `_` and `\` are literal in a keyword. */
function likePattern(keyword: string): string {
  return `%${keyword.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function entryFromSql(row: EntrySql): CatalogEntryRow {
  return { code: row.code, provider: row.provider, category: row.category,
    sharingType: row.sharing_type, name: row.name, abstract: row.abstract,
    itemNames: JSON.parse(row.item_names) as string[], status: row.status,
    version: row.version, height: row.height };
}

function requestFromSql(row: RequestSql): SharingRequestRow {
  return { id: row.id, requester: row.requester, provider: row.provider, entry: row.entry,
    status: row.status, deadline: row.deadline, height: row.height };
}

function receiptFromSql(row: ReceiptSql): AccessReceiptRow {
  return { id: row.id, requester: row.requester, provider: row.provider, entry: row.entry,
    purpose: row.purpose, system: row.system, items: JSON.parse(row.items) as string[],
    time: row.time, height: row.height, outcome: row.outcome,
    disclosureHeight: row.disclosure_height, subjects: JSON.parse(row.subjects) as string[] };
}

/** Cuts a `limit + 1` result to a page whose cursor is the last item's key. */
function pageOf<T>(rows: readonly T[], limit: number, key: (row: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, next: rows.length > limit && last !== undefined ? key(last) : null };
}

/** A receipt id (`<time ms:14>-<seq:8>`) bound for block time `time`. */
function receiptIdAt(time: number): string {
  return String(Math.max(0, time)).padStart(14, '0');
}

export class DataIndex {
  private readonly statements: Statements;

  /** Opens the index in `db`, dropping and recreating it when stale or incomplete. */
  constructor(private readonly db: Database) {
    if (!this.isCurrent()) this.recreate();
    this.statements = this.prepare();
  }

  private isCurrent(): boolean {
    const stored = this.db.prepare<[string], { value: Buffer }>(
      'SELECT value FROM meta WHERE key = ?').get(versionKey);
    if (stored === undefined) return false;
    if (new TextDecoder().decode(stored.value) !== String(dataIndexSchemaVersion)) return false;
    const present = this.db.prepare<[], { name: string }>(
      'SELECT name FROM sqlite_master WHERE type = \'table\'').all().map((row) => row.name);
    return tables.every((table) => present.includes(table));
  }

  private recreate(): void {
    this.db.transaction(() => {
      for (const table of tables) this.db.exec(`DROP TABLE IF EXISTS ${table}`);
      this.db.exec(schema);
      const put = this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
      put.run(versionKey, text(String(dataIndexSchemaVersion)));
      put.run(heightKey, text('0'));
    })();
  }

  private prepare(): Statements {
    const db = this.db;
    return {
      entryRowid: db.prepare('SELECT rowid FROM catalog_entries WHERE code = ?'),
      insertEntry: db.prepare('INSERT INTO catalog_entries (code, provider, category, ' +
        'sharing_type, name, abstract, item_names, status, version, height) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      updateEntry: db.prepare('UPDATE catalog_entries SET provider = ?, category = ?, ' +
        'sharing_type = ?, name = ?, abstract = ?, item_names = ?, status = ?, version = ?, ' +
        'height = ? WHERE rowid = ?'),
      entryStatus: db.prepare(
        'UPDATE catalog_entries SET status = ?, height = ? WHERE code = ?'),
      deleteText: db.prepare('DELETE FROM catalog_text WHERE rowid = ?'),
      insertText: db.prepare('INSERT INTO catalog_text (rowid, text) VALUES (?, ?)'),
      putRequest: db.prepare('INSERT OR REPLACE INTO sharing_requests (id, requester, ' +
        'provider, entry, status, deadline, height) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      requestStatus: db.prepare(
        'UPDATE sharing_requests SET status = ?, height = ? WHERE id = ?'),
      putReceipt: db.prepare('INSERT OR REPLACE INTO access_receipts (id, requester, ' +
        'provider, entry, purpose, system, items, time, height, outcome, disclosure_height, ' +
        'subjects) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      putSubject: db.prepare(
        'INSERT OR IGNORE INTO receipt_subjects (subject, receipt_id) VALUES (?, ?)'),
      metaGet: db.prepare('SELECT value FROM meta WHERE key = ?'),
      metaPut: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
    };
  }

  /** The highest height whose rows are in the index (0: empty, rebuild from block 1). */
  height(): number {
    const stored = this.statements.metaGet.get(heightKey);
    return stored === undefined ? 0 : Number(new TextDecoder().decode(stored.value));
  }

  /**
   * Writes the rows of heights (height(), `height`] and records `height` as indexed. MUST run
   * inside the caller's transaction: ChainStore's block commit, or a rebuild batch.
   */
  write(rows: readonly DataIndexRow[], height: number): void {
    assert(this.db.inTransaction, 'index rows are written inside a storage transaction');
    assert(height > this.height(), 'index heights only advance');
    for (const row of rows) this.writeRow(row);
    this.statements.metaPut.run(heightKey, text(String(height)));
  }

  private writeRow(row: DataIndexRow): void {
    const s = this.statements;
    switch (row.kind) {
      case 'entry':
        this.putEntry(row.entry);
        return;
      case 'entryStatus':
        s.entryStatus.run(row.status, row.height, row.code);
        return;
      case 'request': {
        const r = row.request;
        s.putRequest.run(r.id, r.requester, r.provider, r.entry, r.status, r.deadline, r.height);
        return;
      }
      case 'requestStatus':
        s.requestStatus.run(row.status, row.height, row.id);
        return;
      case 'receipt': {
        const r = row.receipt;
        s.putReceipt.run(r.id, r.requester, r.provider, r.entry, r.purpose, r.system,
          JSON.stringify(r.items), r.time, r.height, r.outcome, r.disclosureHeight,
          JSON.stringify(r.subjects));
        for (const subject of new Set(r.subjects)) s.putSubject.run(subject, r.id);
      }
    }
  }

  private putEntry(e: CatalogEntryRow): void {
    const s = this.statements;
    const items = JSON.stringify(e.itemNames);
    const existing = s.entryRowid.get(e.code);
    let rowid: number;
    if (existing === undefined) {
      rowid = Number(s.insertEntry.run(e.code, e.provider, e.category, e.sharingType, e.name,
        e.abstract, items, e.status, e.version, e.height).lastInsertRowid);
    } else {
      rowid = existing.rowid;
      s.updateEntry.run(e.provider, e.category, e.sharingType, e.name, e.abstract, items,
        e.status, e.version, e.height, rowid);
      s.deleteText.run(rowid);
    }
    s.insertText.run(rowid, searchText(e));
  }

  // ---- Queries -------------------------------------------------------------------------------

  /** Catalog entries in resource-code order, filtered; a keyword narrows through FTS5. */
  searchEntries(search: CatalogSearch): Page<CatalogEntryRow> {
    const where = ['e.status = ?'];
    const params: (string | number)[] = [search.status];
    if (search.provider !== undefined) {
      where.push('e.provider = ?');
      params.push(search.provider);
    }
    if (search.category !== undefined) {
      // Resource codes start with their category, so a category is a range of codes: the
      // code order serves it alone, and with a provider the provider index's code suffix does.
      where.push('e.code >= ? AND e.code < ?');
      params.push(search.category, `${search.category}\uffff`);
    }
    if (search.sharingType !== undefined) {
      where.push('e.sharing_type = ?');
      params.push(search.sharingType);
    }
    if (search.after !== undefined) {
      where.push('e.code > ?');
      params.push(search.after);
    }
    const keyword = search.q?.toLowerCase();
    if (keyword !== undefined && [...keyword].length >= trigramCharsMin) {
      where.push('e.rowid IN (SELECT rowid FROM catalog_text WHERE catalog_text MATCH ?)');
      params.push(`"${keyword.replace(/"/g, '""')}"`);
    } else if (keyword !== undefined) {
      // Shorter than a trigram: a scan of the entries' own columns in code order that stops
      // once the page is full. Reading the columns in place, not the full-text table's content
      // row by row, keeps a miss over 500,000 entries near a tenth of a second.
      where.push('(e.name LIKE ? ESCAPE \'\\\' OR e.abstract LIKE ? ESCAPE \'\\\' OR ' +
        'e.item_names LIKE ? ESCAPE \'\\\')');
      const pattern = likePattern(keyword);
      params.push(pattern, pattern, pattern);
    }
    // A short keyword with no selective filter reads the table in storage order and sorts the
    // matches: walking the code index instead costs one random row read per entry, seconds for a
    // keyword that matches nothing in 500,000 entries.
    const scan = keyword !== undefined && [...keyword].length < trigramCharsMin &&
      search.provider === undefined && search.sharingType === undefined;
    const rows = this.db.prepare<(string | number)[], EntrySql>(
      `SELECT e.* FROM catalog_entries e ${scan ? 'NOT INDEXED ' : ''}` +
      `WHERE ${where.join(' AND ')} ORDER BY e.code LIMIT ?`)
      .all(...params, search.limit + 1);
    return pageOf(rows.map(entryFromSql), search.limit, (row) => row.code);
  }

  /** An agency's requests as requester or provider, in id (submission) order. */
  requests(search: RequestSearch): Page<SharingRequestRow> {
    const column = search.side === 'requester' ? 'requester' : 'provider';
    const where = [`${column} = ?`, 'id > ?'];
    const params: (string | number)[] = [search.agency, search.after ?? ''];
    if (search.status !== undefined) {
      where.push('status = ?');
      params.push(search.status);
    }
    const rows = this.db.prepare<(string | number)[], RequestSql>(
      `SELECT * FROM sharing_requests INDEXED BY requests_by_${column} ` +
      `WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`).all(...params, search.limit + 1);
    return pageOf(rows.map(requestFromSql), search.limit, (row) => row.id);
  }

  /** Receipts in id order, which is block-time order. */
  receipts(search: ReceiptSearch): Page<AccessReceiptRow> {
    const where = ['id > ?'];
    const params: (string | number)[] = [search.after ?? ''];
    for (const [column, value] of [['requester', search.requester],
      ['provider', search.provider], ['entry', search.entry]] as const) {
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      params.push(value);
    }
    if (search.from !== undefined) {
      where.push('id >= ?');
      params.push(receiptIdAt(search.from));
    }
    if (search.to !== undefined) {
      where.push('id < ?');
      params.push(receiptIdAt(search.to));
    }
    if (search.purpose !== undefined) {
      where.push('instr(purpose, ?) > 0');
      params.push(search.purpose);
    }
    const rows = this.db.prepare<(string | number)[], ReceiptSql>(
      `SELECT * FROM access_receipts WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`)
      .all(...params, search.limit + 1);
    return pageOf(rows.map(receiptFromSql), search.limit, (row) => row.id);
  }

  /** Every receipt naming `subject`, newest first (receipt ids order by time). */
  usage(subject: string, after: string | undefined, limit: number): Page<AccessReceiptRow> {
    const rows = this.db.prepare<[string, string, number], ReceiptSql>(
      'SELECT r.* FROM receipt_subjects s JOIN access_receipts r ON r.id = s.receipt_id ' +
      'WHERE s.subject = ? AND s.receipt_id < ? ORDER BY s.receipt_id DESC LIMIT ?')
      .all(subject, after ?? '\uffff', limit + 1);
    return pageOf(rows.map(receiptFromSql), limit, (row) => row.id);
  }
}
