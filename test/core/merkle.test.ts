// Proves the block Merkle tree: every leaf's proof verifies against the root, and a proof fails
// for another leaf, another index, another root or any altered path element.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { merkleProof, merkleRoot, verifyMerkleProof } from '../../src/core/index.js';

const sha256 = (data: Uint8Array): Uint8Array =>
  new Uint8Array(createHash('sha256').update(data).digest());

describe('block Merkle tree', () => {
  it('proves every leaf and nothing else', () => {
    fc.assert(fc.property(
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 16 }), { minLength: 1, maxLength: 40 }),
      fc.nat(), (leaves, pick) => {
        const root = merkleRoot(sha256, leaves);
        const index = pick % leaves.length;
        const proof = merkleProof(sha256, leaves, index);
        const leaf = leaves[index] as Uint8Array;
        expect(verifyMerkleProof(sha256, root, leaf, proof)).toBe(true);
        expect(verifyMerkleProof(sha256, root, Uint8Array.of(...leaf, 0), proof)).toBe(false);
        if (leaves.length > 1) {
          const other = { ...proof, index: (index + 1) % leaves.length };
          const same = (leaves[other.index] as Uint8Array).toString() === leaf.toString();
          if (!same) expect(verifyMerkleProof(sha256, root, leaf, other)).toBe(false);
        }
        for (let i = 0; i < proof.path.length; i++) {
          const path = proof.path.map((p, j) => (j === i ? sha256(p) : p));
          expect(verifyMerkleProof(sha256, root, leaf, { ...proof, path })).toBe(false);
        }
        expect(verifyMerkleProof(sha256, sha256(root), leaf, proof)).toBe(false);
      }), { numRuns: 300 });
  });

  it('distinguishes the empty list, one leaf and a leaf that looks like a node', () => {
    const a = Uint8Array.of(1);
    expect(merkleRoot(sha256, [])).not.toEqual(merkleRoot(sha256, [a]));
    expect(merkleRoot(sha256, [a, a])).not.toEqual(merkleRoot(sha256, [a]));
  });
});
