// Proves that idle, unauthenticated TCP connections to the p2p port cannot lock peers out: a
// validator that restarts while 150 idle sockets (more than the 96 the old `maxConnections`
// allowed) hammer the port reconnects and its messages flow; a peer never seen before still gets
// a handshake slot; a handshake that never completes (idle, trickling TLS bytes, or TLS without
// a hello) is closed at its deadline; and the per-address, pool and connect-rate caps refuse
// sockets beyond them at accept. The attackers use other loopback addresses than the peers, as
// they would be other hosts; per-address accounting cannot tell apart sockets from one host.
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { asHeight } from '../../src/core/index.js';
import { networkDefaults } from '../../src/network/index.js';
import type { NetworkLimits } from '../../src/network/index.js';
import {
  connectedTo, flood, idleSockets, isClosedByServer, makeMembers, rawPeer, sleep, startNode,
  stopAll, suiteOf, waitFor,
} from './helpers.js';
import type { Flood, Member, RawPeer, TestNode } from './helpers.js';

const suite = suiteOf('intl');
const [a, b, c, d] = makeMembers(suite, 4) as [Member, Member, Member, Member];
const members = [a, b, c, d];
const caPems = members.map((m) => m.ca.certPem);
/** Long enough that no held socket times out during a test: slots must hold without it. */
const patient = { handshakeTimeoutMs: 30_000 };
const attackers = Array.from({ length: 10 }, (_, i) => `127.0.0.${i + 2}`);

const running: TestNode[] = [];
const floods: Flood[] = [];
const sockets: Socket[] = [];
const raws: RawPeer[] = [];
afterEach(async () => {
  for (const attack of floods.splice(0)) attack.stop();
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const raw of raws.splice(0)) raw.socket.destroy();
  await stopAll(running.splice(0));
});

async function start(member: Member,
  options: { readonly limits?: Partial<NetworkLimits> } = {}): Promise<TestNode> {
  const node = await startNode({ suite, member, members, limits: options.limits ?? patient });
  running.push(node);
  return node;
}

function statusFrom(node: TestNode, from: string, height: number): boolean {
  return node.received.some((r) => r.from.address === from && r.message.type === 'status'
    && r.message.height === height);
}

async function held(list: readonly Socket[], expected: number): Promise<void> {
  await waitFor(() => list.filter(isClosedByServer).length === list.length - expected,
    `${list.length - expected} of ${list.length} sockets refused`);
  // Refusals happen at accept; give any late one the chance to show, then count again.
  await sleep(200);
  expect(list.filter((socket) => !isClosedByServer(socket))).toHaveLength(expected);
}

describe('idle sockets do not lock peers out', () => {
  it('a validator restarting through 150 idle sockets reconnects and messages flow',
    async () => {
      const nodeA = await start(a);
      const endpointA = { host: '127.0.0.1', port: nodeA.network.port };
      const firstB = await startNode({ suite, member: b, members, limits: patient,
        peers: [endpointA] });
      await waitFor(() => connectedTo(nodeA, b.address) && connectedTo(firstB, a.address),
        'b connected');
      // The attacker keeps 150 sockets open and reopens each one the node closes.
      const attack = flood(nodeA.network.port, { count: 150, hosts: attackers,
        refillDelayMs: 100, attemptsMax: 3_000 });
      floods.push(attack);
      await waitFor(() => attack.attempts() >= 150, 'flood under way');
      await firstB.network.stop();
      await waitFor(() => !connectedTo(nodeA, b.address), 'b gone');
      const nodeB = await start(b, { limits: patient });
      // a does not dial b: b's own dial must get through the flooded port.
      nodeB.network.addPersistentPeer(endpointA);
      await waitFor(() => connectedTo(nodeA, b.address) && connectedTo(nodeB, a.address),
        'b reconnected through the flood', 15_000);
      nodeB.network.broadcast({ type: 'status', height: asHeight(42) });
      nodeA.network.broadcast({ type: 'status', height: asHeight(43) });
      await waitFor(() => statusFrom(nodeA, b.address, 42) && statusFrom(nodeB, a.address, 43),
        'messages both ways');
      // What the node holds of the flood is bounded by the anonymous handshake pool.
      await waitFor(() => attack.attempts() >= 3_000, 'flood budget spent', 20_000);
      await waitFor(() => attack.open() <= networkDefaults.handshakesPendingMax,
        'flood held within the pool');
      expect(attack.open()).toBeGreaterThan(0);
    }, 60_000);

  it('a peer never seen before gets a handshake slot while strangers fill the pool',
    async () => {
      const nodeA = await start(a);
      const attack = flood(nodeA.network.port, { count: 150, hosts: attackers });
      floods.push(attack);
      const pool = networkDefaults.handshakesPendingMax;
      await waitFor(() => attack.closed() === 150 - pool, 'flood refused beyond the pool');
      await sleep(200);
      expect(attack.open()).toBe(pool);
      const nodeB = await start(b, { limits: patient });
      nodeB.network.addPersistentPeer({ host: '127.0.0.1', port: nodeA.network.port });
      await waitFor(() => connectedTo(nodeA, b.address) && connectedTo(nodeB, a.address),
        'b connected through the full pool', 15_000);
      nodeB.network.broadcast({ type: 'status', height: asHeight(7) });
      await waitFor(() => statusFrom(nodeA, b.address, 7), 'message from b');
      // b's handshake evicted one socket of the busiest stranger, and the pool stays full.
      await waitFor(() => attack.open() === pool - 1, 'one stranger evicted');
      expect(attack.closed()).toBe(150 - pool + 1);
    }, 60_000);
});

describe('handshake deadline', () => {
  it('closes idle, trickling and hello-less sockets at the deadline and frees their slots',
    async () => {
      const nodeA = await start(a, { limits: { handshakeTimeoutMs: 500,
        handshakesPerAddressMax: 4 } });
      const port = nodeA.network.port;
      const idle = await idleSockets(port, '127.0.0.2', 2);
      sockets.push(...idle);
      // A TLS record header announcing 16 KiB, then one byte every 100 ms: an idle timer would
      // be reset by every byte; a deadline is not.
      const trickling = await idleSockets(port, '127.0.0.3', 2);
      sockets.push(...trickling);
      for (const socket of trickling) socket.write(Uint8Array.of(0x16, 0x03, 0x01, 0x40, 0x00));
      let trickle = true;
      const dripping = (async () => {
        for (let i = 0; i < 100 && trickle; i++) {
          await sleep(100);
          for (const socket of trickling) if (!socket.destroyed) socket.write(Uint8Array.of(0));
        }
      })();
      const silent = await rawPeer(b, port, caPems);
      raws.push(silent);
      try {
        await waitFor(() => [...idle, ...trickling].every(isClosedByServer)
          && silent.isClosed(), 'handshakes timed out', 8_000);
      } finally {
        trickle = false;
        await dripping;
      }
      const timedOut = nodeA.logs.filter((entry) => entry.fields.reason === 'handshake timed out');
      expect(timedOut.length).toBeGreaterThanOrEqual(5);
      // Their slots are free again: the same address holds its full share once more.
      const again = await idleSockets(port, '127.0.0.2', 4);
      sockets.push(...again);
      await held(again, 4);
    }, 30_000);
});

describe('caps before TLS', () => {
  it('refuses handshaking sockets beyond the per-address cap', async () => {
    const cap = 4;
    const nodeA = await start(a, { limits: { ...patient, handshakesPerAddressMax: cap } });
    const fromOne = await idleSockets(nodeA.network.port, '127.0.0.2', cap + 6);
    sockets.push(...fromOne);
    await held(fromOne, cap);
    // The first `cap` stay; later ones were refused.
    expect(fromOne.slice(0, cap).some(isClosedByServer)).toBe(false);
    const fromAnother = await idleSockets(nodeA.network.port, '127.0.0.3', cap);
    sockets.push(...fromAnother);
    await held(fromAnother, cap);
    expect(nodeA.logs.some((entry) =>
      entry.fields.reason === 'too many handshakes from this address')).toBe(true);
  });

  it('bounds the anonymous pool and lets a newcomer evict the busiest address', async () => {
    const nodeA = await start(a, { limits: { ...patient, handshakesPendingMax: 6 } });
    const port = nodeA.network.port;
    const from = (host: number): Promise<Socket[]> => idleSockets(port, `127.0.0.${host}`, 1);
    const busy = await idleSockets(port, '127.0.0.2', 4);
    const others = [...await from(3), ...await from(4)];
    sockets.push(...busy, ...others);
    await held([...busy, ...others], 6);
    // Full: each newcomer evicts the oldest socket of 127.0.0.2, which holds the most.
    const newcomers = [...await from(5), ...await from(6), ...await from(7)];
    sockets.push(...newcomers);
    await waitFor(() => busy.slice(0, 3).every(isClosedByServer), 'busiest evicted down to one');
    await held([...busy, ...others, ...newcomers], 6);
    expect(newcomers.some(isClosedByServer)).toBe(false);
    // Every address now holds one: a second socket from one of them has nothing to evict.
    const second = await from(5);
    sockets.push(...second);
    await waitFor(() => isClosedByServer(second[0] as Socket), 'second socket refused');
    expect(nodeA.logs.some((entry) => entry.fields.reason === 'too many handshakes')).toBe(true);
    // A newcomer still gets in, in place of the oldest socket held.
    const late = await from(8);
    sockets.push(...late);
    await waitFor(() => isClosedByServer(busy[3] as Socket), 'oldest socket evicted');
    await held([...busy, ...others, ...newcomers, ...second, ...late], 6);
    expect(isClosedByServer(late[0] as Socket)).toBe(false);
  });

  it('refuses connection attempts from one address beyond its rate', async () => {
    const burst = 5;
    const nodeA = await start(a, { limits: { ...patient, handshakesPerAddressMax: 100,
      connectsBurstMax: burst, connectsPerSecondMax: 0.01 } });
    const attempts = await idleSockets(nodeA.network.port, '127.0.0.2', burst + 7);
    sockets.push(...attempts);
    await held(attempts, burst);
    expect(nodeA.logs.some((entry) => String(entry.fields.reason).includes('over the rate')))
      .toBe(true);
    // Another address has its own budget.
    const other = await idleSockets(nodeA.network.port, '127.0.0.3', 2);
    sockets.push(...other);
    await held(other, 2);
  });
});

describe('peer slots', () => {
  it('a validator displaces a non-validator when every peer slot is taken', async () => {
    const isValidator = (address: string): boolean => address === b.address;
    const nodeA = await startNode({ suite, member: a, members, priority: isValidator,
      limits: { ...patient, peersMax: 2 } });
    running.push(nodeA);
    const endpointA = { host: '127.0.0.1', port: nodeA.network.port };
    const dialA = async (member: Member): Promise<TestNode> => {
      const node = await startNode({ suite, member, members, peers: [endpointA],
        limits: patient });
      running.push(node);
      return node;
    };
    const nodeC = await dialA(c);
    const nodeD = await dialA(d);
    await waitFor(() => connectedTo(nodeA, c.address) && connectedTo(nodeA, d.address),
      'slots filled by non-validators');
    const nodeB = await dialA(b);
    await waitFor(() => connectedTo(nodeA, b.address) && connectedTo(nodeB, a.address),
      'the validator got a slot', 10_000);
    expect(nodeA.network.peers()).toHaveLength(2);
    expect(nodeA.logs.some((entry) =>
      String(entry.fields.reason).startsWith('displaced by a priority peer'))).toBe(true);
    nodeB.network.broadcast({ type: 'status', height: asHeight(9) });
    await waitFor(() => statusFrom(nodeA, b.address, 9), 'message from the validator');
    // The displaced non-validator redials and is refused while the slots are full; the
    // validator keeps its slot.
    await sleep(500);
    expect(connectedTo(nodeA, b.address)).toBe(true);
    expect(nodeA.logs.some((entry) => entry.fields.reason === 'too many peers')).toBe(true);
    expect([nodeC, nodeD].filter((node) => connectedTo(nodeA, node.member.address)))
      .toHaveLength(1);
  });
});
