// Proves the projection from contract events to data index rows: published and disabled entries,
// a request's life in event order, receipts with their subjects; failed transactions and other
// contracts are ignored and malformed events skipped and counted, never fatal. And that the
// start-up catch-up rebuilds the same index from the stored receipts after the index is deleted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CborValue, Hash } from '../../src/core/index.js';
import { encodeReceipt } from '../../src/ledger/index.js';
import type { Receipt } from '../../src/ledger/index.js';
import { catchUpDataIndex, dataContractNames, projectDataEvents } from
  '../../src/node/data-index.js';
import { ChainStore } from '../../src/storage/index.js';

const catalog = dataContractNames.catalog;
const sharing = dataContractNames.sharing;

function receipt(events: [string, string, CborValue][], status = 'ok', seed = 1): Receipt {
  return { txHash: new Uint8Array(32).fill(seed) as Hash, status, error: '', gasUsed: 1,
    result: null, events: events.map(([contract, name, data]) => ({ contract, name, data })) };
}

const published = { code: '301001001/000001', provider: 'market', sharingType: 'CONDITIONAL',
  name: '企业登记信息', abstract: 'Registered enterprises', version: 2,
  items: [{ name: 'name', type: 'string', personal: false, sensitive: false },
    { name: 'creditCode', type: 'string', personal: false, sensitive: false }] };
const recorded = { id: '00000000001000-00000001', provider: 'market', requester: 'tax',
  entry: '301001001/000001', purpose: 'tax check', system: 'tax-system', items: ['name'],
  subjects: ['aa'.repeat(32)], outcome: 'served', time: 1000, height: 7,
  disclosureHeight: null, officialId: 'T-1' };

const blockEvents: Receipt[] = [
  receipt([[catalog, 'EntryPublished', published], [catalog, 'EntrySubmitted', { code: 'x' }]]),
  receipt([[sharing, 'RequestSubmitted', { id: '0000000001', entry: '301001001/000001',
    requester: 'tax', provider: 'market', items: ['name'], purpose: 'p',
    sharingType: 'CONDITIONAL', deadline: 99 }],
  [sharing, 'Granted', { id: '0000000001' }]], 'ok', 2),
  receipt([[sharing, 'Cancelled', { id: '0000000002' }], [sharing, 'AccessRecorded', recorded]],
    'ok', 3),
  // A failed transaction's events never happened; another contract's are not ours.
  receipt([[catalog, 'EntryDisabled', { code: '301001001/000001' }]], 'BAD_ARGUMENTS', 4),
  receipt([['registry', 'EntryPublished', published]], 'ok', 5),
];

describe('projection of contract events', () => {
  it('turns each event into its row, in order', () => {
    const { rows, skipped } = projectDataEvents(7, blockEvents);
    expect(skipped).toBe(0);
    expect(rows).toEqual([
      { kind: 'entry', entry: { code: '301001001/000001', provider: 'market', category: '301',
        sharingType: 'CONDITIONAL', name: '企业登记信息', abstract: 'Registered enterprises',
        itemNames: ['name', 'creditCode'], status: 'published', version: 2, height: 7 } },
      { kind: 'request', request: { id: '0000000001', requester: 'tax', provider: 'market',
        entry: '301001001/000001', status: 'pending', deadline: 99, height: 7 } },
      { kind: 'requestStatus', id: '0000000001', status: 'granted', height: 7 },
      { kind: 'requestStatus', id: '0000000002', status: 'cancelled', height: 7 },
      { kind: 'receipt', receipt: { id: recorded.id, requester: 'tax', provider: 'market',
        entry: '301001001/000001', purpose: 'tax check', system: 'tax-system',
        items: ['name'], time: 1000, height: 7, outcome: 'served', disclosureHeight: null,
        subjects: recorded.subjects } },
    ]);
    expect(projectDataEvents(8, [receipt([[catalog, 'EntryDisabled',
      { code: '301001001/000001', reason: 'r' }]])]).rows)
      .toEqual([{ kind: 'entryStatus', code: '301001001/000001', status: 'disabled',
        height: 8 }]);
  });

  it('skips and counts malformed events of the followed contracts', () => {
    const { rows, skipped } = projectDataEvents(1, [receipt([
      [catalog, 'EntryPublished', { ...published, items: 'none' }],
      [sharing, 'AccessRecorded', { ...recorded, time: 'noon' }],
      [sharing, 'Granted', ['not', 'a', 'map']],
      [sharing, 'CalendarSet', { holidays: [] }],
    ])]);
    expect(rows).toEqual([]);
    expect(skipped).toBe(3);
  });
});

describe('catch-up from stored receipts', () => {
  let dir: string;
  let store: ChainStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'zw-data-catch-up-'));
    store = new ChainStore(join(dir, 'chain.db'));
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rebuilds the index after it is deleted', () => {
    for (const [index, receipts] of [blockEvents.slice(0, 2), blockEvents.slice(2)].entries()) {
      const height = index + 1;
      const hash = new Uint8Array(32).fill(height);
      store.commitBlock({ block: { height, hash, block: hash, commit: hash },
        result: { height, stateRoot: hash, receiptsRoot: hash },
        txs: receipts.map((r, i) => ({ hash: r.txHash, height, index: i,
          receipt: encodeReceipt(r) })),
        stateNodes: [], stateLatest: [], evidence: [], meta: [],
        dataIndex: projectDataEvents(height, receipts).rows });
    }
    const before = store.data.receipts({ limit: 10 });
    expect(before.items).toHaveLength(1);
    store.close();
    const db = new Database(join(dir, 'chain.db'));
    db.exec('DROP TABLE access_receipts');
    db.close();
    store = new ChainStore(join(dir, 'chain.db'));
    expect(store.data.receipts({ limit: 10 }).items).toEqual([]);
    expect(catchUpDataIndex(store)).toEqual({ heights: 2, skipped: 0 });
    expect(store.data.height()).toBe(2);
    expect(store.data.receipts({ limit: 10 })).toEqual(before);
    expect(store.data.requests({ agency: 'tax', side: 'requester', limit: 10 }).items)
      .toEqual([expect.objectContaining({ status: 'granted', height: 1 })]);
    expect(catchUpDataIndex(store)).toEqual({ heights: 0, skipped: 0 });
  });
});
