// Proves the connection management of persistent peers: two nodes that dial each other end with
// exactly one connection, the one dialed by the lower address, and keep it; a stopped peer that
// comes back on the same port is redialed automatically; and the redial delay grows
// exponentially from its minimum to its cap with jitter, never beyond either bound.
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { asHeight } from '../../src/core/index.js';
import { networkDefaults, redialDelayMs } from '../../src/network/index.js';
import {
  connectedTo, makeMembers, sleep, startNode, stopAll, suiteOf, waitFor,
} from './helpers.js';
import type { Member, TestNode } from './helpers.js';

const suite = suiteOf('intl');
const [a, b] = makeMembers(suite, 2) as [Member, Member];
const members = [a, b];

const running: TestNode[] = [];
afterEach(async () => {
  await stopAll(running.splice(0));
});

function freePort(): Promise<number> {
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

describe('persistent peers', () => {
  it('keeps one connection, dialed by the lower address, when both sides dial', async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const [nodeA, nodeB] = await Promise.all([
      startNode({ suite, member: a, members, port: portA,
        peers: [{ host: '127.0.0.1', port: portB }] }),
      startNode({ suite, member: b, members, port: portB,
        peers: [{ host: '127.0.0.1', port: portA }] }),
    ]);
    running.push(nodeA, nodeB);
    await waitFor(() => connectedTo(nodeA, b.address) && connectedTo(nodeB, a.address), 'link');
    await sleep(600);
    const [fromA] = nodeA.network.peers();
    const [fromB] = nodeB.network.peers();
    expect(nodeA.network.peers()).toHaveLength(1);
    expect(nodeB.network.peers()).toHaveLength(1);
    const lowerIsA = a.address < b.address;
    expect(fromA?.direction).toBe(lowerIsA ? 'outbound' : 'inbound');
    expect(fromB?.direction).toBe(lowerIsA ? 'inbound' : 'outbound');
    // Stable: after the tie-break settles, nothing connects or disconnects any more.
    const settled = nodeA.changes.length + nodeB.changes.length;
    await sleep(500);
    expect(nodeA.changes.length + nodeB.changes.length).toBe(settled);
    nodeA.network.broadcast({ type: 'status', height: asHeight(1) });
    await waitFor(() => nodeB.received.length === 1, 'message over the kept link');
  });

  it('redials a stopped peer that comes back on the same port', async () => {
    const nodeB = await startNode({ suite, member: b, members });
    const port = nodeB.network.port;
    const nodeA = await startNode({ suite, member: a, members,
      peers: [{ host: '127.0.0.1', port }] });
    running.push(nodeA);
    await waitFor(() => connectedTo(nodeA, b.address), 'first link');
    await nodeB.network.stop();
    await waitFor(() => !connectedTo(nodeA, b.address), 'link down');
    expect(nodeA.changes.at(-1)?.kind).toBe('disconnected');
    // Let a few redials fail against the closed port before b returns.
    await sleep(300);
    const failedDials = nodeA.logs.filter((entry) => entry.message === 'dialing peer').length;
    expect(failedDials).toBeGreaterThan(1);
    const again = await startNode({ suite, member: b, members, port });
    running.push(again);
    await waitFor(() => connectedTo(nodeA, b.address) && connectedTo(again, a.address),
      'link restored');
    nodeA.network.broadcast({ type: 'status', height: asHeight(2) });
    await waitFor(() => again.received.length === 1, 'message after reconnect');
  });
});

describe('redial delay', () => {
  it('grows from the minimum to the cap, with jitter within half of it', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1_000 }), fc.double({ min: 0, max: 1,
      maxExcluded: true, noNaN: true }), (attempts, random) => {
      const delayMs = redialDelayMs(attempts, networkDefaults, () => random);
      const nominalMs = Math.min(networkDefaults.redialDelayMsMax,
        networkDefaults.redialDelayMsMin * 2 ** (attempts - 1));
      expect(delayMs).toBeGreaterThanOrEqual(Math.floor(nominalMs / 2));
      expect(delayMs).toBeLessThanOrEqual(nominalMs);
      expect(delayMs).toBeLessThanOrEqual(networkDefaults.redialDelayMsMax);
    }));
    expect(redialDelayMs(1, networkDefaults, () => 0.999)).toBeLessThanOrEqual(250);
    expect(redialDelayMs(50, networkDefaults, () => 0.999)).toBeGreaterThan(29_000);
  });
});
