// Issue 12, points 10-12, against real node processes (market provides, tax requests, police is
// the data authority; all three validate, so the chain pauses while market's node restarts and
// goes on when it is back): a provider's exchange member cannot record an access nobody asked
// for, and the citizen's log stays clean; a staff member without the covert-access role cannot
// hide an access, and no one can hide one beyond the chain's bound; an unauthenticated reader
// gets no subject ids, purpose, official or case number from /v1/receipts, /v1/query or the
// evidence route, while a party with a reader proof does; a signed fetch replayed after the
// provider's node restarts is refused; a disabled entry is refused to the grant it already had.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ZwError, toBase64 } from '../../src/core/index.js';
import type { CborValue } from '../../src/core/index.js';
import { getSuite } from '../../src/crypto/index.js';
import {
  Account, ZhengwuClient, evidenceBundle, fetchData, receiptResult, receipts,
  trustFromGenesis, uploadDataset, usage, verifyEvidenceBundle,
} from '../../src/sdk/index.js';
import type { FetchInput } from '../../src/sdk/index.js';
import {
  adminAccount, startNetwork, startNodeProcess, waitForNode,
} from '../helpers/network.js';
import type { RunningNetwork } from '../helpers/network.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const licences = '301001002/000001';
const subject = randomBytes(32).toString('hex');

async function ok(account: Account, contract: string, method: string, args: CborValue):
  Promise<CborValue> {
  return receiptResult(await account.sendAndWait(contract, method, args));
}

async function refusal(attempt: Promise<unknown>): Promise<ZwError> {
  const error = await attempt.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ZwError);
  return error as ZwError;
}

const licenceEntry: Record<string, CborValue> = {
  code: licences, name: '营业执照信息', providerCode: '11110000000000001M',
  abstract: 'Business licences issued in Beijing.', format: 'database',
  items: ['name', 'licenceNumber'].map((name) => ({ name, type: 'string', personal: false,
    sensitive: false })),
  sharingType: 'UNCONDITIONAL', legalBasis: '', conditions: '', method: 'api',
  open: 'conditional-open', updateCycle: 'daily', related: [], grade: 'important',
  duties: ['market-registration'], schemaHash: 'ab'.repeat(32),
};

describe('sharing attacks on a three-agency network', () => {
  let network: RunningNetwork | undefined;
  afterAll(async () => { await network?.stop(); });

  it('refuses forged receipts, covert abuse, public reads of personal fields, replays after ' +
    'a restart and disabled entries', async () => {
    const suite = getSuite('intl');
    network = await startNetwork('intl', 3, { dataAuthority: 'police' });
    const { dir, manifest, clients, processes } = network;
    const [marketNode, taxNode, policeNode] = clients as
      [ZhengwuClient, ZhengwuClient, ZhengwuClient];
    while ((await marketNode.status()).height < 1) await sleep(200);
    const taxAgency = manifest.nodes[1]?.agency ?? '';
    const member = async (slug: string, client: ZhengwuClient, roles: string[],
      key = suite.generateKeyPair()): Promise<Account> => {
      await ok(adminAccount(dir, slug, client), 'identity', 'registerMember',
        { publicKey: key.publicKey, roles });
      return new Account(suite, key, client);
    };
    const marketStaff = await member('market', marketNode, ['staff']);
    const marketSystem = await member('market', marketNode, ['exchange']);
    const taxStaff = await member('tax', taxNode, ['staff']);
    const investigator = await member('tax', taxNode, ['staff', 'covert-access']);
    const authorityKey = suite.generateKeyPair();
    const authority = await member('police', policeNode, ['data-authority', 'staff'],
      authorityKey);
    await ok(marketStaff, 'catalog', 'registerDuty', { code: 'market-registration',
      name: '市场主体登记注册', legalBasis: '《市场主体登记管理条例》' });
    const submitted = await ok(marketStaff, 'catalog', 'publish', { entry: licenceEntry }) as
      { version: number };
    await ok(authority, 'catalog', 'review', { code: licences, version: submitted.version,
      approve: true });
    await uploadDataset(marketSystem, { entry: licences, records: [
      { subject, data: { name: '北京示例科技有限公司', licenceNumber: 'BJ-2026-0001' } }] });

    // (A valid grant behind 100 expired ones: contracts/sharing/test, on the real VM and ledger;
    // making 100 grants expire here would take minutes of blocks.)
    const granted = await ok(taxStaff, 'sharing', 'request', { entry: licences,
      items: ['name', 'licenceNumber'], purpose: 'licence check', scenario: 'tax registration',
      legalBasis: '《税收征收管理法》', validUntil: (await taxNode.status()).height + 5_000 }) as
      { status: string };
    expect(granted.status).toBe('granted');

    const input: FetchInput = { entry: licences, items: ['name', 'licenceNumber'],
      subjects: [subject], purpose: '企业纳税登记核验', caseNumber: 'TAX-2026-118',
      officialId: 'TAX-0042', system: '金税三期' };
    const fetched = await fetchData(taxStaff, input);
    expect(fetched.payload.records).toHaveLength(1);

    // Point 10: market's exchange member records an access by tax that tax never asked for:
    // with the old arguments, with a request it signed itself, with a real request altered.
    // The citizen's log as the data authority reads it (POST /v1/query refuses sharing.usage).
    const usageOf = async (): Promise<readonly unknown[]> => (await usage(policeNode, subject,
      { suite, key: authorityKey, credential: null })).items;
    expect(await usageOf()).toHaveLength(1);
    const forged = async (args: CborValue): Promise<{ status: string; error: string }> => {
      const view = await marketSystem.sendAndWait('sharing', 'recordAccess', args);
      if (view.status !== 'committed') throw new Error('not committed');
      return view.receipt;
    };
    expect((await forged({ requester: taxAgency, requesterMember: taxStaff.address,
      officialId: 'TAX-9999', caseNumber: 'made-up', system: '金税三期', purpose: 'made up',
      entry: licences, items: ['name'], subjects: [subject], requestHash: 'ab'.repeat(32),
      responseHash: 'cd'.repeat(32), outcome: 'served' })).status).toBe('BAD_ARGUMENTS');
    const body = { entry: licences, items: ['name'], subjects: [subject], purpose: 'made up',
      caseNumber: 'made-up', officialId: 'TAX-9999', system: '金税三期' };
    const own = await forged({ request: await marketSystem.exchangeRequest('fetch', body),
      subjects: [subject], responseHash: 'cd'.repeat(32), outcome: 'served' });
    expect(own.status).toBe('UNAUTHORIZED');
    expect(own.error).toMatch(/not staff or admin/);
    const real = await taxStaff.exchangeRequest('fetch', body);
    const altered = Uint8Array.from(real);
    altered[altered.length - 5] = (altered[altered.length - 5] ?? 0) ^ 0xff;
    const bad = await forged({ request: altered, subjects: [subject],
      responseHash: 'cd'.repeat(32), outcome: 'served' });
    expect(bad.status).toBe('UNAUTHORIZED');
    expect(await usageOf(), 'no forged access in the citizen\'s log').toHaveLength(1);

    // Point 11: covert access needs the role, and its delay is bounded by the chain.
    const height = (await taxNode.status()).height;
    const hidden = { legalBasis: '《刑事诉讼法》第一百五十条', disclosureHeight: 2 ** 53 - 1 };
    expect((await refusal(fetchData(taxStaff, { ...input, covert: hidden }))).code)
      .toBe('UNAUTHORIZED');
    expect((await refusal(fetchData(investigator, { ...input, covert: hidden }))).code)
      .toBe('BAD_ARGUMENTS');
    const covert = await fetchData(investigator, { ...input,
      covert: { ...hidden, disclosureHeight: height + 500 } });
    const seen = await usageOf() as { id: string; covert: boolean }[];
    expect(seen).toHaveLength(2);
    expect(seen.find((item) => item.id === covert.receiptId)?.covert).toBe(true);

    // Point 11: no personal field for an unauthenticated reader, on any receipt route.
    const personal = /企业纳税登记核验|TAX-2026-118|TAX-0042|made up/;
    const queried = await policeNode.query('sharing', 'receipt', { id: fetched.receiptId });
    expect(JSON.stringify(queried)).not.toMatch(personal);
    expect(JSON.stringify(queried)).not.toContain(subject);
    const listed = await receipts(policeNode, { requester: taxAgency });
    expect(listed.items.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(listed)).not.toMatch(personal);
    expect(JSON.stringify(listed)).not.toContain(subject);
    expect((await refusal(receipts(policeNode, { requester: taxAgency, purpose: '纳税' }))).code)
      .toBe('UNAUTHORIZED');
    const publicBundle = await evidenceBundle(policeNode, fetched.receiptId);
    expect(JSON.stringify(publicBundle)).not.toMatch(personal);
    // The parties and the authority read them, proven.
    const mine = await receipts(policeNode, { requester: taxAgency, purpose: '纳税' }, taxStaff);
    expect(mine.items.map((item) => item.id)).toContain(fetched.receiptId);
    expect(mine.items[0]).toMatchObject({ purpose: '企业纳税登记核验', subjects: [subject] });
    const trust = trustFromGenesis(JSON.parse(readFileSync(join(dir, 'genesis.json'), 'utf8')));
    const proven = verifyEvidenceBundle(await evidenceBundle(policeNode, fetched.receiptId,
      authority), trust);
    expect(proven.personal).toMatchObject({ officialId: 'TAX-0042', caseNumber: 'TAX-2026-118',
      subjects: [subject] });

    // Point 12: a signed fetch served once, then replayed after the provider's node restarts.
    const signed = await taxStaff.exchangeRequest('fetch', { ...body, purpose: 'replayed',
      items: ['name'] }, 300);
    await taxNode.post('/v1/exchange/fetch', { request: toBase64(signed) });
    const providerIndex = 0;
    const provider = processes[providerIndex];
    provider?.child.kill('SIGTERM');
    await provider?.exited;
    const restarted = startNodeProcess(manifest.nodes[providerIndex]?.home ?? '');
    processes[providerIndex] = restarted;
    await waitForNode(marketNode, restarted);
    const before = (await marketNode.status()).height;
    while ((await taxNode.status()).height <= before + 1) await sleep(200);
    let replay: ZwError | undefined;
    for (let attempt = 0; attempt < 100 && replay === undefined; attempt += 1) {
      const error = await refusal(taxNode.post('/v1/exchange/fetch',
        { request: toBase64(signed) }));
      // Until the nodes reconnect, tax's node has no peer of market to ask.
      if (error.code === 'UNAVAILABLE') await sleep(300);
      else replay = error;
    }
    expect(replay?.code).toBe('DUPLICATE');

    // Point 12: the provider disables the entry; the grant tax holds serves nothing.
    await ok(marketStaff, 'catalog', 'disable', { code: licences, reason: 'system retired' });
    const disabled = await refusal(fetchData(taxStaff, { ...input, purpose: 'after disable' }));
    expect(disabled.code).toBe('ACCESS_REFUSED');
    expect(disabled.message).toMatch(/disabled/);
  }, 300_000);
});
