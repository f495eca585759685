// Proves the admission rules of the transport: a certificate from a CA outside the trust list is
// refused during TLS in both directions; a hello whose chain key the node does not authorize,
// a hello signed for another TLS session (a replay), a hello for another chain, and any message
// sent before the hello each get the connection closed, while a fresh valid hello is accepted.
import { afterEach, describe, expect, it } from 'vitest';
import { asHeight } from '../../src/core/index.js';
import { encodeFrame, encodeMessage } from '../../src/network/index.js';
import {
  connectedTo, makeMembers, rawPeer, sleep, startNode, stopAll, suiteOf, waitFor,
} from './helpers.js';
import type { Member, RawPeer, TestNode } from './helpers.js';

const running: TestNode[] = [];
const raws: RawPeer[] = [];
afterEach(async () => {
  for (const raw of raws.splice(0)) raw.socket.destroy();
  await stopAll(running.splice(0));
});

const suite = suiteOf('intl');
const [a, b, outsider] = makeMembers(suite, 3) as [Member, Member, Member];
/** The chain's members are a and b; the outsider's CA is not in their trust list. */
const members = [a, b];

async function start(member: Member, options: Partial<Parameters<typeof startNode>[0]> = {}):
  Promise<TestNode> {
  const node = await startNode({ suite, member, members, ...options });
  running.push(node);
  return node;
}

async function raw(member: Member, node: TestNode): Promise<RawPeer> {
  const peer = await rawPeer(member, node.network.port, [a.ca.certPem, b.ca.certPem]);
  raws.push(peer);
  return peer;
}

function logged(node: TestNode, text: string): boolean {
  return node.logs.some((entry) => JSON.stringify(entry).includes(text));
}

describe('TLS trust', () => {
  it('refuses a peer whose certificate comes from a CA outside the trust list', async () => {
    const nodeA = await start(a);
    // The outsider trusts a's CA and dials a: a's TLS server rejects its client certificate.
    const dialing = await startNode({ suite, member: outsider, members: [a, outsider],
      peers: [{ host: '127.0.0.1', port: nodeA.network.port }],
      authorized: () => true });
    running.push(dialing);
    await waitFor(() => logged(nodeA, 'inbound TLS handshake refused'), 'TLS refusal');
    // And a dialing a server with the outsider's certificate: a's TLS client rejects it.
    const dialed = await startNode({ suite, member: a, members, authorized: () => true,
      peers: [{ host: '127.0.0.1', port: dialing.network.port }] });
    running.push(dialed);
    await waitFor(() => logged(dialing, 'inbound TLS handshake refused')
      || logged(dialed, 'socket error'), 'refused server certificate');
    await sleep(200);
    expect(nodeA.network.peers()).toEqual([]);
    expect(dialing.network.peers()).toEqual([]);
    expect(dialed.network.peers()).toEqual([]);
  });
});

describe('hello', () => {
  it('disconnects a peer whose chain key is not authorized', async () => {
    const nodeA = await start(a);
    const peer = await raw(b, nodeA);
    const stranger = suite.generateKeyPair();
    peer.write(peer.hello(suite, stranger));
    await peer.closed;
    expect(logged(nodeA, 'is not authorized')).toBe(true);
    expect(nodeA.network.peers()).toEqual([]);
  });

  it('refuses a hello replayed from another session and accepts a fresh one', async () => {
    const nodeA = await start(a);
    const first = await raw(b, nodeA);
    const recorded = first.hello(suite, b.key);
    first.socket.destroy();
    const second = await raw(b, nodeA);
    second.write(recorded);
    await second.closed;
    expect(logged(nodeA, 'hello signature is not valid for this session')).toBe(true);
    // A hello signed over the right session but claiming another session's binding fails too.
    const third = await raw(b, nodeA);
    third.write(third.hello(suite, b.key, { binding: new Uint8Array(32).fill(7) }));
    await third.closed;
    const fourth = await raw(b, nodeA);
    fourth.write(fourth.hello(suite, b.key));
    await waitFor(() => connectedTo(nodeA, b.address), 'fresh hello accepted');
    expect(fourth.isClosed()).toBe(false);
  });

  it('refuses a hello for another chain, from a raw peer and from a real node', async () => {
    const nodeA = await start(a);
    const peer = await raw(b, nodeA);
    peer.write(peer.hello(suite, b.key, { chain: 'zw-other-chain' }));
    await peer.closed;
    expect(logged(nodeA, 'peer is on chain zw-other-chain')).toBe(true);
    const other = await start(b, { chainId: 'zw-other-chain',
      peers: [{ host: '127.0.0.1', port: nodeA.network.port }] });
    // Each side refuses the other's hello, whichever arrives first.
    const refusals = (): number => nodeA.logs.concat(other.logs).filter((entry) =>
      String(entry.fields.reason).startsWith('peer is on chain')).length;
    await waitFor(() => refusals() >= 2, 'the other chain refused');
    await sleep(100);
    expect(nodeA.network.peers()).toEqual([]);
    expect(other.network.peers()).toEqual([]);
  });

  it('closes a connection whose first message is not a hello', async () => {
    const nodeA = await start(a);
    const peer = await raw(b, nodeA);
    peer.write(encodeFrame(encodeMessage({ type: 'status', height: asHeight(1) })));
    await peer.closed;
    expect(logged(nodeA, 'expected hello, got status')).toBe(true);
  });

  it('closes a connection that never sends its hello', async () => {
    const nodeA = await start(a, { limits: { handshakeTimeoutMs: 200 } });
    const peer = await raw(b, nodeA);
    await peer.closed;
    expect(logged(nodeA, 'handshake timed out')).toBe(true);
  });
});
