// Proves that the trust list can grow at run time, as it must when governance admits an agency:
// a node from an agency whose CA is not yet trusted is refused at TLS, and once the CA is added
// with setTrustedCas (and the peer with addPersistentPeer) the two connect.
import { afterEach, describe, expect, it } from 'vitest';
import { getSuite } from '../../src/crypto/index.js';
import { makeMembers, startNode, stopAll, waitFor } from './helpers.js';
import type { TestNode } from './helpers.js';

const suite = getSuite('intl');
const running: TestNode[] = [];
afterEach(async () => {
  await stopAll(running.splice(0));
});

describe('trust updates', () => {
  it('admits a new agency after its CA is added', async () => {
    const [a, newcomer] = makeMembers(suite, 2);
    if (a === undefined || newcomer === undefined) throw new Error('members');
    const nodeA = await startNode({ suite, member: a, members: [a],
      authorized: () => true });
    running.push(nodeA);
    const nodeB = await startNode({ suite, member: newcomer, members: [a, newcomer],
      authorized: () => true, peers: [{ host: '127.0.0.1', port: nodeA.network.port }] });
    running.push(nodeB);
    await waitFor(() => nodeA.logs.some((l) => l.message === 'inbound TLS handshake refused'),
      'the refusal of an untrusted agency');
    expect(nodeA.network.peers()).toEqual([]);
    nodeA.network.setTrustedCas([a.ca.certPem, newcomer.ca.certPem]);
    nodeA.network.addPersistentPeer({ host: '127.0.0.1', port: nodeB.network.port });
    await waitFor(() => nodeA.network.peers().length === 1, 'the connection', 10_000);
    expect(nodeA.network.peers()[0]?.agency).toBe(newcomer.agencyId);
  });
});
