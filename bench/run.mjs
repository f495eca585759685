// The benchmark harness (issue 8): runs every benchmark, prints a table, and writes
// bench/results/latest.json and latest.md.
//   npm run bench                      every benchmark, full sizes (tens of minutes on 2 cores)
//   npm run bench -- --quick           each for a few seconds
//   npm run bench -- --only limit,peer one or more by name (see `benchmarks` below)
//   --runs N                           measured runs per figure (default 3), after a warm-up
//   --out DIR                          where to write latest.json/latest.md (default bench/results)
//   --merge                            keep the other figures of the existing latest.json and
//                                      replace only those of the benchmarks run now (recorded)
// Every load goes to 127.0.0.1, is bounded in count and time, and stops by itself. A figure that
// cannot be measured yet is absent from `figures` and listed under `missing` with the reason.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fourBench, rssBench, singleBench, syncBench } from './lib/chain-benches.mjs';
import { limitBench } from './lib/limit.mjs';
import { peerBench } from './lib/peer.mjs';
import { profileBench } from './lib/profile.mjs';
import { Results, judgeTargets, markdown, table } from './lib/report.mjs';
import { scaleBench } from './lib/scale.mjs';
import { vmBench } from './lib/vm.mjs';
import { vmAdversarialBench } from './vm-adversarial.mjs';

/** In run order. `quick: false` ones run in quick mode only when named with --only. */
const benchmarks = [
  { name: 'limit', run: limitBench, quick: true },
  { name: 'peer', run: peerBench, quick: true },
  { name: 'single', run: singleBench, quick: true },
  { name: 'four', run: fourBench, quick: true },
  { name: 'vm', run: vmBench, quick: true },
  { name: 'vm-adversarial', run: vmAdversarialBench, quick: false },
  { name: 'scale', run: scaleBench, quick: true },
  { name: 'sync', run: syncBench, quick: true },
  { name: 'rss', run: rssBench, quick: true },
  { name: 'profile', run: profileBench, quick: false },
];

const { values } = parseArgs({ options: {
  quick: { type: 'boolean', default: false },
  only: { type: 'string' },
  runs: { type: 'string', default: '3' },
  out: { type: 'string', default: join(import.meta.dirname, 'results') },
  'cap-minutes': { type: 'string' },
  merge: { type: 'boolean', default: false },
} });

const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
for (const name of only ?? []) {
  if (!benchmarks.some((b) => b.name === name)) {
    console.error(`unknown benchmark ${name}; one of ${benchmarks.map((b) => b.name).join(', ')}`);
    process.exit(2);
  }
}
const selected = benchmarks.filter((b) => (only === undefined ? values.quick ? b.quick : true
  : only.includes(b.name)));
const results = new Results(values.quick ? 'quick' : 'full');
if (values.merge && existsSync(join(values.out, 'latest.json'))) {
  results.mergeFrom(JSON.parse(readFileSync(join(values.out, 'latest.json'), 'utf8')),
    selected.map((b) => b.name));
}

// The longest benchmarks (filling 10^7 keys, a million transactions) stop at this cap and say so.
const capMinutes = Number(values['cap-minutes'] ?? (values.quick ? 2 : 30));
const ctx = { quick: values.quick, runs: Math.max(1, Number(values.runs)), results,
  capMs: capMinutes * 60_000, log: (text) => console.error(`[bench] ${text}`) };

/** The required names each benchmark owns: missing until the benchmark adds them. */
const required = {
  limit: ['limit.ed25519.verify.allCores', 'limit.sm2.verify.allCores'],
  single: ['single.notary.tps', 'single.transfer.tps', 'single.transfer.p99Ms',
    'single.gm.transfer.tps'],
  four: ['four.notary.tps', 'four.transfer.tps', 'four.transfer.p50Ms', 'four.transfer.p99Ms'],
  scale: ['scale.transfer.tps.keys1e4', 'scale.transfer.tps.keys1e7'],
  peer: ['peer.hardhat.transfer.tps', 'peer.ganache.transfer.tps'],
  sync: ['sync.catchup.txPerSec'],
  rss: ['node.rss.mb.after1e6tx'],
};
for (const benchmark of selected) {
  for (const name of required[benchmark.name] ?? []) {
    results.miss(name, `the ${benchmark.name} benchmark did not finish`);
  }
}

for (const benchmark of selected) {
  const started = performance.now();
  ctx.log(`${benchmark.name}: start`);
  try {
    await benchmark.run(ctx);
  } catch (error) {
    results.note(`${benchmark.name} failed: ${error.message}`);
    ctx.log(`${benchmark.name}: FAILED ${error.stack}`);
    process.exitCode = 1;
  }
  ctx.log(`${benchmark.name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  write();
}

const json = write();
console.log(table(json));
console.log(`\nwrote ${join(values.out, 'latest.json')} and latest.md`);

/** Cross-benchmark ratios and missing figures, then latest.json and latest.md (atomically). */
function write() {
  const ran = (name) => selected.some((b) => b.name === name);
  // Ratios against the peers, only from figures measured in this same invocation: a peer figure
  // merged in from an earlier run was measured under another load.
  for (const [bench, workload] of [['single', 'notary'], ['single', 'transfer'],
    ['single.gm', 'transfer'], ['four', 'transfer']]) {
    const owner = bench.split('.')[0];
    if (!ran(owner) && !ran('peer')) continue;
    for (const peer of ['Hardhat', 'Ganache']) {
      const name = `ratio.${bench}.${workload}.vs${peer}${workload === 'notary' ? 'Transfer' : ''}`;
      if (ran(owner) && ran('peer')) {
        results.ratio(name, `${bench}.${workload}.tps`, `peer.${peer.toLowerCase()}.transfer.tps`,
          `Zhengwu ${workload === 'notary' ? 'notarizations' : 'transfers'}/s ÷ ${peer} ` +
          'transfers/s');
      } else {
        results.miss(name, `needs ${owner} and peer in the same run`);
      }
    }
  }
  const json = results.toJson(judgeTargets(results.figures));
  mkdirSync(values.out, { recursive: true });
  for (const [file, text] of [['latest.json', `${JSON.stringify(json, null, 2)}\n`],
    ['latest.md', markdown(json)]]) {
    writeFileSync(join(values.out, `${file}.tmp`), text);
    renameSync(join(values.out, `${file}.tmp`), join(values.out, file));
  }
  return json;
}
