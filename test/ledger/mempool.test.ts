// Proves the mempool's rules: nonce order per sender, refusal of duplicates, used nonces, nonce
// gaps beyond the limit, expired and far-future transactions, per-sender and global bounds, and
// clean-up after a block commits.
import { describe, expect, it } from 'vitest';
import { asChainId, toHex, ZwError } from '../../src/core/index.js';
import type { Height } from '../../src/core/index.js';
import { getSuite } from '../../src/crypto/index.js';
import { Mempool, decodeTx, encodeTx, signTx } from '../../src/ledger/index.js';
import type { TxEnvelope } from '../../src/ledger/index.js';

const suite = getSuite('intl');
const chainId = asChainId('mempool-test');

function setup(limits: { perSenderTxsMax?: number; txsMax?: number } = {}) {
  const nonces = new Map<string, number>();
  let height = 10;
  const pool = new Mempool({ chainId, nonceGapMax: 5, expiryHeightsMax: 100, ...limits }, {
    nonceOf: (address) => nonces.get(toHex(address)) ?? 0,
    height: () => height,
    addressOf: (publicKey) => suite.address(publicKey),
  });
  return { pool, nonces, setHeight: (h: number) => { height = h; } };
}

const key = suite.generateKeyPair();
function tx(nonce: number, expiry = 50, signer = key): TxEnvelope {
  return decodeTx(suite, encodeTx(signTx(suite, signer.privateKey, {
    chainId, sender: signer.publicKey, nonce, expiryHeight: expiry as Height, gasLimit: 1,
    contract: 'notary', method: 'put', args: null })));
}

function code(f: () => void): string {
  try {
    f();
    return 'ok';
  } catch (error) {
    return (error as ZwError).code;
  }
}

describe('mempool', () => {
  it('reaps consecutive nonces from the account nonce, in order', () => {
    const { pool } = setup();
    for (const nonce of [2, 0, 1, 4]) pool.add(tx(nonce));
    expect(pool.reap(100, 1e9).map((e) => e.tx.nonce)).toEqual([0, 1, 2]);
    expect(pool.reap(2, 1e9).map((e) => e.tx.nonce)).toEqual([0, 1]);
  });

  it('refuses duplicates, used nonces, large gaps, expiry problems and the wrong chain', () => {
    const { pool, nonces } = setup();
    const first = tx(0);
    pool.add(first);
    expect(code(() => pool.add(first))).toBe('DUPLICATE');
    nonces.set(toHex(suite.address(key.publicKey)), 3);
    expect(code(() => pool.add(tx(2)))).toBe('NONCE_TOO_LOW');
    expect(code(() => pool.add(tx(8)))).toBe('NONCE_TOO_HIGH');
    expect(code(() => pool.add(tx(3, 10)))).toBe('EXPIRED');
    expect(code(() => pool.add(tx(3, 500)))).toBe('EXPIRY_TOO_FAR');
    const other = decodeTx(suite, encodeTx(signTx(suite, key.privateKey, {
      chainId: asChainId('other'), sender: key.publicKey, nonce: 3, expiryHeight: 50 as Height,
      gasLimit: 1, contract: 'notary', method: 'put', args: null })));
    expect(code(() => pool.add(other))).toBe('WRONG_CHAIN');
  });

  it('bounds each sender and the whole pool', () => {
    const { pool } = setup({ perSenderTxsMax: 2, txsMax: 3 });
    pool.add(tx(0));
    pool.add(tx(1));
    expect(code(() => pool.add(tx(2)))).toBe('SENDER_QUOTA');
    pool.add(tx(0, 50, suite.generateKeyPair()));
    expect(code(() => pool.add(tx(0, 50, suite.generateKeyPair())))).toBe('MEMPOOL_FULL');
  });

  it('drops committed, superseded and expired transactions after a block', () => {
    const { pool, nonces, setHeight } = setup();
    const a = tx(0);
    const b = tx(1);
    const late = tx(2, 12);
    for (const entry of [a, b, late]) pool.add(entry);
    nonces.set(toHex(suite.address(key.publicKey)), 2);
    setHeight(12);
    pool.update([toHex(a.hash)]);
    expect(pool.size).toBe(0);
    expect(pool.bytes).toBe(0);
  });
});
