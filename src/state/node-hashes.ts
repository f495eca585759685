// The binary Merkle tree inside one 16-way internal node, kept in one buffer in heap order: slot 1
// is the node's hash, slot k has children 2k and 2k + 1, and slots 16..31 are the children by
// nibble. Heap order puts every pair of siblings side by side, so hashing a pair is one 64-byte
// copy, and recomputing after some children change touches only their ancestors (4 hashes for
// one changed child instead of 15). A small cache keeps the inner slots of recently written
// nodes, so the next batch through a node hashes only what changed.
//
// Slot values follow Diem's Jellyfish rule: a range with no children is the empty placeholder, a
// range holding exactly one child that is a leaf is that leaf's hash (the shortcut that puts each
// leaf at its shortest unique bit prefix), anything else is H(0x03 ‖ left ‖ right).
import { assert, hashBytes } from '../core/index.js';
import { bytesKey, isSingleBit, lowestBit } from './hashing.js';
import type { NodeHasher } from './hashing.js';

const slotsTotal = 32;
const childSlot = 16;
const innerBytes = 15 * hashBytes;

/** rangeMasks[k]: the children (bit per nibble) under slot k. */
const rangeMasks: readonly number[] = (() => {
  const masks = new Array<number>(slotsTotal).fill(0);
  for (let nibble = 0; nibble < 16; nibble++) masks[childSlot + nibble] = 1 << nibble;
  for (let slot = childSlot - 1; slot >= 1; slot--) {
    masks[slot] = (masks[2 * slot] as number) | (masks[2 * slot + 1] as number);
  }
  return masks;
})();

/**
 * The inner slots (1..15) of internal nodes written recently, keyed by node hash. Entries are
 * checked against the node's bitmaps on use: equal bitmaps and an equal node hash imply equal
 * inner slots (short of a hash collision), so a stale or foreign entry can never be used, even
 * when a version is abandoned and applied again with other updates.
 */
export class NodeHashCache {
  private readonly entries = new Map<string, CachedSlots>();
  /** Buffers of removed entries, reused so the cache allocates nothing in steady state. */
  private readonly free: CachedSlots[] = [];

  /** `nodesMax` 0 disables the cache. */
  constructor(readonly nodesMax: number) {}

  /**
   * Restores the inner slots of `hashes`, just loaded with the node whose hash is `hash`, from
   * the cache. `take` removes the entry: the node is about to be replaced.
   */
  restore(hash: Uint8Array, hashes: NodeHashes, take: boolean): boolean {
    if (this.nodesMax === 0) return false;
    const key = bytesKey(hash);
    const entry = this.entries.get(key);
    if (entry === undefined) return false;
    const valid = entry.existence === hashes.existence && entry.leaves === hashes.leaves;
    if (valid) hashes.restore(entry.inner);
    if (take || !valid) this.remove(key, entry);
    return valid;
  }

  /** Remembers the inner slots of `hashes` (computed) for the node whose hash is `hash`. */
  store(hash: Uint8Array, hashes: NodeHashes): void {
    if (this.nodesMax === 0) return;
    const entry = this.free.pop() ?? { existence: 0, leaves: 0, inner: new Uint8Array(innerBytes) };
    entry.existence = hashes.existence;
    entry.leaves = hashes.leaves;
    hashes.copyInner(entry.inner);
    this.entries.set(bytesKey(hash), entry);
    if (this.entries.size > this.nodesMax) {
      // Maps iterate in insertion order, so this evicts the entry written longest ago.
      const oldest = this.entries.entries().next();
      if (oldest.done !== true) this.remove(oldest.value[0], oldest.value[1]);
    }
  }

  private remove(key: string, entry: CachedSlots): void {
    this.entries.delete(key);
    if (this.free.length < freeEntriesMax) this.free.push(entry);
  }
}

const freeEntriesMax = 1_024;

interface CachedSlots {
  existence: number;
  leaves: number;
  readonly inner: Uint8Array;
}

/** One internal node's binary hashes; reusable across nodes. */
export class NodeHashes {
  readonly slots = new Uint8Array(slotsTotal * hashBytes);
  existence = 0;
  leaves = 0;
  /** Inner slots (bit k) that no longer match the children. */
  private stale = 0;

  constructor(readonly hasher: NodeHasher) {}

  /** Loads a node's children (dense, in nibble order) and marks every inner slot stale. */
  load(existence: number, leaves: number, dense: Uint8Array): void {
    this.existence = existence;
    this.leaves = leaves;
    let index = 0;
    for (let nibble = 0; nibble < 16; nibble++) {
      const offset = (childSlot + nibble) * hashBytes;
      if ((existence & (1 << nibble)) === 0) {
        this.slots.fill(0, offset, offset + hashBytes);
        continue;
      }
      copy(dense, index * hashBytes, this.slots, offset);
      index++;
    }
    assert(index * hashBytes === dense.length, 'child hashes do not match the bitmap');
    this.stale = 0xfffe;
  }

  /** Restores inner slots from the cache: only slots above later changes are recomputed. */
  restore(inner: Uint8Array): void {
    assert(inner.length === innerBytes, 'inner slots are 15 hashes');
    this.slots.set(inner, hashBytes);
    this.stale = 0;
  }

  /** Sets (hash) or removes (undefined) the child at `nibble`. */
  setChild(nibble: number, hash: Uint8Array | undefined, leaf: boolean): void {
    const bit = 1 << nibble;
    const offset = (childSlot + nibble) * hashBytes;
    if (hash === undefined) {
      this.existence &= ~bit;
      this.slots.fill(0, offset, offset + hashBytes);
    } else {
      assert(hash.length === hashBytes, 'child hash is 32 bytes');
      this.existence |= bit;
      this.slots.set(hash, offset);
    }
    this.leaves = leaf && hash !== undefined ? this.leaves | bit : this.leaves & ~bit;
    for (let slot = (childSlot + nibble) >> 1; slot >= 1; slot >>= 1) this.stale |= 1 << slot;
  }

  /** Recomputes the stale inner slots, children before parents. */
  compute(): void {
    for (let slot = childSlot - 1; slot >= 1; slot--) {
      if ((this.stale & (1 << slot)) !== 0) this.computeSlot(slot);
    }
    this.stale = 0;
  }

  private computeSlot(slot: number): void {
    const offset = slot * hashBytes;
    const present = this.existence & (rangeMasks[slot] as number);
    if (present === 0) {
      this.slots.fill(0, offset, offset + hashBytes);
    } else if (isSingleBit(present) && (present & this.leaves) !== 0) {
      copy(this.slots, (childSlot + lowestBit(present)) * hashBytes, this.slots, offset);
    } else {
      this.slots.set(this.hasher.internalAt(this.slots, 2 * slot * hashBytes), offset);
    }
  }

  /** A copy of the hash of the child at `nibble`. */
  child(nibble: number): Uint8Array {
    assert((this.existence & (1 << nibble)) !== 0, 'no child at this nibble');
    const offset = (childSlot + nibble) * hashBytes;
    return this.slots.slice(offset, offset + hashBytes);
  }

  /** A copy of slot k (1 is the node's hash). */
  slot(slot: number): Uint8Array {
    assert(this.stale === 0, 'compute() before reading slots');
    return this.slots.slice(slot * hashBytes, (slot + 1) * hashBytes);
  }

  /** Copies the inner slots 1..15 into `out`, for the cache. */
  copyInner(out: Uint8Array): void {
    assert(this.stale === 0 && out.length === innerBytes, 'compute() before reading slots');
    out.set(this.slots.subarray(hashBytes, childSlot * hashBytes));
  }

  /** The present children's hashes, dense in nibble order, as an internal node stores them. */
  dense(): Uint8Array {
    let count = 0;
    for (let rest = this.existence; rest !== 0; rest &= rest - 1) count++;
    const out = new Uint8Array(count * hashBytes);
    let index = 0;
    for (let nibble = 0; nibble < 16; nibble++) {
      if ((this.existence & (1 << nibble)) === 0) continue;
      copy(this.slots, (childSlot + nibble) * hashBytes, out, index * hashBytes);
      index++;
    }
    return out;
  }

  /** Children under slot k, as a nibble mask. */
  static rangeMask(slot: number): number {
    return rangeMasks[slot] as number;
  }
}

function copy(from: Uint8Array, fromOffset: number, to: Uint8Array, toOffset: number): void {
  for (let index = 0; index < hashBytes; index++) {
    to[toOffset + index] = from[fromOffset + index] as number;
  }
}
