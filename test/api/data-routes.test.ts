// Proves the data-sharing read routes serve the node's index: catalog search by provider,
// category, sharing type and keyword (Chinese included), receipts by agency, entry, time and
// purpose with cursors (purpose and subjects only for a reader with a proof), the citizen's
// usage log newest first with a covert access shown as a placeholder, evidence for unknown
// receipts a 404, and bad query strings a 400 INVALID_ARGUMENT; the routes and their schemas
// are in /openapi.json.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getSuite, receipts, searchCatalog, sharingRequests, usage,
} from '../../src/sdk/index.js';
import { coverSubject, entryCode, startDataNode, subject, taxAgency } from '../sdk/data-fixture.js';
import type { DataNode } from '../sdk/data-fixture.js';

let data: DataNode;

beforeAll(async () => {
  data = await startDataNode();
}, 120_000);
afterAll(async () => data.running.stop());

async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${data.running.url}${path}`);
  return { status: response.status, body: await response.json() as Record<string, unknown> };
}

describe('catalog search', () => {
  it('finds the published entry by each filter and by keyword', async () => {
    const codes = async (options: Parameters<typeof searchCatalog>[1]) =>
      (await searchCatalog(data.client, options)).items.map((entry) => entry.code);
    expect(await codes({})).toEqual([entryCode]);
    expect(await codes({ provider: data.agency })).toEqual([entryCode]);
    expect(await codes({ provider: taxAgency })).toEqual([]);
    expect(await codes({ category: '301' })).toEqual([entryCode]);
    expect(await codes({ category: '3' })).toEqual([entryCode]);
    expect(await codes({ category: '302' })).toEqual([]);
    expect(await codes({ sharingType: 'CONDITIONAL' })).toEqual([entryCode]);
    expect(await codes({ sharingType: 'UNCONDITIONAL' })).toEqual([]);
    expect(await codes({ q: '企业' })).toEqual([entryCode]);
    expect(await codes({ q: '登记信息' })).toEqual([entryCode]);
    expect(await codes({ q: 'CREDITCODE' })).toEqual([entryCode]);
    expect(await codes({ q: '税务' })).toEqual([]);
    expect(await codes({ status: 'disabled' })).toEqual([]);
    const [entry] = (await searchCatalog(data.client, { q: '企业' })).items;
    expect(entry).toMatchObject({ provider: data.agency, category: '301',
      itemNames: ['name', 'creditCode', 'legalRepresentative'], status: 'published',
      version: 1 });
  });
});

describe('requests and receipts', () => {
  it('lists requests per agency and side', async () => {
    const page = await sharingRequests(data.client, { agency: taxAgency, side: 'requester' });
    expect(page).toEqual({ items: [], next: null });
  });

  it('filters receipts and pages through them in time order', async () => {
    const all = await receipts(data.client, { requester: data.agency });
    expect(all.items.map((r) => r.id)).toEqual([data.openReceipt, data.covertReceipt]);
    expect(all.items[0]).toMatchObject({ provider: data.agency, entry: entryCode,
      system: 'tax-registration', outcome: 'served', disclosureHeight: null });
    expect(all.items[0]?.purpose, 'no personal field without a reader proof').toBeUndefined();
    expect(all.items[0]?.subjects).toBeUndefined();
    const read = await receipts(data.client, { requester: data.agency }, data.officer);
    expect(read.items[0]).toMatchObject({ purpose: 'tax registration check',
      subjects: [subject] });
    const first = await receipts(data.client, { provider: data.agency, limit: 1 });
    expect(first.items.map((r) => r.id)).toEqual([data.openReceipt]);
    expect(first.next).toBe(data.openReceipt);
    const second = await receipts(data.client, { provider: data.agency, limit: 1,
      after: first.next ?? '' });
    expect(second).toEqual({ items: [expect.objectContaining({ id: data.covertReceipt })],
      next: null });
    expect((await receipts(data.client, { purpose: 'investigation' }, data.officer)).items
      .map((r) => r.id)).toEqual([data.covertReceipt]);
    await expect(receipts(data.client, { purpose: 'investigation' })).rejects
      .toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await receipts(data.client, { entry: entryCode })).items).toHaveLength(2);
    const time = all.items[0]?.time ?? 0;
    expect((await receipts(data.client, { from: time, to: time + 1 })).items.length)
      .toBeGreaterThan(0);
    expect((await receipts(data.client, { to: time })).items).toEqual([]);
  });
});

describe('the citizen\'s usage log', () => {
  it('lists every access newest first, a covert one as a placeholder', async () => {
    const auditor = { suite: getSuite('intl'), key: data.officerKey, credential: null };
    const page = await usage(data.client, subject, auditor);
    expect(page.items).toEqual([
      { id: data.covertReceipt, covert: true, disclosureHeight: 1_000_000 },
      { id: data.openReceipt, covert: false, time: expect.any(Number) as number,
        agency: data.agency, system: 'tax-registration', purpose: 'tax registration check',
        entry: entryCode, items: ['name', 'creditCode'], outcome: 'served' },
    ]);
    expect(page.next).toBeNull();
    const covertOnly = await usage(data.client, coverSubject, auditor);
    expect(covertOnly.items).toEqual([expect.objectContaining({ covert: true })]);
    const paged = await usage(data.client, subject, auditor, { limit: 1 });
    expect(paged.next).toBe(data.covertReceipt);
    expect((await usage(data.client, subject, auditor, { after: paged.next ?? '' })).items
      .map((item) => item.id)).toEqual([data.openReceipt]);
    expect((await usage(data.client, 'c3'.repeat(32), auditor)).items).toEqual([]);
  });
});

describe('bad input and documentation', () => {
  it('answers bad query strings with 400 INVALID_ARGUMENT', async () => {
    for (const path of [
      '/v1/catalog/entries?limit=0', '/v1/catalog/entries?limit=101',
      '/v1/catalog/entries?category=4', '/v1/catalog/entries?sharingType=OPEN',
      `/v1/catalog/entries?q=${'x'.repeat(51)}`, '/v1/catalog/entries?after=nope',
      '/v1/sharing/requests?side=requester', `/v1/sharing/requests?agency=${taxAgency}`,
      `/v1/sharing/requests?agency=${taxAgency}&side=both`,
      '/v1/receipts?from=-1', '/v1/receipts?to=soon', '/v1/receipts?after=123',
      '/v1/usage/not-a-subject', `/v1/usage/${'A1'.repeat(32)}`,
      `/v1/usage/${subject}?limit=1000`, '/v1/receipts/abc/evidence',
    ]) {
      const { status, body } = await get(path);
      expect({ path, status, code: body.code }).toEqual({ path, status: 400,
        code: 'INVALID_ARGUMENT' });
      expect(body.message).toEqual(expect.any(String));
    }
  });

  it('answers an unknown receipt\'s evidence with 404', async () => {
    const { status, body } = await get('/v1/receipts/00000000000001-00000001/evidence');
    expect(status).toBe(404);
    expect(body.code).toBe('NOT_FOUND');
  });

  it('documents the routes in /openapi.json', async () => {
    const { body } = await get('/openapi.json');
    const paths = Object.keys(body.paths as Record<string, unknown>);
    expect(paths).toEqual(expect.arrayContaining(['/v1/catalog/entries',
      '/v1/sharing/requests', '/v1/receipts', '/v1/receipts/{id}/evidence',
      '/v1/usage/{subject}']));
  });
});
