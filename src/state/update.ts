// One batch of updates from a base version to a new version, as a pure function of the stored
// nodes and the updates. The updates are sorted by key, so each affected node is read, rebuilt,
// hashed and written exactly once however many updates pass through it, and untouched subtrees
// are kept by reference (their hash and version live in the parent) without being read.
//
// Shape rules, as in Diem's Jellyfish Merkle tree: a leaf sits at the shortest nibble prefix that
// no other key shares; an internal node has two or more children, or one internal child; an
// internal node left with a single leaf child dissolves and the leaf moves up. Every new node is
// written under the new version, and every node the new version no longer reaches is reported
// stale exactly once.
import { assert, bytesEqual, compareBytes } from '../core/index.js';
import { bitCount, emptyRootHash, isSingleBit, lowestBit, nibbleAt } from './hashing.js';
import {
  decodeNode, emptyNode, encodeNode, hashOfNode, keyBytes, nibblesMax, nodeKey, rootNodeKey,
} from './node.js';
import { NodeHashes } from './node-hashes.js';
import type { NodeHashCache } from './node-hashes.js';
import type { InternalNode, LeafNode, TreeNode } from './node.js';
import { readNode } from './store.js';
import type { NodeReader } from './store.js';

export interface TreeUpdate {
  /** The 32-byte key hash. */
  readonly key: Uint8Array;
  /** The new value, or null to delete the key (deleting an absent key changes nothing). */
  readonly value: Uint8Array | null;
}

export interface UpdateResult {
  /** Root hash of the new version. */
  readonly root: Uint8Array;
  /** New node key -> encoded node; the caller MUST write them all before reading the version. */
  readonly nodes: Array<[Uint8Array, Uint8Array]>;
  /** Node keys the new version no longer reaches, for a pruner (see StateTree.applyUpdates). */
  readonly stale: Uint8Array[];
}

/** An update on its way down, with the leaf hash when it is already known (a moved leaf). */
interface Operation {
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
  readonly leafHash: Uint8Array | undefined;
}

/** A subtree that reduced to one leaf, not yet written: its parent decides its position. */
interface FloatingLeaf {
  readonly kind: 'leaf';
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  readonly leafHash: Uint8Array | undefined;
}

/** An internal node already written at its position under the new version. */
interface PlacedNode {
  readonly kind: 'internal';
  readonly hash: Uint8Array;
}

const unchanged: unique symbol = Symbol('unchanged');

/** What became of a subtree: unchanged, emptied (null), one leaf, or a new internal node. */
type Outcome = typeof unchanged | null | FloatingLeaf | PlacedNode;

/** A parent's reference to an existing child. */
interface ChildRef {
  readonly version: number;
  readonly hash: Uint8Array;
}

/** Sorts and checks a batch: keys are 32 bytes and appear once (duplicates are a caller bug). */
export function prepareOperations(updates: readonly TreeUpdate[]): Operation[] {
  const operations = updates.map((update): Operation => {
    assert(update.key instanceof Uint8Array && update.key.length === keyBytes,
      'state update key must be a 32-byte key hash');
    assert(update.value === null || update.value instanceof Uint8Array,
      'state update value must be bytes or null');
    return { key: update.key, value: update.value, leafHash: undefined };
  });
  operations.sort((a, b) => compareBytes(a.key, b.key));
  for (let index = 1; index < operations.length; index++) {
    assert(!bytesEqual((operations[index - 1] as Operation).key,
      (operations[index] as Operation).key), 'state updates must not repeat a key');
  }
  return operations;
}

/** Internal nodes with at least this many children keep their inner hashes in the cache. */
const cachedChildrenMin = 4;

/** Runs one batch; create one per applyUpdates call. */
export class BatchUpdate {
  readonly nodes: Array<[Uint8Array, Uint8Array]> = [];
  readonly stale: Uint8Array[] = [];
  /**
   * One hash buffer per depth: a node being rebuilt at depth d waits only on nodes at depths
   * greater than d, so one buffer per depth is never needed twice at once.
   */
  private readonly hashesByDepth: NodeHashes[] = [];

  constructor(
    private readonly hashes: NodeHashes,
    private readonly cache: NodeHashCache,
    private readonly reader: NodeReader,
    private readonly version: number,
  ) {}

  /** Applies sorted operations to the tree of `baseVersion`; writes the new version's root. */
  run(baseVersion: number, operations: readonly Operation[]): UpdateResult {
    const rootBytes = baseVersion === 0
      ? undefined : readNode(this.reader, rootNodeKey(baseVersion));
    const root = rootBytes === undefined ? emptyNode : decodeNode(rootBytes);
    // The new version always gets its own root entry, so the old one is always superseded.
    if (rootBytes !== undefined) this.stale.push(rootNodeKey(baseVersion));
    const outcome = operations.length === 0 ? unchanged
      : this.updateNode(root, undefined, 0, operations, 0, operations.length);
    const rootKey = rootNodeKey(this.version);
    if (outcome === unchanged) {
      this.nodes.push([rootKey, rootBytes ?? encodeNode(emptyNode)]);
      return this.result(hashOfNode(this.hashes, root));
    }
    if (outcome === null) {
      this.nodes.push([rootKey, encodeNode(emptyNode)]);
      return this.result(emptyRootHash);
    }
    // A placed internal node at depth 0 is already written under the root key.
    return this.result(outcome.kind === 'leaf' ? this.placeLeaf(outcome, 0) : outcome.hash);
  }

  private result(root: Uint8Array): UpdateResult {
    return { root, nodes: this.nodes, stale: this.stale };
  }

  /** Updates the existing child `ref`, stored under `key`, at depth `depth`. */
  private update(
    ref: ChildRef | undefined, key: Uint8Array | undefined, depth: number,
    operations: readonly Operation[], low: number, high: number,
  ): Outcome {
    if (ref === undefined || key === undefined) return this.build(depth, operations, low, high);
    const node = decodeNode(readNode(this.reader, key));
    assert(node.type !== 'empty', 'an empty node is only ever a root');
    return this.updateNode(node, ref.hash, depth, operations, low, high);
  }

  /** `hash` is the node's hash as its parent records it (undefined for the root). */
  private updateNode(
    node: TreeNode, hash: Uint8Array | undefined, depth: number,
    operations: readonly Operation[], low: number, high: number,
  ): Outcome {
    switch (node.type) {
      case 'empty': return this.build(depth, operations, low, high);
      case 'leaf': return this.updateLeaf(node, hash, depth, operations, low, high);
      case 'internal': return this.updateInternal(node, hash, depth, operations, low, high);
    }
  }

  /** A subtree where nothing exists yet: only the insertions among the operations count. */
  private build(
    depth: number, operations: readonly Operation[], low: number, high: number,
  ): Outcome {
    let insertions = 0;
    let only: Operation | undefined;
    for (let index = low; index < high; index++) {
      const operation = operations[index] as Operation;
      if (operation.value === null) continue;
      insertions++;
      only = operation;
    }
    if (insertions === 0 || only === undefined) return unchanged;
    if (insertions === 1) return floating(only);
    return this.updateInternal(undefined, undefined, depth, operations, low, high);
  }

  /**
   * A leaf meets operations: merge it into them as one more insertion (unless an operation
   * replaces or deletes it) and rebuild the subtree from nothing. A rewrite with an equal value
   * and deletions of absent keys change nothing, and leave the leaf where it is.
   */
  private updateLeaf(
    leaf: LeafNode, leafHash: Uint8Array | undefined, depth: number,
    operations: readonly Operation[], low: number, high: number,
  ): Outcome {
    const match = findKey(operations, low, high, leaf.key);
    const replacement = match === -1 ? undefined : operations[match] as Operation;
    const kept = replacement === undefined
      || (replacement.value !== null && bytesEqual(replacement.value, leaf.value));
    if (kept && !hasOtherInsertion(operations, low, high, match)) return unchanged;
    const survivor: Operation | undefined = kept
      ? { key: leaf.key, value: leaf.value, leafHash }
      : replacement?.value === null ? undefined : replacement;
    const merged = mergeSurvivor(operations, low, high, match, survivor);
    if (merged.length === 0) return null;
    if (merged.length === 1) return floating(merged[0] as Operation);
    return this.updateInternal(undefined, undefined, depth, merged, 0, merged.length);
  }

  /**
   * Passes each group of operations (one per child nibble) to its child, then rebuilds this node
   * once. `node` is undefined when building a new subtree from two or more insertions.
   */
  private updateInternal(
    node: InternalNode | undefined, hash: Uint8Array | undefined, depth: number,
    operations: readonly Operation[], low: number, high: number,
  ): Outcome {
    assert(depth < nibblesMax, 'two distinct keys always part before the last nibble');
    const children = new Children(this.hashesAt(depth), node);
    const cached = node !== undefined && hash !== undefined
      && this.cache.restore(hash, children.hashes, true);
    let changed = false;
    for (let start = low; start < high;) {
      const path = (operations[start] as Operation).key;
      const nibble = nibbleAt(path, depth);
      let end = start + 1;
      while (end < high && nibbleAt((operations[end] as Operation).key, depth) === nibble) end++;
      const ref = children.ref(nibble);
      const key = ref === undefined ? undefined : nodeKey(ref.version, path, depth + 1);
      const outcome = this.update(ref, key, depth + 1, operations, start, end);
      if (outcome !== unchanged) {
        changed = true;
        if (key !== undefined) this.stale.push(key);
        children.set(nibble, outcome, this.version);
      }
      start = end;
    }
    if (changed) return this.finishInternal(children, depth, (operations[low] as Operation).key);
    // Nothing changed after all (say, deletions of absent keys): put back the entry taken.
    if (cached && hash !== undefined) this.cache.store(hash, children.hashes);
    return unchanged;
  }

  private cacheInner(hash: Uint8Array, hashes: NodeHashes): void {
    if (bitCount(hashes.existence) >= cachedChildrenMin) this.cache.store(hash, hashes);
  }

  private hashesAt(depth: number): NodeHashes {
    let hashes = this.hashesByDepth[depth];
    if (hashes === undefined) {
      hashes = new NodeHashes(this.hashes.hasher);
      this.hashesByDepth[depth] = hashes;
    }
    return hashes;
  }

  /** Writes a rebuilt internal node, or dissolves it if it has no children or one leaf child. */
  private finishInternal(children: Children, depth: number, path: Uint8Array): Outcome {
    const hashes = children.hashes;
    if (hashes.existence === 0) return null;
    if (isSingleBit(hashes.existence) && (hashes.leaves & hashes.existence) !== 0) {
      return this.dissolve(children, depth, path);
    }
    for (let nibble = 0; nibble < 16; nibble++) {
      const pending = children.floating[nibble];
      if (pending === undefined) continue;
      hashes.setChild(nibble, this.placeLeaf(pending, depth + 1), true);
    }
    hashes.compute();
    const hash = hashes.slot(1);
    this.nodes.push([nodeKey(this.version, path, depth), encodeNode(children.toNode())]);
    this.cacheInner(hash, hashes);
    return { kind: 'internal', hash };
  }

  /** The node's only child is a leaf, which moves up to wherever its parent places it. */
  private dissolve(children: Children, depth: number, path: Uint8Array): FloatingLeaf {
    const nibble = lowestBit(children.hashes.existence);
    const pending = children.floating[nibble];
    if (pending !== undefined) return pending;
    const version = children.versions[nibble] as number;
    const key = nodeKey(version, path, depth + 1, nibble);
    const leaf = decodeNode(readNode(this.reader, key));
    assert(leaf.type === 'leaf', 'leaf bitmap names a non-leaf');
    this.stale.push(key);
    const leafHash = children.hashes.child(nibble);
    return { kind: 'leaf', key: leaf.key, value: leaf.value, leafHash };
  }

  /** Writes a leaf at the first `depth` nibbles of its key under the new version. */
  private placeLeaf(leaf: FloatingLeaf, depth: number): Uint8Array {
    const node: LeafNode = { type: 'leaf', key: leaf.key, value: leaf.value };
    this.nodes.push([nodeKey(this.version, leaf.key, depth), encodeNode(node)]);
    return leaf.leafHash ?? this.hashes.hasher.leafOfValue(leaf.key, leaf.value);
  }
}

/** The child slots of an internal node being rebuilt. */
class Children {
  readonly versions: number[] = new Array<number>(16).fill(0);
  readonly floating: (FloatingLeaf | undefined)[] = new Array<undefined>(16).fill(undefined);

  constructor(readonly hashes: NodeHashes, node: InternalNode | undefined) {
    if (node === undefined) {
      hashes.load(0, 0, new Uint8Array(0));
      return;
    }
    hashes.load(node.existence, node.leaves, node.hashes);
    let index = 0;
    for (let nibble = 0; nibble < 16; nibble++) {
      if ((node.existence & (1 << nibble)) === 0) continue;
      this.versions[nibble] = node.versions[index++] as number;
    }
  }

  ref(nibble: number): ChildRef | undefined {
    if ((this.hashes.existence & (1 << nibble)) === 0) return undefined;
    return { version: this.versions[nibble] as number, hash: this.hashes.child(nibble) };
  }

  set(nibble: number, outcome: Exclude<Outcome, typeof unchanged>, version: number): void {
    this.floating[nibble] = undefined;
    this.versions[nibble] = version;
    if (outcome === null) {
      this.hashes.setChild(nibble, undefined, false);
    } else if (outcome.kind === 'leaf') {
      // The leaf's hash is set when it is placed; only a dissolving node never places it.
      this.hashes.setChild(nibble, emptyRootHash, true);
      this.floating[nibble] = outcome;
    } else {
      this.hashes.setChild(nibble, outcome.hash, false);
    }
  }

  toNode(): InternalNode {
    const versions: number[] = [];
    for (let nibble = 0; nibble < 16; nibble++) {
      if ((this.hashes.existence & (1 << nibble)) !== 0) {
        versions.push(this.versions[nibble] as number);
      }
    }
    return {
      type: 'internal', existence: this.hashes.existence, leaves: this.hashes.leaves, versions,
      hashes: this.hashes.dense(),
    };
  }
}

function floating(operation: Operation): FloatingLeaf {
  assert(operation.value !== null, 'only an insertion becomes a leaf');
  return { kind: 'leaf', key: operation.key, value: operation.value, leafHash: operation.leafHash };
}

/** Index of `key` among sorted operations [low, high), or -1. */
function findKey(
  operations: readonly Operation[], low: number, high: number, key: Uint8Array,
): number {
  let lo = low;
  let hi = high;
  while (lo < hi) {
    const middle = (lo + hi) >> 1;
    const order = compareBytes((operations[middle] as Operation).key, key);
    if (order === 0) return middle;
    if (order < 0) lo = middle + 1;
    else hi = middle;
  }
  return -1;
}

function hasOtherInsertion(
  operations: readonly Operation[], low: number, high: number, skip: number,
): boolean {
  for (let index = low; index < high; index++) {
    if (index !== skip && (operations[index] as Operation).value !== null) return true;
  }
  return false;
}

/** The insertions of [low, high) with `survivor` in key order in place of operation `skip`. */
function mergeSurvivor(
  operations: readonly Operation[], low: number, high: number, skip: number,
  survivor: Operation | undefined,
): Operation[] {
  const merged: Operation[] = [];
  let pending = survivor;
  for (let index = low; index < high; index++) {
    const operation = operations[index] as Operation;
    if (pending !== undefined && compareBytes(pending.key, operation.key) <= 0) {
      merged.push(pending);
      pending = undefined;
    }
    if (index !== skip && operation.value !== null) merged.push(operation);
  }
  if (pending !== undefined) merged.push(pending);
  return merged;
}
