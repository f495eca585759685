// Proves the portal works for a real user in a real browser (Debian's Chromium driven by
// playwright-core) against a real node: the network page shows the chain and its validators,
// the explorer finds a notarization transaction and checks its proof in the page, the verify page
// confirms a notarized file and refuses an altered one with a proof of absence, and switching to
// English changes the labels. Screenshots of each page go to test-results/portal/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { utf8 } from '../../src/core/index.js';
import { Account, ZhengwuClient, getSuite } from '../../src/sdk/index.js';
import { startInProcessNode } from '../helpers/in-process.js';
import type { InProcessNode } from '../helpers/in-process.js';

const shots = join(import.meta.dirname, '../../test-results/portal');
const documentText = '北京市营业执照 2026-0001\n';

let running: InProcessNode;
let browser: Browser;
let page: Page;
let txHash: string;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  running = await startInProcessNode('intl');
  const client = new ZhengwuClient({ url: running.url });
  const suite = getSuite('intl');
  const account = new Account(suite, suite.generateKeyPair(), client);
  const view = await account.sendAndWait('notary', 'put',
    { hash: suite.hash(utf8(documentText)), meta: { case: 'BJ-2026-0001' } });
  txHash = view.hash;
  const height = view.status === 'committed' ? view.height : 0;
  // Proofs need the next block to sign this one's results.
  for (let i = 0; i < 100 && (await client.status()).provableHeight < height; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await running?.stop();
});

describe('portal', () => {
  it('shows the network in Chinese by default', async () => {
    await page.goto(`${running.url}/#/network`);
    await page.getByTestId('network-page').waitFor();
    await expect.poll(async () => Number(await page.getByTestId('height').textContent()))
      .toBeGreaterThan(0);
    expect(await page.textContent('body')).toContain('验证节点');
    await page.screenshot({ path: join(shots, 'network-zh.png'), fullPage: true });
  });

  it('finds a transaction and verifies its proof in the page', async () => {
    await page.goto(`${running.url}/#/explorer`);
    await page.getByTestId('search').fill(txHash);
    await page.getByTestId('search').press('Enter');
    await page.getByTestId('proof-ok').waitFor({ timeout: 20_000 });
    await page.screenshot({ path: join(shots, 'explorer-tx.png'), fullPage: true });
    await page.getByTestId('search').fill('not a hash');
    await page.getByTestId('search').press('Enter');
    expect(await page.textContent('body')).toContain('请输入区块高度');
    await page.screenshot({ path: join(shots, 'explorer-invalid-search.png'), fullPage: true });
  });

  it('verifies a notarized document and refuses an altered one', async () => {
    await page.goto(`${running.url}/#/verify`);
    await page.getByTestId('file').setInputFiles({ name: 'licence.txt', mimeType: 'text/plain',
      buffer: Buffer.from(documentText) });
    await page.getByTestId('notarized').waitFor({ timeout: 20_000 });
    expect(await page.textContent('body')).toContain('BJ-2026-0001');
    await page.screenshot({ path: join(shots, 'verify-notarized.png'), fullPage: true });
    await page.getByTestId('file').setInputFiles({ name: 'licence.txt', mimeType: 'text/plain',
      buffer: Buffer.from(`${documentText}altered`) });
    await page.getByTestId('not-notarized').waitFor({ timeout: 20_000 });
    await page.screenshot({ path: join(shots, 'verify-altered.png'), fullPage: true });
  });

  it('switches to English', async () => {
    await page.goto(`${running.url}/#/network`);
    await page.getByTestId('language').click();
    await page.getByText('Validators').waitFor();
    expect(await page.textContent('body')).not.toContain('验证节点');
    await page.screenshot({ path: join(shots, 'network-en.png'), fullPage: true });
    await page.getByTestId('language').click();
  });
});
