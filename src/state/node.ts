// Node keys and the stored form of tree nodes. A node is stored under the version that wrote it and
// its position (nibble path), as in Diem's Jellyfish Merkle tree, so a node is never overwritten:
// every version's tree stays readable until a pruner removes the nodes it reported stale.
//
// Node key = version (8 bytes, big-endian) ‖ nibble count (1 byte) ‖ nibbles packed two per byte,
// high nibble first, an odd tail padded with a zero nibble. Keys sort by version first, so a pruner
// or a snapshot can walk one version's nodes as a range.
//
// Stored nodes are canonical CBOR arrays:
//   [0]                                            the empty tree (only ever a version's root)
//   [1, keyHash, value]                            a leaf
//   [2, existence, leaves, versions, hashes]       an internal node: `existence` and `leaves` are
//       16-bit masks (bit i = child at nibble i exists / is a leaf), `versions` the children's
//       versions and `hashes` their hashes concatenated, both in nibble order.
import { assert, decode, encode, hashBytes } from '../core/index.js';
import { bitCount, emptyRootHash } from './hashing.js';
import type { NodeHashes } from './node-hashes.js';

/** Nibbles in a 256-bit key hash: the deepest position a leaf can take. */
export const nibblesMax = 64;
export const keyBytes = 32;
const versionBytes = 8;

export interface EmptyNode {
  readonly type: 'empty';
}

export interface LeafNode {
  readonly type: 'leaf';
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

export interface InternalNode {
  readonly type: 'internal';
  readonly existence: number;
  readonly leaves: number;
  readonly versions: readonly number[];
  readonly hashes: Uint8Array;
}

export type TreeNode = EmptyNode | LeafNode | InternalNode;

export const emptyNode: EmptyNode = { type: 'empty' };

/**
 * The key of the node at the first `nibbles` nibbles of `path`, written at `version`. When `last`
 * is given it replaces the final nibble, which names a child of the node at `nibbles - 1`.
 */
export function nodeKey(
  version: number, path: Uint8Array, nibbles: number, last?: number,
): Uint8Array {
  assert(nibbles >= 0 && nibbles <= nibblesMax, 'nibble path longer than a key');
  const pathBytes = (nibbles + 1) >> 1;
  const out = new Uint8Array(versionBytes + 1 + pathBytes);
  writeVersion(out, version);
  out[versionBytes] = nibbles;
  out.set(path.subarray(0, pathBytes), versionBytes + 1);
  const lastIndex = versionBytes + 1 + pathBytes - 1;
  if ((nibbles & 1) === 1) out[lastIndex] = (out[lastIndex] as number) & 0xf0;
  if (last !== undefined) setLastNibble(out, lastIndex, nibbles, last);
  return out;
}

function setLastNibble(out: Uint8Array, lastIndex: number, nibbles: number, last: number): void {
  assert(nibbles > 0 && last >= 0 && last < 16, 'bad child nibble');
  const byte = out[lastIndex] as number;
  out[lastIndex] = (nibbles & 1) === 1 ? (byte & 0x0f) | (last << 4) : (byte & 0xf0) | last;
}

/** The key of a version's root node; every applied version has one. */
export function rootNodeKey(version: number): Uint8Array {
  return nodeKey(version, new Uint8Array(0), 0);
}

function writeVersion(out: Uint8Array, version: number): void {
  assert(Number.isSafeInteger(version) && version >= 0, 'version must be a safe integer');
  let rest = version;
  for (let index = versionBytes - 1; index >= 0; index--) {
    out[index] = rest % 256;
    rest = Math.floor(rest / 256);
  }
}

/** The version a node key was written at (for pruners and overlays). */
export function nodeKeyVersion(key: Uint8Array): number {
  assert(key.length > versionBytes, 'node key too short');
  let version = 0;
  for (let index = 0; index < versionBytes; index++) {
    version = version * 256 + (key[index] as number);
  }
  return version;
}

export function encodeNode(node: TreeNode): Uint8Array {
  switch (node.type) {
    case 'empty': return encode([0]);
    case 'leaf': return encode([1, node.key, node.value]);
    case 'internal':
      return encode([2, node.existence, node.leaves, node.versions, node.hashes]);
  }
}

/** Decodes a stored node. Stored nodes are our own output, so a bad one is corruption: assert. */
export function decodeNode(bytes: Uint8Array): TreeNode {
  const value = decode(bytes);
  assert(Array.isArray(value) && value.length > 0, 'corrupt state node');
  const fields = value as readonly unknown[];
  switch (fields[0]) {
    case 0: return emptyNode;
    case 1: return decodeLeaf(fields);
    case 2: return decodeInternal(fields);
    default: assert(false, 'corrupt state node: unknown type');
  }
}

function decodeLeaf(fields: readonly unknown[]): LeafNode {
  const [, key, value] = fields;
  assert(fields.length === 3 && key instanceof Uint8Array && key.length === keyBytes
    && value instanceof Uint8Array, 'corrupt state leaf');
  return { type: 'leaf', key, value };
}

function decodeInternal(fields: readonly unknown[]): InternalNode {
  const [, existence, leaves, versions, hashes] = fields;
  assert(fields.length === 5 && typeof existence === 'number' && typeof leaves === 'number'
    && Array.isArray(versions) && hashes instanceof Uint8Array, 'corrupt state internal node');
  const count = bitCount(existence);
  assert(existence > 0 && existence < 0x10000 && (leaves & ~existence) === 0
    && versions.length === count && hashes.length === count * hashBytes,
  'corrupt state internal node: children do not match bitmaps');
  return { type: 'internal', existence, leaves, versions: versions as number[], hashes };
}

/** Position of the child at `nibble` among an internal node's stored children. */
export function childIndex(node: InternalNode, nibble: number): number {
  return bitCount(node.existence & ((1 << nibble) - 1));
}

/** The key of the child at `nibble` of the internal node at the first `depth` nibbles of `path`. */
export function childKey(
  node: InternalNode, path: Uint8Array, depth: number, nibble: number,
): Uint8Array {
  const version = node.versions[childIndex(node, nibble)];
  assert(version !== undefined, 'child version missing');
  return nodeKey(version, path, depth + 1, nibble);
}

/** The hash a node contributes to its parent (or is, as a root). */
export function hashOfNode(hashes: NodeHashes, node: TreeNode): Uint8Array {
  switch (node.type) {
    case 'empty': return emptyRootHash;
    case 'leaf': return hashes.hasher.leafOfValue(node.key, node.value);
    case 'internal':
      hashes.load(node.existence, node.leaves, node.hashes);
      hashes.compute();
      return hashes.slot(1);
  }
}
