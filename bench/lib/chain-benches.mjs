// Benchmarks on real node processes through the HTTP API: one validator and four validators
// (committed tx/s, submit-to-commit latency p50/p99), block-sync catch-up of a late node, and the
// resident memory of a node after many transactions.
import { availableParallelism } from 'node:os';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { BenchNetwork, seeded, sleep } from './zhengwu.mjs';

const accountsTotal = 200;
const concurrency = 64;
/** Token holders, each a sender and a recipient of the transfer load. */
const holdersFull = 2_000;
const holdersQuick = 200;
/** Each holder's minted balance: more than any run can spend at 1 unit per transfer. */
const holderBalance = 1_000_000_000;

/** Warm-up size, and how long a measured run should last (its size follows the warm-up rate). */
function sizes(ctx) {
  return ctx.quick ? { warmup: 200, runSeconds: 3, txsMin: 300, txsMax: 1_500 }
    : { warmup: 2_000, runSeconds: 20, txsMin: 2_000, txsMax: 20_000 };
}

/**
 * Runs a load `ctx.runs` times after a warm-up and adds tps, p50 and p99 under `prefix`.
 * `sign(count, tag)` signs that many transactions before the clock starts; a run's size follows
 * the warm-up rate so that each run lasts about the same time on a fast or a loaded machine.
 */
async function loadFigures(ctx, net, { prefix, what, targets, sign }) {
  const { warmup, runSeconds, txsMin, txsMax } = sizes(ctx);
  const warm = await net.load(await sign(warmup, 'warmup'), { concurrency, targets });
  const txs = Math.min(txsMax, Math.max(txsMin, Math.round(warm.tps * runSeconds)));
  ctx.results.note(`${prefix}: ${txs} ${what} per run (about ${runSeconds} s at the ` +
    `warm-up rate of ${Math.round(warm.tps)} tx/s), after ${warmup} warm-up.`);
  const runs = [];
  for (let r = 0; r < ctx.runs; r++) {
    runs.push(await net.load(await sign(txs, `run${r}`), { concurrency, targets }));
    ctx.log(`${prefix}: ${Math.round(runs.at(-1).tps)} tx/s, p50 ${Math.round(runs.at(-1).p50Ms)}` +
      ` ms, p99 ${Math.round(runs.at(-1).p99Ms)} ms`);
  }
  ctx.results.add(`${prefix}.tps`, runs.map((r) => r.tps), 'tx/s');
  ctx.results.add(`${prefix}.p50Ms`, runs.map((r) => r.p50Ms), 'ms');
  ctx.results.add(`${prefix}.p99Ms`, runs.map((r) => r.p99Ms), 'ms');
}

/** Notarizations from `accountsTotal` non-member accounts (notary is a public contract). */
function notaryFigures(ctx, net, prefix, targets) {
  const accounts = net.accounts(accountsTotal);
  return loadFigures(ctx, net, { prefix, what: 'notarizations', targets,
    sign: (count, tag) => net.signNotarizations(accounts, count, tag) });
}

/**
 * Token transfers between many client accounts: the token deployed by the admin key, each
 * holder minted a balance no run can exhaust, then signed transfers of 1 unit to other holders.
 */
async function transferFigures(ctx, net, prefix, targets) {
  const holders = net.accounts(ctx.quick ? holdersQuick : holdersFull);
  const started = performance.now();
  await net.deployToken();
  await net.mintTokens(holders, holderBalance);
  ctx.log(`${prefix}: token deployed and ${holders.length} holders minted in ` +
    `${((performance.now() - started) / 1000).toFixed(1)} s`);
  const random = seeded(holders.length);
  await loadFigures(ctx, net, { prefix, what: `token transfers between ${holders.length} holders`,
    targets, sign: (count) => net.signTransfers(holders, count, random) });
}

async function validatorsBench(ctx, agencies, label) {
  const verifyThreads = agencies === 1 ? availableParallelism() : 1;
  for (const suite of ['intl', 'gm']) {
    const net = await startedNetwork(ctx, { agencies, suite, verifyThreads });
    try {
      const prefix = `${label}${suite === 'gm' ? '.gm' : ''}`;
      const targets = net.nodes.map((_, i) => i);
      await notaryFigures(ctx, net, `${prefix}.notary`, targets);
      await transferFigures(ctx, net, `${prefix}.transfer`, targets);
    } finally {
      await net.close();
    }
  }
  const limits = { intl: 'limit.ed25519.verify.allCores', gm: 'limit.sm2.verify.allCores' };
  for (const [suite, limit] of Object.entries(limits)) {
    for (const workload of ['notary', 'transfer']) {
      const prefix = `${label}${suite === 'gm' ? '.gm' : ''}.${workload}`;
      ctx.results.ratio(`${prefix}.fractionOfLimit`, `${prefix}.tps`, limit,
        `fraction of ${limit}`);
    }
  }
  ctx.results.note(`${label}: ${agencies} node process(es) on 127.0.0.1, ${concurrency} concurrent ` +
    `HTTP clients round-robin over the nodes, ${accountsTotal} notarization accounts, ` +
    `${ctx.quick ? holdersQuick : holdersFull} token holders (non-members; 'token' is in the ` +
    `bench genesis publicContracts), --verify-threads ${verifyThreads}.`);
}

/** A started network; on a loaded machine a start may time out, so it is tried twice. */
async function startedNetwork(ctx, options) {
  for (let attempt = 1; ; attempt++) {
    const net = new BenchNetwork(options);
    try {
      await net.start();
      return net;
    } catch (error) {
      await net.close();
      if (attempt === 2) throw error;
      ctx.log(`network start failed, trying once more: ${error.message.split('\n')[0]}`);
    }
  }
}

export const singleBench = (ctx) => validatorsBench(ctx, 1, 'single');
export const fourBench = (ctx) => validatorsBench(ctx, 4, 'four');

/**
 * Block-sync catch-up: four agencies with the fourth stopped, a load committed by the other
 * three, then the fourth started from an empty data folder; blocks and transactions replayed per
 * second from its first answer to reaching the others' height. Repeated by wiping its folder.
 */
export async function syncBench(ctx) {
  const net = new BenchNetwork({ agencies: 4, suite: 'intl' });
  const late = 3;
  try {
    await net.start([0, 1, 2]);
    const accounts = net.accounts(accountsTotal);
    const total = ctx.quick ? 1_500 : 30_000;
    await net.load(await net.signNotarizations(accounts, total, 'sync'),
      { concurrency, targets: [0, 1, 2] });
    const client = net.client(0);
    const target = (await client.status()).height;
    const txsAt = [0];
    for (let h = 1; h <= target; h++) txsAt.push(txsAt[h - 1] + (await client.block(h)).txs.length);
    const blocks = [];
    const txs = [];
    for (let r = 0; r <= ctx.runs; r++) {
      rmSync(join(net.nodes[late].home, 'data'), { recursive: true, force: true });
      const rate = await catchUp(net, late, target, txsAt);
      await net.stopNode(late);
      if (r === 0) continue;
      blocks.push(rate.blocksPerSec);
      txs.push(rate.txsPerSec);
      ctx.log(`sync: ${Math.round(rate.blocksPerSec)} blocks/s, ${Math.round(rate.txsPerSec)} tx/s`);
    }
    ctx.results.add('sync.catchup.blocksPerSec', blocks, 'blocks/s');
    ctx.results.add('sync.catchup.txPerSec', txs, 'tx/s');
    ctx.results.note(`sync: the late node replays ${target} blocks holding ${txsAt[target]} ` +
      'notarizations from three running validators; timed from its first API answer.');
  } finally {
    await net.close();
  }
}

async function catchUp(net, index, target, txsAt) {
  const spawned = net.start([index]).catch(() => undefined);
  const client = net.client(index);
  let first;
  for (let i = 0; i < 12_000; i++) {
    let height;
    try {
      height = (await client.status()).height;
    } catch {
      await sleep(20);
      continue;
    }
    const now = performance.now();
    first ??= { at: now, height };
    if (height >= target) {
      await spawned;
      const seconds = (now - first.at) / 1000;
      return { blocksPerSec: (target - first.height) / seconds,
        txsPerSec: (txsAt[target] - txsAt[first.height]) / seconds };
    }
    await sleep(20);
  }
  throw new Error('late node did not catch up');
}

/** RSS of a validator after many notarizations, sent in chunks signed as the run goes. */
export async function rssBench(ctx) {
  const total = ctx.quick ? 5_000 : 1_000_000;
  const chunk = ctx.quick ? 2_500 : 20_000;
  const net = new BenchNetwork({ agencies: 1, suite: 'intl', verifyThreads: 1 });
  const deadline = performance.now() + ctx.capMs;
  let sent = 0;
  try {
    await net.start();
    const accounts = net.accounts(accountsTotal);
    const startRss = net.rssMb(0);
    const tps = [];
    while (sent < total && performance.now() < deadline) {
      const signed = await net.signNotarizations(accounts, chunk, `rss${sent}`);
      tps.push((await net.load(signed, { concurrency })).tps);
      sent += chunk;
      if (sent % 100_000 === 0) ctx.log(`rss: ${sent} committed, ${Math.round(net.rssMb(0))} MB`);
    }
    const exponent = shortCount(sent);
    const samples = [];
    for (let i = 0; i < 5; i++) {
      await sleep(500);
      samples.push(net.rssMb(0));
    }
    ctx.results.add(`node.rss.mb.after${exponent}tx`, samples, 'MB');
    ctx.results.add(`node.rss.mb.atStart`, [startRss], 'MB');
    ctx.results.add(`node.longRun.notary.tps.${exponent}tx`, tps, 'tx/s (per chunk)');
    if (sent !== 1_000_000) {
      ctx.results.miss('node.rss.mb.after1e6tx', ctx.quick
        ? `quick mode measures after ${sent} transactions (node.rss.mb.after${exponent}tx)`
        : `stopped at the time cap of ${Math.round(ctx.capMs / 60_000)} min after ${sent} ` +
          `transactions (node.rss.mb.after${exponent}tx)`);
    }
  } finally {
    await net.close();
  }
}

/** 5000 -> '5e3', 620000 -> '6.2e5': a count for a figure name. */
export function shortCount(count) {
  const power = Math.floor(Math.log10(count));
  return `${Number((count / 10 ** power).toPrecision(2))}e${power}`;
}
