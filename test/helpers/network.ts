// Test helpers that run real node processes from the compiled build, on free loopback ports,
// in temporary folders that are removed afterwards.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initNetwork } from '../../src/node/index.js';
import type { InitOptions, NetworkManifest } from '../../src/node/index.js';
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

// Networks made by tests take consecutive ports (API base+1.., peers base+101..). Bases come from
// slots below Linux's ephemeral range (32768+), so no outgoing connection can be handed one of
// them, and a slot is claimed by an exclusive file naming the claiming process, so two test
// workers never share one. A claim of a process that died is taken over.
const slotsDir = join(tmpdir(), 'zw-test-port-slots');
const slotFirst = 20_000;
const slotSize = 200;
const slotCount = 60;
const claimed: string[] = [];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function claim(path: string): boolean {
  try {
    writeFileSync(path, String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    const owner = Number(readFileSync(path, 'utf8'));
    if (Number.isSafeInteger(owner) && owner > 0 && alive(owner)) return false;
    rmSync(path, { force: true });
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return true;
    } catch {
      return false;
    }
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A base port whose API and peer ports (for up to 16 nodes) are free and no other test's. */
export async function reservePortBase(): Promise<number> {
  mkdirSync(slotsDir, { recursive: true });
  const start = randomInt(slotCount);
  for (let i = 0; i < slotCount; i++) {
    const base = slotFirst + ((start + i) % slotCount) * slotSize;
    const path = join(slotsDir, String(base));
    if (!claim(path)) continue;
    const ports = Array.from({ length: 16 }, (_, n) => [base + 1 + n, base + 101 + n]).flat();
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) {
      if (claimed.length === 0) {
        process.once('exit', () => { for (const held of claimed) rmSync(held, { force: true }); });
      }
      claimed.push(path);
      return base;
    }
    rmSync(path, { force: true });
  }
  throw new Error('no free port slot for a test network');
}

export interface TestNetwork {
  readonly dir: string;
  readonly manifest: NetworkManifest;
  cleanup(): void;
}

/** Options of `zw init` a test may set (e.g. the data authority). */
export type NetworkOptions = Pick<InitOptions, 'dataAuthority' | 'validators'>;

export async function makeNetwork(suite: SuiteName, agencies = 1, options: NetworkOptions = {}):
  Promise<TestNetwork> {
  const dir = mkdtempSync(join(tmpdir(), 'zw-test-'));
  const basePort = await reservePortBase();
  const manifest = initNetwork({ dir, agencies, suite, basePort, ...options });
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

export async function startNetwork(suite: SuiteName, agencies: number,
  options: NetworkOptions = {}): Promise<RunningNetwork> {
  const network = await makeNetwork(suite, agencies, options);
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
