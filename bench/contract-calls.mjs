// Contract call throughput on one core (issue 4): a call that reads and writes one key, measured
// (1) at the runtime boundary with an in-memory host, and (2) through executeBlock with the
// ledger's metered state (signatures pre-verified, as the node's worker pool does), plus the
// per-block cost of a fresh contract runtime. Run after `npm run build`.
import { toHex } from '../dist/core/index.js';
import { getSuite } from '../dist/crypto/index.js';
import { encodeTx, executeBlock, signTx } from '../dist/ledger/index.js';
import { loadVm } from '../dist/node/index.js';
import { systemContracts } from '../dist/system/index.js';
import { ContractVm, instrument } from '../dist/vm/index.js';

const source = `exports.bump = { kind: 'tx', run: function () {
  const value = (Zhengwu.state.get('count') ?? 0) + 1; Zhengwu.state.set('count', value);
  return value; } };`;
const module = await loadVm();
const vm = new ContractVm(module);
const code = instrument(source).code;

function runtimeRate() {
  const store = new Map();
  let gas = 1e15;
  const host = { info: { contract: 'c', caller: null, sender: 'aa', agency: null, roles: [],
    txHash: 'bb', height: 1, time: 2 }, readOnly: false,
  state: { get: (k) => store.get(toHex(k)), set: (k, v) => { store.set(toHex(k), v); },
    delete: (k) => { store.delete(toHex(k)); } },
  gasRemaining: () => gas, chargeGas: (n) => { gas -= n; }, emit: () => {}, call: () => null };
  const session = vm.scratch('c', code);
  for (let i = 0; i < 5_000; i++) session.call('bump', null, host);
  const calls = 100_000;
  const start = performance.now();
  for (let i = 0; i < calls; i++) session.call('bump', null, host);
  const rate = calls / ((performance.now() - start) / 1000);
  session.dispose();
  return rate;
}

function sessionCostMs() {
  const count = 200;
  const start = performance.now();
  for (let i = 0; i < count; i++) vm.scratch('c', code).dispose();
  return (performance.now() - start) / count;
}

function ledgerRate() {
  const suite = getSuite('intl');
  const admin = suite.generateKeyPair();
  const registry = systemContracts({ hash: suite.hash, vm,
    deployers: [toHex(suite.address(admin.publicKey))] });
  const state = new Map();
  const nonces = new Map();
  let height = 0;
  const tx = (key, contract, method, args) => {
    const id = toHex(key.publicKey);
    const nonce = nonces.get(id) ?? 0;
    nonces.set(id, nonce + 1);
    return encodeTx(signTx(suite, key.privateKey, { chainId: 'bench', sender: key.publicKey,
      nonce, expiryHeight: 1e6, gasLimit: 10_000_000, contract, method, args }));
  };
  const block = (txs) => {
    height += 1;
    const verified = new Set(txs.map((bytes) => toHex(suite.hash(bytes))));
    const started = performance.now();
    const result = executeBlock({ suite, contracts: registry, txGasMax: 10_000_000,
      state: { get: (key) => state.get(toHex(key)) },
      verified: { has: (hash) => verified.has(toHex(hash)) } },
    { chainId: 'bench', height, time: 1_700_000_000_000 + height }, txs);
    const elapsed = performance.now() - started;
    for (const update of result.updates) {
      if (update.value === null) state.delete(toHex(update.key));
      else state.set(toHex(update.key), update.value);
    }
    return { result, elapsed };
  };
  block([tx(admin, 'contracts', 'deploy', { name: 'bench', source, version: '1' })]);
  const users = Array.from({ length: 50 }, () => suite.generateKeyPair());
  const make = (n) => Array.from({ length: n }, (_, i) => tx(users[i % 50], 'bench', 'bump', null));
  block(make(1_000));
  const txs = make(5_000);
  const { result, elapsed } = block(txs);
  if (result.receipts.some((r) => r.status !== 'ok')) throw new Error('a call failed');
  const emptyish = [];
  for (let i = 0; i < 50; i++) emptyish.push(block(make(1)).elapsed);
  return { rate: txs.length / (elapsed / 1000), oneTxBlockMs: emptyish.reduce((a, b) => a + b) / 50,
    gas: result.receipts[0].gasUsed };
}

const runtime = runtimeRate();
const session = sessionCostMs();
const ledger = ledgerRate();
console.log(JSON.stringify({
  runtimeCallsPerSecond: Math.round(runtime),
  ledgerCallsPerSecond: Math.round(ledger.rate),
  gasPerCall: ledger.gas,
  freshRuntimeMs: Number(session.toFixed(2)),
  oneCallBlockMs: Number(ledger.oneTxBlockMs.toFixed(2)),
}, null, 2));
