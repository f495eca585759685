// The peer side of the benchmark: the same transfer workload as Zhengwu's — transfers signed
// before the clock starts, submitted by many concurrent clients, each waited until included —
// on Hardhat 2's in-process network (EDR) or on ganache, in this process. Prints one JSON line:
//   { engine, version, runs: [{ txs, seconds, tps, p50Ms, p99Ms }] }
// Usage: node run.cjs hardhat|ganache <txsPerRun> <runs>; run from this folder (bench/peer).
const { Wallet } = require('ethers');
const { accountKeys, balanceWei } = require('./keys.cjs');

const [engine, txsText = '2000', runsText = '3'] = process.argv.slice(2);
const txsPerRun = Number(txsText);
const runsTotal = Number(runsText);
const warmupTxs = Math.min(500, txsPerRun);
const recipientsTotal = 1000;

async function openProvider() {
  if (engine === 'hardhat') {
    process.env.HARDHAT_NETWORK = 'hardhat';
    const hre = require('hardhat');
    return { chainId: 31337, version: require('hardhat/package.json').version,
      request: (method, params) => hre.network.provider.request({ method, params }) };
  }
  if (engine === 'ganache') {
    const ganache = require('ganache');
    const provider = ganache.provider({ logging: { quiet: true },
      chain: { chainId: 1337 }, miner: { instamine: 'eager', defaultGasPrice: '0x3b9aca00' },
      wallet: { accounts: accountKeys().map((secretKey) => ({ secretKey,
        balance: `0x${BigInt(balanceWei).toString(16)}` })) } });
    return { chainId: 1337, version: require('ganache/package.json').version,
      request: (method, params) => provider.request({ method, params }) };
  }
  throw new Error(`unknown engine ${engine}`);
}

/** Signs `count` transfers, round-robin over the senders, before any clock starts. */
async function signTransfers(wallets, nonces, chainId, count) {
  const perSender = wallets.map(() => []);
  for (let i = 0; i < count; i++) {
    const s = i % wallets.length;
    const to = `0x${(0x100000 + (i % recipientsTotal)).toString(16).padStart(40, '0')}`;
    perSender[s].push(await wallets[s].signTransaction({ type: 0, chainId, nonce: nonces[s]++,
      to, value: 1n, gasLimit: 21000n, gasPrice: 1_000_000_000n }));
  }
  return perSender;
}

/** Each sender is one client: submit, wait for the receipt, next. Returns the run's figures. */
async function runLoad(provider, perSender) {
  const latencies = [];
  const started = performance.now();
  await Promise.all(perSender.map(async (raws) => {
    for (const raw of raws) {
      const sent = performance.now();
      const hash = await provider.request('eth_sendRawTransaction', [raw]);
      for (;;) {
        const receipt = await provider.request('eth_getTransactionReceipt', [hash]);
        if (receipt !== null) {
          if (receipt.status !== '0x1') throw new Error(`transfer ${hash} failed`);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      latencies.push(performance.now() - sent);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { txs: latencies.length, seconds, tps: latencies.length / seconds, p50Ms: at(0.5),
    p99Ms: at(0.99) };
}

async function main() {
  const provider = await openProvider();
  const wallets = accountKeys().map((key) => new Wallet(key));
  const nonces = wallets.map(() => 0);
  await runLoad(provider, await signTransfers(wallets, nonces, provider.chainId, warmupTxs));
  const runs = [];
  for (let r = 0; r < runsTotal; r++) {
    const signed = await signTransfers(wallets, nonces, provider.chainId, txsPerRun);
    runs.push(await runLoad(provider, signed));
  }
  process.stdout.write(`${JSON.stringify({ engine, version: provider.version, runs })}\n`);
}

main().then(() => process.exit(0), (error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
