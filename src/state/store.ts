// Where the tree reads its nodes from. The tree never writes: `applyUpdates` returns new nodes and
// the caller writes them in its own atomic block transaction. This file holds the read interface,
// an in-memory store for tests and the simulator, and an overlay that lets the caller apply the
// next version before the previous one is persisted.
import { ErrorCode, ZwError, assert, toHex } from '../core/index.js';
import { bytesKey } from './hashing.js';
import { nodeKeyVersion } from './node.js';

/**
 * Synchronous node lookup by node key (the storage engine, better-sqlite3, is synchronous).
 * Returns the encoded node, or undefined if no node was ever written under that key or it was
 * pruned.
 */
export interface NodeReader {
  getNode(nodeKey: Uint8Array): Uint8Array | undefined;
}

/** Node key -> encoded node, as `applyUpdates` returns them for the caller to write. */
export type NodeEntries = Iterable<readonly [Uint8Array, Uint8Array]>;

/** Reads a node that a live version refers to; its absence means the version was pruned. */
export function readNode(reader: NodeReader, key: Uint8Array): Uint8Array {
  const bytes = reader.getNode(key);
  if (bytes === undefined) {
    throw new ZwError(ErrorCode.HEIGHT_UNAVAILABLE,
      `state node ${toHex(key)} is missing: version ${nodeKeyVersion(key)} was pruned or never written`);
  }
  return bytes;
}

/** An in-memory node store for tests and the simulator. */
export class MemoryNodeStore implements NodeReader {
  private readonly nodes = new Map<string, Uint8Array>();

  getNode(nodeKey: Uint8Array): Uint8Array | undefined {
    return this.nodes.get(bytesKey(nodeKey));
  }

  /** Stores nodes; node keys are unique per version, so a key is never written twice. */
  write(nodes: NodeEntries): void {
    for (const [key, node] of nodes) this.nodes.set(bytesKey(key), node);
  }

  /** Removes nodes, as a pruner does with the stale keys of versions no reader needs. */
  delete(nodeKeys: Iterable<Uint8Array>): void {
    for (const key of nodeKeys) this.nodes.delete(bytesKey(key));
  }

  get size(): number {
    return this.nodes.size;
  }
}

/**
 * Serves nodes that are applied but not yet persisted ahead of a base reader, so the caller can
 * apply version v + 1 while version v is still on its way to disk:
 *
 *   const overlay = new OverlayNodeReader(store);
 *   const tree = new StateTree(hash, overlay);
 *   const result = tree.applyUpdates(v - 1, v, updates);
 *   overlay.write(v, result.nodes);        // BEFORE applying v + 1
 *   ... persist result.nodes with block v in one transaction ...
 *   overlay.release(v);                    // AFTER that transaction committed
 *
 * Releasing before the nodes are durable in the base store would make them briefly unreadable.
 */
export class OverlayNodeReader implements NodeReader {
  private readonly versions = new Map<number, Map<string, Uint8Array>>();

  constructor(private readonly base: NodeReader) {}

  getNode(nodeKey: Uint8Array): Uint8Array | undefined {
    const pending = this.versions.get(nodeKeyVersion(nodeKey));
    return pending?.get(bytesKey(nodeKey)) ?? this.base.getNode(nodeKey);
  }

  /** Holds the nodes `applyUpdates` returned for `version` until `release(version)`. */
  write(version: number, nodes: NodeEntries): void {
    let pending = this.versions.get(version);
    if (pending === undefined) {
      pending = new Map();
      this.versions.set(version, pending);
    }
    for (const [key, node] of nodes) {
      assert(nodeKeyVersion(key) === version, 'overlay nodes must belong to the version written');
      pending.set(bytesKey(key), node);
    }
  }

  /** Drops a version's nodes once the base store holds them durably. */
  release(version: number): void {
    this.versions.delete(version);
  }

  /** Versions held and not yet released, oldest first. */
  pendingVersions(): number[] {
    return [...this.versions.keys()].sort((a, b) => a - b);
  }
}
