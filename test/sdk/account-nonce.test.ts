// Proves that a transaction the node refused to admit (rate limit, full mempool, connection cap)
// gives its nonce back: the account's next transaction reuses it, so one 429 does not leave a
// nonce gap that would hold every later transaction of the account until it expires.
import { describe, expect, it } from 'vitest';
import { ErrorCode, ZwError } from '../../src/core/index.js';
import { getSuite } from '../../src/crypto/index.js';
import { decodeTx } from '../../src/ledger/index.js';
import { Account, ZhengwuClient } from '../../src/sdk/index.js';
import type { StatusView } from '../../src/sdk/index.js';

const suite = getSuite('intl');

/** A node that refuses the submissions whose turn is listed, and admits the others. */
class RefusingNode extends ZhengwuClient {
  readonly admitted: number[] = [];
  private turn = 0;

  constructor(private readonly refusals: ReadonlyMap<number, string>) {
    super({ url: 'http://127.0.0.1:1' });
  }

  override status(): Promise<StatusView> {
    return Promise.resolve({ chainId: 'zw-test', height: 5 } as StatusView);
  }

  override nonce(): Promise<number> {
    return Promise.resolve(this.admitted.length);
  }

  override submit(tx: Uint8Array): Promise<string> {
    const code = this.refusals.get(this.turn);
    this.turn += 1;
    if (code !== undefined) return Promise.reject(new ZwError(code as ErrorCode, 'refused'));
    this.admitted.push(decodeTx(suite, tx).tx.nonce);
    return Promise.resolve('00');
  }
}

describe('account nonces', () => {
  it('reuses the nonce of a transaction the node did not admit', async () => {
    const node = new RefusingNode(new Map([[1, ErrorCode.RATE_LIMITED],
      [3, ErrorCode.MEMPOOL_FULL]]));
    const account = new Account(suite, suite.generateKeyPair(), node);
    for (let i = 0; i < 5; i++) {
      await account.send('notary', 'put', { i }).catch((error: unknown) => {
        expect((error as ZwError).code).toMatch(/RATE_LIMITED|MEMPOOL_FULL/);
      });
    }
    expect(node.admitted).toEqual([0, 1, 2]);
  });

  it('keeps the nonce of a transaction whose fate is unknown', async () => {
    const node = new RefusingNode(new Map([[1, ErrorCode.UNAVAILABLE]]));
    const account = new Account(suite, suite.generateKeyPair(), node);
    for (let i = 0; i < 3; i++) await account.send('notary', 'put', { i }).catch(() => undefined);
    // The refused-by-outage transaction may have been admitted before the answer was lost.
    expect(node.admitted).toEqual([0, 2]);
  });
});
