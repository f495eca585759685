// Proves on real processes that idle TCP sockets on the p2p ports cannot keep a restarting
// validator out: four agency nodes commit a notarization load while an attacker holds 100 idle
// sockets (more than the 96 connections the old `maxConnections` allowed) on every survivor's
// p2p port, reopening each one a node closes; one validator is killed with SIGKILL, restarted,
// and its port flooded the same way as soon as it listens. The restarted validator reconnects
// to its peers and catches up, and the chain keeps committing. The attacker's sockets come from
// other loopback addresses than the nodes', as they would come from other hosts.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { Account, getSuite } from '../../src/sdk/index.js';
import type { ZhengwuClient } from '../../src/sdk/index.js';
import type { NodeConfig } from '../../src/node/index.js';
import { startNetwork, startNodeProcess, waitForNode } from '../helpers/network.js';
import type { NodeProcess, RunningNetwork } from '../helpers/network.js';
import { flood } from '../network/helpers.js';
import type { Flood } from '../network/helpers.js';

const socketsPerPort = 100;
const attackers = Array.from({ length: 8 }, (_, i) => `127.0.0.${i + 2}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `port` accepts a TCP connection (polling every 20 ms), or after `timeoutMs`. */
async function whenListening(port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.10' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) return true;
    await sleep(20);
  }
  return false;
}

describe('p2p slots under an idle-socket flood', () => {
  let network: RunningNetwork | undefined;
  const floods: Flood[] = [];
  let loading = false;
  afterAll(async () => {
    loading = false;
    for (const attack of floods) attack.stop();
    await network?.stop();
  });

  it('a validator killed and restarted reconnects and the chain keeps committing', async () => {
    network = await startNetwork('intl', 4);
    const running = network;
    const { clients, processes } = running;
    const ports = running.manifest.nodes.map((node) => (JSON.parse(
      readFileSync(join(node.home, 'config.json'), 'utf8')) as NodeConfig).p2p.port);
    const client = (i: number): ZhengwuClient => clients[i] as ZhengwuClient;
    const heightOf = async (i: number): Promise<number> =>
      (await client(i).status().catch(() => ({ height: 0 }))).height;
    const logs = (): string => processes.map((p, i) => `--- node ${i}\n` +
      p.output.join('').slice(-3000)).join('\n');
    const waitUntil = async (what: string, condition: () => Promise<boolean>): Promise<void> => {
      const deadline = Date.now() + 90_000;
      while (!await condition()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${logs()}`);
        await sleep(250);
      }
    };

    // Load through node 0, so that heights advance.
    const suite = getSuite('intl');
    const account = new Account(suite, suite.generateKeyPair(), client(0));
    loading = true;
    const load = (async () => {
      for (let round = 0; loading && round < 2_000; round++) {
        try {
          const hash = await account.send('notary', 'put',
            { hash: suite.hash(randomBytes(32)), meta: {} });
          await client(0).waitForTx(hash, { timeoutMs: 20_000 }).catch(() => undefined);
        } catch {
          account.resync();
          await sleep(200);
        }
      }
    })();
    await waitUntil('first blocks', async () => (await heightOf(0)) >= 2);

    const victim = 1;
    const survivors = [0, 2, 3];
    const flooding = (port: number): Flood => flood(port, { count: socketsPerPort,
      hosts: attackers, refillDelayMs: 1_000, attemptsMax: 20_000 });
    for (const i of survivors) floods.push(flooding(ports[i] as number));
    await sleep(1_000);

    processes[victim]?.child.kill('SIGKILL');
    await processes[victim]?.exited;
    const restarted: NodeProcess = startNodeProcess(running.manifest.nodes[victim]?.home ?? '');
    processes[victim] = restarted;
    // The attacker fills the restarted node's port the moment it listens.
    expect(await whenListening(ports[victim] as number, 30_000)).toBe(true);
    floods.push(flooding(ports[victim] as number));
    await waitForNode(client(victim), restarted);
    const heightAtRestart = Math.max(...await Promise.all(survivors.map(heightOf)));

    await waitUntil('the restarted validator to reconnect', async () => {
      const status = await client(victim).status().catch(() => undefined);
      return status !== undefined && status.peers.length === 3;
    });
    await waitUntil('the restarted validator to catch up and commit on',
      async () => (await heightOf(victim)) >= heightAtRestart + 3);
    for (const i of survivors) {
      await waitUntil(`node ${i} to commit on`, async () => (await heightOf(i)) >=
        heightAtRestart + 3);
    }
    for (const attack of floods) expect(attack.attempts()).toBeGreaterThanOrEqual(socketsPerPort);
    loading = false;
    await load;
  }, 240_000);
});
