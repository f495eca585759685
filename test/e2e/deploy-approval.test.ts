// Proves that contract deployment is decided by the agencies: an agency administrator's deploy
// is refused without approval, a deploy-contract proposal for that exact source passes with a
// MAJORITY of the four agencies, and the same deploy then succeeds and the contract runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { utf8 } from '../../src/core/index.js';
import type { CborValue } from '../../src/core/index.js';
import { getSuite, openKeystore } from '../../src/crypto/index.js';
import { buildContract, contractEntry } from '../../src/cli/contract-build.js';
import { Account, ZhengwuClient, propose, receiptResult, vote } from '../../src/sdk/index.js';
import { makeNetwork, startNodeProcess, waitForNode } from '../helpers/network.js';
import type { NodeProcess, TestNetwork } from '../helpers/network.js';

const suite = getSuite('intl');

function admin(dir: string, slug: string, client: ZhengwuClient): Account {
  const passphrase = readFileSync(join(dir, 'admins', `${slug}.passphrase`), 'utf8').trim();
  return new Account(suite,
    openKeystore(readFileSync(join(dir, 'admins', `${slug}.key`), 'utf8'), passphrase), client);
}

describe('contract deployment by governance', () => {
  let network: TestNetwork | undefined;
  const processes: NodeProcess[] = [];
  afterAll(async () => {
    for (const node of processes) node.child.kill('SIGKILL');
    await Promise.all(processes.map((node) => node.exited));
    network?.cleanup();
  });

  it('is refused without approval and succeeds after a MAJORITY', async () => {
    network = await makeNetwork('intl', 4);
    for (const node of network.manifest.nodes) processes.push(startNodeProcess(node.home));
    const clients = network.manifest.nodes.map((node) => new ZhengwuClient({ url: node.api }));
    await Promise.all(clients.map((client, i) => waitForNode(client, processes[i] as NodeProcess)));
    const client = clients[0] as ZhengwuClient;
    const [market, tax, police] = ['market', 'tax', 'police'].map((slug) =>
      admin(network?.dir ?? '', slug, client)) as [Account, Account, Account];
    const built = await buildContract(contractEntry(
      join(import.meta.dirname, '../../contracts/examples/registry')));
    const deploy = { name: 'cityregistry', source: built.code, version: '1.0.0' };

    const refused = await market.sendAndWait('contracts', 'deploy', deploy);
    expect(refused.status === 'committed' && refused.receipt.status).toBe('UNAUTHORIZED');

    const proposal = receiptResult(await propose(market, 'deploy-contract',
      { name: 'cityregistry', sourceHash: suite.hash(utf8(built.code)) },
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
  }, 240_000);
});
