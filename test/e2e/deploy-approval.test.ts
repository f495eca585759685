// Proves that contract deployment is decided by the agencies: an agency administrator's deploy
// is refused without approval, a deploy-contract proposal for that exact source passes with a
// MAJORITY of the four agencies, and the same deploy then succeeds and the contract runs.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFailed } from 'vitest';
import { utf8 } from '../../src/core/index.js';
import type { CborValue } from '../../src/core/index.js';
import { getSuite } from '../../src/crypto/index.js';
import { buildContract, contractEntry } from '../../src/cli/contract-build.js';
import { Account, ZhengwuClient, propose, receiptResult, vote } from '../../src/sdk/index.js';
import { adminAccount, launcher, startNetwork } from '../helpers/network.js';
import type { RunningNetwork } from '../helpers/network.js';

const suite = getSuite('intl');

describe('contract deployment by governance', () => {
  let network: RunningNetwork | undefined;
  afterAll(async () => network?.stop());

  it('is refused without approval and succeeds after a MAJORITY', async () => {
    network = await startNetwork('intl', 4);
    onTestFailed(() => {
      for (const node of network?.processes ?? []) {
        console.error(node.output.join('').slice(-3000));
      }
    });
    const { dir } = network;
    const client = network.clients[0] as ZhengwuClient;
    const [market, tax, police] = ['market', 'tax', 'police'].map((slug) =>
      adminAccount(dir, slug, client)) as [Account, Account, Account];
    const built = await buildContract(contractEntry(
      join(import.meta.dirname, '../../contracts/examples/registry')));
    const deploy = { name: 'cityregistry', source: built.code, version: '1.0.0' };

    const refused = await market.sendAndWait('contracts', 'deploy', deploy);
    expect(refused.status === 'committed' && refused.receipt.status).toBe('UNAUTHORIZED');

    const proposal = receiptResult(await propose(market, 'deploy-contract',
      { name: 'cityregistry', version: '1.0.0', sourceHash: suite.hash(utf8(built.code)) },
      'A shared registry of city programmes', 'Consortium charter, art. 7', 100)) as
      Record<string, CborValue>;
    expect(proposal.status).toBe('open');
    // Two of four is not a majority; the third yes is.
    const half = receiptResult(await vote(tax, proposal.id as Uint8Array, 'yes')) as
      Record<string, CborValue>;
    expect(half.status).toBe('open');
    const approved = receiptResult(await vote(police, proposal.id as Uint8Array, 'yes')) as
      Record<string, CborValue>;
    expect(approved.status).toBe('executed');

    const deployed = await market.sendAndWait('contracts', 'deploy', deploy);
    expect(deployed.status === 'committed' && deployed.receipt.status).toBe('ok');
    const call = await market.sendAndWait('cityregistry', 'register', { name: 'haidian' });
    expect(call.status === 'committed' && call.receipt.status).toBe('ok');
    expect(await client.query('cityregistry', 'count', null)).toBe(1);
    // Approval covers that exact source: another source under the name is still refused.
    const altered = await market.sendAndWait('contracts', 'upgrade',
      { ...deploy, source: `${built.code}\n`, version: '1.0.1' });
    expect(altered.status === 'committed' && altered.receipt.status).toBe('UNAUTHORIZED');

    // The same through the CLI: `zw contract deploy` by an agency admin proposes the exact
    // source, prints the vote command, and deploys when run again after the votes.
    const project = join(import.meta.dirname, '../../contracts/examples/registry');
    const zw = (args: string[], slug: string): { code: number | null; out: string } => {
      const result = spawnSync(process.execPath, [launcher, ...args, '--node', client.url,
        '--passphrase-file', join(dir, 'admins', `${slug}.passphrase`)],
      { encoding: 'utf8' });
      return { code: result.status, out: `${result.stdout}${result.stderr}` };
    };
    const deployArgs = ['contract', 'deploy', '--dir', project, '--name', 'districtregistry',
      '--version', '1.0.0', '--key', join(dir, 'admins', 'health.key')];
    const first = zw([...deployArgs, '--reason', 'district programmes', '--legal-basis',
      'Consortium charter, art. 7'], 'health');
    expect(first.code, first.out).toBe(0);
    const id = /proposal ([0-9a-f]{64}) is open/.exec(first.out)?.[1];
    expect(id, first.out).toBeDefined();
    expect(first.out).toContain(`zw gov vote ${id ?? ''} yes`);
    const missing = spawnSync(process.execPath, [launcher, 'contract', 'query',
      'districtregistry', 'count', '--node', client.url], { encoding: 'utf8' });
    expect(missing.status).not.toBe(0);
    expect(`${missing.stdout}${missing.stderr}`).toMatch(/UNKNOWN_CONTRACT|no contract/);
    for (const slug of ['tax', 'police']) {
      const voted = zw(['gov', 'vote', id ?? '', 'yes', '--key',
        join(dir, 'admins', `${slug}.key`)], slug);
      expect(voted.code, voted.out).toBe(0);
    }
    const second = zw(deployArgs, 'health');
    expect(second.code, second.out).toBe(0);
    expect(second.out).toContain('deployed districtregistry 1.0.0');
    // Run again, the used approval does not deploy twice: it proposes anew.
    const third = zw([...deployArgs, '--version', '1.0.2', '--reason', 'again',
      '--legal-basis', 'Consortium charter, art. 7'], 'health');
    expect(third.out).toMatch(/proposal [0-9a-f]{64} is open/);

    // An upgrade through the CLI names the deployed version it replaces (read from the chain).
    const changed = mkdtempSync(join(tmpdir(), 'zw-registry-'));
    cpSync(project, changed, { recursive: true });
    appendFileSync(join(changed, 'src', 'index.ts'),
      '\nexport const revision = query(() => 2);\n');
    const upgradeArgs = ['contract', 'deploy', '--upgrade', '--dir', changed, '--name',
      'districtregistry', '--version', '1.1.0', '--key', join(dir, 'admins', 'health.key')];
    const proposed = zw([...upgradeArgs, '--reason', 'revision query', '--legal-basis',
      'Consortium charter, art. 7'], 'health');
    expect(proposed.code, proposed.out).toBe(0);
    const upgradeId = /proposal ([0-9a-f]{64}) is open/.exec(proposed.out)?.[1] ?? '';
    // Read through the CLI too: spawnSync blocks this process, whose pooled connections to
    // the node go stale meanwhile.
    const read = (args: string[]): unknown => {
      const result = spawnSync(process.execPath, [launcher, ...args, '--node', client.url,
        '--json'], { encoding: 'utf8' });
      expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
      return JSON.parse(result.stdout);
    };
    expect(read(['gov', 'show', upgradeId])).toMatchObject({ kind: 'upgrade-contract',
      payload: { replacesVersion: '1.0.0', version: '1.1.0' } });
    for (const slug of ['tax', 'police']) {
      expect(zw(['gov', 'vote', upgradeId, 'yes', '--key', join(dir, 'admins', `${slug}.key`)],
        slug).code).toBe(0);
    }
    const upgraded = zw(upgradeArgs, 'health');
    expect(upgraded.code, upgraded.out).toBe(0);
    expect(read(['contract', 'query', 'districtregistry', 'revision'])).toBe(2);
    rmSync(changed, { recursive: true, force: true });
  }, 240_000);
});
