// The peers, side by side: Hardhat 2 (in-process EDR network) and ganache, installed into
// bench/peer with their own package.json at bench time (never dependencies of Zhengwu), each run
// in its own process with the same transfer workload shape as Zhengwu's load.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const peerDir = join(import.meta.dirname, '../peer');
const peerTimeoutMs = 600_000;

function ensureInstalled(ctx) {
  if (existsSync(join(peerDir, 'node_modules/hardhat/package.json')) &&
      existsSync(join(peerDir, 'node_modules/ganache/package.json'))) return;
  ctx.log('peer: npm install in bench/peer (Hardhat 2, ganache, ethers)');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'],
    { cwd: peerDir, stdio: 'inherit' });
}

function runPeer(engine, txs, runs) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['run.cjs', engine, String(txs), String(runs)],
      { cwd: peerDir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ZW_PEER_SENDERS: '64' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => { out += chunk; });
    child.stderr.on('data', (chunk) => { err += chunk; });
    const timer = setTimeout(() => child.kill('SIGKILL'), peerTimeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`${engine} failed: ${err.slice(-2000)}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1)));
    });
  });
}

export async function peerBench(ctx) {
  ensureInstalled(ctx);
  const sizes = { hardhat: ctx.quick ? 600 : 10_000, ganache: ctx.quick ? 300 : 3_000 };
  for (const engine of ['hardhat', 'ganache']) {
    const result = await runPeer(engine, sizes[engine], ctx.runs);
    const prefix = `peer.${engine}.transfer`;
    ctx.results.add(`${prefix}.tps`, result.runs.map((r) => r.tps), 'tx/s');
    ctx.results.add(`${prefix}.p50Ms`, result.runs.map((r) => r.p50Ms), 'ms');
    ctx.results.add(`${prefix}.p99Ms`, result.runs.map((r) => r.p99Ms), 'ms');
    ctx.log(`peer ${engine} ${result.version}: ${Math.round(result.runs[0].tps)} tx/s (first run)`);
    ctx.results.note(`peer ${engine} ${result.version}: ${sizes[engine]} pre-signed ETH transfers ` +
      'per run from 64 concurrent clients (one sender each), each waited until its receipt ' +
      'shows it included (automine), after a 500-transfer warm-up; in-process provider.');
  }
}
