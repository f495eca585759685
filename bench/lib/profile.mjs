// CPU profiles of node processes under load (`node --cpu-prof`), reduced to the functions with
// the most self time, so the results name the real bottleneck of a missed target.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { BenchNetwork } from './zhengwu.mjs';

const topFunctions = 15;

/** Self time per function (name + file:line) from a .cpuprofile. */
export function summarizeProfile(profile) {
  const self = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const totalSamples = profile.samples.length;
  const sampleMs = (profile.endTime - profile.startTime) / 1000 / Math.max(1, totalSamples);
  for (const [id, count] of counts) {
    const frame = byId.get(id).callFrame;
    const where = frame.url === '' ? '(native)'
      : `${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
    const key = `${frame.functionName || '(anonymous)'}\u0000${where}`;
    self.set(key, (self.get(key) ?? 0) + count);
  }
  const idle = [...self].filter(([k]) => k.startsWith('(idle)')).reduce((a, [, c]) => a + c, 0);
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, topFunctions).map(([key, count]) => {
    const [name, where] = key.split('\u0000');
    return { name, where, selfMs: count * sampleMs, percent: (100 * count) / totalSamples };
  });
  return { top, idlePercent: (100 * idle) / Math.max(1, totalSamples) };
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
    const accounts = net.accounts(200);
    const txs = ctx.quick ? 1_000 : 20_000;
    const run = await net.load(await net.signNotarizations(accounts, txs, 'profile'),
      { concurrency: 64, targets: net.nodes.map((_, i) => i) });
    await net.close();
    // The main thread's profile is the largest; worker threads write their own files.
    const files = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
    const profiles = files.map((f) => JSON.parse(readFileSync(join(profileDir, f), 'utf8')));
    profiles.sort((a, b) => b.samples.length - a.samples.length);
    const main = summarizeProfile(profiles[0]);
    ctx.results.profiles.push({ title,
      summary: `Node 0's main thread, ${txs} notarizations at ${Math.round(run.tps)} tx/s ` +
        `(p99 ${Math.round(run.p99Ms)} ms), whole process lifetime; idle ${main.idlePercent
          .toFixed(1)}% of samples. ${profiles.length - 1} worker-thread profile(s) not shown.`,
      top: main.top });
    ctx.log(`profile ${title}: top ${main.top.slice(0, 3).map((f) => f.name).join(', ')}`);
  } finally {
    await net.close();
    rmSync(profileDir, { recursive: true, force: true });
  }
}

export async function profileBench(ctx) {
  await profileNetwork(ctx, 1, 'one validator (intl), node --cpu-prof');
  await profileNetwork(ctx, 4, 'four validators (intl), node 0 of 4, node --cpu-prof');
}
