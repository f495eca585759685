// Proves the network, explorer, member-management and data-authority pages in a real browser
// (Debian's Chromium driven by playwright-core) against a real three-agency network of node
// processes: the throughput chart is drawn from committed blocks and grows as new transactions
// commit; the signing history has a row of squares for every validator, each with signed
// blocks; the explorer finds a block by height, a transaction by hash (with its receipt proof
// checked in the page), a contract's and an agency's transactions, and says clearly when a
// search names nothing; an agency admin registers a member (after the form's own errors),
// suspends, reinstates, re-keys and revokes it, the list following each change; the data
// authority decides an escalated request; the provider revokes the grant and disables the
// entry. English labels, and at phone width no page is wider than the screen. Screenshots go to
// test-results/portal/.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { toHex, utf8 } from '../../src/core/index.js';
import type { CborValue } from '../../src/core/index.js';
import {
  Account, ZhengwuClient, createKeystore, getSuite, receiptResult,
} from '../../src/sdk/index.js';
import { adminAccount, startNetwork } from '../helpers/network.js';
import type { NodeProcess } from '../helpers/network.js';

const shots = join(import.meta.dirname, '../../test-results/portal');
const suite = getSuite('intl');
const passphrase = 'correct horse battery staple';
const closedEntry = '301001009/000001';
const narrow = { width: 390, height: 844 };
const wide = { width: 1280, height: 900 };
const notarizations = 6;

interface Member { readonly account: Account; readonly keystore: string }

let dir: string;
const processes: NodeProcess[] = [];
let clients: ZhengwuClient[];
let urls: { market: string; tax: string; police: string };
let browser: Browser;
let marketPage: Page;
let policePage: Page;
let members: Record<'marketAdmin' | 'marketStaff' | 'taxStaff' | 'authority', Member>;
let requestId: string;
let requestTx: string;
let notaryTxs: string[];

async function ok(account: Account, contract: string, method: string, args: CborValue):
  Promise<CborValue> {
  return receiptResult(await account.sendAndWait(contract, method, args));
}

/** Registers a member with a keystore file; a light scrypt keeps sign-in in the page quick. */
async function member(slug: string, client: ZhengwuClient, roles: string[]): Promise<Member> {
  const key = suite.generateKeyPair();
  await ok(adminAccount(dir, slug, client), 'identity', 'registerMember',
    { publicKey: key.publicKey, roles });
  return { account: new Account(suite, key, client),
    keystore: createKeystore(suite, key, passphrase, { scryptN: 2 ** 12 }) };
}

async function startNodes(): Promise<ZhengwuClient[]> {
  const network = await startNetwork('intl', 3, { dataAuthority: 'police' });
  dir = network.dir;
  processes.push(...network.processes);
  return network.clients;
}

/** Members, a NOT_SHARED entry and tax's request for it (escalated at once), notarizations. */
async function setUp(): Promise<void> {
  clients = await startNodes();
  const [market, tax, police] = clients as [ZhengwuClient, ZhengwuClient, ZhengwuClient];
  urls = { market: market.url, tax: tax.url, police: police.url };
  while ((await market.status()).height < 1) await new Promise((r) => setTimeout(r, 200));
  members = {
    marketAdmin: await member('market', market, ['admin']),
    marketStaff: await member('market', market, ['staff']),
    taxStaff: await member('tax', tax, ['staff']),
    authority: await member('police', police, ['data-authority', 'staff']),
  };
  const { marketStaff, taxStaff, authority } = members;
  await ok(marketStaff.account, 'catalog', 'registerDuty', { code: 'market-registration',
    name: '市场主体登记注册', legalBasis: '《市场主体登记管理条例》' });
  const submitted = await ok(marketStaff.account, 'catalog', 'publish', { entry: {
    code: closedEntry, name: '企业经营异常名录（内部）', providerCode: '11110000000000001M',
    abstract: '列入经营异常名录的企业及原因。', format: 'database',
    items: ['name', 'creditCode', 'reason'].map((name) => ({ name, type: 'string',
      personal: false, sensitive: name === 'reason' })),
    sharingType: 'NOT_SHARED', legalBasis: '《企业信息公示暂行条例》第十七条',
    conditions: '不予共享', method: 'api', open: 'not-open', updateCycle: 'daily', related: [],
    grade: 'important', duties: ['market-registration'], schemaHash: 'ab'.repeat(32) } }) as
    { version: number };
  await ok(authority.account, 'catalog', 'review', { code: closedEntry,
    version: submitted.version, approve: true });
  const height = (await tax.status()).height;
  const view = await taxStaff.account.sendAndWait('sharing', 'request', { entry: closedEntry,
    items: ['name', 'creditCode', 'reason'], purpose: '欠税企业经营状况核查',
    scenario: '重点税源监控', legalBasis: '《税收征收管理法》第五条', validUntil: height + 10_000 });
  requestTx = view.hash;
  requestId = (receiptResult(view) as { id: string; status: string }).id;
  const outsider = new Account(suite, suite.generateKeyPair(), market);
  notaryTxs = [];
  for (let i = 0; i < notarizations; i++) {
    notaryTxs.push((await outsider.sendAndWait('notary', 'put',
      { hash: suite.hash(utf8(`document ${i}`)), meta: { n: String(i) } })).hash);
  }
}

function keystoreFile(keystore: string) {
  return { name: 'member.key', mimeType: 'application/json', buffer: Buffer.from(keystore) };
}

async function signIn(page: Page, url: string, keystore: string): Promise<void> {
  await page.goto(`${url}/#/signin`);
  await page.getByTestId('keystore').setInputFiles(keystoreFile(keystore));
  await page.getByTestId('passphrase').fill(passphrase);
  await page.getByTestId('signin').click();
  await page.getByTestId('whoami').waitFor({ timeout: 20_000 });
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(shots, name), fullPage: true });
}

async function search(page: Page, text: string): Promise<void> {
  await page.getByTestId('search').fill(text);
  await page.getByTestId('search-go').click();
}

function sideways(page: Page): Promise<number> {
  return page.evaluate(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth') as
    Promise<number>;
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  await setUp();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  [marketPage, policePage] = await Promise.all([browser.newPage({ viewport: wide }),
    browser.newPage({ viewport: wide })]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  for (const node of processes) node.child.kill('SIGKILL');
  await Promise.all(processes.map((node) => node.exited));
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('portal network page', () => {
  it('charts committed transactions from real blocks and follows new ones', async () => {
    await marketPage.goto(`${urls.market}/#/network`);
    const total = marketPage.getByTestId('throughput-total');
    await total.waitFor();
    // Setup committed 4 registrations, a duty, a publication, a review, a request and the
    // notarizations within the last minutes: all of them are in the chart's window.
    const setupTxs = 8 + notarizations;
    await expect.poll(async () => Number(await total.getAttribute('data-total')))
      .toBeGreaterThanOrEqual(setupTxs);
    const bars = await marketPage.getByTestId('throughput-bar').evaluateAll((found) =>
      found.map((bar) => Number(bar.getAttribute('data-count'))));
    expect(bars).toHaveLength(30);
    expect(bars.reduce((sum, count) => sum + count, 0))
      .toBe(Number(await total.getAttribute('data-total')));
    expect(bars.filter((count) => count > 0).length).toBeGreaterThan(0);
    const before = Number(await total.getAttribute('data-total'));
    const outsider = new Account(suite, suite.generateKeyPair(), clients[0] as ZhengwuClient);
    for (let i = 0; i < 3; i++) {
      await outsider.sendAndWait('notary', 'put', { hash: suite.hash(utf8(`live ${i}`)),
        meta: {} });
    }
    // The page adds each block from the event stream; nothing reloads it.
    await expect.poll(async () => Number(await total.getAttribute('data-total')),
      { timeout: 20_000 }).toBeGreaterThanOrEqual(before + 3);
    await shot(marketPage, 'network-live.png');
  });

  it('shows every validator with its power and a row of signed blocks', async () => {
    const status = await (clients[0] as ZhengwuClient).status();
    const rows = marketPage.getByTestId('validator-row');
    expect(await rows.count()).toBe(status.validators.length);
    expect(status.validators).toHaveLength(3);
    for (const validator of status.validators) {
      const row = marketPage.locator(`[data-validator="${validator.address}"]`);
      expect(Number(await row.getAttribute('data-signed'))).toBeGreaterThan(0);
      expect(await row.locator('[data-state="signed"]').count()).toBeGreaterThan(0);
      expect(await row.textContent()).toContain(`投票权 ${validator.power}`);
    }
    expect(await marketPage.getByTestId('suite').textContent()).toContain('Ed25519');
    expect(await marketPage.getByTestId('peers').textContent()).toContain('国家税务总局');
  });
});

describe('portal explorer', () => {
  it('finds a block by height and a transaction by hash with its proof checked', async () => {
    const committed = await (clients[0] as ZhengwuClient).tx(notaryTxs[0] as string);
    if (committed.status !== 'committed') throw new Error('the notarization is not committed');
    await marketPage.goto(`${urls.market}/#/explorer`);
    await marketPage.getByTestId('recent-blocks').waitFor();
    await search(marketPage, String(committed.height));
    const block = marketPage.getByTestId('block-detail');
    await block.waitFor();
    expect(await block.getAttribute('data-height')).toBe(String(committed.height));
    await marketPage.locator(`tr[data-tx="${committed.hash}"]`).waitFor();
    expect(await marketPage.getByTestId('block-signers').textContent()).toContain('北京市公安局');
    await shot(marketPage, 'explorer-block.png');
    await search(marketPage, `0x${committed.hash.toUpperCase()}`);
    await marketPage.getByTestId('proof-ok').waitFor({ timeout: 20_000 });
    expect(await marketPage.getByTestId('tx-detail').textContent()).toContain('notary.put');
    await shot(marketPage, 'explorer-tx-proof.png');
  });

  it('lists a contract\'s and an agency\'s transactions', async () => {
    await search(marketPage, 'notary');
    const list = marketPage.getByTestId('contract-txs');
    await list.locator(`tr[data-tx="${notaryTxs[0]}"]`).waitFor();
    const contracts = await list.locator('tr[data-tx]').evaluateAll((rows) =>
      rows.map((row) => row.getAttribute('data-contract')));
    expect(contracts.length).toBeGreaterThanOrEqual(notarizations);
    expect(new Set(contracts)).toEqual(new Set(['notary']));
    await shot(marketPage, 'explorer-contract.png');
    await search(marketPage, '税务局');
    const agency = marketPage.getByTestId('agency-txs');
    await agency.locator(`tr[data-tx="${requestTx}"]`).waitFor();
    expect(await agency.textContent()).toContain('sharing.request');
    expect(await agency.textContent()).not.toContain('notary.put');
  });

  it('says clearly when a search names nothing', async () => {
    await search(marketPage, '不存在的东西!');
    await marketPage.getByTestId('search-invalid').waitFor();
    await search(marketPage, 'ab'.repeat(32));
    await marketPage.getByTestId('tx-missing').waitFor();
    expect(await marketPage.getByTestId('tx-missing').textContent()).toContain('本节点不知道');
    await shot(marketPage, 'explorer-missing.png');
  });
});

describe('portal member management', () => {
  const fresh = suite.generateKeyPair();
  const freshAddress = toHex(suite.address(fresh.publicKey));
  const rotated = suite.generateKeyPair();
  const rotatedAddress = toHex(suite.address(rotated.publicKey));

  it('lists the admin\'s agency members and checks the register form', async () => {
    await signIn(marketPage, urls.market, members.marketAdmin.keystore);
    await marketPage.goto(`${urls.market}/#/governance`);
    const list = marketPage.getByTestId('member-list');
    await list.waitFor();
    expect(await list.locator('tr[data-member]').count()).toBe(2);
    await list.locator(`tr[data-member="${members.marketStaff.account.address}"]`).waitFor();
    await marketPage.getByTestId('member-key').fill('abc');
    await marketPage.getByTestId('member-role-staff').uncheck();
    await marketPage.getByTestId('member-valid-from').fill('20');
    await marketPage.getByTestId('member-valid-until').fill('10');
    await marketPage.getByTestId('member-submit').click();
    expect(await marketPage.getByTestId('member-error-publicKey').textContent())
      .toContain('64 位十六进制');
    await marketPage.getByTestId('member-error-roles').waitFor();
    await marketPage.getByTestId('member-error-validUntil').waitFor();
    await marketPage.getByTestId('members').screenshot({
      path: join(shots, 'members-errors.png') });
  });

  it('registers a member, and the list shows it', async () => {
    await marketPage.getByTestId('member-keystore').setInputFiles(keystoreFile(
      createKeystore(suite, fresh, passphrase, { scryptN: 2 ** 12 })));
    // The page reads the file's public part, never its encrypted key.
    await expect.poll(() => marketPage.getByTestId('member-key').inputValue())
      .toBe(toHex(fresh.publicKey));
    await marketPage.getByTestId('member-role-staff').check();
    await marketPage.getByTestId('member-role-auditor').check();
    await marketPage.getByTestId('member-official').fill('SCJ-0107');
    await marketPage.getByTestId('member-valid-from').fill('');
    await marketPage.getByTestId('member-valid-until').fill('');
    await marketPage.getByTestId('member-submit').click();
    await marketPage.getByTestId('register-done').waitFor({ timeout: 20_000 });
    const row = marketPage.locator(`tr[data-member="${freshAddress}"]`);
    await row.waitFor({ timeout: 20_000 });
    expect(await row.getAttribute('data-status')).toBe('active');
    expect(await row.textContent()).toContain('SCJ-0107');
    expect(await row.textContent()).toContain('审计员');
  });

  it('suspends and reinstates the member, the list following each change', async () => {
    const row = marketPage.locator(`tr[data-member="${freshAddress}"]`);
    await row.getByTestId('member-suspend').click();
    await marketPage.locator(`tr[data-member="${freshAddress}"][data-status="suspended"]`)
      .waitFor({ timeout: 20_000 });
    expect(await row.getByTestId('member-status').textContent()).toBe('已暂停');
    await shot(marketPage, 'members-suspended.png');
    await row.getByTestId('member-reinstate').click();
    await marketPage.locator(`tr[data-member="${freshAddress}"][data-status="active"]`)
      .waitFor({ timeout: 20_000 });
  });

  it('moves the member to a new key, then revokes it', async () => {
    const row = marketPage.locator(`tr[data-member="${freshAddress}"]`);
    await row.getByTestId('member-rotate').click();
    await row.getByTestId('member-new-key').fill(toHex(rotated.publicKey));
    await row.getByTestId('member-rotate-confirm').click();
    const moved = marketPage.locator(`tr[data-member="${rotatedAddress}"]`);
    await moved.waitFor({ timeout: 20_000 });
    await row.waitFor({ state: 'detached' });
    expect(await moved.textContent()).toContain('SCJ-0107');
    await moved.getByTestId('member-revoke').click();
    await moved.getByTestId('member-revoke-confirm').click();
    await moved.waitFor({ state: 'detached', timeout: 20_000 });
    expect(await marketPage.getByTestId('member-list').locator('tr[data-member]').count())
      .toBe(2);
    await shot(marketPage, 'members.png');
  });
});

describe('portal data authority and provider', () => {
  it('lets the data authority decide an escalated request', async () => {
    await signIn(policePage, urls.police, members.authority.keystore);
    await policePage.goto(`${urls.police}/#/sharing`);
    const queue = policePage.getByTestId('escalated-queue');
    const card = queue.locator(`[data-escalated="${requestId}"]`);
    await card.waitFor();
    expect(await card.textContent()).toContain('欠税企业经营状况核查');
    expect(await card.textContent()).toContain('不予共享');
    await card.getByTestId('decide-item-reason').uncheck();
    await card.getByTestId('decide-approve').click();
    await card.getByTestId('decide-error').waitFor();
    await shot(policePage, 'authority-queue.png');
    await card.getByTestId('decide-reason').fill('异常原因涉及执法信息，不予提供');
    await card.getByTestId('decide-approve').click();
    await queue.getByTestId('escalated-empty').waitFor({ timeout: 20_000 });
    const request = await members.taxStaff.account.client.query('sharing', 'getRequest',
      { id: requestId }) as { status: string; grantedItems: string[] };
    expect(request).toMatchObject({ status: 'granted', grantedItems: ['name', 'creditCode'] });
    await shot(policePage, 'authority-decided.png');
  });

  it('lets the provider revoke the grant and disable the entry', async () => {
    await marketPage.goto(`${urls.market}/#/sharing`);
    const inbox = marketPage.getByTestId('inbox');
    await inbox.locator('summary').click();
    const row = marketPage.getByTestId('inbox-decided').locator(`tr[data-request="${requestId}"]`);
    await row.getByTestId('revoke-grant').click();
    await row.getByTestId('revoke-grant-confirm').click();
    await row.getByTestId('revoke-grant-error').waitFor();
    await row.getByTestId('revoke-grant-reason').fill('核查任务已完成');
    await row.getByTestId('revoke-grant-confirm').click();
    await row.locator('[data-state="revoked"]').waitFor({ timeout: 20_000 });
    await shot(marketPage, 'provider-revoked.png');
    await marketPage.goto(`${urls.market}/#/catalog/entry/${closedEntry}`);
    await marketPage.getByTestId('disable-entry').click();
    await marketPage.getByTestId('disable-entry-reason').fill('名录改由信用平台提供');
    await marketPage.getByTestId('disable-entry-confirm').click();
    await marketPage.getByText('已停用：名录改由信用平台提供').waitFor({ timeout: 20_000 });
    await shot(marketPage, 'provider-disabled.png');
  });
});

describe('portal network pages in English and at phone width', () => {
  it('changes the labels when switched to English', async () => {
    await marketPage.goto(`${urls.market}/#/network`);
    await marketPage.getByTestId('throughput-total').waitFor();
    await marketPage.getByTestId('language').click();
    await marketPage.getByText('One square per block', { exact: false }).waitFor();
    expect(await marketPage.textContent('body')).not.toContain('投票权');
    await shot(marketPage, 'network-live-en.png');
    await marketPage.goto(`${urls.market}/#/governance`);
    await marketPage.getByText('Your agency\'s members').waitFor();
    await shot(marketPage, 'members-en.png');
    await marketPage.getByTestId('language').click();
    await marketPage.getByText('本机构成员').waitFor();
  });

  it('keeps the network, explorer and member pages usable at phone width', async () => {
    await marketPage.setViewportSize(narrow);
    const pages: [string, string, string][] = [['network', 'signing-history', 'network'],
      ['explorer', 'recent-txs', 'explorer'],
      [`explorer/tx/${notaryTxs[1]}`, 'proof-ok', 'explorer-tx'],
      ['explorer/contract/notary', 'contract-txs', 'explorer-contract'],
      ['governance', 'member-list', 'members']];
    for (const [route, testId, name] of pages) {
      await marketPage.goto(`${urls.market}/#/${route}`);
      await marketPage.getByTestId(testId).waitFor({ timeout: 20_000 });
      if (route === 'explorer') {
        await marketPage.getByTestId('recent-blocks').waitFor();
        // The full page is long on a phone; the first screen shows how a list reads there.
        await marketPage.screenshot({ path: join(shots, 'narrow-explorer-top.png') });
      }
      await shot(marketPage, `narrow-${name}.png`);
      expect(await sideways(marketPage), route).toBeLessThanOrEqual(0);
    }
    // The member list at full size: the whole page is too tall to read its rows.
    await marketPage.getByTestId('members').screenshot({
      path: join(shots, 'narrow-members-list.png') });
    await policePage.setViewportSize(narrow);
    await policePage.goto(`${urls.police}/#/sharing`);
    await policePage.getByTestId('escalated-queue').waitFor();
    await shot(policePage, 'narrow-authority.png');
    expect(await sideways(policePage)).toBeLessThanOrEqual(0);
    await marketPage.setViewportSize(wide);
  });
});
