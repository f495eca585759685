// CPU profiles of node processes under load (`node --cpu-prof`), reduced to the functions with
// the most self time, so the results name the real bottleneck of a missed target.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { BenchNetwork, seeded } from './zhengwu.mjs';

const topFunctions = 15;

/**
 * Self time per function (name + file:line) from a .cpuprofile, counting only the samples taken
 * inside `window` (monotonic microseconds), so start-up work such as keystore decryption is left
 * out. Idle samples are counted separately and left out of the ranking.
 */
export function summarizeProfile(profile, window) {
  const self = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map();
  let at = profile.startTime;
  let totalSamples = 0;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i];
    if (at < window.startUs || at > window.endUs) return;
    counts.set(id, (counts.get(id) ?? 0) + 1);
    totalSamples += 1;
  });
  const sampleMs = (window.endUs - window.startUs) / 1000 / Math.max(1, totalSamples);
  for (const [id, count] of counts) {
    const frame = byId.get(id).callFrame;
    const where = frame.url === '' ? '(native)'
      : `${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
    const key = `${frame.functionName || '(anonymous)'}\u0000${where}`;
    self.set(key, (self.get(key) ?? 0) + count);
  }
  // Piscina's workers wait for tasks in atomicsWaitLoop (Atomics.wait): idle, not work.
  const isIdle = (key) => key.startsWith('(idle)') || key.startsWith('atomicsWaitLoop\u0000');
  const idle = [...self].filter(([k]) => isIdle(k)).reduce((a, [, c]) => a + c, 0);
  const areas = new Map();
  for (const [key, count] of self) {
    if (isIdle(key)) continue;
    const area = areaOf(key.split('\u0000')[1], key.split('\u0000')[0]);
    areas.set(area, (areas.get(area) ?? 0) + count);
  }
  const byArea = [...areas].sort((a, b) => b[1] - a[1]).slice(0, 10)
    .map(([area, count]) => ({ area, percent: (100 * count) / Math.max(1, totalSamples) }));
  const top = [...self].filter(([k]) => !isIdle(k))
    .sort((a, b) => b[1] - a[1]).slice(0, topFunctions).map(([key, count]) => {
    const [name, where] = key.split('\u0000');
    return { name, where, selfMs: count * sampleMs, percent: (100 * count) / totalSamples };
  });
  return { top, byArea, idlePercent: (100 * idle) / Math.max(1, totalSamples) };
}

/** Which package, Zhengwu module or runtime part a function belongs to. */
function areaOf(where, name) {
  if (where === '(native)') return name.startsWith('(') ? name : 'native (C++/syscalls)';
  const pkg = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(where);
  if (pkg !== null) return pkg[1];
  const zw = /^dist\/([^/]+)/.exec(where);
  if (zw !== null) return `zhengwu ${zw[1]}`;
  return 'node internals';
}

function shortUrl(url) {
  const path = url.replace(/^file:\/\//, '');
  const at = path.indexOf('/node_modules/');
  if (at >= 0) return path.slice(at + 1);
  const dist = path.indexOf('/dist/');
  return dist >= 0 ? path.slice(dist + 1) : basename(path);
}

async function profileNetwork(ctx, agencies, title) {
  const profileDir = mkdtempSync(join(tmpdir(), 'zw-bench-prof-'));
  const net = new BenchNetwork({ agencies, suite: 'intl',
    verifyThreads: agencies === 1 ? availableParallelism() : 1,
    nodeArgs: (index) => (index === 0 ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []) });
  try {
    await net.start();
    // The token transfer workload, on which the one- and four-validator targets are judged; the
    // deployment and mints fall before the load window and are left out of the profile.
    const holders = net.accounts(ctx.quick ? 200 : 2_000);
    await net.deployToken();
    await net.mintTokens(holders, 1_000_000_000);
    const txs = ctx.quick ? 1_000 : 20_000;
    const run = await net.load(await net.signTransfers(holders, txs, seeded(holders.length)),
      { concurrency: 64, targets: net.nodes.map((_, i) => i) });
    await net.close();
        // CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; thread 0 is the main thread.
    const files = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'))
      .sort((a, b) => Number(a.split('.')[4]) - Number(b.split('.')[4]));
    const profiles = files.map((f) => JSON.parse(readFileSync(join(profileDir, f), 'utf8')));
    const main = summarizeProfile(profiles[0], run.window);
    const workers = profiles.slice(1).map((p) => summarizeProfile(p, run.window));
    const busy = workers.map((w) => `${(100 - w.idlePercent).toFixed(0)}% busy (top: ` +
      `${w.top.slice(0, 2).map((f) => f.name).join(', ')})`).join('; ');
    ctx.results.profiles.push({ title,
      summary: `Node 0, samples during the load only: ${txs} token transfers at ` +
        `${Math.round(run.tps)} tx/s (p99 ${Math.round(run.p99Ms)} ms). Main thread idle ` +
        `${main.idlePercent.toFixed(1)}% of the window. Signature-check worker threads: ` +
        `${busy || 'none'}. Main-thread self time by area: ${main.byArea.map((a) =>
          `${a.area} ${a.percent.toFixed(1)}%`).join(', ')}. Percentages are of all samples ` +
        'in the window.',
      top: main.top, byArea: main.byArea, mainIdlePercent: main.idlePercent,
      workerBusyPercent: workers.map((w) => 100 - w.idlePercent) });
    ctx.log(`profile ${title}: top ${main.top.slice(0, 3).map((f) => f.name).join(', ')}`);
  } finally {
    await net.close();
    rmSync(profileDir, { recursive: true, force: true });
  }
}

export async function profileBench(ctx) {
  await profileNetwork(ctx, 1, 'one validator (intl), token transfers, node --cpu-prof');
  await profileNetwork(ctx, 4,
    'four validators (intl), token transfers, node 0 of 4, node --cpu-prof');
}
