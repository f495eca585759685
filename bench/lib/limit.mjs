// The machine's limit: signature verifications per second with the suites the node uses
// (Ed25519 through OpenSSL, standard SM2 through the native addon), on one core and on all cores
// (one worker thread per core, all verifying at once). A chain whose every node verifies every
// transaction cannot commit faster than this, so the other throughputs are reported against it.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { getSuite } from '../../dist/crypto/index.js';

/** Distinct keys, as the node sees many senders; messages sized like a transaction body. */
const keysTotal = 64;

/** Verifies for `seconds` and returns verifications per second. Runs in any thread. */
export function verifyLoop(suiteName, seconds) {
  const suite = getSuite(suiteName);
  const cases = Array.from({ length: keysTotal }, (_, i) => {
    const pair = suite.generateKeyPair();
    const message = new TextEncoder().encode(`a transaction of about 160 bytes ${i} `.repeat(4));
    return { publicKey: pair.publicKey, message, signature: suite.sign(pair.privateKey, message) };
  });
  let operations = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  while (performance.now() < deadline) {
    for (let i = 0; i < 16; i++) {
      const c = cases[(operations + i) % keysTotal];
      if (!suite.verify(c.publicKey, c.message, c.signature)) throw new Error('verify failed');
    }
    operations += 16;
  }
  return operations / ((performance.now() - started) / 1000);
}

/** All cores at once: one worker per core, released together; the sum of their rates. */
async function allCores(suiteName, seconds) {
  const threads = availableParallelism();
  const workers = Array.from({ length: threads }, () => new Worker(
    new URL('./limit-worker.mjs', import.meta.url), { workerData: { suite: suiteName, seconds } }));
  try {
    await Promise.all(workers.map((w) => new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    })));
    const rates = workers.map((w) => new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    }));
    for (const w of workers) w.postMessage('go');
    return (await Promise.all(rates)).reduce((a, b) => a + b, 0);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

export async function limitBench(ctx) {
  const seconds = ctx.quick ? 0.3 : 2;
  for (const [suite, algorithm] of [['intl', 'ed25519'], ['gm', 'sm2']]) {
    verifyLoop(suite, seconds / 2);
    await allCores(suite, seconds / 2);
    const one = [];
    const all = [];
    for (let r = 0; r < ctx.runs; r++) {
      one.push(verifyLoop(suite, seconds));
      all.push(await allCores(suite, seconds));
    }
    ctx.results.add(`limit.${algorithm}.verify.oneCore`, one, 'verify/s');
    ctx.results.add(`limit.${algorithm}.verify.allCores`, all, 'verify/s');
    ctx.log(`limit ${algorithm}: one core ${Math.round(median(one))}/s, ` +
      `all ${availableParallelism()} cores ${Math.round(median(all))}/s`);
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
