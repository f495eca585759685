// Single-node load: committed notarizations per second and submit-to-commit latency through the
// HTTP API, on a fresh one-agency network in a temporary folder. Transactions are signed before
// the clock starts, so the figure is the node's, not the client's signing speed.
//   node bench/notary-load.mjs [--suite intl|gm] [--agencies 1|4] [--txs 20000] [--accounts 200]
//                              [--concurrency 64]
// With several agencies every node runs as its own process and submissions go round-robin to all
// of them; commit times are read from the first node's event stream.
// Run `npm run build` first. The full harness (npm run bench) is a separate piece of work.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initNetwork } from '../dist/node/index.js';
import { Account, ZhengwuClient, getSuite } from '../dist/sdk/index.js';

const { values } = parseArgs({ options: {
  suite: { type: 'string', default: 'intl' }, txs: { type: 'string', default: '20000' },
  accounts: { type: 'string', default: '200' }, concurrency: { type: 'string', default: '64' },
  agencies: { type: 'string', default: '1' },
} });
const total = Number(values.txs);
const accountsTotal = Number(values.accounts);
const concurrency = Number(values.concurrency);
const suite = getSuite(values.suite);

const dir = mkdtempSync(join(tmpdir(), 'zw-bench-'));
const manifest = initNetwork({ dir, agencies: Number(values.agencies), suite: values.suite,
  basePort: 17700 });
const node = manifest.nodes[0];
const nodeArgs = (process.env.ZW_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const children = manifest.nodes.map((n) => spawn(process.execPath,
  [...nodeArgs, join(import.meta.dirname, '../bin/zw.js'), 'node', 'start', '--home', n.home],
  { stdio: 'ignore' }));
const client = new ZhengwuClient({ url: node.api });
try {
  for (const n of manifest.nodes) {
    const c = new ZhengwuClient({ url: n.api });
    for (let i = 0; ; i++) {
      try {
        if ((await c.status()).peers.length >= manifest.nodes.length - 1) break;
      } catch { /* not up yet */ }
      await new Promise((r) => setTimeout(r, 100));
      if (i > 300) throw new Error('node did not start');
    }
  }
  const accounts = Array.from({ length: accountsTotal },
    () => new Account(suite, suite.generateKeyPair(), client));
  const txs = [];
  for (let i = 0; i < total; i++) {
    const account = accounts[i % accountsTotal];
    txs.push(await account.build('notary', 'put', { hash: suite.hash(Buffer.from(`doc-${i}`)),
      meta: {} }, { validForBlocks: 5_000 }));
  }
  // Commit times come from the node's WebSocket stream of transaction results.
  const sentAt = new Map();
  const latencies = [];
  let failures = 0;
  let allCommitted;
  const committed = new Promise((resolve) => { allCommitted = resolve; });
  const close = await client.subscribe((message) => {
    const sent = sentAt.get(message.hash);
    if (sent === undefined) return;
    sentAt.delete(message.hash);
    if (message.status !== 'ok') failures += 1;
    latencies.push(performance.now() - sent);
    if (latencies.length === total) allCommitted();
  }, { types: ['tx'] });
  const hashes = txs.map((bytes) => Buffer.from(suite.hash(bytes)).toString('hex'));
  const startHeight = (await client.status()).height;
  const started = performance.now();
  // Submissions use a keep-alive agent: Node 20's fetch costs more per request than the node's
  // own admission work, and would make this a benchmark of the client.
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const urls = manifest.nodes.map((n) => new URL(n.api));
  let turn = 0;
  const post = (bytes) => new Promise((resolve, reject) => {
    const url = urls[turn++ % urls.length];
    const body = JSON.stringify({ tx: Buffer.from(bytes).toString('base64') });
    const request = http.request({ host: url.hostname, port: url.port, path: '/v1/txs',
      method: 'POST', agent, headers: { 'content-type': 'application/json',
        'content-length': Buffer.byteLength(body) } }, (response) => {
      let text = '';
      response.on('data', (chunk) => { text += chunk; });
      response.on('end', () => (response.statusCode === 202 ? resolve()
        : reject(new Error(text))));
    });
    request.on('error', reject);
    request.end(body);
  });
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < txs.length) {
      const index = next++;
      sentAt.set(hashes[index], performance.now());
      await post(txs[index]);
    }
  }));
  await committed;
  close();
  const seconds = (performance.now() - started) / 1000;
  if (failures > 0) throw new Error(`${failures} transactions failed`);
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  const blocks = (await client.status()).height - startHeight;
  console.log(JSON.stringify({ suite: values.suite, txs: total, seconds: +seconds.toFixed(2),
    tps: Math.round(total / seconds), p50Ms: Math.round(at(0.5)), p99Ms: Math.round(at(0.99)),
    blocks, concurrency, agencies: manifest.nodes.length }));
} finally {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((child) => new Promise((r) => child.on('exit', r))));
  rmSync(dir, { recursive: true, force: true });
}
