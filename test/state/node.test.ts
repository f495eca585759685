// Proves the building blocks under the tree: node keys have the documented layout and give back
// their version; stored nodes round-trip; and a node's inner hashes, whether computed in full,
// restored from the cache and patched child by child, equal a direct recursive definition.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { toHex } from '../../src/core/index.js';
import { NodeHasher, emptyRootHash, lowestBit } from '../../src/state/hashing.js';
import { NodeHashCache, NodeHashes } from '../../src/state/node-hashes.js';
import {
  decodeNode, encodeNode, nodeKey, nodeKeyVersion, rootNodeKey,
} from '../../src/state/node.js';
import type { TreeNode } from '../../src/state/node.js';
import { sha256 } from './helpers.js';

const hasher = new NodeHasher(sha256);

/** Diem's definition, written recursively over child ranges. */
function subtree(
  children: readonly (Uint8Array | undefined)[], existence: number, leaves: number, start: number,
  width: number,
): Uint8Array {
  const present = existence & (((1 << width) - 1) << start);
  if (present === 0) return emptyRootHash;
  if (width === 1 || ((present & (present - 1)) === 0 && (present & leaves) !== 0)) {
    return children[lowestBit(present)] as Uint8Array;
  }
  const half = width / 2;
  return hasher.internal(subtree(children, existence, leaves, start, half),
    subtree(children, existence, leaves, start + half, half));
}

interface Child { readonly hash: Uint8Array; readonly leaf: boolean }

const childrenArbitrary = fc.array(fc.option(fc.record({
  hash: fc.uint8Array({ minLength: 32, maxLength: 32 }), leaf: fc.boolean(),
}), { freq: 2 }), { minLength: 16, maxLength: 16 });

function masks(children: readonly (Child | null)[]): { existence: number; leaves: number } {
  let existence = 0;
  let leaves = 0;
  children.forEach((child, nibble) => {
    if (child === null) return;
    existence |= 1 << nibble;
    if (child.leaf) leaves |= 1 << nibble;
  });
  return { existence, leaves };
}

function expected(children: readonly (Child | null)[]): Uint8Array {
  const { existence, leaves } = masks(children);
  return subtree(children.map((child) => child?.hash), existence, leaves, 0, 16);
}

function loaded(children: readonly (Child | null)[]): NodeHashes {
  const hashes = new NodeHashes(hasher);
  const { existence, leaves } = masks(children);
  const dense = children.flatMap((child) => (child === null ? [] : [...child.hash]));
  hashes.load(existence, leaves, Uint8Array.from(dense));
  return hashes;
}

describe('node keys', () => {
  it('lay out version, nibble count and packed nibbles, with an odd tail zeroed', () => {
    const path = Uint8Array.from({ length: 32 }, (_, index) => index + 0xa0);
    expect(toHex(nodeKey(258, path, 3))).toBe('0000000000000102' + '03' + 'a0a0');
    expect(toHex(nodeKey(1, path, 2, 0x0f))).toBe('0000000000000001' + '02' + 'af');
    expect(toHex(nodeKey(1, path, 3, 0x0f))).toBe('0000000000000001' + '03' + 'a0f0');
    expect(toHex(rootNodeKey(7))).toBe('0000000000000007' + '00');
  });

  it('give back their version, up to the largest safe integer', () => {
    fc.assert(fc.property(fc.maxSafeNat(), fc.integer({ min: 0, max: 64 }), (version, nibbles) => {
      const key = nodeKey(version, new Uint8Array(32).fill(0xff), nibbles);
      expect(nodeKeyVersion(key)).toBe(version);
      expect(key.length).toBe(9 + Math.ceil(nibbles / 2));
      if (nibbles % 2 === 1) expect((key[key.length - 1] as number) & 0x0f).toBe(0);
    }), { numRuns: 200 });
  });
});

describe('stored nodes', () => {
  it('round-trip through canonical CBOR', () => {
    const nodes: TreeNode[] = [
      { type: 'empty' },
      { type: 'leaf', key: new Uint8Array(32).fill(1), value: Uint8Array.of(1, 2, 3) },
      { type: 'internal', existence: 0b101, leaves: 0b1, versions: [3, 2 ** 40],
        hashes: new Uint8Array(64).fill(9) },
    ];
    for (const node of nodes) expect(decodeNode(encodeNode(node))).toEqual(node);
  });
});

describe('inner hashes of a node', () => {
  it('equal the recursive definition, in full and patched after cache restore', () => {
    fc.assert(fc.property(childrenArbitrary, childrenArbitrary, fc.array(fc.nat(15)),
      (before, after, changed) => {
        const hashes = loaded(before);
        hashes.compute();
        expect(toHex(hashes.slot(1))).toBe(toHex(expected(before)));
        // Cache the node, reload it as the updater does, then change some children.
        const cache = new NodeHashCache(4);
        const hash = hashes.slot(1);
        cache.store(hash, hashes);
        const patched = loaded(before);
        expect(cache.restore(hash, patched, true)).toBe(true);
        const target = before.slice();
        for (const nibble of changed) {
          const child = after[nibble] ?? null;
          target[nibble] = child;
          patched.setChild(nibble, child?.hash, child?.leaf ?? false);
        }
        patched.compute();
        expect(toHex(patched.slot(1))).toBe(toHex(expected(target)));
        expect(toHex(patched.dense())).toBe(toHex(Uint8Array.from(target.flatMap((child) =>
          (child === null ? [] : [...child.hash])))));
      }), { numRuns: 200 });
  });

  it('refuses a cache entry whose bitmaps differ', () => {
    const children = Array.from({ length: 16 }, (_, nibble) =>
      ({ hash: new Uint8Array(32).fill(nibble), leaf: nibble % 2 === 0 }));
    const hashes = loaded(children);
    hashes.compute();
    const cache = new NodeHashCache(4);
    cache.store(hashes.slot(1), hashes);
    const other = loaded(children.map((child, nibble) =>
      (nibble === 3 ? { ...child, leaf: true } : child)));
    expect(cache.restore(hashes.slot(1), other, false)).toBe(false);
  });
});
