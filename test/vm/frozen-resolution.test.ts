// Proves that resolving deployed contracts once per block keeps governance freezes exact: a freeze
// committed between blocks hides the contract from the next block's first call on (no resolution
// remembered from the block before), and an unfreeze brings it back; within a block every call
// sees the block's starting state, as before the per-block cache.
import { describe, expect, it } from 'vitest';
import { encode, toHex, utf8 } from '../../src/core/index.js';
import type { CborValue, ChainId, Height } from '../../src/core/index.js';
import { getSuite } from '../../src/crypto/index.js';
import type { KeyPair } from '../../src/crypto/index.js';
import { encodeTx, executeBlock, signTx, stateTreeKey } from '../../src/ledger/index.js';
import type { Receipt } from '../../src/ledger/index.js';
import { loadVm } from '../../src/node/index.js';
import {
  contractStatusKey, governanceContractName, systemContracts, treeReader,
} from '../../src/system/index.js';
import { ContractVm } from '../../src/vm/index.js';

const chainId = 'zw-frozen-test' as ChainId;
const source = `exports.bump = { kind: 'tx', run: function () {
  const value = (Zhengwu.state.get('n') ?? 0) + 1; Zhengwu.state.set('n', value); return value;
} };`;

describe('contract resolution per block', () => {
  it('sees a freeze and an unfreeze from the next block on', async () => {
    const suite = getSuite('intl');
    const seed = suite.hash(utf8('frozen-admin'));
    const admin: KeyPair = { privateKey: seed, publicKey: suite.publicKeyOf(seed) };
    const state = new Map<string, Uint8Array>();
    const committed = { get: (key: Uint8Array) => state.get(toHex(key)) };
    const registry = systemContracts({ hash: suite.hash, vm: new ContractVm(await loadVm()),
      deployers: [toHex(suite.address(admin.publicKey))],
      governance: { suite, read: treeReader(suite.hash, committed) } });
    let nonce = 0;
    let height = 0;
    const tx = (contract: string, method: string, args: CborValue): Uint8Array =>
      encodeTx(signTx(suite, admin.privateKey, { chainId, sender: admin.publicKey, nonce: nonce++,
        expiryHeight: 1_000 as Height, gasLimit: 10_000_000, contract, method, args }));
    const block = (txs: Uint8Array[]): Receipt[] => {
      height += 1;
      const result = executeBlock({ suite, contracts: registry, state: committed,
        txGasMax: 10_000_000 }, { chainId, height: height as Height, time: height * 1_000 }, txs);
      for (const update of result.updates) {
        if (update.value === null) state.delete(toHex(update.key));
        else state.set(toHex(update.key), update.value);
      }
      return [...result.receipts];
    };
    // What a committed freeze-contract / unfreeze-contract proposal leaves in governance state.
    const setFrozen = (frozen: boolean): void => {
      state.set(toHex(stateTreeKey(suite.hash, governanceContractName,
        contractStatusKey('counter'))), encode({ name: 'counter', frozen }));
    };
    const statuses = (receipts: Receipt[]): string[] => receipts.map((r) => r.status);

    expect(statuses(block([tx('contracts', 'deploy',
      { name: 'counter', source, version: '1' })]))).toEqual(['ok']);
    const calls = (): Uint8Array[] => [1, 2, 3].map(() => tx('counter', 'bump', null));
    expect(block(calls()).map((r) => r.result)).toEqual([1, 2, 3]);
    setFrozen(true);
    expect(statuses(block(calls()))).toEqual(Array(3).fill('UNKNOWN_CONTRACT'));
    expect(registry.get('counter', committed)).toBeUndefined();
    setFrozen(false);
    expect(block(calls()).map((r) => r.result)).toEqual([4, 5, 6]);
  }, 30_000);
});
