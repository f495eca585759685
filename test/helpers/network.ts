// Test helpers that run real node processes from the compiled build, on free loopback ports,
// in temporary folders that are removed afterwards.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initNetwork } from '../../src/node/index.js';
import type { NetworkManifest } from '../../src/node/index.js';
import type { SuiteName } from '../../src/crypto/index.js';
import { ZhengwuClient } from '../../src/sdk/index.js';

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
