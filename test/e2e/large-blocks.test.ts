// Proves that blocks larger than one block part (64 KiB) are proposed as proven parts and
// committed by four agency processes: a burst of large notarizations lands in blocks of several
// parts, and every node holds the same blocks.
import { afterAll, describe, expect, it } from 'vitest';
import { limits } from '../../src/core/index.js';
import { Account, ZhengwuClient, getSuite } from '../../src/sdk/index.js';
import { startNetwork } from '../helpers/network.js';
import type { RunningNetwork } from '../helpers/network.js';

const suite = getSuite('intl');

describe('large blocks', () => {
  let network: RunningNetwork | undefined;
  afterAll(async () => network?.stop());

  it('commits blocks sent as parts on every node', async () => {
    network = await startNetwork('intl', 4);
    const clients = network.clients;
    const client = clients[0] as ZhengwuClient;
    const account = new Account(suite, suite.generateKeyPair(), client);
    const meta: Record<string, string> = {};
    for (let i = 0; i < 30; i++) meta[`field${i}`] = 'x'.repeat(900);
    const hashes: string[] = [];
    for (let i = 0; i < 12; i++) {
      hashes.push(await account.send('notary', 'put',
        { hash: suite.hash(Uint8Array.of(i, 42)), meta }));
    }
    const views = await Promise.all(hashes.map((hash) => client.waitForTx(hash)));
    const heights = [...new Set(views.map((v) => (v.status === 'committed' ? v.height : 0)))];
    let largest = 0;
    for (const height of heights) {
      const blocks = await Promise.all(clients.map((c) => c.block(height)));
      expect(new Set(blocks.map((b) => b.hash)).size).toBe(1);
      const txBytes = views.filter((v) => v.status === 'committed' && v.height === height)
        .length * 27_000;
      largest = Math.max(largest, txBytes);
    }
    expect(largest).toBeGreaterThan(limits.blockPartBytes);
  }, 180_000);
});
