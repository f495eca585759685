// Test helpers that run real node processes from the compiled build, on free loopback ports,
// in temporary folders that are removed afterwards.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initNetwork } from '../../src/node/index.js';
import type { NetworkManifest } from '../../src/node/index.js';
import type { SuiteName } from '../../src/crypto/index.js';
import { Account, ZhengwuClient, getSuite, openKeystore } from '../../src/sdk/index.js';

export const launcher = join(import.meta.dirname, '../../bin/zw.js');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface TestNetwork {
  readonly dir: string;
  readonly manifest: NetworkManifest;
  cleanup(): void;
}

export async function makeNetwork(suite: SuiteName, agencies = 1): Promise<TestNetwork> {
  const dir = mkdtempSync(join(tmpdir(), 'zw-test-'));
  // Consecutive ports from a free base; a clash only makes a test retry-worthy, never wrong.
  const basePort = (await freePort()) - 1;
  const manifest = initNetwork({ dir, agencies, suite, basePort });
  return { dir, manifest, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface NodeProcess {
  readonly child: ChildProcess;
  readonly output: string[];
  exited: Promise<number | null>;
}

export function startNodeProcess(home: string): NodeProcess {
  const child = spawn(process.execPath, [launcher, 'node', 'start', '--home', home],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output, exited };
}

/** Waits until the node answers /v1/status, or fails with its output after `timeoutMs`. */
export async function waitForNode(
  client: ZhengwuClient, node: NodeProcess, timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await client.status();
      return;
    } catch {
      if (Date.now() > deadline || node.child.exitCode !== null) {
        throw new Error(`node did not start:\n${node.output.join('')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** A network whose every node runs as its own process, with a client per node. */
export interface RunningNetwork extends TestNetwork {
  readonly processes: NodeProcess[];
  readonly clients: ZhengwuClient[];
  /** Kills every node process and removes the network folder. */
  stop(): Promise<void>;
}

export async function startNetwork(suite: SuiteName, agencies: number): Promise<RunningNetwork> {
  const network = await makeNetwork(suite, agencies);
  const processes = network.manifest.nodes.map((node) => startNodeProcess(node.home));
  const clients = network.manifest.nodes.map((node) => new ZhengwuClient({ url: node.api }));
  await Promise.all(clients.map((client, i) => waitForNode(client, processes[i] as NodeProcess)));
  return {
    ...network, processes, clients,
    async stop() {
      for (const node of processes) node.child.kill('SIGKILL');
      await Promise.all(processes.map((node) => node.exited));
      network.cleanup();
    },
  };
}

/** The account of an agency's administrator, from the keystore `zw init` wrote for it. */
export function adminAccount(dir: string, slug: string, client: ZhengwuClient): Account {
  const passphrase = readFileSync(join(dir, 'admins', `${slug}.passphrase`), 'utf8').trim();
  const key = openKeystore(readFileSync(join(dir, 'admins', `${slug}.key`), 'utf8'), passphrase);
  return new Account(getSuite(JSON.parse(readFileSync(join(dir, 'genesis.json'), 'utf8')).suite),
    key, client);
}
