// Proves the contract key index (a B+ tree in the contract's namespace) behaves as a sorted set:
// random insert/remove/range sequences agree with a reference model, the same operations write
// the same bytes, an operation reads only one node per level, and 200,000 keys (far past the
// old single-directory limit) are inserted, ranged and removed correctly.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { limits } from '../../src/core/index.js';
import { KeyIndex } from '../../src/vm/index.js';
import type { RangeOptions, RawState } from '../../src/vm/index.js';

/** A namespace in memory that counts reads and can print its full contents. */
class MemoryState implements RawState {
  readonly values = new Map<string, Uint8Array>();
  reads = 0;

  get(key: Uint8Array): Uint8Array | undefined {
    this.reads += 1;
    return this.values.get(Buffer.from(key).toString('latin1'));
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.values.set(Buffer.from(key).toString('latin1'), value);
  }

  delete(key: Uint8Array): void {
    this.values.delete(Buffer.from(key).toString('latin1'));
  }

  digest(): string {
    return [...this.values.keys()].sort()
      .map((key) => `${Buffer.from(key, 'latin1').toString('hex')}=` +
        Buffer.from(this.values.get(key) as Uint8Array).toString('hex')).join(',');
  }
}

/** What `range` must return, computed from a plain sorted array. */
function expectedRange(sorted: readonly string[], options: RangeOptions): string[] {
  const prefix = options.prefix ?? '';
  const start = options.start !== undefined && options.start > prefix ? options.start : prefix;
  const out: string[] = [];
  for (const key of sorted) {
    if (key < start) continue;
    if (!key.startsWith(prefix) || (options.end !== undefined && key >= options.end)) break;
    out.push(key);
    if (out.length >= options.limit) break;
  }
  return out;
}

function sortedKeys(model: ReadonlySet<string>): string[] {
  // JavaScript's default sort compares UTF-16 code units, the index's order.
  return [...model].sort();
}

// Short keys over a small alphabet (with a non-BMP character) so that operations collide,
// prefixes share, and the tree splits and merges often.
const keyArbitrary = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'z', 'é', '😀'),
  minLength: 1, maxLength: 4 });

type Operation =
  | { kind: 'insert'; key: string }
  | { kind: 'remove'; key: string }
  | { kind: 'range'; options: RangeOptions }
  | { kind: 'insertMany'; prefix: string; count: number; step: number }
  | { kind: 'removeRange'; start: string; count: number };

const operationArbitrary: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 5, arbitrary: keyArbitrary.map((key) => ({ kind: 'insert' as const, key })) },
  { weight: 3, arbitrary: keyArbitrary.map((key) => ({ kind: 'remove' as const, key })) },
  { weight: 1, arbitrary: fc.record({
    prefix: fc.option(fc.string({ unit: fc.constantFrom('a', 'b', 'é'), maxLength: 2 }),
      { nil: undefined }),
    start: fc.option(keyArbitrary, { nil: undefined }),
    end: fc.option(keyArbitrary, { nil: undefined }),
    limit: fc.integer({ min: 1, max: 300 }),
  }, { requiredKeys: ['limit'] }).map(({ prefix, start, end, limit }) => ({
    kind: 'range' as const,
    options: { limit, ...(prefix === undefined ? {} : { prefix }),
      ...(start === undefined ? {} : { start }), ...(end === undefined ? {} : { end }) } })) },
  // Bursts grow the tree to three or four levels; range removals then empty whole subtrees,
  // so that internal nodes merge and the root shrinks.
  { weight: 1, arbitrary: fc.record({ prefix: keyArbitrary, count: fc.integer({ min: 1,
    max: 2_000 }), step: fc.integer({ min: 1, max: 97 }) })
    .map((burst) => ({ kind: 'insertMany' as const, ...burst })) },
  { weight: 1, arbitrary: fc.record({ start: keyArbitrary, count: fc.integer({ min: 1,
    max: 2_000 }) }).map((removal) => ({ kind: 'removeRange' as const, ...removal })) },
);

/** The keys of a burst: `count` distinct numbered keys in a scrambled order. */
function burstKeys(prefix: string, count: number, step: number): string[] {
  const stride = step % count === 0 || count % step === 0 ? 1 : step;
  return Array.from({ length: count }, (_, i) => `${prefix}${(i * stride) % count}`);
}

function run(operations: readonly Operation[]): { state: MemoryState; model: Set<string> } {
  const state = new MemoryState();
  const index = new KeyIndex(state);
  const model = new Set<string>();
  for (const operation of operations) {
    if (operation.kind === 'insert') {
      index.insert(operation.key);
      model.add(operation.key);
    } else if (operation.kind === 'remove') {
      index.remove(operation.key);
      model.delete(operation.key);
    } else if (operation.kind === 'insertMany') {
      for (const key of burstKeys(operation.prefix, operation.count, operation.step)) {
        index.insert(key);
        model.add(key);
      }
    } else if (operation.kind === 'removeRange') {
      for (const key of expectedRange(sortedKeys(model),
        { start: operation.start, limit: operation.count })) {
        index.remove(key);
        model.delete(key);
      }
    } else {
      expect(index.range(operation.options))
        .toEqual(expectedRange(sortedKeys(model), operation.options));
    }
  }
  return { state, model };
}

describe('contract key index', () => {
  it('agrees with a sorted-set model under random inserts, removes and ranges', () => {
    fc.assert(fc.property(fc.array(operationArbitrary,
      { minLength: 10, maxLength: 120, size: 'max' }), (operations) => {
      const { state, model } = run(operations);
      const all = new KeyIndex(state).range({ limit: Number.MAX_SAFE_INTEGER });
      expect(all).toEqual(sortedKeys(model));
    }), { numRuns: 25 });
  });

  it('writes the same bytes for the same operations', () => {
    fc.assert(fc.property(fc.array(operationArbitrary,
      { maxLength: 60, size: 'max' }), (operations) => {
      expect(run(operations).state.digest()).toBe(run(operations).state.digest());
    }), { numRuns: 8 });
  });

  it('empties back to a single empty root after removing everything', () => {
    const state = new MemoryState();
    const index = new KeyIndex(state);
    const keys = Array.from({ length: 5_000 }, (_, i) => `k${(i * 7_919) % 5_000}`);
    for (const key of keys) index.insert(key);
    for (const key of keys) index.remove(key);
    expect(index.range({ limit: 10 })).toEqual([]);
    // What is left is the root pointer and at most one (empty) root leaf.
    expect(state.values.size).toBeLessThanOrEqual(2);
  });

  it('holds 200,000 keys, reading one node per level per operation', () => {
    const state = new MemoryState();
    const index = new KeyIndex(state);
    const count = 200_000;
    const key = (i: number): string => `entry/${String((i * 48_271) % count).padStart(6, '0')}`;
    for (let i = 0; i < count; i++) index.insert(key(i));

    state.reads = 0;
    index.insert('entry/100000x');
    // Root pointer, then one node per level: depth = ceil(log_minFanout(leaves)) + 1 at most.
    const leavesMax = count / (limits.contractIndexPageKeysMax >> 1);
    const levelsMax = Math.ceil(Math.log(leavesMax) /
      Math.log(limits.contractIndexChildrenMax >> 1)) + 1;
    expect(state.reads).toBeLessThanOrEqual(1 + levelsMax);
    index.remove('entry/100000x');

    expect(index.range({ prefix: 'entry/12345', limit: 100 }))
      .toEqual(Array.from({ length: 10 }, (_, i) => `entry/12345${i}`));
    expect(index.range({ start: 'entry/199990', limit: 100 }))
      .toEqual(Array.from({ length: 10 }, (_, i) => `entry/19999${i}`));
    expect(index.range({ start: 'entry/050000', end: 'entry/050003', limit: 100 }))
      .toEqual(['entry/050000', 'entry/050001', 'entry/050002']);
    const first = index.range({ limit: 100 });
    expect(first[0]).toBe('entry/000000');
    expect(first).toHaveLength(100);

    for (let i = 0; i < count; i += 2) index.remove(key(i));
    const left = index.range({ start: 'entry/000000', limit: 100 });
    expect(left).toHaveLength(100);
    expect(left.every((entry) => Number(entry.slice(6)) % 2 === 1)).toBe(true);
  }, 300_000);
});
