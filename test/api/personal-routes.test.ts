// Proves the public API serves no citizen's personal data (issue 12, point 11; ADR 0010): after
// a real access recorded with a subject id, purpose, official and case number, and its
// acknowledgement with the subjects, an unauthenticated client finds none of those strings in
// the raw state of the receipt's `rx/` and `us/` keys or the sharing contract's key index, the
// block, the transaction and its receipt's events, the transaction search, the event stream, or
// the sharing queries; `sharing.usage` through POST /v1/query is refused SUBJECT_PROOF_REQUIRED
// and raw personal state UNAUTHORIZED. What stays public still verifies: the receipt's own state
// value with its proof, and the redacted transaction's hash, status and gas.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { toHex } from '../../src/core/index.js';
import type { CborValue } from '../../src/core/index.js';
import { contractValueKey } from '../../src/api/index.js';
import {
  receiptResult, trustFromGenesis, verifyStateView, verifyTxView,
} from '../../src/sdk/index.js';
import type { StateView, TxView } from '../../src/sdk/index.js';
import { entryCode, startDataNode } from '../sdk/data-fixture.js';
import type { DataNode } from '../sdk/data-fixture.js';

// The personal strings of the probe access: none may appear in a public response.
const probeSubject = 'c3'.repeat(32);
const probePurpose = 'probe-purpose-welfare-check-7731';
const probeOfficial = 'OFFICIAL-PROBE-5521';
const probeCase = 'CASE-PROBE-2026-0917';
const personalStrings = [probeSubject, probePurpose, probeOfficial, probeCase];

let data: DataNode;
let recorded: TxView;
let acknowledged: TxView;
let receiptId: string;
const streamed: string[] = [];

function absent(what: string, body: string): void {
  for (const value of personalStrings) {
    expect(body.includes(value), `${what} carries ${value}`).toBe(false);
  }
}

async function get(path: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${data.running.url}${path}`);
  return { status: response.status, text: await response.text() };
}

function stateKeyHex(key: string): string {
  return toHex(contractValueKey(key));
}

beforeAll(async () => {
  data = await startDataNode();
  const socket = new WebSocket(`${data.running.url.replace(/^http/, 'ws')}/v1/events`);
  socket.on('message', (message: Buffer) => streamed.push(message.toString('utf8')));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const request = await data.officer.exchangeRequest('fetch', { officialId: probeOfficial,
    caseNumber: probeCase, system: 'tax-registration', purpose: probePurpose, entry: entryCode,
    items: ['name'], subjects: [probeSubject] });
  const args: CborValue = { request, subjects: [probeSubject], responseHash: 'ef'.repeat(32),
    outcome: 'served' };
  recorded = await data.officer.sendAndWait('sharing', 'recordAccess', args,
    { gasLimit: 5_000_000 });
  receiptId = String(receiptResult(recorded));
  acknowledged = await data.officer.sendAndWait('sharing', 'acknowledgeAccess',
    { id: receiptId, responseHash: 'ef'.repeat(32), subjects: [probeSubject] },
    { gasLimit: 5_000_000 });
  expect(receiptResult(acknowledged)).toBe(true);
  // The stream sends a transaction's events when its block commits; wait (bounded) for both.
  for (let attempt = 0; attempt < 50; attempt++) {
    if (streamed.some((text) => text.includes('AccessAcknowledged'))) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  socket.close();
}, 120_000);
afterAll(async () => data.running.stop());

describe('raw state', () => {
  it('refuses rx/, us/ and the key index UNAUTHORIZED; the receipt stays provable', async () => {
    const [time, seq] = receiptId.split('-').map(Number) as [number, number];
    const newest = `${String(99_999_999_999_999 - time).padStart(14, '0')}-` +
      String(99_999_999 - seq).padStart(8, '0');
    const keys = [stateKeyHex(`rx/${receiptId}`), stateKeyHex(`us/${probeSubject}#${newest}`)];
    // The index's nodes ('n' + a 4-byte id) list key names, `us/<subject>#...` among them.
    for (let id = 0; id < 64; id++) keys.push(`6e${id.toString(16).padStart(8, '0')}`);
    for (const key of keys) {
      for (const query of ['', '?proof=true']) {
        const found = await get(`/v1/state/sharing/${key}${query}`);
        absent(`state ${key}`, found.text);
        expect(found.status, key).toBe(403);
        expect(JSON.parse(found.text)).toMatchObject({ code: 'UNAUTHORIZED' });
      }
    }
    // The receipt without personal fields is public and verifies against a signed header.
    const key = contractValueKey(`rc/${receiptId}`);
    const view = await data.client.state('sharing', key, { proof: true });
    absent('receipt state', JSON.stringify(view));
    const trust = trustFromGenesis(await data.client.genesis());
    expect(verifyStateView(trust, view as StateView, 'sharing', key).value).toBeDefined();
  });
});

describe('blocks, transactions and events', () => {
  it('shows no personal field in the block, the transactions or their receipts', async () => {
    for (const view of [recorded, acknowledged]) {
      if (view.status !== 'committed') throw new Error('not committed');
      const block = await get(`/v1/blocks/${view.height}`);
      expect(block.status).toBe(200);
      absent('block', block.text);
      const tx = await get(`/v1/txs/${view.hash}`);
      expect(tx.status).toBe(200);
      absent('transaction', tx.text);
      const shown = JSON.parse(tx.text) as { hash: string; status: string;
        receipt: { status: string; gasUsed: number; redacted?: boolean;
          events: { name: string; data: Record<string, unknown>; dataRedacted?: boolean }[] } };
      expect(shown).toMatchObject({ hash: view.hash, status: 'committed' });
      expect(shown.receipt.status).toBe('ok');
      expect(shown.receipt.gasUsed).toBeGreaterThan(0);
    }
    const tx = await data.client.tx(recorded.hash);
    if (tx.status !== 'committed') throw new Error('not committed');
    const event = tx.receipt.events.find((e) => e.name === 'AccessRecorded');
    expect(event).toEqual({ contract: 'sharing', name: 'AccessRecorded',
      data: { id: receiptId }, dataRedacted: true });
    expect(tx.receipt.redacted).toBe(true);
    // The SDK says why it cannot check this receipt's proof, instead of a bare mismatch.
    const trust = trustFromGenesis(await data.client.genesis());
    expect(() => verifyTxView(trust, tx)).toThrow(/withholds personal event data/);
  });

  it('marks the search results whose arguments are personal', async () => {
    const search = await get('/v1/txs?contract=sharing');
    expect(search.status).toBe(200);
    absent('tx search', search.text);
    const txs = (JSON.parse(search.text) as { txs: { hash: string; method: string;
      argsRedacted?: boolean }[] }).txs;
    const mine = txs.filter((t) => t.hash === recorded.hash || t.hash === acknowledged.hash);
    expect(mine.map((t) => [t.method, t.argsRedacted])).toEqual(
      [['acknowledgeAccess', true], ['recordAccess', true]]);
    const all = await get('/v1/txs');
    absent('tx search', all.text);
  });

  it('streams the access event without its personal fields', () => {
    const events = streamed.map((text) => JSON.parse(text) as { type: string; name?: string;
      data?: unknown; dataRedacted?: boolean });
    const access = events.filter((e) => e.type === 'event' && e.name === 'AccessRecorded');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ data: { id: receiptId }, dataRedacted: true });
    absent('event stream', streamed.join('\n'));
  });
});

describe('queries', () => {
  async function query(method: string, args: unknown): Promise<{ status: number; text: string }> {
    const response = await fetch(`${data.running.url}/v1/query`, { method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contract: 'sharing', method, args }) });
    return { status: response.status, text: await response.text() };
  }

  it('refuses sharing.usage SUBJECT_PROOF_REQUIRED and points to the usage route', async () => {
    const refused = await query('usage', { subject: probeSubject });
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.text)).toMatchObject({ code: 'SUBJECT_PROOF_REQUIRED' });
    expect(refused.text).toContain('/v1/usage/:subject');
  });

  it('serves the agency-level queries without personal fields', async () => {
    for (const [method, args] of [['receipt', { id: receiptId }],
      ['receipts', { entry: entryCode }], ['receipts', { provider: data.agency }],
      ['dataset', { entry: entryCode }], ['requestRecorded', { hash: 'ab'.repeat(32) }]] as const) {
      const found = await query(method, args);
      expect(found.status, method).toBe(200);
      absent(`sharing.${method}`, found.text);
    }
  });
});
