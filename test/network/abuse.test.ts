// Proves that a misbehaving but authenticated peer cannot hurt the receiver: an oversized frame
// (refused from its header, before the body arrives), an empty frame, a malformed frame, a
// non-canonical frame and an unknown message type each disconnect the sender, while the
// receiver keeps serving its other peers; excess messages over the rate limit are dropped and a
// sustained flood disconnects; a peer that stops reading is cut off at its outbound queue bound.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asHash, asHeight, asRound, asAddress, concatBytes, utf8 } from '../../src/core/index.js';
import { encodeFrame, encodeMessage, networkDefaults } from '../../src/network/index.js';
import {
  connectedTo, makeMembers, rawPeer, sleep, startNode, stopAll, suiteOf, waitFor,
} from './helpers.js';
import type { Member, RawPeer, TestNode } from './helpers.js';

const suite = suiteOf('intl');
const [a, b, c] = makeMembers(suite, 3) as [Member, Member, Member];
const members = [a, b, c];
const caPems = members.map((m) => m.ca.certPem);

const running: TestNode[] = [];
const raws: RawPeer[] = [];
afterEach(async () => {
  for (const raw of raws.splice(0)) raw.socket.destroy();
  await stopAll(running.splice(0));
});

function lengthPrefix(length: number): Uint8Array {
  const header = new Uint8Array(4);
  new DataView(header.buffer).setUint32(0, length);
  return header;
}

function logged(node: TestNode, text: string): boolean {
  return node.logs.some((entry) => JSON.stringify(entry).includes(text));
}

describe('bad frames', () => {
  let nodeA: TestNode;
  let nodeC: TestNode;

  beforeEach(async () => {
    nodeA = await startNode({ suite, member: a, members });
    running.push(nodeA);
    nodeC = await startNode({ suite, member: c, members,
      peers: [{ host: '127.0.0.1', port: nodeA.network.port }] });
    running.push(nodeC);
    await waitFor(() => connectedTo(nodeA, c.address) && connectedTo(nodeC, a.address),
      'c connected to a');
  });

  async function helloFromB(): Promise<RawPeer> {
    const peer = await rawPeer(b, nodeA.network.port, caPems);
    raws.push(peer);
    peer.write(peer.hello(suite, b.key));
    await waitFor(() => connectedTo(nodeA, b.address), 'b connected to a');
    return peer;
  }

  /** a still takes c's messages after dropping b. */
  async function stillServing(height: number): Promise<void> {
    nodeC.network.broadcast({ type: 'status', height: asHeight(height) });
    await waitFor(() => nodeA.received.some((r) => r.message.type === 'status'
      && r.message.height === height), 'a still serving c');
    expect(connectedTo(nodeA, c.address)).toBe(true);
  }

  const vote = encodeMessage({ type: 'vote', vote: { type: 1, height: asHeight(1),
    round: asRound(0), blockHash: null, validator: asAddress(new Uint8Array(20)),
    signature: new Uint8Array(64) } });
  const cases: readonly { name: string; bytes: Uint8Array; reason: string }[] = [
    { name: 'a vote frame over the vote limit (header and tag only)',
      bytes: concatBytes(lengthPrefix(networkDefaults.voteBytesMax + 1), vote.subarray(0, 8)),
      reason: 'vote frame of' },
    { name: 'a frame larger than any type allows (header only)',
      bytes: lengthPrefix(0xffffffff), reason: 'exceeds every limit' },
    { name: 'an empty frame', bytes: lengthPrefix(0), reason: 'empty frame' },
    { name: 'a body that is not CBOR after a valid tag',
      bytes: encodeFrame(concatBytes(Uint8Array.of(0x82, 0x62), utf8('tx'), Uint8Array.of(0xff))),
      reason: 'MALFORMED' },
    { name: 'a vote with a field of the wrong type',
      bytes: encodeFrame(concatBytes(Uint8Array.of(0x82, 0x64), utf8('vote'),
        Uint8Array.of(0x63), utf8('abc'))), reason: 'vote must be an array' },
    { name: 'a non-canonical status (height 5 in two bytes)',
      bytes: encodeFrame(concatBytes(Uint8Array.of(0x83, 0x66), utf8('status'),
        Uint8Array.of(0x18, 0x05, 0xf6))), reason: 'NON_CANONICAL' },
    { name: 'an unknown message type',
      bytes: encodeFrame(concatBytes(Uint8Array.of(0x82, 0x66), utf8('gossip'),
        Uint8Array.of(0x01))), reason: 'unknown message type' },
    { name: 'a second hello', bytes: new Uint8Array(0), reason: 'second hello' },
  ];

  it.each(cases)('disconnects the sender of $name', async ({ name, bytes, reason }) => {
    const peer = await helloFromB();
    peer.write(name === 'a second hello' ? peer.hello(suite, b.key) : bytes);
    await peer.closed;
    await waitFor(() => !connectedTo(nodeA, b.address), 'b dropped');
    expect(nodeA.logs.some((entry) => entry.level === 'warn'
      && String(entry.fields.reason).includes(reason))).toBe(true);
    await stillServing(7);
  });

  it('accepts a frame split into single bytes', async () => {
    const peer = await helloFromB();
    const frame = encodeFrame(encodeMessage({ type: 'tx', tx: new Uint8Array(300).fill(9) }));
    for (const byte of frame) {
      peer.write(Uint8Array.of(byte));
      await sleep(0);
    }
    await waitFor(() => nodeA.received.some((r) => r.message.type === 'tx'), 'tx');
    expect(peer.isClosed()).toBe(false);
  });
});

describe('rate limits', () => {
  it('drops messages over the per-peer rate and disconnects a sustained flood', async () => {
    const limits = { messagesPerSecondMax: 20, messagesBurstMax: 20, rateDropsMax: 1_000 };
    const nodeA = await startNode({ suite, member: a, members, limits });
    running.push(nodeA);
    const nodeB = await startNode({ suite, member: b, members,
      peers: [{ host: '127.0.0.1', port: nodeA.network.port }] });
    running.push(nodeB);
    await waitFor(() => connectedTo(nodeA, b.address) && connectedTo(nodeB, a.address),
      'b connected');
    for (let i = 0; i < 200; i++) nodeB.network.broadcast({ type: 'status', height: asHeight(i) });
    await waitFor(() => logged(nodeA, 'over its rate limit'), 'drops logged');
    await sleep(100);
    const taken = nodeA.received.length;
    // The burst of 20 plus what refills at 20/s while the 200 messages arrive.
    expect(taken).toBeGreaterThanOrEqual(20);
    expect(taken).toBeLessThan(60);
    expect(connectedTo(nodeA, b.address)).toBe(true);
  });

  it('disconnects a peer that keeps exceeding its byte rate', async () => {
    // Small frame limits so that a small byte bucket still admits the largest frame.
    const small = { txBytesMax: 2_000, proposalBytesMax: 2_000, blockResponseBytesMax: 2_000,
      blockPartBytesMax: 2_000, dataRequestBytesMax: 2_000, dataResponseBytesMax: 2_000 };
    const limits = { ...small, bytesPerSecondMax: 4_000, bytesBurstMax: 4_000,
      rateDropsMax: 10 };
    const nodeA = await startNode({ suite, member: a, members, limits });
    running.push(nodeA);
    const nodeB = await startNode({ suite, member: b, members, limits: small,
      peers: [{ host: '127.0.0.1', port: nodeA.network.port }] });
    running.push(nodeB);
    await waitFor(() => connectedTo(nodeA, b.address) && connectedTo(nodeB, a.address),
      'b connected');
    for (let i = 0; i < 40; i++) {
      nodeB.network.broadcast({ type: 'tx', tx: new Uint8Array(1_500).fill(i) });
    }
    await waitFor(() => logged(nodeA, 'rate limit exceeded persistently'), 'flood cut off');
    expect(nodeA.received.length).toBeLessThanOrEqual(3);
  });
});

describe('outbound queue', () => {
  it('disconnects a peer that stops reading once its queue bound is reached', async () => {
    const limits = { outboundQueueMessagesMax: 4 };
    const nodeA = await startNode({ suite, member: a, members, limits });
    running.push(nodeA);
    const peer = await rawPeer(b, nodeA.network.port, caPems);
    raws.push(peer);
    peer.write(peer.hello(suite, b.key));
    await waitFor(() => connectedTo(nodeA, b.address), 'b connected');
    peer.socket.pause();
    const block = new Uint8Array(1024 * 1024);
    const proposal = { type: 'proposal' as const, block, proposal: { height: asHeight(1),
      round: asRound(0), polRound: -1, blockHash: asHash(new Uint8Array(32)),
      proposer: asAddress(new Uint8Array(20)), signature: new Uint8Array(64) } };
    let accepted = 0;
    for (let i = 0; i < 200 && nodeA.network.send(b.address, proposal); i++) accepted++;
    expect(accepted).toBeLessThan(200);
    expect(logged(nodeA, 'outbound queue overflow')).toBe(true);
    expect(connectedTo(nodeA, b.address)).toBe(false);
  });
});
