// Shared fixtures for the state tree tests: SHA-256 as the hash function, key generators that
// produce long shared prefixes (so deep paths and leaf moves are exercised, not just random keys),
// an independent reference root for the plain binary sparse Merkle tree, and a harness that
// applies batches version by version and keeps a reference Map per version.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { toHex } from '../../src/core/index.js';
import type { HashFunction } from '../../src/core/index.js';
import { MemoryNodeStore, StateTree } from '../../src/state/index.js';
import type { TreeUpdate, UpdateResult } from '../../src/state/index.js';

export const sha256: HashFunction = (data) =>
  new Uint8Array(createHash('sha256').update(data).digest());

const bases = [0x00, 0x5a, 0xa5, 0xff].map((fill) => new Uint8Array(32).fill(fill));

/** A 32-byte key near one of four bases: 0-3 flipped bits make prefixes of every length. */
export const keyArbitrary: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 3 }), fc.array(fc.integer({ min: 0, max: 255 }),
    { maxLength: 3 })).map(([base, bits]) => flipBits(bases[base] as Uint8Array, bits)),
  fc.uint8Array({ minLength: 32, maxLength: 32 }),
);

export function flipBits(key: Uint8Array, bits: readonly number[]): Uint8Array {
  const out = key.slice();
  for (const bit of bits) out[bit >> 3] = (out[bit >> 3] as number) ^ (0x80 >> (bit & 7));
  return out;
}

export const valueArbitrary: fc.Arbitrary<Uint8Array> = fc.uint8Array({ maxLength: 8 });

/** A batch with distinct keys: each key is set (value) or deleted (null). */
export const batchArbitrary: fc.Arbitrary<TreeUpdate[]> = fc
  .uniqueArray(fc.tuple(keyArbitrary, fc.option(valueArbitrary, { freq: 4 })),
    { selector: ([key]) => toHex(key), maxLength: 40 })
  .map((pairs) => pairs.map(([key, value]) => ({ key, value })));

/** Deterministic shuffle, so a failing order reproduces from the fast-check seed. */
export function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = items.slice();
  let state = seed >>> 0;
  for (let index = out.length - 1; index > 0; index--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const other = state % (index + 1);
    [out[index], out[other]] = [out[other] as T, out[index] as T];
  }
  return out;
}

/** Root of the plain binary sparse Merkle tree, leaves at their shortest unique bit prefix. */
export function referenceRoot(entries: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const leaves = [...entries.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([hex, value]) => ({ key: Buffer.from(hex, 'hex'), value }));
  return subtreeRoot(leaves, 0);
}

function subtreeRoot(leaves: readonly { key: Uint8Array; value: Uint8Array }[], bit: number):
Uint8Array {
  if (leaves.length === 0) return new Uint8Array(32);
  const [first] = leaves;
  if (leaves.length === 1 && first !== undefined) {
    return sha256(Buffer.concat([Uint8Array.of(2), first.key, sha256(first.value)]));
  }
  const isRight = (key: Uint8Array): boolean =>
    (((key[bit >> 3] as number) >> (7 - (bit & 7))) & 1) === 1;
  const left = subtreeRoot(leaves.filter((leaf) => !isRight(leaf.key)), bit + 1);
  const right = subtreeRoot(leaves.filter((leaf) => isRight(leaf.key)), bit + 1);
  return sha256(Buffer.concat([Uint8Array.of(3), left, right]));
}

/** Applies batches as successive versions and remembers what each version should hold. */
export class Harness {
  readonly store = new MemoryNodeStore();
  readonly tree = new StateTree(sha256, this.store);
  /** version -> the key/value map that version must hold (hex keys). */
  readonly expected = new Map<number, Map<string, Uint8Array>>([[0, new Map()]]);
  readonly results = new Map<number, UpdateResult>();
  version = 0;

  apply(updates: readonly TreeUpdate[], skip = 0): UpdateResult {
    const next = this.version + 1 + skip;
    const result = this.tree.applyUpdates(this.version, next, updates);
    this.store.write(result.nodes);
    const map = new Map(this.expected.get(this.version));
    for (const { key, value } of updates) {
      if (value === null) map.delete(toHex(key));
      else map.set(toHex(key), value);
    }
    this.expected.set(next, map);
    this.results.set(next, result);
    this.version = next;
    return result;
  }
}

/** Keys of all nodes a version reaches, as hex. */
export function reachable(tree: StateTree, version: number): Set<string> {
  const keys = new Set<string>();
  for (const [key] of tree.nodesAt(version)) keys.add(toHex(key));
  return keys;
}
