// The versioned state tree: reads, proofs and batch updates at any version whose nodes are still
// stored. Beyond the hash function and the node reader the tree holds only a cache of inner
// hashes, which never changes a result, so one instance serves every version and every caller.
//
// Versions: version 0 is the empty tree and is never written. Every other version exists exactly
// when `applyUpdates(base, version, ...)` ran and the caller wrote its nodes; each applied version
// has a root entry under `rootNodeKey(version)` (a copy of the base root if nothing changed, the
// empty node if the tree is empty). A block without state changes either applies an empty batch,
// which costs one small root entry, or skips the version and remembers which version its state
// is at; reading a version that was never applied throws HEIGHT_UNAVAILABLE instead of guessing.
import { ErrorCode, ZwError, assert, bytesEqual } from '../core/index.js';
import type { HashFunction } from '../core/index.js';
import { NodeHasher, isSingleBit, lowestBit, nibbleAt } from './hashing.js';
import { childKey, decodeNode, emptyNode, hashOfNode, keyBytes, rootNodeKey } from './node.js';
import { NodeHashCache, NodeHashes } from './node-hashes.js';
import type { InternalNode, LeafNode, TreeNode } from './node.js';
import type { StateProof } from './proof.js';
import { readNode } from './store.js';
import type { NodeReader } from './store.js';
import { BatchUpdate, prepareOperations } from './update.js';
import type { TreeUpdate, UpdateResult } from './update.js';

export interface ValueWithProof {
  readonly value: Uint8Array | undefined;
  readonly proof: StateProof;
}

/** A node as stored, with its key and decoded form. */
interface StoredNode {
  readonly key: Uint8Array;
  readonly bytes: Uint8Array;
  readonly node: TreeNode;
}

/** Options of a StateTree; every field has a default. */
export interface StateTreeInit {
  /**
   * Internal nodes (with 4 or more children) whose inner binary hashes are kept in memory, about
   * 700 bytes each, so a batch that changes one child of a wide node recomputes 4 hashes instead
   * of 15, and proofs through it need none. A cache only: results never depend on it. 0 disables
   * it. Default 32,768 nodes (about 23 MB), enough for the wide upper levels of a tree of
   * millions of keys.
   */
  readonly hashCacheNodesMax?: number;
}

export const hashCacheNodesDefault = 32_768;

export class StateTree {
  private readonly hashes: NodeHashes;
  private readonly cache: NodeHashCache;

  constructor(
    readonly hash: HashFunction, private readonly reader: NodeReader, init: StateTreeInit = {},
  ) {
    const nodesMax = init.hashCacheNodesMax ?? hashCacheNodesDefault;
    assert(Number.isSafeInteger(nodesMax) && nodesMax >= 0, 'hash cache size is a count');
    this.hashes = new NodeHashes(new NodeHasher(hash));
    this.cache = new NodeHashCache(nodesMax);
  }

  /** The root hash at `version`; `emptyRootHash` for version 0 and for an emptied tree. */
  rootHash(version: number): Uint8Array {
    return hashOfNode(this.hashes, this.loadRoot(version));
  }

  /** Whether `version` is 0 or was applied and not pruned. */
  hasVersion(version: number): boolean {
    checkVersion(version);
    return version === 0 || this.reader.getNode(rootNodeKey(version)) !== undefined;
  }

  /** The value of a 32-byte key hash at `version`, or undefined if the key is absent. */
  get(version: number, key: Uint8Array): Uint8Array | undefined {
    checkKey(key);
    let node = this.loadRoot(version);
    for (let depth = 0; ; depth++) {
      if (node.type === 'empty') return undefined;
      if (node.type === 'leaf') return bytesEqual(node.key, key) ? node.value : undefined;
      const nibble = nibbleAt(key, depth);
      if ((node.existence & (1 << nibble)) === 0) return undefined;
      node = this.loadChild(node, key, depth, nibble);
    }
  }

  /** The value at `version` (or undefined) with a proof against `rootHash(version)`. */
  getWithProof(version: number, key: Uint8Array): ValueWithProof {
    checkKey(key);
    const siblings: Uint8Array[] = [];
    let node = this.loadRoot(version);
    let hash: Uint8Array | undefined;
    for (let depth = 0; ; depth++) {
      if (node.type === 'empty') return { value: undefined, proof: { siblings, leaf: null } };
      if (node.type === 'leaf') return this.leafAnswer(node, key, siblings);
      const nibble = this.descend(node, hash, key, depth, siblings);
      if (nibble === undefined) return { value: undefined, proof: { siblings, leaf: null } };
      hash = this.hashes.child(nibble);
      node = this.loadChild(node, key, depth, nibble);
    }
  }

  /**
   * Applies a batch of updates to the tree of `baseVersion` as the tree of `newVersion`, and
   * returns the new root, the new nodes and the stale node keys. It writes nothing: the caller
   * MUST write `nodes` (in the same atomic transaction as its block) BEFORE reading `newVersion`,
   * or layer an OverlayNodeReader to apply the next version first.
   *
   * The result depends only on the stored nodes and the set of updates, not their order. A key
   * may appear once per batch (an assertion fails otherwise: merging a block's writes is the
   * caller's job). Setting a key to its current value or deleting an absent key changes nothing.
   *
   * `stale` lists the nodes reachable from `baseVersion` but not from `newVersion`. A pruner may
   * delete them once no reader needs any version before `newVersion`.
   */
  applyUpdates(
    baseVersion: number, newVersion: number, updates: readonly TreeUpdate[],
  ): UpdateResult {
    assert(Number.isSafeInteger(baseVersion) && baseVersion >= 0, 'base version is an integer');
    assert(Number.isSafeInteger(newVersion) && newVersion > baseVersion,
      'a new version comes after its base');
    assert(this.reader.getNode(rootNodeKey(newVersion)) === undefined,
      'a version is applied once');
    const operations = prepareOperations(updates);
    const batch = new BatchUpdate(this.hashes, this.cache, this.reader, newVersion);
    return batch.run(baseVersion, operations);
  }

  /** Every (key hash, value) at `version` in key order: for snapshots, audits and tests. */
  *entries(version: number): Generator<[Uint8Array, Uint8Array]> {
    for (const { node } of this.walk(version)) {
      if (node.type === 'leaf') yield [node.key, node.value];
    }
  }

  /**
   * Every stored node `version` reaches, as (node key, encoded node), parents before children:
   * what a snapshot of that version must carry, and what a pruner must keep.
   */
  *nodesAt(version: number): Generator<[Uint8Array, Uint8Array]> {
    for (const { key, bytes } of this.walk(version)) yield [key, bytes];
  }

  private *walk(version: number): Generator<StoredNode> {
    checkVersion(version);
    if (version === 0) return;
    const rootKey = rootNodeKey(version);
    yield* this.walkFrom(rootKey, new Uint8Array(keyBytes), 0);
  }

  private *walkFrom(
    key: Uint8Array, path: Uint8Array, depth: number,
  ): Generator<StoredNode> {
    const bytes = readNode(this.reader, key);
    const node = decodeNode(bytes);
    yield { key, bytes, node };
    if (node.type !== 'internal') return;
    for (let nibble = 0; nibble < 16; nibble++) {
      if ((node.existence & (1 << nibble)) === 0) continue;
      const childPath = withNibble(path, depth, nibble);
      yield* this.walkFrom(childKey(node, childPath, depth, nibble), childPath, depth + 1);
    }
  }

  private loadRoot(version: number): TreeNode {
    checkVersion(version);
    if (version === 0) return emptyNode;
    return decodeNode(readNode(this.reader, rootNodeKey(version)));
  }

  private loadChild(node: InternalNode, key: Uint8Array, depth: number, nibble: number): TreeNode {
    const child = decodeNode(readNode(this.reader, childKey(node, key, depth, nibble)));
    assert(child.type !== 'empty', 'an empty node is only ever a root');
    return child;
  }

  private leafAnswer(leaf: LeafNode, key: Uint8Array, siblings: Uint8Array[]): ValueWithProof {
    const proofLeaf = { key: leaf.key, valueHash: this.hash(leaf.value) };
    const value = bytesEqual(leaf.key, key) ? leaf.value : undefined;
    return { value, proof: { siblings, leaf: proofLeaf } };
  }

  /**
   * Walks the four binary levels inside one internal node toward the key's nibble, collecting
   * the sibling hash at each level. Stops where the binary hash stops (see NodeHashes): at an
   * empty range (returns undefined) or a range holding a single leaf (returns that leaf's
   * nibble, which may differ from the key's). Otherwise returns the key's nibble, an internal
   * child to descend into.
   */
  private descend(
    node: InternalNode, hash: Uint8Array | undefined, key: Uint8Array, depth: number,
    siblings: Uint8Array[],
  ): number | undefined {
    const hashes = this.hashes;
    hashes.load(node.existence, node.leaves, node.hashes);
    if (hash !== undefined) this.cache.restore(hash, hashes, false);
    hashes.compute();
    const nibble = nibbleAt(key, depth);
    let slot = 1;
    for (let level = 3; level >= 0; level--) {
      slot = 2 * slot + ((nibble >> level) & 1);
      siblings.push(hashes.slot(slot ^ 1));
      const present = hashes.existence & NodeHashes.rangeMask(slot);
      if (present === 0) return undefined;
      if (isSingleBit(present) && (present & hashes.leaves) !== 0) return lowestBit(present);
    }
    return nibble;
  }
}

/** A copy of `path` with nibble `depth` set to `nibble`. */
function withNibble(path: Uint8Array, depth: number, nibble: number): Uint8Array {
  const out = path.slice();
  const index = depth >> 1;
  const byte = out[index] as number;
  out[index] = (depth & 1) === 0 ? (byte & 0x0f) | (nibble << 4) : (byte & 0xf0) | nibble;
  return out;
}

function checkVersion(version: number): void {
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'state version must be a non-negative integer');
  }
}

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== keyBytes) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'state key must be a 32-byte key hash');
  }
}
