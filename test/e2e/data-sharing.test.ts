// Inter-agency data sharing on a real four-agency network, one process per node: market
// regulation publishes its enterprise registry (CONDITIONAL) and business licences
// (UNCONDITIONAL), the data authority (health, here) approves both entries; tax requests both
// and is granted the licences at once; market regulation approves two of three requested items
// of the registry; tax fetches through its node and gets exactly those items, verified against
// the receipt on chain; an item outside the grant, public security without any grant, and an
// expired grant are all refused with the refusal on chain; the citizen whose record was read
// sees tax's access with its purpose; an auditor verifies an evidence bundle offline.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ZwError, fromHex } from '../../src/core/index.js';
import type { CborValue } from '../../src/core/index.js';
import { getSuite } from '../../src/crypto/index.js';
import type { SuiteName } from '../../src/crypto/index.js';
import { initNetwork } from '../../src/node/index.js';
import {
  Account, ZhengwuClient, createCitizenKey, deriveSubjects, issueCredential, readCredentialFile,
  evidenceBundle, fetchData, notarize, propose,
  receiptResult, receipts, searchCatalog, sharingRequests, trustFromGenesis, uploadDataset, usage,
  verifyEvidenceBundle, vote,
} from '../../src/sdk/index.js';
import type { FetchInput } from '../../src/sdk/index.js';
import {
  adminAccount, reservePortBase, startNodeProcess, waitForNode,
} from '../helpers/network.js';
import type { NodeProcess } from '../helpers/network.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const registry = '301001001/000001';
const licences = '301001002/000001';
const citizenId = '11010519491231002X';

function entry(code: string, sharingType: string, items: string[]): Record<string, CborValue> {
  return {
    code, name: code === registry ? '企业登记信息' : '营业执照信息',
    providerCode: '11110000000000001M', abstract: 'Enterprises registered in Beijing.',
    format: 'database',
    items: items.map((name) => ({ name, type: 'string', personal: name.startsWith('legal'),
      sensitive: false })),
    sharingType, legalBasis: '《企业信息公示暂行条例》', conditions: 'tax administration only',
    method: 'api', open: 'conditional-open', updateCycle: 'daily', related: [],
    grade: 'important', duties: ['market-registration'], schemaHash: 'ab'.repeat(32),
  };
}

async function ok(account: Account, contract: string, method: string, args: CborValue):
  Promise<CborValue> {
  return receiptResult(await account.sendAndWait(contract, method, args));
}

async function refusal(attempt: Promise<unknown>): Promise<ZwError> {
  const error = await attempt.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ZwError);
  return error as ZwError;
}

describe.each(['intl', 'gm'] as SuiteName[])('data sharing on a %s chain', (suiteName) => {
  const dir = mkdtempSync(join(tmpdir(), 'zw-sharing-'));
  const processes: NodeProcess[] = [];
  afterAll(async () => {
    for (const node of processes) node.child.kill('SIGKILL');
    await Promise.all(processes.map((node) => node.exited));
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes, requests, grants, fetches, refuses, and shows the trail', async () => {
    const suite = getSuite(suiteName);
    const manifest = initNetwork({ dir, agencies: 4, suite: suiteName,
      basePort: await reservePortBase(), dataAuthority: 'health' });
    for (const node of manifest.nodes) processes.push(startNodeProcess(node.home));
    const clients = manifest.nodes.map((node) => new ZhengwuClient({ url: node.api }));
    await Promise.all(clients.map((client, i) => waitForNode(client, processes[i] as NodeProcess)));
    const [marketNode, taxNode, policeNode, healthNode] = clients as
      [ZhengwuClient, ZhengwuClient, ZhengwuClient, ZhengwuClient];
    // The genesis writes the agencies and deploys catalog and sharing in block 1.
    while ((await marketNode.status()).height < 1) await sleep(200);

    // Each agency's admin registers the people who do the work.
    const member = async (slug: string, client: ZhengwuClient, roles: string[],
      officialId?: string): Promise<Account> => {
      const key = suite.generateKeyPair();
      await ok(adminAccount(dir, slug, client), 'identity', 'registerMember',
        { publicKey: key.publicKey, roles, ...(officialId === undefined ? {} : { officialId }) });
      return new Account(suite, key, client);
    };
    const marketStaff = await member('market', marketNode, ['staff']);
    const marketSystem = await member('market', marketNode, ['exchange']);
    const taxStaff = await member('tax', taxNode, ['staff'], 'TAX-0042');
    const policeStaff = await member('police', policeNode, ['staff']);
    const authority = await member('health', healthNode, ['data-authority', 'staff']);

    // Market regulation registers its duty and publishes two entries; the authority approves.
    await ok(marketStaff, 'catalog', 'registerDuty', { code: 'market-registration',
      name: '市场主体登记注册', legalBasis: '《市场主体登记管理条例》' });
    for (const [code, type, items] of [
      [registry, 'CONDITIONAL', ['name', 'creditCode', 'legalRepresentative']],
      [licences, 'UNCONDITIONAL', ['name', 'licenceNumber']],
    ] as const) {
      const submitted = await ok(marketStaff, 'catalog', 'publish',
        { entry: entry(code, type, [...items]) }) as { version: number };
      await ok(authority, 'catalog', 'review', { code, version: submitted.version,
        approve: true });
    }

    // Market regulation's system hands its node both datasets.
    const stored = await uploadDataset(marketSystem, { entry: registry, records: [
      { subject: citizenId, data: { name: '北京示例科技有限公司',
        creditCode: '91110108MA01ABCD1X', legalRepresentative: '张三' } },
      { subject: '110101199003074514', data: { name: '北京另一家公司',
        creditCode: '91110105MA02EFGH2Y', legalRepresentative: '李四' } },
    ] });
    expect(stored).toMatchObject({ entry: registry, version: 1, records: 2 });
    await uploadDataset(marketSystem, { entry: licences, records: [
      { data: { name: '北京示例科技有限公司', licenceNumber: 'BJ-2026-0001' } }] });
    // Not a member of the provider agency: refused.
    expect((await refusal(uploadDataset(taxStaff, { entry: licences, records: [
      { data: { name: 'x', licenceNumber: 'y' } }] }))).code).toBe('UNAUTHORIZED');

    // Tax requests both: the licences are granted at once, the registry waits for market.
    const height = (await taxNode.status()).height;
    const ask = (code: string, items: string[], validUntil: number) => ok(taxStaff, 'sharing',
      'request', { entry: code, items, purpose: '企业纳税登记核验', scenario: 'tax registration',
        legalBasis: '《税收征收管理法》第十五条', validUntil });
    const licenceRequest = await ask(licences, ['name', 'licenceNumber'], height + 1_000) as
      { id: string; status: string };
    expect(licenceRequest.status).toBe('granted');
    const registryRequest = await ask(registry, ['name', 'creditCode', 'legalRepresentative'],
      height + 1_000) as { id: string; status: string };
    expect(registryRequest.status).toBe('pending');
    await ok(marketStaff, 'sharing', 'decide', { id: registryRequest.id, approve: true,
      items: ['name', 'creditCode'], reason: 'legal representative is not needed for tax' });

    // The validator set changes before the access, so the auditor's bundle must carry the
    // proven change from the genesis set to the set that signs the receipt.
    const [marketAdmin, taxAdmin, policeAdmin] = ['market', 'tax', 'police']
      .map((slug) => adminAccount(dir, slug, marketNode)) as [Account, Account, Account];
    const proposal = receiptResult(await propose(marketAdmin, 'remove-validator',
      { address: fromHex(manifest.nodes[3]?.address ?? '') }, 'health runs a full node',
      'charter', 100)) as { id: Uint8Array };
    await vote(taxAdmin, proposal.id, 'yes');
    const executed = receiptResult(await vote(policeAdmin, proposal.id, 'yes')) as
      { status: string };
    expect(executed.status).toBe('executed');

    // Tax fetches the two granted items of the citizen's record through its own node.
    // Its node derives the subject id through the subject-key agencies (ADR 0013).
    const [subject] = await deriveSubjects(taxStaff, [citizenId]) as [string];
    const trust = trustFromGenesis(JSON.parse(readFileSync(join(dir, 'genesis.json'), 'utf8')));
    const fetchInput: FetchInput = { entry: registry, items: ['name', 'creditCode'],
      subjects: [subject], purpose: '企业纳税登记核验', caseNumber: 'TAX-2026-118',
      officialId: 'TAX-0042', system: '金税三期' };
    const fetched = await fetchData(taxStaff, fetchInput, { trust });
    expect(fetched.proven).toBe(true);
    expect(fetched.acknowledged).toBe(true);
    expect(fetched.payload.records).toEqual([{ subject,
      data: { name: '北京示例科技有限公司', creditCode: '91110108MA01ABCD1X' } }]);
    const licence = await fetchData(taxStaff, { ...fetchInput, entry: licences,
      items: ['name', 'licenceNumber'], subjects: [] });
    expect(licence.payload.records).toHaveLength(1);

    // The item market did not grant is refused, and the refusal is on chain.
    const notGranted = await refusal(fetchData(taxStaff, { ...fetchInput,
      items: ['name', 'legalRepresentative'] }));
    expect(notGranted.code).toBe('ACCESS_REFUSED');
    // Public security holds no grant: refused, recorded.
    const noGrant = await refusal(fetchData(policeStaff, { ...fetchInput,
      caseNumber: 'PS-77', officialId: 'PS-001', system: 'police-records' }));
    expect(noGrant.code).toBe('ACCESS_REFUSED');
    const refusedId = String(noGrant.details?.receiptId);
    const refusedReceipt = await policeNode.query('sharing', 'receipt', { id: refusedId }) as
      Record<string, CborValue>;
    expect(refusedReceipt).toMatchObject({ requester: manifest.nodes[2]?.agency,
      requesterMember: policeStaff.address, outcome: 'refused' });
    expect(refusedReceipt.caseNumber, 'a public query shows no personal field').toBeUndefined();

    // A grant that has run out is refused: a short grant, then heights pass.
    const shortGrant = await ok(policeStaff, 'sharing', 'request', { entry: licences,
      items: ['name'], purpose: 'case check', scenario: 'investigation',
      legalBasis: '《人民警察法》', validUntil: (await policeNode.status()).height + 3 }) as
      { status: string; validUntil: number };
    expect(shortGrant.status).toBe('granted');
    const notary = adminAccount(dir, 'police', policeNode);
    for (let i = 0; (await policeNode.status()).height < shortGrant.validUntil; i++) {
      await notarize(notary, suite.hash(new TextEncoder().encode(`${suiteName} filler ${i}`)));
    }
    const expired = await refusal(fetchData(policeStaff, { ...fetchInput, entry: licences,
      items: ['name'], subjects: [], caseNumber: 'PS-78', officialId: 'PS-001',
      system: 'police-records' }));
    expect(expired.code).toBe('ACCESS_REFUSED');

    // Every node's index serves the catalog, the provider's inbox and the audit trail.
    const taxAgency = manifest.nodes[1]?.agency ?? '';
    const found = await searchCatalog(policeNode, { q: '企业登记' });
    expect(found.items.map((item) => item.code)).toEqual([registry]);
    expect((await searchCatalog(policeNode, { sharingType: 'UNCONDITIONAL' })).items
      .map((item) => item.code)).toEqual([licences]);
    const inbox = await sharingRequests(healthNode, { agency: manifest.nodes[0]?.agency ?? '',
      side: 'provider' });
    expect(inbox.items.find((item) => item.id === registryRequest.id)?.status).toBe('granted');
    const trail = await receipts(healthNode, { requester: taxAgency, entry: registry });
    expect(trail.items.map((item) => item.outcome)).toEqual(['served', 'refused']);
    expect(trail.items[0]?.id).toBe(fetched.receiptId);

    // The citizen sees tax's access to their record, with its purpose; nothing else of theirs.
    // They read it with their own key, bound to them by public security's credential.
    const citizen = createCitizenKey(suite);
    const officer = await member('police', policeNode, ['subject-credential']);
    const credential = readCredentialFile(await issueCredential(officer, { personalId: citizenId,
      holder: citizen.publicKey }));
    const seen = await usage(marketNode, subject, { suite, key: citizen, credential });
    const served = seen.items.filter((item) => !item.covert && item.outcome === 'served');
    expect(served).toHaveLength(1);
    expect(served[0]).toMatchObject({ agency: manifest.nodes[1]?.agency,
      purpose: '企业纳税登记核验', system: '金税三期' });

    // An auditor (the data authority) exports the evidence of tax's access, with its personal
    // fields, and verifies it with the genesis alone.
    const bundle = await evidenceBundle(healthNode, fetched.receiptId, authority);
    const verified = verifyEvidenceBundle(JSON.parse(JSON.stringify(bundle)), trust);
    expect(verified.validatorCount).toBe(3);
    expect(bundle.validatorChanges.length).toBeGreaterThan(0);
    expect(verified.receipt).toMatchObject({ id: fetched.receiptId, outcome: 'served',
      responseHash: fetched.responseHash, requestHash: fetched.requestHash,
      requesterMember: taxStaff.address });
    expect(verified.personal).toMatchObject({ officialId: 'TAX-0042',
      caseNumber: 'TAX-2026-118', purpose: '企业纳税登记核验', subjects: [subject] });
  }, 240_000);
});
