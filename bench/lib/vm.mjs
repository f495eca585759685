// The contract runtime in-process on one core (issue 8 item 5, issue 4): a contract call that
// reads and writes one key, measured
//  - `vm.call.perSec`: through the real ContractVm session path (the block's session for the
//    contract, ContractSession.call, the host crossings, the key index's existence check) over an
//    in-memory host, so the figure is the runtime's own cost;
//  - `vm.call.executeBlock.perSec`: signed calls run by the ledger's executeBlock with the real
//    system contracts (nonce, contract resolution, metered state, receipts), blocks of distinct
//    senders each bumping its own key, signatures pre-verified as the node's worker pool does,
//    over an in-memory state (the storage layer is the `scale` benchmark's);
// and the per-block fixed costs: a fresh session (runtime, context, prelude, module load) per
// contract per block (`vm.context.freshUs`), the heap restore BEFORE each block that runs
// contracts (`vm.heap.restoreUs`), and a whole one-call block through executeBlock
// (`vm.block.oneCallUs`).
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');

/** Reads one key (named by the argument), writes it back incremented. */
const bumpSource = `exports.bump = { kind: 'tx', run: function (key) {
  const value = (Zhengwu.state.get(key) ?? 0) + 1;
  Zhengwu.state.set(key, value);
  return value;
} };`;
const benchChainId = 'zw-bench-vm';
const txGasMax = 10_000_000;

/** Whether the TypeScript contract runtime and the token contract exist in this build. */
export function vmStatus() {
  const runtime = existsSync(join(root, 'dist/vm/index.js'));
  const token = existsSync(join(root, 'contracts/token')) || existsSync(join(root, 'contracts/token.ts'));
  if (!runtime) {
    return { available: false, reason: 'the TypeScript contract VM (src/vm) is not built in this ' +
      'checkout yet, so there is no token-transfer contract to run' };
  }
  if (!token) {
    return { available: false, reason: 'no token-transfer contract under contracts/ yet ' +
      '(the VM and deploy path exist; the transfer workload is not written)' };
  }
  return { available: true, reason: '' };
}

export async function vmBench(ctx) {
  if (!existsSync(join(root, 'dist/vm/index.js'))) {
    const reason = vmStatus().reason;
    for (const name of ['vm.call.perSec', 'vm.call.executeBlock.perSec', 'vm.context.freshUs']) {
      ctx.results.miss(name, reason);
    }
    return;
  }
  const lib = await loadLibraries();
  const vm = new lib.ContractVm(await lib.loadVm());
  const code = lib.instrument(bumpSource).code;
  const sizes = ctx.quick ? { calls: 5_000, blockTxs: 200, blocks: 2, sessions: 20 }
    : { calls: 50_000, blockTxs: 1_000, blocks: 5, sessions: 200 };
  const chain = new BenchChain(lib, vm, sizes.blockTxs);
  const measure = (name, unit, run) => {
    run();
    const samples = Array.from({ length: ctx.runs }, run);
    ctx.results.add(name, samples, unit);
    ctx.log(`vm ${name}: ${samples.map((s) => Math.round(s)).join(', ')} ${unit}`);
  };
  measure('vm.call.perSec', 'calls/s', () => sessionRate(lib, vm, code, sizes.calls));
  measure('vm.call.executeBlock.perSec', 'calls/s', () => chain.rate(sizes.blocks));
  measure('vm.context.freshUs', 'us', () => freshSessionUs(vm, code, sizes.sessions));
  measure('vm.heap.restoreUs', 'us', () => restoreUs(vm, code, sizes.sessions));
  measure('vm.block.oneCallUs', 'us', () => chain.oneCallBlockUs(sizes.sessions));
}

async function loadLibraries() {
  const [core, crypto, ledger, node, system, vm] = await Promise.all([
    import('../../dist/core/index.js'), import('../../dist/crypto/index.js'),
    import('../../dist/ledger/index.js'), import('../../dist/node/index.js'),
    import('../../dist/system/index.js'), import('../../dist/vm/index.js')]);
  return { toHex: core.toHex, getSuite: crypto.getSuite, encodeTx: ledger.encodeTx,
    executeBlock: ledger.executeBlock, signTx: ledger.signTx, loadVm: node.loadVm,
    systemContracts: system.systemContracts, ContractVm: vm.ContractVm,
    instrument: vm.instrument };
}

/** A host as the ledger adapter builds one, over a Map, with an unlimited gas meter. */
function memoryHost(lib) {
  const store = new Map();
  let gas = Number.MAX_SAFE_INTEGER;
  return { info: { contract: 'bench', caller: null, sender: '00'.repeat(20), agency: null,
    roles: [], txHash: '00'.repeat(32), height: 1, time: 1_700_000_000_000 }, readOnly: false,
  state: { get: (key) => store.get(lib.toHex(key)),
    set: (key, value) => { store.set(lib.toHex(key), value); },
    delete: (key) => { store.delete(lib.toHex(key)); } },
  gasRemaining: () => gas, chargeGas: (amount) => { gas -= amount; }, emit: () => {},
  call: () => null };
}

/** Calls per second on one block's session, as executeBlock's adapter reaches it. */
function sessionRate(lib, vm, code, calls) {
  const host = memoryHost(lib);
  vm.beginBlock();
  try {
    const started = performance.now();
    for (let i = 0; i < calls; i++) {
      vm.session('bench@1', 'bench', () => code).call('bump', 'count', host);
    }
    return calls / ((performance.now() - started) / 1000);
  } finally {
    vm.endBlock();
  }
}

/** Microseconds to create and dispose one session (runtime, context, prelude, module load). */
function freshSessionUs(vm, code, count) {
  vm.beginBlock();
  const started = performance.now();
  for (let i = 0; i < count; i++) vm.scratch('bench', code).dispose();
  return ((performance.now() - started) * 1000) / count;
}

/** Microseconds of the heap restore that starts each block after the module was used. */
function restoreUs(vm, code, count) {
  let total = 0;
  for (let i = 0; i < count; i++) {
    vm.scratch('bench', code).dispose();
    const started = performance.now();
    vm.beginBlock();
    total += performance.now() - started;
  }
  return (total * 1000) / count;
}

/** An in-memory chain running signed blocks through executeBlock and the system contracts. */
class BenchChain {
  constructor(lib, vm, blockTxs) {
    this.lib = lib;
    this.suite = lib.getSuite('intl');
    const admin = this.suite.generateKeyPair();
    this.registry = lib.systemContracts({ hash: this.suite.hash, vm,
      deployers: [lib.toHex(this.suite.address(admin.publicKey))] });
    this.state = new Map();
    this.nonces = new Map();
    this.height = 0;
    this.users = Array.from({ length: blockTxs }, () => this.suite.generateKeyPair());
    this.block([this.sign(admin, 'contracts', 'deploy',
      { name: 'bench', source: bumpSource, version: '1' })]);
  }

  sign(key, contract, method, args) {
    const id = this.lib.toHex(key.publicKey);
    const nonce = this.nonces.get(id) ?? 0;
    this.nonces.set(id, nonce + 1);
    return this.lib.encodeTx(this.lib.signTx(this.suite, key.privateKey, { chainId: benchChainId,
      sender: key.publicKey, nonce, expiryHeight: 1_000_000_000, gasLimit: txGasMax, contract,
      method, args }));
  }

  /** Every user bumps its own key once; signed before any clock starts. */
  signCalls(users = this.users) {
    return users.map((key, index) => this.sign(key, 'bench', 'bump', `k${index}`));
  }

  /** Executes one block and applies its updates; returns milliseconds spent in executeBlock. */
  block(txs) {
    const { toHex } = this.lib;
    const verified = new Set(txs.map((bytes) => toHex(this.suite.hash(bytes))));
    this.height += 1;
    const started = performance.now();
    const result = this.lib.executeBlock({ suite: this.suite, contracts: this.registry, txGasMax,
      state: { get: (key) => this.state.get(toHex(key)) },
      verified: { has: (hash) => verified.has(toHex(hash)) } },
    { chainId: benchChainId, height: this.height, time: 1_700_000_000_000 + this.height * 1_000 },
    txs);
    const elapsed = performance.now() - started;
    const failed = result.receipts.find((receipt) => receipt.status !== 'ok');
    if (failed !== undefined) throw new Error(`${failed.status}: ${failed.error}`);
    for (const update of result.updates) {
      if (update.value === null) this.state.delete(toHex(update.key));
      else this.state.set(toHex(update.key), update.value);
    }
    return elapsed;
  }

  /** Calls per second over `blocks` full blocks. */
  rate(blocks) {
    const signed = Array.from({ length: blocks }, () => this.signCalls());
    let elapsed = 0;
    for (const txs of signed) elapsed += this.block(txs);
    return (blocks * this.users.length) / (elapsed / 1000);
  }

  /** Microseconds of a block holding one call: heap restore, fresh session, call, receipt. */
  oneCallBlockUs(count) {
    const signed = Array.from({ length: count }, () => this.signCalls(this.users.slice(0, 1)));
    let elapsed = 0;
    for (const txs of signed) elapsed += this.block(txs);
    return (elapsed * 1000) / count;
  }
}
