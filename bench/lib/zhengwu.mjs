// Real Zhengwu networks for the benchmarks: a fresh network in a temporary folder, one node
// process per agency (127.0.0.1 only), and the loads — notarizations as in
// bench/notary-load.mjs, and token transfers through the contracts/token contract deployed with
// the network's admin key — all transactions signed before the clock starts, submitted by many
// concurrent HTTP clients over keep-alive sockets, commit times read from a node's WebSocket
// stream of transaction results.
import { execFile, spawn } from 'node:child_process';
import http from 'node:http';
import {
  closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initNetwork } from '../../dist/node/index.js';
import { Account, ZhengwuClient, getSuite, openKeystore } from '../../dist/sdk/index.js';

const zwBin = join(import.meta.dirname, '../../bin/zw.js');
const tokenProject = join(import.meta.dirname, '../../contracts/token');
/** The token's name on bench networks, as in contracts/token/contract.json. */
export const tokenContract = 'token';
/** The mempool takes at most 1,000 pending transactions per sender; mints stay under it. */
const mintChunkTxs = 500;
const deployTimeoutMs = 120_000;
const nodeStartTimeoutMs = 60_000;
const commitTimeoutMs = 120_000;
let portBlock = 0;

/** API ports are basePort+1.., peer ports basePort+101..; each network gets its own block. */
function nextBasePort() {
  portBlock += 1;
  return 21_000 + ((process.pid % 20) * 1_000) + portBlock * 200;
}

export class BenchNetwork {
  /**
   * @param {{ agencies: number, suite: 'intl'|'gm', verifyThreads?: number,
   *   nodeArgs?: (index: number) => string[] }} options
   */
  constructor(options) {
    this.options = options;
    this.dir = mkdtempSync(join(tmpdir(), 'zw-bench-'));
    this.manifest = initNetwork({ dir: this.dir, agencies: options.agencies, suite: options.suite,
      basePort: nextBasePort() });
    this.publishToken();
    this.liftClientLimits();
    this.suite = getSuite(options.suite);
    this.children = new Map();
  }

  /**
   * Adds the token to the genesis `publicContracts` of every copy of the genesis, before any
   * node starts: the load's thousands of client accounts are not registered members, and only
   * public contracts accept transactions from non-members.
   */
  publishToken() {
    const homes = this.manifest.nodes.map((node) => node.home);
    for (const path of [this.dir, ...homes].map((folder) => join(folder, 'genesis.json'))) {
      const genesis = JSON.parse(readFileSync(path, 'utf8'));
      genesis.params.publicContracts = [...genesis.params.publicContracts, tokenContract];
      writeFileSync(path, `${JSON.stringify(genesis, null, 2)}\n`);
    }
  }

  /**
   * The load comes from one loopback address and thousands of non-member accounts, which the
   * node's client bounds (ADR 0014: per-address connections, non-members' rates) exist to stop;
   * the benchmark measures the chain, not the limiter, so its nodes lift those bounds.
   */
  liftClientLimits() {
    for (const node of this.manifest.nodes) {
      const path = join(node.home, 'config.json');
      const config = JSON.parse(readFileSync(path, 'utf8'));
      config.api.limits = { ...config.api.limits, connectionsPerAddressMax: 1_000,
        nonMemberTxsPerSecondPerSender: 1_000_000, nonMemberTxsPerSecondPerAddress: 1_000_000 };
      writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
    }
  }

  get nodes() {
    return this.manifest.nodes;
  }

  client(index = 0) {
    return new ZhengwuClient({ url: this.nodes[index].api });
  }

  /** Starts node processes by index; resolves when each sees every other running node. */
  async start(indexes = this.nodes.map((_, i) => i)) {
    for (const index of indexes) {
      const args = [...(this.options.nodeArgs?.(index) ?? []), zwBin, 'node', 'start',
        '--home', this.nodes[index].home,
        '--verify-threads', String(this.options.verifyThreads ?? 1)];
      // Logs go to a file in the network folder, so a node that fails to start can say why.
      const log = openSync(this.logPath(index), 'a');
      this.children.set(index, spawn(process.execPath, args, { stdio: ['ignore', log, log] }));
      closeSync(log);
    }
    const running = this.children.size;
    for (const index of indexes) await this.waitForPeers(index, running - 1);
  }

  async waitForPeers(index, peers) {
    const client = this.client(index);
    const deadline = Date.now() + nodeStartTimeoutMs;
    for (;;) {
      try {
        if ((await client.status()).peers.length >= peers) return;
      } catch { /* not up yet */ }
      if (Date.now() > deadline) {
        const log = readFileSync(this.logPath(index), 'utf8').slice(-1_500);
        throw new Error(`node ${index} did not see ${peers} peers in time; its log ends:\n${log}`);
      }
      await sleep(100);
    }
  }

  logPath(index) {
    return join(this.dir, `${this.nodes[index].name}.log`);
  }

  pid(index) {
    return this.children.get(index)?.pid;
  }

  /** Resident set size of a node process in MB, from /proc. */
  rssMb(index) {
    const status = readFileSync(`/proc/${this.pid(index)}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return kb / 1024;
  }

  async stopNode(index) {
    const child = this.children.get(index);
    if (child === undefined) return;
    this.children.delete(index);
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  async close() {
    await Promise.all([...this.children.keys()].map((index) => this.stopNode(index)));
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Accounts for the load, each with its own key; nonces are tracked locally by the SDK. */
  accounts(count) {
    const client = this.client(0);
    return Array.from({ length: count },
      () => new Account(this.suite, this.suite.generateKeyPair(), client));
  }

  /** Signs `count` notarizations round-robin over `accounts`. */
  async signNotarizations(accounts, count, tag) {
    const txs = [];
    for (let i = 0; i < count; i++) {
      const hash = this.suite.hash(Buffer.from(`doc-${tag}-${i}`));
      txs.push(await accounts[i % accounts.length].build('notary', 'put', { hash, meta: {} },
        { validForBlocks: 5_000 }));
    }
    return txs;
  }

  /**
   * Deploys contracts/token as `zw contract deploy` does for an operator, signed by the network's
   * admin key (the genesis `contractDeployers` entry), which becomes the token's issuer.
   */
  async deployToken() {
    const args = [zwBin, 'contract', 'deploy', '--dir', tokenProject,
      '--key', join(this.dir, 'admin.key'), '--passphrase-file', join(this.dir, 'admin.passphrase'),
      '--node', this.nodes[0].api, '--json'];
    await new Promise((resolve, reject) => {
      execFile(process.execPath, args, { timeout: deployTimeoutMs }, (error, stdout, stderr) => {
        if (error) reject(new Error(`token deploy failed: ${stderr || stdout || error.message}`));
        else resolve(stdout);
      });
    });
  }

  /** The token issuer: the network's admin key, opened from its keystore. */
  issuer() {
    const passphrase = readFileSync(join(this.dir, 'admin.passphrase'), 'utf8').trim();
    const key = openKeystore(readFileSync(join(this.dir, 'admin.key'), 'utf8'), passphrase);
    return new Account(this.suite, key, this.client(0));
  }

  /** Mints `amount` to each account, in chunks the mempool accepts from one sender. */
  async mintTokens(accounts, amount) {
    const issuer = this.issuer();
    for (let start = 0; start < accounts.length; start += mintChunkTxs) {
      const txs = [];
      for (const account of accounts.slice(start, start + mintChunkTxs)) {
        txs.push(await issuer.build(tokenContract, 'mint', { to: account.address, amount },
          { validForBlocks: 5_000 }));
      }
      await this.load(txs, { concurrency: 16 });
    }
  }

  /**
   * Signs `count` token transfers of 1 unit, senders round-robin over `accounts`, each to another
   * account picked by `random`, so that every transfer reads and writes two existing balances.
   */
  async signTransfers(accounts, count, random) {
    const txs = [];
    for (let i = 0; i < count; i++) {
      const from = i % accounts.length;
      const to = (from + 1 + Math.floor(random() * (accounts.length - 1))) % accounts.length;
      txs.push(await accounts[from].build(tokenContract, 'transfer',
        { to: accounts[to].address, amount: 1 }, { validForBlocks: 5_000 }));
    }
    return txs;
  }

  /**
   * Submits signed transactions with `concurrency` clients round-robin over `targets` (node
   * indexes) and waits until all are committed. Returns tps and submit-to-commit latency.
   */
  async load(txs, { concurrency = 64, targets = [0], watch = 0 } = {}) {
    const hashes = txs.map((bytes) => Buffer.from(this.suite.hash(bytes)).toString('hex'));
    const sentAt = new Map();
    const latencies = [];
    let failures = 0;
    let allCommitted;
    const committed = new Promise((resolve) => { allCommitted = resolve; });
    const closeStream = await this.client(watch).subscribe((message) => {
      const sent = sentAt.get(message.hash);
      if (sent === undefined) return;
      sentAt.delete(message.hash);
      if (message.status !== 'ok') failures += 1;
      latencies.push(performance.now() - sent);
      if (latencies.length === txs.length) allCommitted();
    }, { types: ['tx'] });
    const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    const urls = targets.map((index) => new URL(this.nodes[index].api));
    let turn = 0;
    let next = 0;
    const started = performance.now();
    const startedNs = process.hrtime.bigint();
    try {
      await Promise.all(Array.from({ length: concurrency }, async () => {
        while (next < txs.length) {
          const index = next++;
          sentAt.set(hashes[index], performance.now());
          await postTx(agent, urls[turn++ % urls.length], txs[index]);
        }
      }));
      await withTimeout(committed, commitTimeoutMs, 'transactions were not all committed');
    } finally {
      closeStream();
      agent.destroy();
    }
    const seconds = (performance.now() - started) / 1000;
    // CLOCK_MONOTONIC, the clock of V8's CPU profiles on Linux: lets a profile be cut to the load.
    const window = { startUs: Number(startedNs / 1000n),
      endUs: Number(process.hrtime.bigint() / 1000n) };
    if (failures > 0) throw new Error(`${failures} transactions failed`);
    latencies.sort((a, b) => a - b);
    return { txs: txs.length, seconds, tps: txs.length / seconds,
      p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99), window };
  }
}

/** A small seeded generator (mulberry32) so that every run picks the same recipients. */
export function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function postTx(agent, url, bytes) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ tx: Buffer.from(bytes).toString('base64') });
    const request = http.request({ host: url.hostname, port: url.port, path: '/v1/txs',
      method: 'POST', agent, headers: { 'content-type': 'application/json',
        'content-length': Buffer.byteLength(body) } }, (response) => {
      let text = '';
      response.on('data', (chunk) => { text += chunk; });
      response.on('end', () => (response.statusCode === 202 ? resolve()
        : reject(new Error(`submit answered ${response.statusCode}: ${text}`))));
    });
    request.on('error', reject);
    request.end(body);
  });
}

export function percentile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function withTimeout(promise, ms, message) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
