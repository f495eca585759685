// Proves the peer message codec: every well-formed message round-trips to equal values and
// identical canonical bytes; random bytes, mutated encodings and wrong shapes are refused with a
// ZwError (MALFORMED or NON_CANONICAL) and never anything else; and the framing splits any
// stream of frames, cut at any points, back into the same frames while refusing frames over
// their type's limit from the header and tag alone.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ErrorCode, ZwError, asAddress, asChainId, asHash, asHeight, asRound, bytesEqual, concatBytes,
  encode, limits,
} from '../../src/core/index.js';
import type { CborValue } from '../../src/core/index.js';
import {
  decodeMessage, encodeFrame, encodeMessage, messageShape, networkDefaults,
} from '../../src/network/index.js';
import type { NetworkMessage } from '../../src/network/index.js';
import { FrameReader } from '../../src/network/frame.js';
import { peekMessageType } from '../../src/network/messages.js';

const height = fc.maxSafeNat().map(asHeight);
const round = fc.integer({ min: 0, max: 1_000_000 }).map(asRound);
const bytes = (minLength: number, maxLength: number): fc.Arbitrary<Uint8Array> =>
  fc.uint8Array({ minLength, maxLength });
const hash = bytes(32, 32).map(asHash);
const address = bytes(20, 20).map(asAddress);
const signature = bytes(1, messageShape.signatureBytesMax);

const message: fc.Arbitrary<NetworkMessage> = fc.oneof(
  bytes(1, 300).map((tx) => ({ type: 'tx' as const, tx })),
  fc.record({ height, round, polRound: fc.integer({ min: -1, max: 1_000 }), blockHash: hash,
    proposer: address, signature }).chain((proposal) => bytes(1, 300)
    .map((block) => ({ type: 'proposal' as const, proposal, block }))),
  fc.record({ type: fc.constantFrom(1 as const, 2 as const), height, round,
    blockHash: fc.option(hash, { nil: null }), validator: address, signature })
    .map((vote) => ({ type: 'vote' as const, vote })),
  fc.record({ height, round: fc.option(round, { nil: undefined }) })
    .map(({ height: h, round: r }) => (r === undefined ? { type: 'status' as const, height: h }
      : { type: 'status' as const, height: h, round: r })),
  height.map((h) => ({ type: 'block-request' as const, height: h })),
  fc.record({ height, block: bytes(1, 300), commit: bytes(1, 300) })
    .map((r) => ({ type: 'block-response' as const, ...r })),
  fc.record({ chainId: fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/).map(asChainId),
    publicKey: bytes(1, messageShape.publicKeyBytesMax), signature })
    .map((r) => ({ type: 'hello' as const, ...r })),
  fc.record({ id: bytes(16, 16), request: bytes(1, 300),
    encryptionKey: bytes(1, messageShape.publicKeyBytesMax) })
    .map((r) => ({ type: 'data-request' as const, ...r })),
  fc.record({ id: bytes(16, 16), body: bytes(1, 300) })
    .map((r) => ({ type: 'data-response' as const, ...r })),
);

function expectRefused(action: () => unknown): void {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ZwError);
    expect([ErrorCode.MALFORMED, ErrorCode.NON_CANONICAL]).toContain((error as ZwError).code);
    return;
  }
  throw new Error('expected a refusal');
}

describe('message codec', () => {
  it('round-trips every message to equal values and identical bytes', () => {
    fc.assert(fc.property(message, (m) => {
      const encoded = encodeMessage(m);
      const decoded = decodeMessage(encoded);
      expect(decoded).toEqual(m);
      expect(bytesEqual(encodeMessage(decoded), encoded)).toBe(true);
      expect(peekMessageType(encoded)).toBe(m.type);
    }));
  });

  it('refuses random bytes with a ZwError only', () => {
    fc.assert(fc.property(bytes(0, 200), (junk) => {
      try {
        decodeMessage(junk);
      } catch (error) {
        expect(error).toBeInstanceOf(ZwError);
      }
    }), { numRuns: 2_000 });
  });

  it('refuses or re-encodes identically after any single-byte mutation', () => {
    fc.assert(fc.property(message, fc.nat(), fc.integer({ min: 1, max: 255 }),
      (m, at, flip) => {
        const encoded = encodeMessage(m).slice();
        const index = at % encoded.length;
        encoded[index] = (encoded[index] as number) ^ flip;
        let decoded: NetworkMessage;
        try {
          decoded = decodeMessage(encoded);
        } catch (error) {
          expect(error).toBeInstanceOf(ZwError);
          return;
        }
        expect(bytesEqual(encodeMessage(decoded), encoded)).toBe(true);
      }), { numRuns: 2_000 });
  });

  it('refuses wrong shapes', () => {
    const z32 = new Uint8Array(32);
    const z20 = new Uint8Array(20);
    const sig = new Uint8Array(64);
    const shapes: CborValue[] = [
      [], ['tx'], ['tx', new Uint8Array(0)], ['tx', new Uint8Array(limits.txBytesMax + 1)],
      ['tx', 'text'], ['tx', z32, z32], { type: 'tx', tx: z32 }, [1, z32],
      ['vote', [3, 1, 0, null, z20, sig]], ['vote', [1, -1, 0, null, z20, sig]],
      ['vote', [1, 1, 0, new Uint8Array(31), z20, sig]], ['vote', [1, 1, 0, null, z32, sig]],
      ['vote', [1, 1, 0, null, z20, new Uint8Array(0)]], ['vote', [1, 1, 0, null, z20]],
      ['vote', [1, 2n ** 60n, 0, null, z20, sig]],
      ['proposal', [1, 0, -2, z32, z20, sig], z32], ['proposal', [1, 0, -1, null, z20, sig], z32],
      ['proposal', [1, 0, -1, z32, z20, sig], new Uint8Array(0)],
      ['status', 1], ['status', 1, -1], ['status', 1, 'r'], ['status', 1, null, null],
      ['block-request', null], ['block-response', 1, z32, new Uint8Array(0)],
      ['block-response', 1, z32, new Uint8Array(messageShape.commitBytesMax + 1)],
      ['hello', 'UPPER', z32, sig], ['hello', 'ok', z32, new Uint8Array(200)],
      ['hello', 'ok', new Uint8Array(0), sig], ['gossip', 1],
    ];
    for (const shape of shapes) expectRefused(() => decodeMessage(encode(shape)));
  });

  it('refuses non-canonical encodings of valid messages', () => {
    // ['status', 5, null] with 5 written in two bytes, then with an indefinite-length array.
    const tag = [0x66, ...new TextEncoder().encode('status')];
    expectRefused(() => decodeMessage(Uint8Array.of(0x83, ...tag, 0x18, 0x05, 0xf6)));
    expectRefused(() => decodeMessage(Uint8Array.of(0x9f, ...tag, 0x05, 0xf6, 0xff)));
    expect(decodeMessage(Uint8Array.of(0x83, ...tag, 0x05, 0xf6)))
      .toEqual({ type: 'status', height: 5 });
  });
});

describe('framing', () => {
  it('splits any stream of frames cut at any points into the same frames', () => {
    fc.assert(fc.property(fc.array(message, { minLength: 1, maxLength: 8 }),
      fc.array(fc.nat(), { maxLength: 12 }), (messages, cuts) => {
        const stream = concatBytes(...messages.map((m) => encodeFrame(encodeMessage(m))));
        const points = [...new Set(cuts.map((cut) => cut % stream.length))].sort((x, y) => x - y);
        const reader = new FrameReader(networkDefaults);
        const out: NetworkMessage[] = [];
        let start = 0;
        for (const point of [...points, stream.length]) {
          reader.push(stream.subarray(start, point));
          start = point;
          for (let frame = reader.next(); frame !== undefined; frame = reader.next()) {
            const decoded = decodeMessage(frame.body);
            expect(decoded.type).toBe(frame.type);
            out.push(decoded);
          }
        }
        expect(out).toEqual(messages);
        expect(reader.bufferedBytes).toBe(0);
      }));
  });

  it('refuses a frame over its type limit from its first bytes', () => {
    const reader = new FrameReader(networkDefaults);
    const header = new Uint8Array(4);
    new DataView(header.buffer).setUint32(0, networkDefaults.statusBytesMax + 1);
    reader.push(header);
    expect(reader.next()).toBeUndefined();
    reader.push(Uint8Array.of(0x83, 0x66));
    expect(reader.next()).toBeUndefined();
    reader.push(new TextEncoder().encode('status'));
    expect(() => reader.next()).toThrow(/status frame of 257 bytes exceeds its limit of 256/);
  });

  it('refuses a frame too short to hold its type tag', () => {
    const reader = new FrameReader(networkDefaults);
    reader.push(Uint8Array.of(0, 0, 0, 2, 0x82, 0x66));
    expect(() => reader.next()).toThrow(ZwError);
  });
});
