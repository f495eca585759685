// Proves that contract deployment is decided by the agencies: an agency administrator's deploy
// is refused without approval, a deploy-contract proposal for that exact source passes with a
// MAJORITY of the four agencies, and the same deploy then succeeds and the contract runs.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
    expect(zw(['contract', 'query', 'districtregistry', 'count'], 'health').code).not.toBe(0);
    for (const slug of ['tax', 'police']) {
      const voted = zw(['gov', 'vote', id ?? '', 'yes', '--key',
        join(dir, 'admins', `${slug}.key`)], slug);
      expect(voted.code, voted.out).toBe(0);
    }
    const second = zw(deployArgs, 'health');
    expect(second.code, second.out).toBe(0);
    expect(second.out).toContain('deployed districtregistry 1.0.0');
  }, 240_000);
});
