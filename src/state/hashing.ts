// Hashing of the state tree: the domain-separated leaf and internal hashes, the placeholder for an
// empty subtree, and the binary Merkle hash of one 16-way internal node. The same functions serve
// the tree and the standalone proof verifier, so prover and verifier cannot drift apart.
//
//   empty subtree  = 32 zero bytes (`emptyRootHash`; also the root of the empty tree)
//   leaf           = H(0x02 ‖ keyHash ‖ H(value))
//   internal       = H(0x03 ‖ leftHash ‖ rightHash)
//
// The prefixes continue core's block Merkle tree (0x00 leaf, 0x01 node), so no node of one tree can
// pose as a node of the other and a leaf can never pose as an internal node.
import { assert, hashBytes } from '../core/index.js';
import type { HashFunction } from '../core/index.js';

export const leafPrefix = 0x02;
export const internalPrefix = 0x03;

/** Hash of an empty subtree and root of the empty tree: 32 zero bytes, for every hash suite. */
export const emptyRootHash: Uint8Array = new Uint8Array(hashBytes);

/**
 * Hashes tree nodes with one reusable 65-byte buffer, so hashing a node allocates nothing but the
 * digest. The hash function MUST NOT keep a reference to its input (node:crypto and noble do not).
 */
export class NodeHasher {
  private readonly buffer = new Uint8Array(1 + 2 * hashBytes);

  constructor(readonly hash: HashFunction) {}

  leaf(keyHash: Uint8Array, valueHash: Uint8Array): Uint8Array {
    return this.pair(leafPrefix, keyHash, valueHash);
  }

  leafOfValue(keyHash: Uint8Array, value: Uint8Array): Uint8Array {
    return this.pair(leafPrefix, keyHash, this.hash(value));
  }

  internal(left: Uint8Array, right: Uint8Array): Uint8Array {
    return this.pair(internalPrefix, left, right);
  }

  private pair(prefix: number, left: Uint8Array, right: Uint8Array): Uint8Array {
    assert(left.length === hashBytes && right.length === hashBytes, 'tree hashes are 32 bytes');
    const buffer = this.buffer;
    buffer[0] = prefix;
    buffer.set(left, 1);
    buffer.set(right, 1 + hashBytes);
    const digest = this.hash(buffer);
    assert(digest.length === hashBytes, 'hash function must return 32 bytes');
    return digest;
  }

  /** Hashes the adjacent 64 bytes at `offset` of `slots` as an internal node's two children. */
  internalAt(slots: Uint8Array, offset: number): Uint8Array {
    const buffer = this.buffer;
    buffer[0] = internalPrefix;
    for (let index = 0; index < 2 * hashBytes; index++) {
      buffer[1 + index] = slots[offset + index] as number;
    }
    const digest = this.hash(buffer);
    assert(digest.length === hashBytes, 'hash function must return 32 bytes');
    return digest;
  }
}

export function isSingleBit(bits: number): boolean {
  return bits !== 0 && (bits & (bits - 1)) === 0;
}

/** Index of the lowest set bit of a non-zero 16-bit mask. */
export function lowestBit(bits: number): number {
  return 31 - Math.clz32(bits & -bits);
}

export function bitCount(bits: number): number {
  let count = 0;
  for (let rest = bits; rest !== 0; rest &= rest - 1) count++;
  return count;
}

/** Bit `index` of a key, most significant bit of byte 0 first: 0 goes left, 1 goes right. */
export function keyBit(key: Uint8Array, index: number): number {
  return ((key[index >> 3] as number) >> (7 - (index & 7))) & 1;
}

/** Nibble `index` of a key, high nibble of byte 0 first. */
export function nibbleAt(key: Uint8Array, index: number): number {
  const byte = key[index >> 1] as number;
  return (index & 1) === 0 ? byte >> 4 : byte & 0x0f;
}

/**
 * A byte string as a Map key: one UTF-16 unit per byte. Built in one call, because a key built by
 * concatenation (as hex is) leaves a chain of intermediate strings for the collector.
 */
export function bytesKey(bytes: Uint8Array): string {
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}
