// Proves that the data-sharing pages work for real users in a real browser (Debian's Chromium
// driven by playwright-core) against a real four-agency network of node processes: a tax staff
// member is refused with a wrong passphrase, signs in with their keystore file, searches the
// catalog and requests three items of market regulation's enterprise registry; market
// regulation's staff approve two of them in their inbox; the tax member fetches, and the page
// shows the records verified against the receipt's hash and proven against the validators;
// a fetch of the item not granted is refused with ACCESS_REFUSED and its receipt id; the
// citizen's page makes the citizen's key, takes the credential public security issues for it (ADR
// 0013) and lists tax's access (and a covert one as
// a placeholder); an auditor exports an evidence bundle and verifies it in the page (and a
// tampered copy fails); a provider's entry form shows its own and the contract's field errors,
// and the data authority approves the entry in its review queue; English changes the labels;
// at phone width no page is wider than the screen. Screenshots go to test-results/portal/.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { fromHex } from '../../src/core/index.js';
import type { CborValue } from '../../src/core/index.js';
import {
  Account, ZhengwuClient, createKeystore, deriveSubjects, getSuite, issueCredential, receiptResult,
  uploadDataset,
} from '../../src/sdk/index.js';
import { adminAccount, startNetwork } from '../helpers/network.js';
import type { NodeProcess } from '../helpers/network.js';

const shots = join(import.meta.dirname, '../../test-results/portal');
const suite = getSuite('intl');
const passphrase = 'correct horse battery staple';
const registry = '301001001/000001';
const licences = '301001002/000001';
const newEntry = '301001003/000001';
const citizenId = '11010519491231002X';
const taxId = 'CN-BJ/GOV/11110000000000002T/tax';
const narrow = { width: 390, height: 844 };

interface Member { readonly account: Account; readonly keystore: string }

let dir: string;
const processes: NodeProcess[] = [];
let urls: { market: string; tax: string; health: string };
let browser: Browser;
/** One page per agency's portal: each member signs in at their own agency's node. */
let taxPage: Page;
let marketPage: Page;
let healthPage: Page;
let subject: string;
/** Public security's subject-credential officer, who issues the citizen's credential. */
let officer: Member;
/** The credential the officer issued for the key the citizen made in the page. */
let credentialText = '';
let servedReceipt: string;

async function ok(account: Account, contract: string, method: string, args: CborValue):
  Promise<CborValue> {
  return receiptResult(await account.sendAndWait(contract, method, args));
}

/** Registers a member with a keystore file; a light scrypt keeps sign-in in the page quick. */
async function member(slug: string, client: ZhengwuClient, roles: string[],
  officialId?: string): Promise<Member> {
  const key = suite.generateKeyPair();
  await ok(adminAccount(dir, slug, client), 'identity', 'registerMember',
    { publicKey: key.publicKey, roles, ...(officialId === undefined ? {} : { officialId }) });
  return { account: new Account(suite, key, client),
    keystore: createKeystore(suite, key, passphrase, { scryptN: 2 ** 12 }) };
}

function entry(code: string, name: string, sharingType: string, items: string[]):
  Record<string, CborValue> {
  return {
    code, name, providerCode: '11110000000000001M', abstract: `${name}（北京市）`,
    format: 'database', items: items.map((item) => ({ name: item, type: 'string',
      personal: item.startsWith('legal'), sensitive: item === 'legalRepresentative' })),
    sharingType, legalBasis: '《企业信息公示暂行条例》', conditions: '仅限税务征管使用',
    method: 'api', open: 'conditional-open', updateCycle: 'daily', related: [],
    grade: 'important', duties: ['market-registration'], schemaHash: 'ab'.repeat(32),
  };
}

async function startNodes(): Promise<ZhengwuClient[]> {
  const network = await startNetwork('intl', 4, { dataAuthority: 'health' });
  dir = network.dir;
  processes.push(...network.processes);
  return network.clients;
}

async function setUpNetwork(): Promise<Record<string, Member>> {
  const clients = await startNodes();
  const [market, tax, police, health] = clients as [ZhengwuClient, ZhengwuClient, ZhengwuClient,
    ZhengwuClient];
  urls = { market: market.url, tax: tax.url, health: health.url };
  while ((await market.status()).height < 1) await new Promise((r) => setTimeout(r, 200));
  const taxStaff = await member('tax', tax, ['staff'], 'TAX-0042');
  // Tax's node derives the subject id through the subject-key agencies (ADR 0013).
  subject = (await deriveSubjects(taxStaff.account, [citizenId]))[0] ?? '';
  officer = await member('police', police, ['subject-credential']);
  return {
    marketStaff: await member('market', market, ['staff']),
    marketSystem: await member('market', market, ['exchange']),
    taxStaff,
    investigator: await member('tax', tax, ['staff', 'covert-access']),
    authority: await member('health', health, ['data-authority', 'staff']),
  };
}

/** The parts of the story the UI is not about: duties, two approved entries, the dataset. */
async function setUpCatalog(members: Record<string, Member>): Promise<void> {
  const { marketStaff, marketSystem, authority, investigator } = members as
    Record<string, Member> & { marketStaff: Member; marketSystem: Member; authority: Member;
      investigator: Member };
  await ok(marketStaff.account, 'catalog', 'registerDuty', { code: 'market-registration',
    name: '市场主体登记注册', legalBasis: '《市场主体登记管理条例》' });
  for (const [code, name, type, items] of [
    [registry, '企业登记信息', 'CONDITIONAL', ['name', 'creditCode', 'legalRepresentative']],
    [licences, '营业执照信息', 'UNCONDITIONAL', ['name', 'licenceNumber']],
  ] as const) {
    const submitted = await ok(marketStaff.account, 'catalog', 'publish',
      { entry: entry(code, name, type, [...items]) }) as { version: number };
    await ok(authority.account, 'catalog', 'review', { code, version: submitted.version,
      approve: true });
  }
  await uploadDataset(marketSystem.account, { entry: registry, records: [
    { subject: citizenId, data: { name: '北京示例科技有限公司',
      creditCode: '91110108MA01ABCD1X', legalRepresentative: '张三' } },
    { subject: '110101199003074514', data: { name: '北京另一家公司',
      creditCode: '91110105MA02EFGH2Y', legalRepresentative: '李四' } },
  ] });
  // A covert access (by law) to the citizen's record, not disclosed for a long while: the
  // citizen's page must show it as a placeholder, not leave it out. Tax's investigator (with
  // the covert-access role) signs the request; market's node records it (ADR 0010).
  const height = (await marketSystem.account.client.status()).height;
  const request = await investigator.account.exchangeRequest('fetch', { entry: registry,
    items: ['name'], subjects: [subject], purpose: 'sealed', caseNumber: 'SEALED-1',
    officialId: 'PS-SEALED', system: 'sealed', covert: { legalBasis: '《刑事诉讼法》第一百五十条',
      disclosureHeight: height + 1_000_000 } });
  await ok(marketSystem.account, 'sharing', 'recordAccess', { request, subjects: [subject],
    responseHash: 'ef'.repeat(32), outcome: 'served' });
}

function keystoreFile(keystore: string) {
  return { name: 'member.key', mimeType: 'application/json', buffer: Buffer.from(keystore) };
}

async function signIn(page: Page, url: string, keystore: string, phrase: string):
  Promise<void> {
  await page.goto(`${url}/#/signin`);
  await page.getByTestId('keystore').setInputFiles(keystoreFile(keystore));
  await page.getByTestId('passphrase').fill(phrase);
  await page.getByTestId('signin').click();
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(shots, name), fullPage: true });
}

let members: Record<string, Member>;
const get = (name: string): Member => members[name] as Member;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  members = await setUpNetwork();
  await setUpCatalog(members);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const wide = { viewport: { width: 1280, height: 900 } };
  [taxPage, marketPage, healthPage] = await Promise.all([browser.newPage(wide),
    browser.newPage(wide), browser.newPage(wide)]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  for (const node of processes) node.child.kill('SIGKILL');
  await Promise.all(processes.map((node) => node.exited));
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('portal data sharing', () => {
  it('shows clear empty states before anyone signs in', async () => {
    await taxPage.goto(`${urls.tax}/#/sharing`);
    await taxPage.getByTestId('member-only').waitFor();
    await taxPage.goto(`${urls.tax}/#/audit`);
    await taxPage.getByTestId('receipts').waitFor();
    await taxPage.getByTestId('audit-entry').fill('not a code');
    await taxPage.getByTestId('audit-search').click();
    await taxPage.getByTestId('audit-filter-error').waitFor();
    await taxPage.getByTestId('audit-entry').fill(licences);
    await taxPage.getByTestId('audit-search').click();
    await taxPage.getByTestId('receipts-empty').waitFor();
    await shot(taxPage, 'audit-empty.png');
  });

  it('refuses a wrong passphrase with a clear error', async () => {
    await signIn(taxPage, urls.tax, get('taxStaff').keystore, 'not the passphrase');
    const error = taxPage.getByTestId('signin-error');
    await error.waitFor({ timeout: 20_000 });
    expect(await error.textContent()).toContain('口令不正确');
    expect(await error.textContent()).toContain('BAD_PASSPHRASE');
    await shot(taxPage, 'data-signin-wrong-passphrase.png');
  });

  it('signs tax staff in and searches the catalog', async () => {
    await signIn(taxPage, urls.tax, get('taxStaff').keystore, passphrase);
    await taxPage.getByTestId('whoami').waitFor({ timeout: 20_000 });
    await taxPage.goto(`${urls.tax}/#/catalog`);
    const rows = taxPage.getByTestId('catalog-entries').locator('tr[data-code]');
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);
    await taxPage.getByTestId('catalog-q').fill('企业登记');
    await taxPage.getByTestId('catalog-search').click();
    await taxPage.locator(`tr[data-code="${licences}"]`).waitFor({ state: 'detached' });
    expect(await rows.count()).toBe(1);
    await taxPage.getByTestId('catalog-type').selectOption('UNCONDITIONAL');
    await taxPage.getByTestId('catalog-search').click();
    await taxPage.getByTestId('catalog-empty').waitFor();
    await shot(taxPage, 'catalog-no-match.png');
    await taxPage.getByTestId('catalog-type').selectOption('');
    await taxPage.getByTestId('catalog-q').fill('');
    await taxPage.getByTestId('catalog-category').fill('301');
    await taxPage.getByTestId('catalog-search').click();
    await rows.nth(1).waitFor();
    await shot(taxPage, 'catalog.png');
    await taxPage.locator(`tr[data-code="${registry}"] a`).click();
    const items = taxPage.getByTestId('entry-items');
    await items.waitFor();
    expect(await items.locator('[data-item="legalRepresentative"]').textContent())
      .toContain('敏感');
    await shot(taxPage, 'catalog-entry.png');
  });

  it('requests three items, checking the form first', async () => {
    await taxPage.getByTestId('request-entry').click();
    await taxPage.getByTestId('request-form').waitFor();
    await taxPage.getByTestId('request-submit').click();
    await taxPage.getByTestId('error-items').waitFor();
    await taxPage.getByTestId('error-purpose').waitFor();
    await shot(taxPage, 'sharing-request-errors.png');
    for (const item of ['name', 'creditCode', 'legalRepresentative']) {
      await taxPage.getByTestId(`request-item-${item}`).check();
    }
    await taxPage.getByTestId('request-purpose').fill('企业纳税登记核验');
    await taxPage.getByTestId('request-scenario').fill('新办纳税人登记');
    await taxPage.getByTestId('request-legal-basis').fill('《税收征收管理法》第十五条');
    await taxPage.getByTestId('request-submit').click();
    const done = taxPage.getByTestId('request-done');
    await done.waitFor({ timeout: 20_000 });
    expect(await done.getAttribute('data-status')).toBe('pending');
    await taxPage.goto(`${urls.tax}/#/sharing`);
    const row = taxPage.getByTestId('my-requests').locator('tr[data-status="pending"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('北京市市场监督管理局');
    await taxPage.getByTestId('inbox-empty').waitFor();
    await shot(taxPage, 'sharing-my-requests.png');
  });

  it('lets market regulation approve two of the three items', async () => {
    await signIn(marketPage, urls.market, get('marketStaff').keystore, passphrase);
    await marketPage.getByTestId('whoami').waitFor({ timeout: 20_000 });
    await marketPage.goto(`${urls.market}/#/sharing`);
    const card = marketPage.getByTestId('inbox-request');
    await card.waitFor();
    expect(await card.textContent()).toContain('企业纳税登记核验');
    await card.getByTestId('decide-item-legalRepresentative').uncheck();
    await card.getByTestId('decide-approve').click();
    await card.getByTestId('decide-error').waitFor();
    expect(await card.getByTestId('decide-error').textContent()).toContain('理由');
    await shot(marketPage, 'sharing-inbox.png');
    await card.getByTestId('decide-reason').fill('法定代表人信息非税务登记所需');
    await card.getByTestId('decide-approve').click();
    await marketPage.getByTestId('inbox-empty').waitFor({ timeout: 20_000 });
    await marketPage.getByTestId('my-requests-empty').waitFor();
    await shot(marketPage, 'sharing-inbox-done.png');
  });

  it('fetches the granted items and shows them verified against the chain', async () => {
    await taxPage.goto(`${urls.tax}/#/sharing`);
    await taxPage.getByTestId('my-requests').locator('tr[data-status="granted"]')
      .waitFor({ timeout: 20_000 });
    await taxPage.getByTestId('fetch-granted').click();
    await taxPage.getByTestId('fetch-form').waitFor();
    expect(await taxPage.getByTestId('fetch-item-name').isChecked()).toBe(true);
    expect(await taxPage.getByTestId('fetch-item-legalRepresentative').isChecked()).toBe(false);
    await taxPage.getByTestId('fetch-subjects').fill(citizenId);
    await taxPage.getByTestId('fetch-caseNumber').fill('TAX-2026-118');
    await taxPage.getByTestId('fetch-officialId').fill('TAX-0042');
    await taxPage.getByTestId('fetch-system').fill('金税三期');
    await taxPage.getByTestId('fetch-submit').click();
    await taxPage.getByTestId('fetch-progress').waitFor();
    const result = taxPage.getByTestId('fetch-result');
    await result.waitFor({ timeout: 60_000 });
    expect(await taxPage.getByTestId('fetch-records').textContent())
      .toContain('91110108MA01ABCD1X');
    expect(await taxPage.getByTestId('fetch-records').textContent()).not.toContain('张三');
    expect(await taxPage.getByTestId('fetch-proof').textContent())
      .toContain('验证节点签名的区块头证明');
    servedReceipt = (await taxPage.getByTestId('fetch-receipt').textContent()) ?? '';
    expect(servedReceipt).toMatch(/^\d{14}-\d{8}$/);
    const [file] = await Promise.all([taxPage.waitForEvent('download'),
      taxPage.getByTestId('download-json').click()]);
    const saved = JSON.parse(readFileSync(await file.path(), 'utf8')) as
      { receiptId: string; proven: boolean; payload: { records: unknown[] } };
    expect(saved).toMatchObject({ receiptId: servedReceipt, proven: true });
    expect(saved.payload.records).toHaveLength(1);
    const [csv] = await Promise.all([taxPage.waitForEvent('download'),
      taxPage.getByTestId('download-csv').click()]);
    expect(readFileSync(await csv.path(), 'utf8')).toContain('北京示例科技有限公司');
    await shot(taxPage, 'sharing-fetch.png');
  });

  it('shows a refused fetch with ACCESS_REFUSED and its receipt id', async () => {
    await taxPage.getByTestId('fetch-item-legalRepresentative').check();
    await taxPage.getByTestId('fetch-submit').click();
    const error = taxPage.getByTestId('fetch-error');
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).toContain('ACCESS_REFUSED');
    expect(await taxPage.getByTestId('fetch-error-receipt').textContent())
      .toMatch(/\d{14}-\d{8}/);
    await shot(taxPage, 'sharing-fetch-refused.png');
  });

  it('shows the citizen every access, newest first, the covert one as a placeholder', async () => {
    await taxPage.goto(`${urls.tax}/#/mydata`);
    await taxPage.getByTestId('mydata-credential').fill('{"not": "a credential"}');
    await taxPage.getByTestId('mydata-submit').click();
    await taxPage.getByTestId('mydata-error').waitFor();
    await shot(taxPage, 'mydata-bad-id.png');
    // The citizen makes their key in the page; public security issues the credential for it.
    await taxPage.getByTestId('mydata-make-key').click();
    const publicKey = await taxPage.getByTestId('mydata-public-key').textContent() ?? '';
    credentialText = JSON.stringify(await issueCredential(officer.account,
      { personalId: citizenId, holder: fromHex(publicKey) }));
    await taxPage.getByTestId('mydata-credential').fill(credentialText);
    await taxPage.getByTestId('mydata-submit').click();
    await taxPage.getByTestId('usage-table').waitFor({ timeout: 20_000 });
    expect(await taxPage.getByTestId('subject-id').textContent()).toBe(subject);
    const rows = taxPage.getByTestId('usage-row');
    const outcomes = await rows.evaluateAll((found) =>
      found.map((row) => row.getAttribute('data-outcome')));
    // Newest first: the refused fetch came after the served one.
    expect(outcomes).toEqual(['refused', 'served']);
    expect(await rows.nth(1).textContent()).toContain('企业纳税登记核验');
    expect(await rows.nth(1).textContent()).toContain('国家税务总局北京市税务局');
    expect(await taxPage.getByTestId('usage-covert').textContent()).toContain('暂不公开');
    await shot(taxPage, 'mydata.png');
  });

  it('exports an evidence bundle and verifies it in the page; a tampered one fails',
    async () => {
      await taxPage.goto(`${urls.tax}/#/audit`);
      await taxPage.getByTestId('audit-requester').selectOption(taxId);
      await taxPage.getByTestId('audit-purpose').fill('企业纳税');
      await taxPage.getByTestId('audit-search').click();
      // The unfiltered list stays on screen until the filtered one arrives (with 3 receipts).
      await expect.poll(() => taxPage.getByTestId('receipts').locator('tr[data-receipt]')
        .count()).toBe(2);
      const row = taxPage.locator(`tr[data-receipt="${servedReceipt}"]`);
      const [file] = await Promise.all([taxPage.waitForEvent('download'),
        row.getByTestId('export-evidence').click()]);
      const bundlePath = await file.path();
      await taxPage.getByTestId('bundle-file').setInputFiles(bundlePath);
      await taxPage.getByTestId('bundle-verify').click();
      await taxPage.getByTestId('bundle-ok').waitFor({ timeout: 20_000 });
      expect(await taxPage.getByTestId('bundle-ok').textContent()).toContain(servedReceipt);
      await shot(taxPage, 'audit.png');
      const bundle = JSON.parse(readFileSync(bundlePath, 'utf8')) as
        { receipt: Record<string, unknown> };
      bundle.receipt.purpose = '别的用途';
      await taxPage.getByTestId('bundle-file').setInputFiles({ name: 'tampered.json',
        mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bundle)) });
      await taxPage.getByTestId('bundle-verify').click();
      await taxPage.getByTestId('bundle-error').waitFor();
      expect(await taxPage.getByTestId('bundle-error').textContent()).toContain('INVALID_PROOF');
      await shot(taxPage, 'audit-tampered.png');
    });

  it('checks a new entry field by field, then submits it for review', async () => {
    await marketPage.goto(`${urls.market}/#/catalog`);
    await marketPage.getByTestId('publish-new').click();
    await marketPage.getByTestId('entry-form').waitFor();
    await marketPage.getByTestId('entry-code').fill('30100/1');
    await marketPage.getByTestId('entry-submit').click();
    await marketPage.getByTestId('error-code').waitFor();
    await marketPage.getByTestId('error-name').waitFor();
    await marketPage.getByTestId('error-items[0].name').waitFor();
    await marketPage.getByTestId('error-legalBasis').waitFor();
    await shot(marketPage, 'catalog-publish-errors.png');
    const fill = async (field: string, value: string) =>
      marketPage.getByTestId(`entry-${field}`).fill(value);
    await fill('code', newEntry);
    await fill('name', '企业年度报告信息');
    await fill('abstract', '企业通过国家企业信用信息公示系统报送的年度报告。');
    await marketPage.getByTestId('item-name-0').fill('name');
    await marketPage.getByTestId('add-item').click();
    await marketPage.getByTestId('item-name-1').fill('reportYear');
    await fill('legalBasis', '《企业信息公示暂行条例》第八条');
    await fill('conditions', '仅限监管与征管使用');
    await fill('duties', 'annual-reports');
    await marketPage.getByTestId('compute-schema').click();
    await expect.poll(() => marketPage.getByTestId('entry-schemaHash').inputValue())
      .toMatch(/^[0-9a-f]{64}$/);
    await marketPage.getByTestId('entry-submit').click();
    // The page cannot know which duties are registered: the contract says, beside the field.
    const dutyError = marketPage.getByTestId('error-duties');
    await dutyError.waitFor({ timeout: 20_000 });
    expect(await dutyError.textContent()).toContain('has no duty annual-reports');
    await shot(marketPage, 'catalog-publish-contract-error.png');
    await fill('duties', 'market-registration');
    await marketPage.getByTestId('entry-submit').click();
    await marketPage.getByTestId('entry-submitted').waitFor({ timeout: 20_000 });
    await shot(marketPage, 'catalog-publish-submitted.png');
  });

  it('lets the data authority approve the entry in its review queue', async () => {
    await signIn(healthPage, urls.health, get('authority').keystore, passphrase);
    await healthPage.getByTestId('whoami').waitFor({ timeout: 20_000 });
    await healthPage.goto(`${urls.health}/#/catalog`);
    const item = healthPage.getByTestId('review-item');
    await item.waitFor();
    expect(await item.getAttribute('data-code')).toBe(newEntry);
    await item.getByTestId('review-reject').click();
    await item.getByTestId('review-error').waitFor();
    await shot(healthPage, 'catalog-review.png');
    await item.getByTestId('review-approve').click();
    await healthPage.getByTestId('review-empty').waitFor({ timeout: 20_000 });
    await healthPage.locator(`tr[data-code="${newEntry}"]`).waitFor({ timeout: 20_000 });
    await shot(healthPage, 'catalog-reviewed.png');
  });

  it('changes the labels when switched to English', async () => {
    await taxPage.goto(`${urls.tax}/#/sharing`);
    await taxPage.getByTestId('my-requests').waitFor();
    await taxPage.getByTestId('language').click();
    await taxPage.getByText('Your agency\'s requests').waitFor();
    expect(await taxPage.getByTestId('nav-catalog').textContent()).toBe('Data catalog');
    expect(await taxPage.textContent('body')).not.toContain('本部门的共享申请');
    // The longer English labels still fit the header: nothing spills past the window.
    expect(await taxPage.evaluate(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth'))
      .toBeLessThanOrEqual(0);
    await shot(taxPage, 'sharing-en.png');
    await taxPage.goto(`${urls.tax}/#/mydata`);
    await taxPage.getByText('Who used my data').waitFor();
    await taxPage.getByTestId('language').click();
    await taxPage.getByText('谁使用了我的数据').waitFor();
  });

  it('keeps every data page usable at phone width', async () => {
    await taxPage.setViewportSize(narrow);
    const pages: [string, string][] = [['catalog', 'catalog-page'],
      [`catalog/entry/${registry}`, 'entry-detail'], ['sharing', 'my-requests'],
      [`sharing/fetch/${registry}`, 'fetch-form'], ['audit', 'receipts'],
      ['mydata', 'mydata-form']];
    for (const [route, testId] of pages) {
      await taxPage.goto(`${urls.tax}/#/${route}`);
      await taxPage.getByTestId(testId).waitFor();
      await shot(taxPage, `narrow-${route.split('/').slice(0, 2).join('-')}.png`);
      // Wide tables scroll inside their cards; the page itself never scrolls sideways.
      const overflow = await taxPage.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow, route).toBeLessThanOrEqual(0);
    }
    await taxPage.getByTestId('mydata-credential').fill(credentialText);
    await taxPage.getByTestId('mydata-submit').click();
    await taxPage.getByTestId('usage-table').waitFor({ timeout: 20_000 });
    await shot(taxPage, 'narrow-mydata-accesses.png');
    await taxPage.setViewportSize({ width: 1280, height: 900 });
  });
});
