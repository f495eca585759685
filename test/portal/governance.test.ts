// Proves that agency administrators can govern from the portal in a real browser (Debian's
// Chromium driven by playwright-core) against a real node: a wrong passphrase is refused with a
// clear message; an admin signs in with their keystore file (decrypted in the page) and sees their
// agency and roles; the propose form reports its own validation errors and the node's refusal
// readably; a harmless set-params proposal is listed as open with the proposing agency's vote;
// the second agency's admin signs in and votes it through; sign-out forgets the key. Screenshots
// go to test-results/portal/.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Locator, Page } from 'playwright-core';
import { fromHex } from '../../src/core/index.js';
import { joinNetwork } from '../../src/node/index.js';
import {
  Account, ZhengwuClient, getSuite, openKeystore, propose, receiptResult,
} from '../../src/sdk/index.js';
import { startInProcessNode } from '../helpers/in-process.js';
import type { InProcessNode } from '../helpers/in-process.js';
import { freePort } from '../helpers/network.js';

const shots = join(import.meta.dirname, '../../test-results/portal');
const marketId = 'CN-BJ/GOV/11110000000000001M/market';
const eduId = 'CN-BJ/GOV/11110000000000008E/edu';

let running: InProcessNode;
let browser: Browser;
let page: Page;

function keystoreFile(slug: string) {
  const buffer = readFileSync(join(running.dir, 'admins', `${slug}.key`));
  return { name: `${slug}.key`, mimeType: 'application/json', buffer };
}

/** Admits a second agency (executed at once: the first is the whole electorate), so that a
 * later proposal needs two votes and stays open. */
async function admitSecondAgency(): Promise<void> {
  const client = new ZhengwuClient({ url: running.url });
  const suite = getSuite('intl');
  const market = new Account(suite, openKeystore(
    readFileSync(join(running.dir, 'admins', 'market.key'), 'utf8'), running.passphrase), client);
  const { application } = joinNetwork({ dir: running.dir, id: eduId, name: '北京市教育委员会',
    slug: 'edu', apiPort: await freePort(), p2pPort: await freePort(),
    passphrase: running.passphrase });
  const view = await propose(market, 'add-agency', { id: application.id,
    name: application.name, caCert: application.caCert, adminKey: fromHex(application.adminKey),
    nodes: application.nodes.map((node) => ({ name: node.name,
      publicKey: fromHex(node.publicKey) })) },
  'The education commission joins the consortium', 'Consortium charter, art. 3', 100);
  expect((receiptResult(view) as { status: string }).status).toBe('executed');
}

async function signIn(slug: string, passphrase: string): Promise<void> {
  await page.goto(`${running.url}/#/signin`);
  await page.getByTestId('keystore').setInputFiles(keystoreFile(slug));
  await page.getByTestId('passphrase').fill(passphrase);
  await page.getByTestId('signin').click();
}

function openSetParams(): Locator {
  return page.getByTestId('open-proposals').locator('[data-kind="set-params"]');
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  running = await startInProcessNode('intl');
  await admitSecondAgency();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await running?.stop();
});

describe('portal governance', () => {
  it('shows agencies and proposals to anyone, without sign-in', async () => {
    await page.goto(`${running.url}/#/governance`);
    await page.getByTestId('agencies').waitFor();
    expect(await page.getByTestId('agencies').textContent()).toContain('北京市教育委员会');
    await page.getByTestId('signin-prompt').waitFor();
    await page.getByTestId('open-proposals-empty').waitFor();
    expect(await page.getByTestId('propose-form').count()).toBe(0);
    await page.screenshot({ path: join(shots, 'governance-readonly.png'), fullPage: true });
  });

  it('refuses a wrong passphrase with a clear error', async () => {
    await signIn('market', 'not the passphrase');
    const error = page.getByTestId('signin-error');
    await error.waitFor({ timeout: 20_000 });
    expect(await error.textContent()).toContain('口令不正确');
    expect(await error.textContent()).toContain('BAD_PASSPHRASE');
    await page.screenshot({ path: join(shots, 'signin-wrong-passphrase.png'), fullPage: true });
  });

  it('signs an admin in with their keystore file and shows who they are', async () => {
    await signIn('market', running.passphrase);
    await page.getByTestId('whoami').waitFor({ timeout: 20_000 });
    const text = await page.getByTestId('whoami').textContent();
    expect(text).toContain(marketId);
    expect(await page.getByTestId('roles').textContent()).toContain('管理员');
    expect(await page.getByTestId('session').textContent()).toContain('market');
    await page.screenshot({ path: join(shots, 'signin-admin.png'), fullPage: true });
  });

  it('checks the propose form and shows the node\'s refusal readably', async () => {
    await page.goto(`${running.url}/#/governance`);
    await page.getByTestId('propose-form').waitFor();
    await page.getByTestId('propose-payload').fill('{ "timeoutCommitMs": ');
    await page.getByTestId('propose-submit').click();
    await page.getByTestId('error-payload').waitFor();
    await page.getByTestId('error-reason').waitFor();
    await page.screenshot({ path: join(shots, 'governance-validation.png'), fullPage: true });
    await page.getByTestId('propose-payload').fill('{ "timeoutCommitMs": 0 }');
    await page.getByTestId('propose-reason').fill('Faster commits for the pilot');
    await page.getByTestId('propose-legal-basis').fill('Consortium charter, art. 7');
    await page.getByTestId('propose-submit').click();
    const error = page.getByTestId('propose-error');
    await error.waitFor({ timeout: 20_000 });
    expect(await error.textContent()).toMatch(/BAD_ARGUMENTS|INVALID_ARGUMENT/);
    await page.screenshot({ path: join(shots, 'governance-node-error.png'), fullPage: true });
  });

  it('proposes set-params and lists it as open with the proposing agency\'s vote', async () => {
    await page.getByTestId('propose-payload').fill('{ "timeoutCommitMs": 120 }');
    await page.getByTestId('propose-submit').click();
    await page.getByTestId('propose-done').waitFor({ timeout: 20_000 });
    const proposal = openSetParams();
    await proposal.waitFor({ timeout: 20_000 });
    expect(await proposal.textContent()).toContain('Faster commits for the pilot');
    expect(await proposal.locator(`[data-agency="${marketId}"]`).textContent()).toContain('赞成');
    expect(await proposal.locator(`[data-agency="${eduId}"]`).textContent()).toContain('未表决');
    expect(await proposal.textContent()).toContain('至少 2/3');
    await page.screenshot({ path: join(shots, 'governance-open.png'), fullPage: true });
  });

  it('lets the second agency\'s admin vote it through after the first signs out', async () => {
    await page.getByTestId('header-signout').click();
    await page.getByTestId('nav-signin').waitFor();
    expect(await page.getByTestId('propose-form').count()).toBe(0);
    await signIn('edu', running.passphrase);
    await page.getByTestId('whoami').waitFor({ timeout: 20_000 });
    await page.goto(`${running.url}/#/governance`);
    await openSetParams().getByTestId('vote-yes').click();
    const executed = page.getByTestId('recent-proposals')
      .locator('[data-kind="set-params"][data-status="executed"]');
    await executed.waitFor({ timeout: 20_000 });
    expect(await executed.locator(`[data-agency="${eduId}"]`).textContent()).toContain('赞成');
    await page.getByTestId('open-proposals-empty').waitFor();
    await page.screenshot({ path: join(shots, 'governance-executed.png'), fullPage: true });
  });

  it('shows governance in English', async () => {
    await page.getByTestId('language').click();
    await page.getByText('Member agencies').waitFor();
    expect(await page.textContent('body')).not.toContain('成员机构');
    await page.screenshot({ path: join(shots, 'governance-en.png'), fullPage: true });
    await page.getByTestId('language').click();
  });
});
