// A throughput bench for the state tree, not a test: grows a tree to `keysTotal` keys in batches,
// then applies batches of `batchKeys` updates (half overwrites, half insertions) and reports
// keys/s for updates, reads and proofs, with an in-memory store. Run it with:
//   npx tsc -p test/state/tsconfig.bench.json && node build/state-bench/test/state/bench.js
// Environment: KEYS, BATCH, BATCHES, CACHE (hash cache nodes, 0 = off), HASH=oneshot.
import { createHash, hash as oneShotHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { HashFunction } from '../../src/core/index.js';
import { MemoryNodeStore, StateTree } from '../../src/state/index.js';
import type { TreeUpdate } from '../../src/state/index.js';

const keysTotal = Number(process.env['KEYS'] ?? 100_000);
const batchKeys = Number(process.env['BATCH'] ?? 5_000);
const batchesMeasured = Number(process.env['BATCHES'] ?? 20);
const cacheNodes = process.env['CACHE'] === undefined ? undefined : Number(process.env['CACHE']);
const valueBytes = 100;

// HASH=oneshot uses crypto.hash (Node >= 20.12), about twice as fast as createHash for 65 bytes.
const sha256: HashFunction = process.env['HASH'] === 'oneshot'
  ? (data) => oneShotHash('sha256', data, 'buffer')
  : (data) => createHash('sha256').update(data).digest();

function main(): void {
  const store = new MemoryNodeStore();
  const tree = new StateTree(sha256, store,
    cacheNodes === undefined ? {} : { hashCacheNodesMax: cacheNodes });
  const keys: Uint8Array[] = [];
  let version = 0;
  const apply = (updates: TreeUpdate[]): { nodes: number; bytes: number } => {
    const result = tree.applyUpdates(version, version + 1, updates);
    store.write(result.nodes);
    version++;
    let bytes = 0;
    for (const [key, node] of result.nodes) bytes += key.length + node.length;
    return { nodes: result.nodes.length, bytes };
  };
  let started = performance.now();
  cpuMark = process.cpuUsage();
  while (keys.length < keysTotal) {
    const batch = fresh(Math.min(batchKeys, keysTotal - keys.length));
    keys.push(...batch.map((update) => update.key));
    apply(batch);
  }
  report('grow', keysTotal, started);
  started = performance.now();
  cpuMark = process.cpuUsage();
  let nodes = 0;
  let bytes = 0;
  for (let round = 0; round < batchesMeasured; round++) {
    const overwrites = pick(keys, batchKeys / 2)
      .map((key) => ({ key, value: randomBytes(valueBytes) }));
    const insertions = fresh(batchKeys / 2);
    keys.push(...insertions.map((update) => update.key));
    const written = apply([...overwrites, ...insertions]);
    nodes += written.nodes;
    bytes += written.bytes;
  }
  report('update', batchesMeasured * batchKeys, started);
  console.log(`  ${(nodes / batchesMeasured).toFixed(0)} nodes, ${(bytes / batchesMeasured / 1024)
    .toFixed(0)} KiB written per batch of ${batchKeys}; store holds ${store.size} nodes`);
  measureReads(tree, version, pick(keys, 20_000));
}

function measureReads(tree: StateTree, version: number, sample: readonly Uint8Array[]): void {
  let started = performance.now();
  cpuMark = process.cpuUsage();
  for (const key of sample) tree.get(version, key);
  report('get', sample.length, started);
  started = performance.now();
  cpuMark = process.cpuUsage();
  let siblings = 0;
  for (const key of sample) siblings += tree.getWithProof(version, key).proof.siblings.length;
  report('getWithProof', sample.length, started);
  console.log(`  ${(siblings / sample.length).toFixed(1)} siblings per proof on average`);
}

function fresh(count: number): TreeUpdate[] {
  return Array.from({ length: count }, () => ({
    key: new Uint8Array(randomBytes(32)), value: randomBytes(valueBytes),
  }));
}

/** Distinct random keys from `keys`. */
function pick(keys: readonly Uint8Array[], count: number): Uint8Array[] {
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, keys.length)) {
    chosen.add(Math.floor(Math.random() * keys.length));
  }
  return [...chosen].map((index) => keys[index] as Uint8Array);
}

let cpuMark = process.cpuUsage();

/** Reports wall-clock and CPU throughput since `started` (CPU time resists other load). */
function report(what: string, count: number, started: number): void {
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuMark);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(`${what}: ${count} keys in ${seconds.toFixed(2)} s wall = ${(count / seconds)
    .toFixed(0)} keys/s; ${cpuSeconds.toFixed(2)} s CPU = ${(count / cpuSeconds).toFixed(0)} keys/s`);
  cpuMark = process.cpuUsage();
}

main();
