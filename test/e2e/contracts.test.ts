// Proves contracts work on a real node process: `zw contract deploy` with the network's admin
// key puts the example registry on chain, an agency administrator calls it with `zw contract
// call`, and both the SDK and `zw contract query` read the result back from the node.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ZhengwuClient } from '../../src/sdk/index.js';
import { launcher, makeNetwork, startNodeProcess, waitForNode } from '../helpers/network.js';
import type { NodeProcess, TestNetwork } from '../helpers/network.js';

const root = join(import.meta.dirname, '../..');

function zw(...args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [launcher, ...args], { cwd: root });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.on('exit', (status) => resolve({ status, output }));
  });
}

describe('contracts on a real node', () => {
  let network: TestNetwork | undefined;
  let node: NodeProcess | undefined;
  afterAll(async () => {
    node?.child.kill('SIGKILL');
    await node?.exited;
    network?.cleanup();
  });

  it('deploys with the admin key and is called through the CLI and SDK', async () => {
    network = await makeNetwork('intl');
    const first = network.manifest.nodes[0];
    if (first === undefined) throw new Error('no node');
    node = startNodeProcess(first.home);
    const client = new ZhengwuClient({ url: first.api });
    await waitForNode(client, node);
    const deployed = await zw('contract', 'deploy', '--dir',
      join(root, 'contracts/examples/registry'), '--key', join(network.dir, 'admin.key'),
      '--passphrase-file', join(network.dir, 'admin.passphrase'), '--node', first.api);
    expect(deployed.output).toContain('deployed registry 1.0.0');
    expect(deployed.status).toBe(0);
    const called = await zw('contract', 'call', 'registry', 'register', '{"name":"beijing"}',
      '--key', join(network.dir, 'admins', `${first.name}.key`),
      '--passphrase-file', join(network.dir, 'admins', `${first.name}.passphrase`),
      '--node', first.api, '--json');
    expect(called.status, called.output).toBe(0);
    expect((JSON.parse(called.output) as { result: number }).result).toBe(1);
    expect(await client.query('registry', 'count', null)).toBe(1);
    const queried = await zw('contract', 'query', 'registry', 'get', '{"name":"beijing"}',
      '--node', first.api, '--json');
    expect((JSON.parse(queried.output) as { name: string }).name).toBe('beijing');
    // A stranger's deployment is refused by the deployer rule, and the node keeps serving.
    const again = await zw('contract', 'deploy', '--dir', join(root, 'contracts/examples/registry'),
      '--key', join(network.dir, 'admins', `${first.name}.key`),
      '--passphrase-file', join(network.dir, 'admins', `${first.name}.passphrase`),
      '--name', 'registry2', '--node', first.api);
    expect(again.output).toContain('UNAUTHORIZED');
    expect((await client.status()).height).toBeGreaterThan(0);
  });
});
