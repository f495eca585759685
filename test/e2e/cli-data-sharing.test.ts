// Proves the data-sharing workflow works from the command line alone: on a real two-agency
// network (market regulation provides, tax requests and is the data authority), the real
// `bin/zw.js` creates members, registers a duty, refuses an invalid entry field by field,
// publishes and reviews an entry, requests it, approves two of three items, uploads the
// dataset, fetches the granted items into a CSV proven against the genesis, is refused an item
// outside the grant with the receipt id of the refusal, and shows the citizen tax's access.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initNetwork } from '../../src/node/index.js';
import { ZhengwuClient } from '../../src/sdk/index.js';
import { launcher, reservePortBase, startNodeProcess, waitForNode } from '../helpers/network.js';
import type { NodeProcess } from '../helpers/network.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const code = '301001001/000001';
const citizenId = '11010519491231002X';
const memberPassphrase = 'cli data sharing test';

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function zw(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [launcher, ...args],
      { env: { ...process.env, ZW_PASSPHRASE: memberPassphrase } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Runs a command that must succeed and answers its --json output. */
async function zwJson<T>(...args: string[]): Promise<T> {
  const result = await zw(...args, '--json');
  expect(result.status, `zw ${args.join(' ')}\n${result.stderr}`).toBe(0);
  return JSON.parse(result.stdout) as T;
}

function entry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { code, name: '企业登记信息', providerCode: '11110000000000001M',
    abstract: 'Enterprises registered in Beijing.', format: 'database',
    items: ['name', 'creditCode', 'legalRepresentative'].map((name) => ({ name,
      type: 'string', personal: name === 'legalRepresentative', sensitive: false })),
    sharingType: 'CONDITIONAL', legalBasis: '《企业信息公示暂行条例》',
    conditions: 'tax administration only', method: 'api', open: 'conditional-open',
    updateCycle: 'daily', related: [], grade: 'important', duties: ['market-registration'],
    schemaHash: 'ab'.repeat(32), ...overrides };
}

describe('data sharing through the zw command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zw-cli-sharing-'));
  const processes: NodeProcess[] = [];
  afterAll(async () => {
    for (const node of processes) node.child.kill('SIGKILL');
    await Promise.all(processes.map((node) => node.exited));
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes, reviews, requests, decides, uploads, fetches, refuses, shows usage',
    async () => {
      const manifest = initNetwork({ dir, agencies: 2, suite: 'intl',
        basePort: await reservePortBase(), dataAuthority: 'tax' });
      for (const node of manifest.nodes) processes.push(startNodeProcess(node.home));
      const clients = manifest.nodes.map((node) => new ZhengwuClient({ url: node.api }));
      await Promise.all(clients.map((client, i) =>
        waitForNode(client, processes[i] as NodeProcess)));
      while ((await (clients[0] as ZhengwuClient).status()).height < 1) await sleep(200);
      const [market, tax] = manifest.nodes.map((node) => ['--node', node.api]) as
        [string[], string[]];
      const admin = (slug: string) => ['--key', join(dir, 'admins', `${slug}.key`),
        '--passphrase-file', join(dir, 'admins', `${slug}.passphrase`)];
      const marketId = manifest.nodes[0]?.agency ?? '';
      const taxId = manifest.nodes[1]?.agency ?? '';

      // Tax's admin registers the data authority and a staff member from new keystores.
      // One admin signs both registrations, so they go one after the other (nonces).
      const keys = await Promise.all(['authority', 'tax-staff'].map((name) =>
        zwJson<{ publicKey: string }>('keys', 'new', '--out', join(dir, `${name}.key`))));
      await zwJson('member', 'add', keys[0]?.publicKey ?? '', '--roles', 'data-authority,staff',
        ...admin('tax'), ...tax);
      await zwJson('member', 'add', keys[1]?.publicKey ?? '', '--roles', 'staff',
        '--official-id', 'TAX-0042', ...admin('tax'), ...tax);
      const authority = ['--key', join(dir, 'authority.key')];
      const taxStaff = ['--key', join(dir, 'tax-staff.key')];

      // Market registers its duty; an invalid entry is refused field by field, nothing sent.
      await zwJson('catalog', 'duty', 'market-registration', '--name', '市场主体登记注册',
        '--legal-basis', '《市场主体登记管理条例》', ...admin('market'), ...market);
      const entryFile = join(dir, 'entry.json');
      writeFileSync(entryFile, JSON.stringify(entry({ providerCode: 'x', grade: 'secret' })));
      const invalid = await zw('catalog', 'publish', entryFile, ...admin('market'), ...market);
      expect(invalid.status).not.toBe(0);
      expect(invalid.stderr).toContain('INVALID_ARGUMENT');
      expect(invalid.stderr).toMatch(/\n {2}providerCode: an 18-character/);
      expect(invalid.stderr).toMatch(/\n {2}grade: one of general, important, core/);

      // The valid entry is published and the data authority approves it.
      writeFileSync(entryFile, JSON.stringify(entry()));
      const submitted = await zwJson<{ result: { version: number } }>('catalog', 'publish',
        entryFile, ...admin('market'), ...market);
      expect(submitted.result.version).toBe(1);
      await zwJson('catalog', 'review', code, '--version', '1', '--approve', ...authority, ...tax);
      const [found, show] = await Promise.all([
        zwJson<{ items: { code: string; status: string }[] }>('catalog', 'search',
          '--provider', marketId, '--q', '企业', ...tax),
        zw('catalog', 'show', code, ...tax)]);
      expect(found.items).toMatchObject([{ code, status: 'published' }]);
      expect(show.stdout).toMatch(/^301001001\/000001: published, 1 version/);

      // Tax requests three items; market approves two of them.
      const requested = await zwJson<{ result: { id: string; status: string } }>('share',
        'request', code, '--items', 'name,creditCode,legalRepresentative', '--purpose',
        '企业纳税登记核验', '--scenario', 'tax registration', '--legal-basis',
        '《税收征收管理法》第十五条', '--valid-for', '1000', ...taxStaff, ...tax);
      expect(requested.result.status).toBe('pending');
      const id = requested.result.id;
      const inbox = await zwJson<{ items: { id: string }[] }>('share', 'list', '--side',
        'provider', '--key', join(dir, 'admins', 'market.key'), ...tax);
      expect(inbox.items.map((item) => item.id)).toContain(id);
      await zwJson('share', 'decide', id, '--approve', '--items', 'name,creditCode',
        '--reason', 'the legal representative is not needed for tax', ...admin('market'),
        ...market);
      const shown = await zw('share', 'show', id, ...market);
      expect(shown.stdout).toContain('granted name, creditCode');

      // Market's system uploads the dataset; the node holds it, only its hash on chain.
      const recordsFile = join(dir, 'records.json');
      writeFileSync(recordsFile, JSON.stringify([
        { subject: citizenId, data: { name: '北京示例科技有限公司',
          creditCode: '91110108MA01ABCD1X', legalRepresentative: '张三' } },
        { subject: '110101199003074514', data: { name: '北京另一家公司, "二"',
          creditCode: '91110105MA02EFGH2Y', legalRepresentative: '李四' } }]));
      await zwJson('share', 'upload', code, recordsFile, ...admin('market'), ...market);
      expect(await zwJson('share', 'dataset', code, ...market))
        .toMatchObject({ entry: code, records: 2, version: 1 });

      // Tax fetches the granted items into a CSV, proven against the genesis.
      const fetchArgs = ['--purpose', '企业纳税登记核验', '--case', 'TAX-2026-118',
        '--official', 'TAX-0042', '--system', '金税三期', ...taxStaff, ...tax];
      const csvFile = join(dir, 'out.csv');
      const fetched = await zw('share', 'fetch', code, '--items', 'name,creditCode',
        '--national-ids', citizenId, '--out', csvFile, '--genesis', join(dir, 'genesis.json'),
        ...fetchArgs);
      expect(fetched.status, fetched.stderr).toBe(0);
      expect(fetched.stdout).toMatch(/fetched 1 record\(s\).*access receipt \d{14}-\d{8}/);
      expect(fetched.stdout).toContain('proven:');
      expect(readFileSync(csvFile, 'utf8').split('\r\n')).toEqual(['subject,name,creditCode',
        expect.stringMatching(/^[0-9a-f]{64},北京示例科技有限公司,91110108MA01ABCD1X$/), '']);
      // The whole dataset as JSON, checked against the receipt the node reads from the chain.
      const jsonFile = join(dir, 'out.json');
      const paged = await zw('share', 'fetch', code, '--items', 'name', '--out', jsonFile,
        ...fetchArgs);
      expect(paged.stdout, paged.stderr).toContain('verified:');
      const payload = JSON.parse(readFileSync(jsonFile, 'utf8')) as
        { records: { data: Record<string, string> }[] };
      expect(payload.records.map((record) => record.data)).toEqual([
        { name: '北京示例科技有限公司' }, { name: '北京另一家公司, "二"' }]);

      // An item outside the grant is refused; the refusal names its receipt on chain.
      const refused = await zw('share', 'fetch', code, '--items', 'name,legalRepresentative',
        '--national-ids', citizenId, ...fetchArgs);
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toMatch(/ACCESS_REFUSED: .*receipt \d{14}-\d{8}/);

      // The citizen sees tax's accesses to their record (the lookup by id and the page that
      // held it) with purpose and system, and the refusal, newest first.
      // The citizen makes a key; market's subject-credential officer, having checked who they
      // are, binds it to their subject id; the citizen reads with that key (ADR 0013).
      const officer = await zwJson<{ publicKey: string }>('keys', 'new', '--out',
        join(dir, 'officer.key'));
      await zwJson('member', 'add', officer.publicKey, '--roles', 'subject-credential',
        ...admin('market'), ...market);
      const citizenKey = join(dir, 'citizen.key');
      await zwJson('citizen', 'key', '--out', citizenKey, ...market);
      const credential = join(dir, 'credential.json');
      await zwJson('citizen', 'issue', '--national-id', citizenId, '--holder', citizenKey,
        '--out', credential, '--key', join(dir, 'officer.key'), ...market);
      expect((await zw('usage', '--key', citizenKey, ...market)).stderr)
        .toContain('give a subject id or --credential');
      const seen = await zwJson<{ items: { agency: string; purpose: string; system: string;
        outcome: string }[] }>('usage', '--key', citizenKey, '--credential', credential,
        ...market);
      const access = { agency: taxId, purpose: '企业纳税登记核验', system: '金税三期' };
      expect(seen.items).toMatchObject([{ ...access, outcome: 'refused' },
        { ...access, outcome: 'served' }, { ...access, outcome: 'served' }]);
    }, 150_000); // about 70 s; the margin is for a loaded machine
});
