// A binary Merkle tree over an ordered list (transactions and receipts of a block), as in
// RFC 6962 §2.1: leaves are hashed with a 0x00 prefix and inner nodes with 0x01, so a leaf can
// never be passed off as an inner node. The split point is the largest power of two below n.
import { concatBytes, bytesEqual } from './bytes.js';
import { assert } from './assert.js';
import type { HashFunction } from './types.js';

const leafPrefix = Uint8Array.of(0);
const nodePrefix = Uint8Array.of(1);

export function merkleLeafHash(hash: HashFunction, leaf: Uint8Array): Uint8Array {
  return hash(concatBytes(leafPrefix, leaf));
}

function nodeHash(hash: HashFunction, left: Uint8Array, right: Uint8Array): Uint8Array {
  return hash(concatBytes(nodePrefix, left, right));
}

function splitPoint(n: number): number {
  assert(n > 1, 'split needs two or more leaves');
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Root of the leaves; the empty list hashes to hash(""). */
export function merkleRoot(hash: HashFunction, leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return hash(new Uint8Array(0));
  return subtreeRoot(hash, leaves.map((leaf) => merkleLeafHash(hash, leaf)));
}

function subtreeRoot(hash: HashFunction, leafHashes: readonly Uint8Array[]): Uint8Array {
  if (leafHashes.length === 1) return leafHashes[0] as Uint8Array;
  const k = splitPoint(leafHashes.length);
  return nodeHash(hash, subtreeRoot(hash, leafHashes.slice(0, k)),
    subtreeRoot(hash, leafHashes.slice(k)));
}

export interface MerkleProof {
  readonly index: number;
  readonly total: number;
  /** Sibling hashes from the leaf up to the root. */
  readonly path: readonly Uint8Array[];
}

export function merkleProof(
  hash: HashFunction, leaves: readonly Uint8Array[], index: number,
): MerkleProof {
  assert(index >= 0 && index < leaves.length, 'proof index out of range');
  const leafHashes = leaves.map((leaf) => merkleLeafHash(hash, leaf));
  const path: Uint8Array[] = [];
  collectPath(hash, leafHashes, index, path);
  return { index, total: leaves.length, path };
}

function collectPath(
  hash: HashFunction, leafHashes: readonly Uint8Array[], index: number, path: Uint8Array[],
): void {
  if (leafHashes.length === 1) return;
  const k = splitPoint(leafHashes.length);
  if (index < k) {
    collectPath(hash, leafHashes.slice(0, k), index, path);
    path.push(subtreeRoot(hash, leafHashes.slice(k)));
  } else {
    collectPath(hash, leafHashes.slice(k), index - k, path);
    path.push(subtreeRoot(hash, leafHashes.slice(0, k)));
  }
}

/** Recomputes the root from a leaf and its proof; false on any mismatch or malformed proof. */
export function verifyMerkleProof(
  hash: HashFunction, root: Uint8Array, leaf: Uint8Array, proof: MerkleProof,
): boolean {
  if (!Number.isSafeInteger(proof.index) || !Number.isSafeInteger(proof.total)) return false;
  if (proof.index < 0 || proof.index >= proof.total) return false;
  const computed = rootFromPath(hash, merkleLeafHash(hash, leaf), proof.index, proof.total,
    proof.path, proof.path.length);
  return computed !== undefined && bytesEqual(computed, root);
}

function rootFromPath(
  hash: HashFunction, leafHash: Uint8Array, index: number, total: number,
  path: readonly Uint8Array[], depth: number,
): Uint8Array | undefined {
  if (total === 1) return depth === 0 ? leafHash : undefined;
  if (depth === 0) return undefined;
  const sibling = path[depth - 1] as Uint8Array;
  const k = splitPoint(total);
  if (index < k) {
    const left = rootFromPath(hash, leafHash, index, k, path, depth - 1);
    return left === undefined ? undefined : nodeHash(hash, left, sibling);
  }
  const right = rootFromPath(hash, leafHash, index - k, total - k, path, depth - 1);
  return right === undefined ? undefined : nodeHash(hash, sibling, right);
}
