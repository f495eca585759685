// Scaling with state size, measured in-process over the real state tree (src/state) and the real
// ChainStore (SQLite, WAL, synchronous FULL): the store is filled to 10^4, 10^6 and 10^7 token
// balances (--quick: 10^4 and 10^5), and at each size two block workloads run, each block of
// 1,000 transactions applied to the tree and committed with its rows in one storage transaction:
//  - `scale.transfer.tps.*`: real token transfers — signed transactions run by the ledger's
//    executeBlock through the contracts/token contract in the contract runtime (nonce check,
//    two balance reads and writes, an event, a receipt), signatures pre-verified as the node's
//    worker pool does at admission; senders are 1,000 minted accounts, recipients random balances;
//  - `scale.state.transfer.tps.*`: the same shape on the state layer alone (two random balances
//    read and written per transaction, no runtime), which tells the runtime's share;
// plus proof size and proof verification time for random keys.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode, encode, toHex } from '../../dist/core/index.js';
import { getSuite } from '../../dist/crypto/index.js';
import {
  encodeReceipt, encodeTx, executeBlock, signTx, stateTreeKey,
} from '../../dist/ledger/index.js';
import { loadVm } from '../../dist/node/index.js';
import { StateTree, encodeProof, verifyStateProof } from '../../dist/state/index.js';
import { ChainStore } from '../../dist/storage/index.js';
import { systemContracts } from '../../dist/system/index.js';
import { ContractVm, dataKey } from '../../dist/vm/index.js';
import { shortCount } from './chain-benches.mjs';
import { seeded, tokenContract } from './zhengwu.mjs';

const blockTxs = 1_000;
const fillBatchKeys = 250_000;
/** Minted accounts that sign the token transfers, each once per block. */
const sendersTotal = 1_000;
const filledBalance = 1_000_000;
const senderBalance = 1_000_000_000;
const scaleChainId = 'zw-bench-scale';
const txGasMax = 10_000_000;

/** Builds contracts/token with `zw contract build`, as an operator does; returns the bundle. */
function buildToken() {
  const dir = join(import.meta.dirname, '../../contracts/token');
  execFileSync(process.execPath, [join(import.meta.dirname, '../../bin/zw.js'), 'contract',
    'build', '--dir', dir, '--json'], { stdio: 'pipe', timeout: 60_000 });
  return readFileSync(join(dir, 'dist', 'contract.js'), 'utf8');
}

export class ScaleStore {
  constructor(dir, vm) {
    this.suite = getSuite('intl');
    this.hash = this.suite.hash;
    this.store = new ChainStore(join(dir, 'chain.db'));
    this.tree = new StateTree(this.hash, this.store);
    this.height = 0;
    this.keys = 0;
    this.admin = this.suite.generateKeyPair();
    this.contracts = systemContracts({ hash: this.hash, vm,
      deployers: [toHex(this.suite.address(this.admin.publicKey))] });
    this.nonces = new Map();
    this.senders = [];
  }

  /** A filled account's address: 20 bytes, as the chain's addresses are. */
  addressOf(index) {
    return toHex(this.hash(Buffer.from(`account-${index}`)).subarray(0, 20));
  }

  /** The tree key of an address's token balance, exactly where the token keeps it. */
  balanceKey(address) {
    return stateTreeKey(this.hash, tokenContract, dataKey(`b/${address}`));
  }

  keyOf(index) {
    return this.balanceKey(this.addressOf(index));
  }

  /**
   * Commits one block: tree updates, their nodes, latest values and transaction rows ({hash,
   * receipt}), atomically.
   */
  commit(updates, txRows) {
    const height = this.height + 1;
    const result = this.tree.applyUpdates(this.height, height, updates);
    const hash = this.hash(Buffer.from(`block-${height}`));
    this.store.commitBlock({
      block: { height, hash, block: hash, commit: hash },
      result: { height, stateRoot: result.root, receiptsRoot: hash },
      txs: txRows.map((row, index) => ({ ...row, height, index })),
      stateNodes: result.nodes, stateLatest: updates, evidence: [], meta: [],
    });
    this.height = height;
  }

  /** A signed transaction with the signer's next nonce. */
  sign(key, contract, method, args) {
    const id = toHex(key.publicKey);
    const nonce = this.nonces.get(id) ?? 0;
    this.nonces.set(id, nonce + 1);
    return encodeTx(signTx(this.suite, key.privateKey, { chainId: scaleChainId,
      sender: key.publicKey, nonce, expiryHeight: 1_000_000_000, gasLimit: txGasMax, contract,
      method, args }));
  }

  /**
   * Executes signed transactions as the next block, as the node does after consensus, and
   * commits the result; every receipt must be ok. Signatures count as verified, as the node's
   * worker pool has checked them at admission.
   */
  execute(txs) {
    const verified = new Set(txs.map((bytes) => toHex(this.hash(bytes))));
    const height = this.height + 1;
    const result = executeBlock({ suite: this.suite, contracts: this.contracts, txGasMax,
      state: { get: (key) => this.store.latestValue(key) },
      verified: { has: (hash) => verified.has(toHex(hash)) } },
    { chainId: scaleChainId, height, time: 1_700_000_000_000 + height * 1_000 }, txs);
    const failed = result.receipts.find((receipt) => receipt.status !== 'ok');
    if (failed !== undefined) throw new Error(`${failed.status}: ${failed.error}`);
    this.commit(result.updates, result.receipts.map((receipt) => ({ hash: receipt.txHash,
      receipt: encodeReceipt(receipt) })));
  }

  /** Deploys the token (the admin is its issuer) and mints to `sendersTotal` new accounts. */
  setUpToken(source) {
    this.execute([this.sign(this.admin, 'contracts', 'deploy',
      { name: tokenContract, version: '1.0.0', source, init: null })]);
    this.senders = Array.from({ length: sendersTotal }, () => this.suite.generateKeyPair());
    this.execute(this.senders.map((key) => this.sign(this.admin, tokenContract, 'mint',
      { to: toHex(this.suite.address(key.publicKey)), amount: senderBalance })));
  }

  /** Signs one block of token transfers: every sender once, each to a random filled balance. */
  signTransferBlock(random) {
    return this.senders.map((key) => this.sign(key, tokenContract, 'transfer',
      { to: this.addressOf(Math.floor(random() * this.keys)), amount: 1 }));
  }

  /** Runs one signed block of token transfers; returns seconds taken. */
  tokenBlock(txs) {
    const started = performance.now();
    this.execute(txs);
    return (performance.now() - started) / 1000;
  }

  /** Fills to `total` keys or until `deadline` (performance.now() ms); returns the count. */
  fillTo(total, deadline = Infinity) {
    while (this.keys < total && performance.now() < deadline) {
      const count = Math.min(fillBatchKeys, total - this.keys);
      const updates = [];
      for (let i = 0; i < count; i++) {
        updates.push({ key: this.keyOf(this.keys + i), value: encode(filledBalance) });
      }
      this.commit(updates, []);
      this.keys += count;
    }
    return this.keys;
  }

  /** One block of transfers between random existing accounts; returns seconds taken. */
  transferBlock(random) {
    const started = performance.now();
    const writes = new Map();
    const rows = [];
    for (let t = 0; t < blockTxs; t++) {
      const from = this.keyOf(Math.floor(random() * this.keys));
      const to = this.keyOf(Math.floor(random() * this.keys));
      const read = (key) => {
        const hex = Buffer.from(key).toString('hex');
        return writes.get(hex)?.value ?? this.store.latestValue(key);
      };
      // Balances are canonical integers, as the token stores them, so both workloads share them.
      const a = Number(decode(read(from))) - 1;
      writes.set(Buffer.from(from).toString('hex'), { key: from, value: encode(a) });
      const b = Number(decode(read(to))) + 1;
      writes.set(Buffer.from(to).toString('hex'), { key: to, value: encode(b) });
      const receipt = Buffer.from(`receipt-${this.height}-${t}-ok`);
      rows.push({ hash: this.hash(receipt), receipt });
    }
    this.commit([...writes.values()], rows);
    return (performance.now() - started) / 1000;
  }

  proofSamples(random, count) {
    const root = this.tree.rootHash(this.height);
    const bytes = [];
    const started = performance.now();
    let verified = 0;
    const proofs = [];
    for (let i = 0; i < count; i++) {
      const key = this.keyOf(Math.floor(random() * this.keys));
      const { value, proof } = this.tree.getWithProof(this.height, key);
      bytes.push(encodeProof(proof).length);
      proofs.push({ key, value, proof });
    }
    const verifyStarted = performance.now();
    for (const { key, value, proof } of proofs) {
      if (verifyStateProof(this.hash, root, key, value, proof)) verified += 1;
    }
    const verifyUs = ((performance.now() - verifyStarted) * 1000) / count;
    if (verified !== count) throw new Error('a state proof did not verify');
    return { bytes, verifyUs, readUs: ((verifyStarted - started) * 1000) / count };
  }

  close() {
    this.store.close();
  }
}

/** Median of numbers, for the log lines. */
function median(values) {
  return [...values].sort((a, b) => a - b)[values.length >> 1];
}

/** `ctx.runs` runs of `blocksPerRun` blocks after one warm-up block; tx/s per run. */
function blockRuns(ctx, blocksPerRun, runBlock) {
  runBlock();
  const tps = [];
  for (let r = 0; r < ctx.runs; r++) {
    let seconds = 0;
    for (let b = 0; b < blocksPerRun; b++) seconds += runBlock();
    tps.push((blocksPerRun * blockTxs) / seconds);
  }
  return tps;
}

/** Both transfer workloads and the proofs at the store's current size, under `name`. */
function measureLevel(ctx, scale, random, name, blocksPerRun) {
  const state = blockRuns(ctx, blocksPerRun, () => scale.transferBlock(random));
  // Token blocks are signed before the clock starts, as the node bench signs before its load.
  const signed = Array.from({ length: (ctx.runs * blocksPerRun) + 1 },
    () => scale.signTransferBlock(random));
  const token = blockRuns(ctx, blocksPerRun, () => scale.tokenBlock(signed.shift()));
  const proofs = [];
  for (let r = 0; r < ctx.runs; r++) proofs.push(scale.proofSamples(random, 500));
  ctx.results.add(`scale.transfer.tps.${name}`, token,
    'tx/s (token transfers through the contract runtime, signatures pre-verified)');
  ctx.results.add(`scale.state.transfer.tps.${name}`, state,
    'tx/s (state layer, 2 reads + 2 writes)');
  ctx.results.add(`scale.proof.bytes.${name}`, proofs.flatMap((p) => p.bytes), 'bytes');
  ctx.results.add(`scale.proof.verifyUs.${name}`, proofs.map((p) => p.verifyUs), 'µs/proof');
  ctx.results.add(`scale.proof.readUs.${name}`, proofs.map((p) => p.readUs),
    'µs/proof (read value with proof from SQLite)');
  ctx.log(`scale ${name}: token ${Math.round(median(token))} tx/s, state layer ` +
    `${Math.round(median(state))} tx/s`);
}

export async function scaleBench(ctx) {
  const levels = ctx.quick ? [4, 5] : [4, 6, 7];
  const blocksPerRun = ctx.quick ? 2 : 8;
  const dir = mkdtempSync(join(tmpdir(), 'zw-bench-scale-'));
  const scale = new ScaleStore(dir, new ContractVm(await loadVm()));
  const random = seeded(8);
  try {
    scale.setUpToken(buildToken());
    const deadline = performance.now() + ctx.capMs;
    for (const level of levels) {
      const filling = performance.now();
      const keys = scale.fillTo(10 ** level, deadline);
      const fillSeconds = (performance.now() - filling) / 1000;
      ctx.log(`scale: ${keys} keys filled in ${fillSeconds.toFixed(1)} s`);
      ctx.results.note(`scale: filled to ${keys} keys in ${fillSeconds.toFixed(0)} s.`);
      if (keys < 10 ** level) {
        for (const family of ['scale.transfer.tps', 'scale.state.transfer.tps']) {
          ctx.results.miss(`${family}.keys1e${level}`, `filling ${10 ** level} keys did not ` +
            `finish within the time cap of ${Math.round(ctx.capMs / 60_000)} min (reached ` +
            `${keys}); measured at ${shortCount(keys)} keys instead`);
        }
      }
      measureLevel(ctx, scale, random,
        `keys${keys === 10 ** level ? `1e${level}` : shortCount(keys)}`, blocksPerRun);
      if (keys < 10 ** level) break;
    }
    if (ctx.quick) {
      for (const family of ['scale.transfer.tps', 'scale.state.transfer.tps']) {
        ctx.results.miss(`${family}.keys1e7`, 'quick mode stops at 10^5 keys');
      }
    }
    ctx.results.note(`scale: in-process over a real ChainStore in ${tmpdir()}; ` +
      `blocks of ${blockTxs} transfers, ${blocksPerRun} blocks per run; filled in batches of ` +
      `${fillBatchKeys} token balances (written directly, outside the token's key index and ` +
      `supply); token transfers from ${sendersTotal} accounts minted through the token, each ` +
      'once per block, to random filled balances.');
  } finally {
    scale.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
