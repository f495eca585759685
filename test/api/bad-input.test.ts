// Proves that bad input gets a clear, specific error and loses nothing: malformed, non-canonical
// and oversized bytes, bad signatures, the wrong chain, replays, out-of-range nonces, expired
// transactions, unknown contracts and methods and wrong argument types are each refused with their
// own code, the node keeps serving, and the chain's state does not change. A fuzz test throws
// random bytes at POST /v1/txs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  asChainId, encode, decode, toBase64, toHex, utf8,
} from '../../src/core/index.js';
import type { CborValue, Height } from '../../src/core/index.js';
import { encodeTx, signTx } from '../../src/ledger/index.js';
import type { TxBody } from '../../src/ledger/index.js';
import { Account, ZhengwuClient, getSuite } from '../../src/sdk/index.js';
import type { KeyPair } from '../../src/sdk/index.js';
import { startInProcessNode } from '../helpers/in-process.js';
import type { InProcessNode } from '../helpers/in-process.js';

const suite = getSuite('intl');
let running: InProcessNode;
let client: ZhengwuClient;
let key: KeyPair;

beforeAll(async () => {
  running = await startInProcessNode('intl');
  client = new ZhengwuClient({ url: running.url });
  key = suite.generateKeyPair();
});
afterAll(async () => running.stop());

function body(overrides: Partial<TxBody> = {}): TxBody {
  return {
    chainId: asChainId('zhengwu-local-intl'), sender: key.publicKey, nonce: 0,
    expiryHeight: 1_000 as Height, gasLimit: 1_000_000, contract: 'notary', method: 'put',
    args: { hash: suite.hash(utf8(String(Math.random()))), meta: {} }, ...overrides,
  };
}

function signed(overrides: Partial<TxBody> = {}): Uint8Array {
  return encodeTx(signTx(suite, key.privateKey, body(overrides)));
}

async function post(payload: unknown, raw = false): Promise<{ status: number; code: string }> {
  const response = await fetch(`${running.url}/v1/txs`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: raw ? String(payload) : JSON.stringify(payload),
  });
  const json = await response.json() as { code?: string };
  return { status: response.status, code: json.code ?? 'ok' };
}

const submit = (bytes: Uint8Array) => post({ tx: toBase64(bytes) });

describe('transaction admission refuses bad input with specific codes', () => {
  it('refuses each kind of bad transaction and leaves the chain unchanged', async () => {
    const before = await client.status();
    const nonCanonical = Uint8Array.from([...signed()]);
    // Re-encode the version field (the first array element, 0x01) as a two-byte integer.
    const longForm = Uint8Array.from([nonCanonical[0] as number, 0x18, 0x01,
      ...nonCanonical.slice(2)]);
    const tampered = signed();
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 0x01;
    const otherKey = suite.generateKeyPair();
    const wrongSigner = encodeTx({ ...signTx(suite, otherKey.privateKey, body()),
      sender: key.publicKey });
    const cases: [string, Promise<{ status: number; code: string }>, string][] = [
      ['not JSON', post('{nope', true), 'MALFORMED'],
      ['missing field', post({}), 'INVALID_ARGUMENT'],
      ['not base64', post({ tx: '***' }), 'INVALID_ARGUMENT'],
      ['random bytes', submit(Uint8Array.from([1, 2, 3, 4])), 'MALFORMED'],
      ['non-canonical CBOR', submit(longForm), 'NON_CANONICAL'],
      ['trailing bytes', submit(Uint8Array.from([...signed(), 0])), 'MALFORMED'],
      ['oversized transaction', submit(signed({ args: { blob: new Uint8Array(70_000) } })),
        'TOO_LARGE'],
      ['oversized body', post({ tx: 'A'.repeat(300_000) }), 'TOO_LARGE'],
      ['tampered signature', submit(tampered), 'BAD_SIGNATURE'],
      ['signature by another key', submit(wrongSigner), 'BAD_SIGNATURE'],
      ['wrong chain', submit(signed({ chainId: asChainId('another-chain') })), 'WRONG_CHAIN'],
      ['nonce too far ahead', submit(signed({ nonce: 5_000 })), 'NONCE_TOO_HIGH'],
      ['expired', submit(signed({ expiryHeight: 0 as Height })), 'EXPIRED'],
      ['expiry too far', submit(signed({ expiryHeight: 1e9 as Height })), 'EXPIRY_TOO_FAR'],
      ['unknown contract', submit(signed({ contract: 'nosuch' })), 'UNKNOWN_CONTRACT'],
      ['unknown method', submit(signed({ method: 'steal' })), 'UNKNOWN_METHOD'],
      ['query method as tx', submit(signed({ method: 'get' })), 'UNKNOWN_METHOD'],
      ['wrong argument types', submit(signed({ args: { hash: 'not bytes' } })), 'BAD_ARGUMENTS'],
      ['gas above chain limit', submit(signed({ gasLimit: 1e12 })), 'INVALID_ARGUMENT'],
    ];
    for (const [name, response, code] of cases) {
      const { status, code: got } = await response;
      expect({ name, code: got }).toEqual({ name, code });
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
    }
    const after = await client.status();
    expect(after.height).toBe(before.height);
    expect(after.mempool.size).toBe(0);
  });

  it('refuses a replay and a reused nonce after commit', async () => {
    const account = new Account(suite, key, client);
    const bytes = await account.build('notary', 'put', { hash: suite.hash(utf8('replay')),
      meta: {} });
    const hash = await client.submit(bytes);
    await client.waitForTx(hash);
    expect((await submit(bytes)).code).toBe('DUPLICATE');
    const reused = signed({ nonce: 0 });
    expect((await submit(reused)).code).toBe('NONCE_TOO_LOW');
    const rejected = await client.tx(toHex(suite.hash(reused)));
    expect(rejected.status).toBe('rejected');
  });

  it('answers bad queries with stable codes', async () => {
    const get = async (path: string) => {
      const response = await fetch(`${running.url}${path}`);
      return { status: response.status, code: (await response.json() as { code: string }).code };
    };
    expect(await get('/v1/txs/zz')).toEqual({ status: 400, code: 'INVALID_ARGUMENT' });
    expect(await get(`/v1/txs/${'00'.repeat(32)}`)).toEqual({ status: 404, code: 'NOT_FOUND' });
    expect(await get('/v1/blocks/999999')).toEqual({ status: 404, code: 'NOT_FOUND' });
    expect(await get('/v1/blocks/-1')).toEqual({ status: 400, code: 'INVALID_ARGUMENT' });
    expect(await get('/v1/state/notary/00?proof=true&height=999999'))
      .toEqual({ status: 404, code: 'HEIGHT_UNAVAILABLE' });
    expect(await get('/v1/nowhere')).toEqual({ status: 404, code: 'NOT_FOUND' });
  });

  it('serves an OpenAPI document describing the routes', async () => {
    const document = await (await fetch(`${running.url}/openapi.json`)).json() as
      { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\./);
    for (const path of ['/v1/status', '/v1/txs', '/v1/txs/{hash}', '/v1/blocks/{height}',
      '/v1/state/{contract}/{key}']) {
      expect(Object.keys(document.paths)).toContain(path);
    }
  });

  it('survives random bytes and random CBOR thrown at POST /v1/txs', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(
      fc.uint8Array({ maxLength: 512 }),
      fc.array(fc.oneof(fc.integer(), fc.string(), fc.uint8Array({ maxLength: 40 })),
        { maxLength: 12 }).map((items) => encode(items as CborValue)),
    ), async (bytes) => {
      const { status, code } = await submit(bytes);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
      expect(code).toMatch(/^[A-Z_]+$/);
    }), { numRuns: 300 });
    expect((await client.status()).chainId).toBe('zhengwu-local-intl');
    expect(() => decode(new Uint8Array())).toThrow();
  });
});
