// Proves the storage side of the data index: rows written with a block are queryable by every
// filter and cursor; a failed block commit leaves no index rows (they share its transaction); a
// batch without rows leaves the index behind rather than skipping heights; and a stale schema
// version or a missing table makes the store drop the index and start it again from height 0.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChainStore } from '../../src/storage/index.js';
import type {
  AccessReceiptRow, BlockBatch, CatalogEntryRow, DataIndexRow,
} from '../../src/storage/index.js';

let dir: string;
let path: string;
let store: ChainStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zw-data-index-'));
  path = join(dir, 'chain.db');
  store = new ChainStore(path);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function batch(height: number, dataIndex?: readonly DataIndexRow[]): BlockBatch {
  const hash = new Uint8Array(32).fill(height);
  return { block: { height, hash, block: hash, commit: hash },
    result: { height, stateRoot: hash, receiptsRoot: hash }, txs: [], stateNodes: [],
    stateLatest: [], evidence: [], meta: [],
    ...(dataIndex === undefined ? {} : { dataIndex }) };
}

function entry(code: string, overrides: Partial<CatalogEntryRow> = {}): DataIndexRow {
  return { kind: 'entry', entry: { code, provider: 'market', category: code.slice(0, 3),
    sharingType: 'CONDITIONAL', name: '企业登记信息', abstract: 'Registered enterprises',
    itemNames: ['name', 'creditCode'], status: 'published', version: 1, height: 1,
    ...overrides } };
}

function receipt(id: string, overrides: Partial<AccessReceiptRow> = {}): DataIndexRow {
  return { kind: 'receipt', receipt: { id, requester: 'tax', provider: 'market',
    entry: '301001001/000001', purpose: 'tax check', system: 'tax-system', items: ['name'],
    time: Number(id.slice(0, 14)), height: 1, outcome: 'served', disclosureHeight: null,
    subjects: ['s1'], ...overrides } };
}

const codes = (page: { items: readonly CatalogEntryRow[] }): string[] =>
  page.items.map((row) => row.code);

describe('data index storage', () => {
  it('answers catalog, request, receipt and usage queries with cursors', () => {
    store.commitBlock(batch(1, [
      entry('301001001/000001'),
      entry('301001002/000001', { sharingType: 'UNCONDITIONAL', name: '营业执照' }),
      entry('302001001/000001', { provider: 'tax', name: '纳税人名录', abstract: 'Taxpayers' }),
      { kind: 'request', request: { id: '0000000001', requester: 'tax', provider: 'market',
        entry: '301001001/000001', status: 'pending', deadline: 5, height: 1 } },
      { kind: 'requestStatus', id: '0000000001', status: 'granted', height: 1 },
      receipt('00000000001000-00000001', { subjects: ['s1', 's2'] }),
      receipt('00000000002000-00000002', { purpose: 'audit', requester: 'police' }),
    ]));
    store.commitBlock(batch(2, [
      { kind: 'entryStatus', code: '301001002/000001', status: 'disabled', height: 2 },
      entry('301001001/000001', { name: '企业登记信息（第二版）', version: 2, height: 2 }),
    ]));
    const data = store.data;
    expect(data.height()).toBe(2);
    const search = (filters: object) => codes(data.searchEntries({ status: 'published',
      limit: 10, ...filters }));
    expect(search({})).toEqual(['301001001/000001', '302001001/000001']);
    expect(search({ provider: 'tax' })).toEqual(['302001001/000001']);
    expect(search({ category: '3' })).toHaveLength(2);
    expect(search({ category: '302' })).toEqual(['302001001/000001']);
    expect(search({ sharingType: 'UNCONDITIONAL' })).toEqual([]);
    expect(codes(data.searchEntries({ status: 'disabled', limit: 10 })))
      .toEqual(['301001002/000001']);
    expect(search({ q: '第二版' })).toEqual(['301001001/000001']);
    expect(search({ q: '企业' })).toEqual(['301001001/000001']);
    expect(search({ q: 'taxpayers' })).toEqual(['302001001/000001']);
    expect(search({ q: 'creditcode' })).toHaveLength(2);
    expect(search({ q: '100%' })).toEqual([]);
    const first = data.searchEntries({ status: 'published', limit: 1 });
    expect(first.next).toBe('301001001/000001');
    expect(search({ after: first.next })).toEqual(['302001001/000001']);
    expect(data.requests({ agency: 'tax', side: 'requester', limit: 10 }).items)
      .toEqual([expect.objectContaining({ id: '0000000001', status: 'granted' })]);
    expect(data.requests({ agency: 'tax', side: 'provider', limit: 10 }).items).toEqual([]);
    const ids = (page: { items: readonly AccessReceiptRow[] }) => page.items.map((r) => r.id);
    expect(ids(data.receipts({ requester: 'police', limit: 10 })))
      .toEqual(['00000000002000-00000002']);
    expect(ids(data.receipts({ from: 1000, to: 2000, limit: 10 })))
      .toEqual(['00000000001000-00000001']);
    expect(ids(data.receipts({ purpose: 'aud', limit: 10 }))).toEqual(['00000000002000-00000002']);
    expect(ids(data.usage('s1', undefined, 10)))
      .toEqual(['00000000002000-00000002', '00000000001000-00000001']);
    expect(data.usage('s1', undefined, 1).next).toBe('00000000002000-00000002');
    expect(ids(data.usage('s1', '00000000002000-00000002', 10)))
      .toEqual(['00000000001000-00000001']);
    expect(ids(data.usage('s2', undefined, 10))).toEqual(['00000000001000-00000001']);
  });

  it('keeps index rows only for committed blocks', () => {
    store.commitBlock(batch(1, [entry('301001001/000001')]));
    // A row the database refuses fails the whole block: neither it nor the block is stored.
    const broken = { kind: 'entry', entry: { ...(entry('301001002/000001') as
      { entry: CatalogEntryRow }).entry, name: null } } as unknown as DataIndexRow;
    expect(() => store.commitBlock(batch(2, [entry('302001001/000001'), broken]))).toThrow();
    expect(store.latestHeight()).toBe(1);
    expect(store.data.height()).toBe(1);
    expect(codes(store.data.searchEntries({ status: 'published', limit: 10 })))
      .toEqual(['301001001/000001']);
  });

  it('falls behind, never skips, when a block comes without rows', () => {
    store.commitBlock(batch(1));
    store.commitBlock(batch(2, [entry('301001001/000001')]));
    expect(store.data.height()).toBe(0);
    expect(codes(store.data.searchEntries({ status: 'published', limit: 10 }))).toEqual([]);
    store.indexData([entry('301001001/000001')], 2);
    expect(store.data.height()).toBe(2);
    expect(() => store.indexData([], 3)).toThrow(/only stored blocks/);
  });

  it('drops a stale or incomplete index on open', () => {
    store.commitBlock(batch(1, [entry('301001001/000001')]));
    store.close();
    const db = new Database(path);
    db.prepare('UPDATE meta SET value = ? WHERE key = ?').run(Buffer.from('0'),
      'data_index_schema');
    db.close();
    store = new ChainStore(path);
    expect(store.data.height()).toBe(0);
    expect(store.latestHeight()).toBe(1);
    store.indexData([entry('301001001/000001')], 1);
    store.close();
    const again = new Database(path);
    again.exec('DROP TABLE catalog_text');
    again.close();
    store = new ChainStore(path);
    expect(store.data.height()).toBe(0);
    expect(codes(store.data.searchEntries({ status: 'published', limit: 10 }))).toEqual([]);
  });
});
