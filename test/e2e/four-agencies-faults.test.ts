// Proves BFT consensus on real processes: four agency nodes on loopback commit a notarization
// load while, in turn, one node is killed with SIGKILL and restarted, one is paused (SIGSTOP) and
// resumed, and one is cut off from every peer (through fault-injecting proxies) and reconnected.
// After each fault the node is back at the network's height within 60 seconds; at the end all
// four report identical block hashes (and so identical state roots) at every height, and every
// transaction acknowledged as committed is present on every node.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { Account, ZhengwuClient, getSuite } from '../../src/sdk/index.js';
import type { NodeConfig } from '../../src/node/index.js';
import { makeNetwork, startNodeProcess, waitForNode } from '../helpers/network.js';
import type { NodeProcess, TestNetwork } from '../helpers/network.js';
import { FaultProxy } from '../helpers/proxy.js';

const catchUpMs = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Routes every peer connection of node `victim` through proxies the test can cut. */
async function isolateBehindProxies(network: TestNetwork, victim: number): Promise<FaultProxy[]> {
  const homes = network.manifest.nodes.map((node) => node.home);
  const configs = homes.map((home) =>
    JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')) as NodeConfig);
  const proxies: FaultProxy[] = [];
  const victimConfig = configs[victim] as NodeConfig;
  const inbound = await FaultProxy.start(victimConfig.p2p.port);
  proxies.push(inbound);
  const victimPeers = [];
  for (let i = 0; i < configs.length; i++) {
    if (i === victim) continue;
    const config = configs[i] as NodeConfig;
    const outbound = await FaultProxy.start(config.p2p.port);
    proxies.push(outbound);
    victimPeers.push({ host: '127.0.0.1', port: outbound.port });
    const peers = config.p2p.peers.map((peer) => peer.port === victimConfig.p2p.port
      ? { host: '127.0.0.1', port: inbound.port } : peer);
    writeFileSync(join(homes[i] as string, 'config.json'),
      JSON.stringify({ ...config, p2p: { ...config.p2p, peers } }, null, 2));
  }
  writeFileSync(join(homes[victim] as string, 'config.json'),
    JSON.stringify({ ...victimConfig, p2p: { ...victimConfig.p2p, peers: victimPeers } }, null, 2));
  return proxies;
}

describe('four agencies under faults', () => {
  let network: TestNetwork | undefined;
  const processes: (NodeProcess | undefined)[] = [];
  let proxies: FaultProxy[] = [];
  afterAll(async () => {
    for (const node of processes) node?.child.kill('SIGKILL');
    await Promise.all(processes.map((node) => node?.exited));
    await Promise.all(proxies.map((proxy) => proxy.close()));
    network?.cleanup();
  });

  it('stays safe and live through kill, pause and partition', async () => {
    network = await makeNetwork('intl', 4);
    const victim = 3;
    proxies = await isolateBehindProxies(network, victim);
    const clients = network.manifest.nodes.map((node) => new ZhengwuClient({ url: node.api }));
    network.manifest.nodes.forEach((node, i) => { processes[i] = startNodeProcess(node.home); });
    await Promise.all(clients.map((client, i) => waitForNode(client, processes[i] as NodeProcess)));
    const logs = (): string => processes.map((p, i) => `--- node ${i}\n` +
      (p?.output.join('').slice(-4000) ?? '')).join('\n');

    const heightOf = async (i: number) => (await (clients[i] as ZhengwuClient).status()).height;
    const maxHeight = async (except: number) => Math.max(...await Promise.all(
      clients.map((_, i) => (i === except ? 0 : heightOf(i).catch(() => 0)))));
    const waitCaughtUp = async (i: number): Promise<void> => {
      const target = await maxHeight(i);
      const deadline = Date.now() + catchUpMs;
      while ((await heightOf(i).catch(() => 0)) < target) {
        if (Date.now() > deadline) throw new Error(`node ${i} did not catch up\n${logs()}`);
        await sleep(250);
      }
    };

    // Load: notarizations through node 0, acknowledged ones remembered.
    const suite = getSuite('intl');
    const account = new Account(suite, suite.generateKeyPair(), clients[0] as ZhengwuClient);
    const acknowledged: string[] = [];
    let loading = true;
    const load = (async () => {
      while (loading) {
        const hashes: string[] = [];
        for (let i = 0; i < 10; i++) {
          try {
            hashes.push(await account.send('notary', 'put',
              { hash: suite.hash(randomBytes(32)), meta: {} }));
          } catch {
            account.resync();
          }
        }
        await Promise.all(hashes.map(async (hash) => {
          const view = await (clients[0] as ZhengwuClient).waitForTx(hash, { timeoutMs: 30_000 })
            .catch(() => undefined);
          if (view?.status === 'committed' && view.receipt.status === 'ok') {
            acknowledged.push(hash);
          }
        }));
      }
    })();
    await sleep(3_000);
    expect(await maxHeight(-1)).toBeGreaterThan(0);

    // Fault 1: kill -9 and restart.
    processes[1]?.child.kill('SIGKILL');
    await processes[1]?.exited;
    await sleep(3_000);
    processes[1] = startNodeProcess(network.manifest.nodes[1]?.home ?? '');
    await waitForNode(clients[1] as ZhengwuClient, processes[1]);
    await waitCaughtUp(1);

    // Fault 2: pause and resume.
    processes[2]?.child.kill('SIGSTOP');
    await sleep(4_000);
    processes[2]?.child.kill('SIGCONT');
    await waitCaughtUp(2);

    // Fault 3: cut one node off from every peer, then heal.
    for (const proxy of proxies) proxy.cut();
    await sleep(4_000);
    const heightWhileCut = await maxHeight(victim);
    for (const proxy of proxies) proxy.heal();
    await waitCaughtUp(victim);
    expect(await heightOf(victim)).toBeGreaterThanOrEqual(heightWhileCut);

    loading = false;
    await load;
    expect(acknowledged.length).toBeGreaterThan(0);

    // All nodes agree on every block, and every acknowledged transaction is everywhere.
    const final = await maxHeight(-1);
    for (let i = 0; i < clients.length; i++) {
      const deadline = Date.now() + catchUpMs;
      while ((await heightOf(i)) < final) {
        if (Date.now() > deadline) throw new Error(`node ${i} behind at the end\n${logs()}`);
        await sleep(250);
      }
    }
    for (let height = 1; height <= final; height++) {
      const hashes = await Promise.all(clients.map(async (c) => (await c.block(height)).hash));
      expect(new Set(hashes).size, `height ${height}`).toBe(1);
    }
    for (const hash of acknowledged) {
      for (const client of clients) expect((await client.tx(hash)).status).toBe('committed');
    }
  }, 300_000);
});
