// The bounds behind the hostile-client defences (issue 12, points 2, 5, 7), unit by unit: the
// query time budget per client and per node, keyed token buckets, the client-connection share
// of the open-file limit, non-members' share of the mempool, and the exchange wire's item
// counting before decode with the signature over the body's raw bytes.
import { describe, expect, it } from 'vitest';
import { KeyedBuckets, QueryBudget } from '../../src/api/index.js';
import { clientConnectionsMax } from '../../src/api/guard.js';
import {
  ErrorCode, ZwError, asChainId, decodeExchangeRequest, encode, encodeExchangeRequest,
  exchangeRequestSignBytes, limits,
} from '../../src/core/index.js';
import type { Height } from '../../src/core/index.js';
import { getSuite } from '../../src/crypto/index.js';
import { Mempool, decodeTx, encodeTx, signTx } from '../../src/ledger/index.js';
import type { TxEnvelope } from '../../src/ledger/index.js';

function code(run: () => unknown): string {
  try {
    run();
    return 'ok';
  } catch (error) {
    return error instanceof ZwError ? error.code : String(error);
  }
}

describe('query budget', () => {
  it('debits measured time per client and per node and refuses while spent', () => {
    let now = 0;
    const budget = new QueryBudget(100, 250, () => now);
    const slow = (): number => { now += 60; return 1; };
    expect(budget.run('a', slow)).toBe(1);
    expect(budget.run('a', slow)).toBe(1);
    // Client a spent 120 ms of its 100 ms second: refused until it refills.
    expect(code(() => budget.run('a', slow))).toBe(ErrorCode.QUERY_BUDGET);
    now += 1_000;
    expect(budget.run('a', slow)).toBe(1);
  });

  it('refuses every client once the node\'s budget is spent', () => {
    let now = 0;
    const budget = new QueryBudget(1_000, 100, () => now);
    const slow = (): number => { now += 60; return 1; };
    expect(budget.run('a', slow)).toBe(1);
    // The node has 40 ms (and a little refill) left: one more query runs and overdraws it.
    expect(budget.run('b', slow)).toBe(1);
    expect(code(() => budget.run('c', slow))).toBe(ErrorCode.QUERY_BUDGET);
    now += 1_000;
    expect(budget.run('c', slow)).toBe(1);
  });

  it('debits a query that throws as well', () => {
    let now = 0;
    const budget = new QueryBudget(50, 1_000, () => now);
    const failing = (): never => { now += 80; throw new ZwError(ErrorCode.NOT_FOUND, 'no'); };
    expect(code(() => budget.run('a', failing))).toBe(ErrorCode.NOT_FOUND);
    expect(code(() => budget.run('a', failing))).toBe(ErrorCode.QUERY_BUDGET);
  });
});

describe('query budget for queries answered later (a worker)', () => {
  it('debits the time until the answer', async () => {
    let now = 0;
    const budget = new QueryBudget(100, 1_000, () => now);
    const later = async (): Promise<number> => {
      await Promise.resolve();
      now += 150;
      return 2;
    };
    expect(await budget.run('a', later)).toBe(2);
    expect(code(() => budget.run('a', later))).toBe(ErrorCode.QUERY_BUDGET);
  });
});

describe('keyed buckets', () => {
  it('refill at their rate up to the burst, per key, remembering a bounded number of keys', () => {
    let now = 0;
    const buckets = new KeyedBuckets(10, 20, () => now, 3);
    for (let i = 0; i < 20; i++) expect(buckets.take('x')).toBe(true);
    expect(buckets.take('x')).toBe(false);
    expect(buckets.take('y')).toBe(true);
    now += 100;
    expect(buckets.take('x')).toBe(true);
    expect(buckets.take('x')).toBe(false);
    buckets.debit('p', 1);
    buckets.debit('q', 1);
    buckets.debit('r', 1);
    expect(buckets.available('x')).toBe(20);
  });
});

describe('client connections', () => {
  it('stay under the open-file limit\'s share whatever is configured', () => {
    expect(clientConnectionsMax(2_000, 20_000)).toBe(2_000);
    expect(clientConnectionsMax(20_000, 20_000))
      .toBe(Math.floor(20_000 * limits.apiFdSharePercent / 100));
    expect(clientConnectionsMax(2_000, 512)).toBeLessThan(512 / 2);
  });
});

describe('non-members in the mempool', () => {
  const suite = getSuite('intl');
  const chainId = asChainId('bounds-test');

  function tx(key: ReturnType<typeof suite.generateKeyPair>, nonce: number): TxEnvelope {
    return decodeTx(suite, encodeTx(signTx(suite, key.privateKey, { chainId,
      sender: key.publicKey, nonce, expiryHeight: 100 as Height, gasLimit: 100_000,
      contract: 'notary', method: 'put', args: { hash: suite.hash(Uint8Array.of(nonce)) } })));
  }

  it('holds a non-member to a few pending transactions and all of them to a total', () => {
    const pool = new Mempool({ chainId, nonMemberPerSenderTxsMax: 3, nonMemberTxsMax: 5 },
      { nonceOf: () => 0, height: () => 1, addressOf: (key) => suite.address(key) });
    const stranger = suite.generateKeyPair();
    for (let nonce = 0; nonce < 3; nonce++) pool.add(tx(stranger, nonce), { member: false });
    expect(code(() => pool.add(tx(stranger, 3), { member: false })))
      .toBe(ErrorCode.SENDER_QUOTA);
    const other = suite.generateKeyPair();
    pool.add(tx(other, 0), { member: false });
    pool.add(tx(other, 1), { member: false });
    expect(code(() => pool.add(tx(suite.generateKeyPair(), 0), { member: false })))
      .toBe(ErrorCode.RATE_LIMITED);
    // Members are not held to the non-members' share.
    const member = suite.generateKeyPair();
    for (let nonce = 0; nonce < 10; nonce++) pool.add(tx(member, nonce));
    expect(pool.size).toBe(15);
  });
});

describe('exchange wire', () => {
  const suite = getSuite('intl');
  const key = suite.generateKeyPair();
  const request = { chainId: 'bounds-test', action: 'upload' as const, signer: key.publicKey,
    expiryHeight: 10, nonce: new Uint8Array(16), body: { entry: 'e', records: [] } };

  it('signs the body\'s bytes, so a received request verifies without decoding its body', () => {
    const bytes = encodeExchangeRequest({ ...request,
      signature: suite.sign(key.privateKey, exchangeRequestSignBytes(request)) });
    const received = decodeExchangeRequest(bytes);
    expect(received.bodyBytes).toEqual(encode(request.body));
    expect(suite.verify(key.publicKey, exchangeRequestSignBytes(received), received.signature))
      .toBe(true);
    expect(received.body).toEqual(request.body);
  });

  it('refuses an envelope of more than its fields before decoding anything', () => {
    const maps = new Uint8Array(1_000_001).fill(0xa0);
    maps.set([0x9a, 0x00, 0x0f, 0x42, 0x40]);
    expect(code(() => decodeExchangeRequest(maps))).toBe(ErrorCode.MALFORMED);
  });

  it('counts a body\'s items before decoding it', () => {
    const maps = new Uint8Array(5 + 100_000).fill(0xa0);
    maps.set([0x9a, 0x00, 0x01, 0x86, 0xa0]);
    const bytes = encode([request.chainId, 'upload', key.publicKey, 10, new Uint8Array(16), maps,
      new Uint8Array(64)]);
    const received = decodeExchangeRequest(bytes, 1_000);
    expect(code(() => received.body)).toBe(ErrorCode.TOO_LARGE);
    expect(decodeExchangeRequest(bytes, 200_000).body).toHaveLength(100_000);
  });
});
