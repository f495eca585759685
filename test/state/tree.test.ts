// Proves the state tree is a faithful versioned map with a canonical root: at every version, get
// agrees with a reference Map and the root equals an independent binary sparse Merkle root; the
// root does not depend on update order; old versions stay readable; deletes restore earlier roots;
// new and stale nodes account exactly for what each version reaches, so pruning is safe.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AssertionError, ErrorCode, ZwError, fromHex, toHex } from '../../src/core/index.js';
import {
  MemoryNodeStore, OverlayNodeReader, StateTree, emptyRootHash, encodeProof, nodeKeyVersion,
  rootNodeKey,
} from '../../src/state/index.js';
import type { TreeUpdate } from '../../src/state/index.js';
import {
  Harness, batchArbitrary, keyArbitrary, reachable, referenceRoot, sha256, shuffle,
} from './helpers.js';

const runs = { numRuns: 120 };
const batchesArbitrary = fc.array(batchArbitrary, { minLength: 1, maxLength: 6 });

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof ZwError ? error.code : 'not a ZwError';
  }
  return undefined;
}

function checkVersion(harness: Harness, version: number, probes: readonly Uint8Array[]): void {
  const expected = harness.expected.get(version) ?? new Map<string, Uint8Array>();
  expect(toHex(harness.tree.rootHash(version))).toBe(toHex(referenceRoot(expected)));
  for (const [hex, value] of expected) {
    expect(harness.tree.get(version, fromHex(hex))).toEqual(value);
  }
  for (const probe of probes) {
    expect(harness.tree.get(version, probe)).toEqual(expected.get(toHex(probe)));
  }
  const entries = [...harness.tree.entries(version)].map(([key]) => toHex(key));
  expect(entries).toEqual([...expected.keys()].sort());
}

describe('state tree', () => {
  it('matches a reference map and reference root at every version, old ones included', () => {
    fc.assert(fc.property(batchesArbitrary, fc.array(keyArbitrary, { maxLength: 8 }),
      fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 6, maxLength: 6 }),
      (batches, probes, skips) => {
        const harness = new Harness();
        batches.forEach((batch, index) => harness.apply(batch, skips[index]));
        for (const version of harness.expected.keys()) checkVersion(harness, version, probes);
      }), runs);
  });

  it('gives the same root and the same nodes for any order of the same updates', () => {
    fc.assert(fc.property(batchesArbitrary, fc.integer(), (batches, seed) => {
      const inOrder = new Harness();
      const shuffled = new Harness();
      for (const batch of batches) {
        const a = inOrder.apply(batch);
        const b = shuffled.apply(shuffle(batch, seed));
        expect(toHex(b.root)).toBe(toHex(a.root));
        const encode = (nodes: typeof a.nodes): string[] =>
          nodes.map(([key, node]) => `${toHex(key)}:${toHex(node)}`).sort();
        expect(encode(b.nodes)).toEqual(encode(a.nodes));
      }
    }), runs);
  });

  it('restores the previous root when a batch of insertions is deleted again', () => {
    fc.assert(fc.property(batchArbitrary, batchArbitrary, (first, second) => {
      const harness = new Harness();
      const before = harness.apply(first).root;
      const present = harness.expected.get(1) ?? new Map<string, Uint8Array>();
      const fresh = second.filter((update) => update.value !== null
        && !present.has(toHex(update.key)));
      harness.apply(fresh);
      const after = harness.apply(fresh.map(({ key }) => ({ key, value: null })));
      expect(toHex(after.root)).toBe(toHex(before));
      const all = [...present.keys()].map((hex) => ({ key: fromHex(hex), value: null }));
      expect(harness.apply(all).root).toEqual(emptyRootHash);
    }), runs);
  });

  it('reports new and stale nodes exactly: new = reach(new) - reach(base), stale the reverse', () => {
    fc.assert(fc.property(batchesArbitrary, (batches) => {
      const harness = new Harness();
      let before = new Set<string>();
      for (const batch of batches) {
        const result = harness.apply(batch);
        const after = reachable(harness.tree, harness.version);
        const written = result.nodes.map(([key]) => toHex(key));
        const stale = result.stale.map(toHex);
        expect(new Set(written).size).toBe(written.length);
        expect(new Set(stale).size).toBe(stale.length);
        expect(new Set(written)).toEqual(new Set([...after].filter((key) => !before.has(key))));
        expect(new Set(stale)).toEqual(new Set([...before].filter((key) => !after.has(key))));
        for (const key of written) expect(nodeKeyVersion(fromHex(key))).toBe(harness.version);
        before = after;
      }
    }), runs);
  });

  it('still reads every later version after pruning the stale nodes up to a version', () => {
    fc.assert(fc.property(batchesArbitrary, fc.nat(), (batches, pick) => {
      const harness = new Harness();
      batches.forEach((batch) => harness.apply(batch));
      const keep = (pick % harness.version) + 1;
      for (const [version, result] of harness.results) {
        if (version <= keep) harness.store.delete(result.stale);
      }
      const live = new Set<string>();
      for (let version = keep; version <= harness.version; version++) {
        checkVersion(harness, version, []);
        for (const key of reachable(harness.tree, version)) live.add(key);
      }
      expect(harness.store.size).toBe(live.size);
    }), runs);
  });

  it('applies the next version through an overlay before the previous one is persisted', () => {
    fc.assert(fc.property(batchesArbitrary, (batches) => {
      const direct = new Harness();
      const store = new MemoryNodeStore();
      const overlay = new OverlayNodeReader(store);
      const tree = new StateTree(sha256, overlay);
      const unpersisted: [number, [Uint8Array, Uint8Array][]][] = [];
      batches.forEach((batch, index) => {
        const result = tree.applyUpdates(index, index + 1, batch);
        overlay.write(index + 1, result.nodes);
        unpersisted.push([index + 1, result.nodes]);
        expect(result.root).toEqual(direct.apply(batch).root);
        // Persist with a lag of one version, as a pipelined node does.
        if (unpersisted.length > 1) persist(unpersisted.shift());
      });
      persist(unpersisted.shift());
      expect(overlay.pendingVersions()).toEqual([]);
      expect(tree.rootHash(batches.length)).toEqual(direct.tree.rootHash(batches.length));

      function persist(entry: [number, [Uint8Array, Uint8Array][]] | undefined): void {
        if (entry === undefined) return;
        store.write(entry[1]);
        overlay.release(entry[0]);
      }
    }), { numRuns: 60 });
  });
});

describe('state tree hash cache', () => {
  it('never changes results: no cache, a tiny cache and the default cache agree', () => {
    fc.assert(fc.property(batchesArbitrary, fc.array(keyArbitrary, { maxLength: 4 }),
      (batches, probes) => {
        const trees = [0, 2, undefined].map((nodesMax) => {
          const store = new MemoryNodeStore();
          const init = nodesMax === undefined ? {} : { hashCacheNodesMax: nodesMax };
          return { store, tree: new StateTree(sha256, store, init) };
        });
        batches.forEach((batch, index) => {
          const outputs = trees.map(({ store, tree }) => {
            const result = tree.applyUpdates(index, index + 1, batch);
            store.write(result.nodes);
            const proofs = probes.map((key) => toHex(encodeProof(tree.getWithProof(index + 1,
              key).proof)));
            const nodes = result.nodes.map(([key, node]) => toHex(key) + toHex(node));
            return [toHex(result.root), ...nodes, ...result.stale.map(toHex), ...proofs].join();
          });
          for (const output of outputs.slice(1)) expect(output).toBe(outputs[0]);
        });
      }), runs);
  });

  it('re-executes a discarded version with other updates as if it never ran', () => {
    fc.assert(fc.property(batchArbitrary, batchArbitrary, batchArbitrary, (base, a, b) => {
      const store = new MemoryNodeStore();
      const overlay = new OverlayNodeReader(store);
      const tree = new StateTree(sha256, overlay);
      store.write(tree.applyUpdates(0, 1, base).nodes);
      // A proposal executed speculatively, then abandoned when its round failed.
      overlay.write(2, tree.applyUpdates(1, 2, a).nodes);
      overlay.release(2);
      const again = tree.applyUpdates(1, 2, b);
      const fresh = new Harness();
      fresh.apply(base);
      const expected = fresh.apply(b);
      expect(toHex(again.root)).toBe(toHex(expected.root));
      const nodes = (result: typeof again): string[] =>
        result.nodes.map(([key, node]) => toHex(key) + toHex(node));
      expect(nodes(again)).toEqual(nodes(expected));
    }), runs);
  });
});

describe('state tree versions', () => {
  const key = (byte: number): Uint8Array => new Uint8Array(32).fill(byte);
  const value = (text: string): Uint8Array => new TextEncoder().encode(text);

  it('treats version 0 as the empty tree and refuses versions never applied', () => {
    const harness = new Harness();
    expect(harness.tree.rootHash(0)).toEqual(emptyRootHash);
    expect(toHex(emptyRootHash)).toBe('00'.repeat(32));
    expect(harness.tree.get(0, key(1))).toBeUndefined();
    harness.apply([{ key: key(1), value: value('a') }], 2);
    expect(harness.tree.hasVersion(3)).toBe(true);
    expect(harness.tree.hasVersion(2)).toBe(false);
    expect(codeOf(() => harness.tree.rootHash(2))).toBe(ErrorCode.HEIGHT_UNAVAILABLE);
    expect(codeOf(() => harness.tree.get(2, key(1)))).toBe(ErrorCode.HEIGHT_UNAVAILABLE);
    expect(codeOf(() => harness.tree.getWithProof(4, key(1)))).toBe(ErrorCode.HEIGHT_UNAVAILABLE);
    expect(codeOf(() => harness.tree.rootHash(-1))).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(codeOf(() => harness.tree.get(3, new Uint8Array(31)))).toBe(ErrorCode.INVALID_ARGUMENT);
  });

  it('returns to the empty root when the only key is deleted', () => {
    const harness = new Harness();
    harness.apply([{ key: key(1), value: value('a') }]);
    const emptied = harness.apply([{ key: key(1), value: null }]);
    expect(emptied.root).toEqual(emptyRootHash);
    expect(harness.tree.rootHash(2)).toEqual(emptyRootHash);
    expect(harness.tree.get(2, key(1))).toBeUndefined();
    expect(harness.tree.get(1, key(1))).toEqual(value('a'));
  });

  it('writes a root entry for an empty batch and keeps the root', () => {
    const harness = new Harness();
    const first = harness.apply([{ key: key(1), value: value('a') }]);
    const empty = harness.apply([]);
    expect(empty.root).toEqual(first.root);
    expect(empty.nodes.map(([nodeKey]) => toHex(nodeKey))).toEqual([toHex(rootNodeKey(2))]);
    expect(empty.stale.map(toHex)).toEqual([toHex(rootNodeKey(1))]);
    const deleteAbsent = harness.apply([{ key: key(2), value: null }]);
    expect(deleteAbsent.root).toEqual(first.root);
    expect(deleteAbsent.nodes).toHaveLength(1);
  });

  it('rejects duplicate keys, reapplied versions and bad keys with assertions', () => {
    const harness = new Harness();
    const duplicate: TreeUpdate[] = [{ key: key(1), value: value('a') },
      { key: key(1), value: null }];
    expect(() => harness.tree.applyUpdates(0, 1, duplicate)).toThrow(AssertionError);
    harness.apply([{ key: key(1), value: value('a') }]);
    expect(() => harness.tree.applyUpdates(0, 1, [])).toThrow(AssertionError);
    expect(() => harness.tree.applyUpdates(1, 1, [])).toThrow(AssertionError);
    expect(() => harness.tree.applyUpdates(1, 2, [{ key: new Uint8Array(5), value: null }]))
      .toThrow(AssertionError);
  });

  it('pins the root of a fixed tree (a conformance vector for other implementations)', () => {
    const harness = new Harness();
    const updates = ['alpha', 'beta', 'gamma', 'delta'].map((name) => ({
      key: sha256(value(name)), value: value(`value of ${name}`),
    }));
    harness.apply(updates);
    expect(toHex(harness.tree.rootHash(1))).toBe(GOLDEN_ROOT);
    expect(toHex(harness.tree.rootHash(1))).toBe(toHex(referenceRoot(harness.expected.get(1)
      ?? new Map())));
  });
});

// Computed independently (a 10-line Python binary sparse Merkle tree over hashlib.sha256).
const GOLDEN_ROOT = '5409f0dc37b82a4c683a60920491d32ee16f938f85b0c7673f6f54139845242a';
