// An in-memory chain for contract tests: blocks run through the real `executeBlock` with the
// real system contracts and contract runtime; state lives in a sorted map whose digest stands in
// for the state root (two runs agree on it exactly when they agree on every key and value).
import { encode, toHex, concatBytes, fromHex } from '../../src/core/index.js';
import type { CborValue, ChainId, Height } from '../../src/core/index.js';
import { getSuite } from '../../src/crypto/index.js';
import type { CryptoSuite, KeyPair } from '../../src/crypto/index.js';
import {
  encodeReceipt, encodeTx, executeBlock, runQuery, signTx,
} from '../../src/ledger/index.js';
import type { ContractRegistry, Receipt } from '../../src/ledger/index.js';
import { systemContracts } from '../../src/system/index.js';
import { ContractVm } from '../../src/vm/index.js';
import type { VmEngine, VmModule } from '../../src/vm/index.js';

export const chainId = 'zw-vm-test' as ChainId;

export class TestChain {
  readonly suite: CryptoSuite = getSuite('intl');
  readonly state = new Map<string, Uint8Array>();
  readonly registry: ContractRegistry;
  readonly admin: KeyPair;
  private readonly nonces = new Map<string, number>();
  height = 0;
  time = 1_700_000_000_000;

  constructor(module: VmModule | VmEngine, admin?: KeyPair) {
    this.admin = admin ?? this.suite.generateKeyPair();
    this.registry = systemContracts({ hash: this.suite.hash, vm: new ContractVm(module),
      deployers: [toHex(this.suite.address(this.admin.publicKey))] });
  }

  /** A chain on a new runtime over a copy of this chain's state (a restart). */
  restarted(module: VmModule): TestChain {
    const copy = new TestChain(module, this.admin);
    for (const [key, value] of this.state) copy.state.set(key, value);
    for (const [key, value] of this.nonces) copy.nonces.set(key, value);
    copy.height = this.height;
    copy.time = this.time;
    return copy;
  }

  tx(key: KeyPair, contract: string, method: string, args: CborValue, gasLimit = 5_000_000):
    Uint8Array {
    const id = toHex(key.publicKey);
    const nonce = this.nonces.get(id) ?? 0;
    this.nonces.set(id, nonce + 1);
    return encodeTx(signTx(this.suite, key.privateKey, { chainId, sender: key.publicKey, nonce,
      expiryHeight: 1_000_000 as Height, gasLimit, contract, method, args }));
  }

  block(txs: readonly Uint8Array[]): Receipt[] {
    this.height += 1;
    this.time += 1_000;
    const result = executeBlock({ suite: this.suite, contracts: this.registry,
      state: { get: (key) => this.state.get(toHex(key)) }, txGasMax: 10_000_000 },
    { chainId, height: this.height as Height, time: this.time }, txs);
    for (const update of result.updates) {
      if (update.value === null) this.state.delete(toHex(update.key));
      else this.state.set(toHex(update.key), update.value);
    }
    return [...result.receipts];
  }

  /** One transaction in its own block; returns its receipt. */
  send(key: KeyPair, contract: string, method: string, args: CborValue, gasLimit?: number):
    Receipt {
    const [receipt] = this.block([this.tx(key, contract, method, args, gasLimit)]);
    if (receipt === undefined) throw new Error('no receipt');
    return receipt;
  }

  deploy(name: string, source: string, init: CborValue = null, version = '1.0.0'): Receipt {
    return this.send(this.admin, 'contracts', 'deploy', { name, source, version, init },
      10_000_000);
  }

  query(contract: string, method: string, args: CborValue): CborValue {
    return runQuery(this.suite.hash, this.registry, { get: (key) => this.state.get(toHex(key)) },
      { chainId, height: this.height as Height, time: this.time }, contract, method, args);
  }

  /** A digest of the whole state, standing in for the state root. */
  root(): string {
    const keys = [...this.state.keys()].sort();
    const parts = keys.map((key) => encode([fromHex(key), this.state.get(key) ?? null]));
    return toHex(this.suite.hash(concatBytes(...parts)));
  }
}

export function receiptDigest(suite: CryptoSuite, receipts: readonly Receipt[]): string {
  return toHex(suite.hash(concatBytes(...receipts.map((receipt) => encodeReceipt(receipt)))));
}

/**
 * A small deterministic PRNG (mulberry32): generated workloads are fixed sequences, so a failing
 * seed reproduces and a recorded run stays comparable.
 */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
