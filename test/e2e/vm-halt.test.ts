// A decided block that a node cannot execute stops that node with a clear error naming the
// height, instead of a crash loop of WebAssembly abort traces (issue #12, ADR 0016). The fault
// is forced the only way a contract could cause one: the node's contract engine gets a native
// stack far below the one the node uses (vmStackSizeMb), so V8's stack overflows inside the
// module. The node writes nothing for that block, stops, and on restart decides the same block
// again and stops with the same message; with its normal stack it then executes the block (a
// deterministic failed receipt) and goes on committing.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { getSuite, openKeystore } from '../../src/crypto/index.js';
import { ZhengwuNode, initNetwork } from '../../src/node/index.js';
import type { DriverHalt } from '../../src/node/consensus-driver.js';
import { Account, ZhengwuClient } from '../../src/sdk/index.js';
import { adminAccount, launcher, makeNetwork, waitForNode } from '../helpers/network.js';
import type { NodeProcess, TestNetwork } from '../helpers/network.js';
import { deployToJsonPair, toJsonAttack } from '../vm/stack-attacks.js';

const suite = getSuite('intl');
const passphrase = 'test passphrase';

function account(dir: string, file: string, client: ZhengwuClient): Account {
  return new Account(suite, openKeystore(readFileSync(join(dir, file), 'utf8'), passphrase),
    client);
}

interface Started {
  readonly node: ZhengwuNode;
  readonly halts: DriverHalt[];
  readonly logs: string[];
}

async function start(home: string, vmStackSizeMb?: number): Promise<Started> {
  const halts: DriverHalt[] = [];
  const logs: string[] = [];
  const node = await ZhengwuNode.start({ home, passphrase, verifyThreads: 0, apiPort: 0,
    p2pPort: 0, logger: pino({ level: 'info' }, { write: (line: string) => logs.push(line) }),
    onHalt: (halt) => halts.push(halt),
    ...(vmStackSizeMb === undefined ? {} : { vmStackSizeMb }) });
  return { node, halts, logs };
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 30_000):
  Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a block the node cannot execute', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zw-vm-halt-'));
  let running: ZhengwuNode | undefined;
  afterAll(async () => {
    await running?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops the node with the height and the cause, the same after a restart', async () => {
    const manifest = initNetwork({ dir, agencies: 1, suite: 'intl', passphrase, basePort: 0 });
    const home = manifest.nodes[0]?.home ?? '';
    const slug = manifest.nodes[0]?.name ?? '';
    const first = await start(home, 0.5);
    running = first.node;
    const client = new ZhengwuClient({ url: first.node.apiUrl });
    const deployer = account(dir, 'admin.key', client);
    for (const [name, next] of [['json-a', `Zhengwu.call('json-b', 'attack', args)`],
      ['json-b', '0']] as const) {
      const deployed = await deployer.sendAndWait('contracts', 'deploy',
        { name, source: toJsonAttack(next), version: '1.0.0' });
      expect(deployed.status === 'committed' && deployed.receipt.status).toBe('ok');
    }
    const caller = account(dir, `admins/${slug}.key`, client);
    const before = first.node.height;
    const attack = await caller.send('json-a', 'attack', { depth: 3_000 },
      { gasLimit: 9_000_000 });
    await until('the halt', () => first.halts.length > 0);
    const [halt] = first.halts;
    const height = halt?.height ?? 0;
    expect(height).toBeGreaterThan(before);
    expect(halt?.message).toMatch(new RegExp(`^cannot execute decided block ${height}: ` +
      'the contract engine faulted: .*Maximum call stack size exceeded'));
    expect(first.logs.some((line) => line.includes('"level":60') &&
      line.includes('cannot execute the decided block'))).toBe(true);
    expect(first.logs.join('')).not.toContain('Aborted(');
    await first.node.stop();
    // Nothing of the block was written; it halts once, not in a loop.
    expect(first.node.height).toBe(height - 1);
    expect(first.halts).toHaveLength(1);

    const again = await start(home, 0.5);
    running = again.node;
    await until('the halt after restart', () => again.halts.length > 0);
    expect(again.halts[0]?.message).toBe(halt?.message);
    await again.node.stop();
    expect(again.node.height).toBe(height - 1);

    // With the node's own stack the same block executes: QuickJS's limit fires first, a
    // failed receipt is written, and the chain goes on.
    const fixed = await start(home);
    running = fixed.node;
    const fixedClient = new ZhengwuClient({ url: fixed.node.apiUrl });
    await until('the block', () => fixed.node.height >= height);
    const later = await account(dir, `admins/${slug}.key`, fixedClient)
      .sendAndWait('json-b', 'ping', null);
    expect(later.status === 'committed' && later.receipt.status).toBe('ok');
    const view = await fixedClient.waitForTx(attack);
    expect(view.status === 'committed' && view.receipt.status).toBe('CONTRACT_FAILED');
    expect(view.status === 'committed' && view.receipt.error)
      .toMatch(/Maximum call stack size exceeded/);
    expect(fixed.halts).toHaveLength(0);
  }, 120_000);

  it('makes `zw node start` exit 3 with the message, again after a restart', async () => {
    let network: TestNetwork | undefined;
    let node: NodeProcess | undefined;
    const startProcess = (home: string): NodeProcess => {
      const child = spawn(process.execPath, [launcher, 'node', 'start', '--home', home,
        '--vm-stack-mb', '0.5'], { stdio: ['ignore', 'pipe', 'pipe'] });
      const output: string[] = [];
      child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      return { child, output, exited };
    };
    try {
      network = await makeNetwork('intl');
      const first = network.manifest.nodes[0];
      if (first === undefined) throw new Error('no node');
      node = startProcess(first.home);
      const client = new ZhengwuClient({ url: first.api });
      await waitForNode(client, node);
      await deployToJsonPair(network.dir, client);
      await adminAccount(network.dir, first.name, client)
        .send('json-a', 'attack', { depth: 3_000 }, { gasLimit: 9_000_000 });
      expect(await node.exited).toBe(3);
      const said = /zw: node stopped: (cannot execute decided block \d+: .*)\n/
        .exec(node.output.join(''))?.[1];
      expect(said, node.output.join('')).toMatch(/the contract engine faulted/);
      expect(node.output.join('')).not.toContain('Aborted(');
      node = startProcess(first.home);
      expect(await node.exited).toBe(3);
      expect(node.output.join('')).toContain(`zw: node stopped: ${said ?? ''}\n`);
      expect(node.output.join('')).not.toContain('Aborted(');
    } finally {
      if (node?.child.exitCode === null) node.child.kill('SIGKILL');
      await node?.exited;
      network?.cleanup();
    }
  }, 120_000);
});
