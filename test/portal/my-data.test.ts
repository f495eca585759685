// The citizen's My Data page in a real browser (Debian's Chromium through playwright-core)
// against an in-process node (ADR 0013): a pasted file that is not a credential is refused with
// an error, the page makes the citizen's key and shows its public key, a subject-credential
// member issues a credential for that key, and pasted into the page it shows the subject id
// and its (empty) access log, read with a usage proof the page signs with the key. The key
// stays in the browser: after a reload the same public key is shown.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { fromHex } from '../../src/core/index.js';
import {
  Account, ZhengwuClient, getSuite, identityCall, issueCredential, openKeystore,
} from '../../src/sdk/index.js';
import { startInProcessNode } from '../helpers/in-process.js';
import type { InProcessNode } from '../helpers/in-process.js';

const shots = join(import.meta.dirname, '../../test-results/portal');
const suite = getSuite('intl');
let running: InProcessNode;
let browser: Browser;
let page: Page;
let officer: Account;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  running = await startInProcessNode('intl');
  const client = new ZhengwuClient({ url: running.url });
  const admin = new Account(suite, openKeystore(readFileSync(join(running.dir, 'admins',
    'market.key'), 'utf8'), running.passphrase), client);
  const key = suite.generateKeyPair();
  await identityCall(admin, 'registerMember', { publicKey: key.publicKey,
    roles: ['subject-credential'] });
  officer = new Account(suite, key, client);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await running?.stop();
});

describe('My Data', () => {
  it('makes the citizen\'s key, takes the credential and shows the usage log', async () => {
    await page.goto(`${running.url}/#/mydata`);
    await page.getByTestId('mydata-credential').fill('{"format": "something else"}');
    await page.getByTestId('mydata-submit').click();
    await page.getByTestId('mydata-error').waitFor();
    expect(await page.getByTestId('mydata-error').textContent()).toContain('INVALID_ARGUMENT');
    await page.getByTestId('mydata-make-key').click();
    const publicKey = await page.getByTestId('mydata-public-key').textContent() ?? '';
    expect(publicKey).toMatch(/^[0-9a-f]{64}$/);
    const file = await issueCredential(officer, { personalId: '11010519491231002X',
      holder: fromHex(publicKey) });
    await page.getByTestId('mydata-credential').fill(JSON.stringify(file));
    await page.getByTestId('mydata-submit').click();
    await page.getByTestId('usage-empty').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('subject-id').textContent()).toBe(file.subject);
    await page.screenshot({ path: join(shots, 'mydata-credential.png'), fullPage: true });
    // The private key stays in this browser: a reload shows the same public key.
    await page.reload();
    await page.getByTestId('mydata-public-key').waitFor();
    expect(await page.getByTestId('mydata-public-key').textContent()).toBe(publicKey);
  });
});
