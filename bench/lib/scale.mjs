// Scaling with state size, measured in-process over the real state tree (src/state) and the real
// ChainStore (SQLite, WAL, synchronous FULL): the store is filled to 10^4, 10^6 and 10^7 account
// keys (--quick: 10^4 and 10^5), and at each size a transfer-shaped block workload runs — each
// transaction reads two account balances and writes both, each block of 1,000 is applied to the
// tree and committed with its transaction index rows in one storage transaction — plus proof size
// and proof verification time for random keys. The contract runtime is not involved: this is the
// state and storage layer that a token transfer runs on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getSuite } from '../../dist/crypto/index.js';
import { StateTree, encodeProof, verifyStateProof } from '../../dist/state/index.js';
import { ChainStore } from '../../dist/storage/index.js';
import { shortCount } from './chain-benches.mjs';

const blockTxs = 1_000;
const fillBatchKeys = 250_000;

export class ScaleStore {
  constructor(dir) {
    this.suite = getSuite('intl');
    this.hash = this.suite.hash;
    this.store = new ChainStore(join(dir, 'chain.db'));
    this.tree = new StateTree(this.hash, this.store);
    this.height = 0;
    this.keys = 0;
  }

  keyOf(index) {
    return this.hash(Buffer.from(`account-${index}`));
  }

  /** Commits one block: tree updates, their nodes, latest values and index rows, atomically. */
  commit(updates, txRows) {
    const height = this.height + 1;
    const result = this.tree.applyUpdates(this.height, height, updates);
    const hash = this.hash(Buffer.from(`block-${height}`));
    this.store.commitBlock({
      block: { height, hash, block: hash, commit: hash },
      result: { height, stateRoot: result.root, receiptsRoot: hash },
      txs: txRows.map((receipt, index) => ({ hash: this.hash(receipt), height, index, receipt })),
      stateNodes: result.nodes, stateLatest: updates, evidence: [], meta: [],
    });
    this.height = height;
  }

  /** Fills to `total` keys or until `deadline` (performance.now() ms); returns the count. */
  fillTo(total, deadline = Infinity) {
    while (this.keys < total && performance.now() < deadline) {
      const count = Math.min(fillBatchKeys, total - this.keys);
      const updates = [];
      for (let i = 0; i < count; i++) {
        updates.push({ key: this.keyOf(this.keys + i), value: balance(1_000_000n) });
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
      const a = decodeBalance(read(from)) - 1n;
      writes.set(Buffer.from(from).toString('hex'), { key: from, value: balance(a) });
      const b = decodeBalance(read(to)) + 1n;
      writes.set(Buffer.from(to).toString('hex'), { key: to, value: balance(b) });
      rows.push(Buffer.from(`receipt-${this.height}-${t}-ok`));
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

function balance(amount) {
  const bytes = Buffer.alloc(16);
  bytes.writeBigUInt64BE(amount >> 64n, 0);
  bytes.writeBigUInt64BE(amount & 0xffffffffffffffffn, 8);
  return bytes;
}

function decodeBalance(bytes) {
  const b = Buffer.from(bytes);
  return (b.readBigUInt64BE(0) << 64n) | b.readBigUInt64BE(8);
}

/** A small seeded generator (mulberry32) so every run picks the same accounts. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function scaleBench(ctx) {
  const levels = ctx.quick ? [4, 5] : [4, 6, 7];
  const blocksPerRun = ctx.quick ? 2 : 8;
  const dir = mkdtempSync(join(tmpdir(), 'zw-bench-scale-'));
  const scale = new ScaleStore(dir);
  const random = seeded(8);
  try {
    const deadline = performance.now() + ctx.capMs;
    for (const level of levels) {
      const filling = performance.now();
      const keys = scale.fillTo(10 ** level, deadline);
      const fillSeconds = (performance.now() - filling) / 1000;
      ctx.log(`scale: ${keys} keys filled in ${fillSeconds.toFixed(1)} s`);
      ctx.results.note(`scale: filled to ${keys} keys in ${fillSeconds.toFixed(0)} s.`);
      if (keys < 10 ** level) {
        ctx.results.miss(`scale.state.transfer.tps.keys1e${level}`, `filling ${10 ** level} keys ` +
          `did not finish within the time cap of ${Math.round(ctx.capMs / 60_000)} min ` +
          `(reached ${keys}); measured at ${shortCount(keys)} keys instead`);
      }
      scale.transferBlock(random);
      const tps = [];
      for (let r = 0; r < ctx.runs; r++) {
        let seconds = 0;
        for (let b = 0; b < blocksPerRun; b++) seconds += scale.transferBlock(random);
        tps.push((blocksPerRun * blockTxs) / seconds);
      }
      const proofs = [];
      for (let r = 0; r < ctx.runs; r++) proofs.push(scale.proofSamples(random, 500));
      const name = `keys${keys === 10 ** level ? `1e${level}` : shortCount(keys)}`;
      ctx.results.add(`scale.state.transfer.tps.${name}`, tps, 'tx/s (state layer, 2 reads + 2 writes)');
      ctx.results.add(`scale.proof.bytes.${name}`, proofs.flatMap((p) => p.bytes), 'bytes');
      ctx.results.add(`scale.proof.verifyUs.${name}`, proofs.map((p) => p.verifyUs), 'µs/proof');
      ctx.results.add(`scale.proof.readUs.${name}`, proofs.map((p) => p.readUs),
        'µs/proof (read value with proof from SQLite)');
      ctx.log(`scale ${name}: ${Math.round(tps.sort((a, b) => a - b)[tps.length >> 1])} tx/s`);
      if (keys < 10 ** level) break;
    }
    if (ctx.quick) {
      ctx.results.miss('scale.state.transfer.tps.keys1e7', 'quick mode stops at 10^5 keys');
    }
    ctx.results.note(`scale: in-process over a real ChainStore in ${tmpdir()}; ` +
      `blocks of ${blockTxs} transfers, ${blocksPerRun} blocks per run; ` +
      `filled in batches of ${fillBatchKeys} keys.`);
  } finally {
    scale.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
