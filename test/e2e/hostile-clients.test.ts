// Hostile clients against a real validator process (issue 12, points 2, 5 and 7): the node keeps
// committing and bounds its memory while clients send huge-argument queries, unsigned and
// badly signed 30 MB uploads, a member's upload of millions of empty maps, non-reading
// WebSocket subscribers and a non-member's flood of free notarizations. Every refusal carries
// its specific code. Client bounds are lowered through the node's config.json so the attack
// stays small enough for a shared machine; the defaults are the same mechanisms, larger.
// (Point 4, idle connections, is test/e2e/idle-connections.test.ts.)
import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  ErrorCode, ZwError, decodeExchangeRequest, encode, exchangeRequestSignBytes, limits, toBase64,
} from '../../src/core/index.js';
import { Account, ZhengwuClient, getSuite } from '../../src/sdk/index.js';
import type { SuiteName } from '../../src/sdk/index.js';
import { openKeystore } from '../../src/crypto/index.js';
import { makeNetwork, startNodeProcess, waitForNode } from '../helpers/network.js';
import type { NodeProcess, TestNetwork } from '../helpers/network.js';

const suiteName: SuiteName = 'intl';
const suite = getSuite(suiteName);

/** The node's resident memory in MB, from /proc. */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** What a refused call's error code was (or 'ok'). */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (error) {
    return error instanceof ZwError ? error.code : String(error);
  }
}

/** Reads a node's JSON answer: its HTTP status and error code ('ok' when it has none). */
function answerOf(response: IncomingMessage,
  done: (answer: { status: number; code: string }) => void): void {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => {
    const answer = JSON.parse(Buffer.concat(chunks).toString()) as { code?: string };
    done({ status: response.statusCode ?? 0, code: answer.code ?? 'ok' });
  });
}

/**
 * POSTs a JSON body on a connection of its own (no keep-alive reuse, so a large body never
 * races the server closing an idle kept-alive socket) and returns the status and error code.
 */
function postJson(url: string, body: string | Uint8Array):
  Promise<{ status: number; code: string }> {
  return new Promise((resolve, reject) => {
    const type = typeof body === 'string' ? 'application/json' : 'application/octet-stream';
    const request = httpRequest(url, { method: 'POST', agent: false,
      headers: { 'content-type': type, 'content-length': Buffer.byteLength(body) } },
    (response) => answerOf(response, resolve));
    request.on('error', reject);
    request.end(body);
  });
}

/** Declares a JSON body of `length` bytes, sends none of it, and returns the node's answer. */
function declareJson(url: string, length: number): Promise<{ status: number; code: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', agent: false,
      headers: { 'content-type': 'application/json', 'content-length': length } },
    (response) => {
      answerOf(response, (answer) => {
        resolve(answer);
        request.destroy();
      });
    });
    request.on('error', reject);
    request.flushHeaders();
  });
}

let network: TestNetwork | undefined;
let node: NodeProcess | undefined;
let client: ZhengwuClient;
let api = '';
let pid = 0;
let chainId = '';

beforeAll(async () => {
  network = await makeNetwork(suiteName);
  const home = network.manifest.nodes[0]?.home ?? '';
  api = network.manifest.nodes[0]?.api ?? '';
  chainId = network.manifest.chainId;
  const configPath = join(home, 'config.json');
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  writeFileSync(configPath, JSON.stringify({ ...config,
    api: { ...(config.api as object), limits: {
      connectionsPerAddressMax: 256, queryClientMsPerSecond: 20, queryNodeMsPerSecond: 40,
      subscriberQueuedBytesMax: 256 * 1024, subscribersQueuedBytesMax: 4 * 1024 * 1024,
      nonMemberTxsPerSecondPerSender: 5, nonMemberTxsPerSecondPerAddress: 20,
    } } }));
  node = startNodeProcess(home);
  client = new ZhengwuClient({ url: api });
  await waitForNode(client, node);
  pid = node.child.pid ?? 0;
}, 60_000);

afterAll(async () => {
  node?.child.kill('SIGKILL');
  await node?.exited;
  network?.cleanup();
});

/** Notarizes `count` documents, one after another, and returns the heights they landed at. */
async function commitDuring(account: Account, count: number, tag: number): Promise<number[]> {
  const heights: number[] = [];
  for (let i = 0; i < count; i++) {
    const view = await account.sendAndWait('notary', 'put',
      { hash: suite.hash(Uint8Array.of(tag, i)), meta: {} });
    if (view.status === 'committed') heights.push(view.height);
  }
  return heights;
}

describe('POST /v1/query under attack (point 2)', () => {
  it('refuses huge arguments and over-budget queries while blocks keep committing', async () => {
    const account = new Account(suite, suite.generateKeyPair(), client);
    const huge = BigInt('9'.repeat(200_000));
    const longest = BigInt('9'.repeat(limits.queryBigintDigitsMax));
    const codes = new Map<string, number>();
    let attacking = true;
    const attacker = async (args: Record<string, bigint>): Promise<void> => {
      for (let i = 0; attacking && i < 2_000; i++) {
        const code = await outcome(client.query('catalog', 'entry', args));
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
    };
    const attackers = [attacker({ code: huge }), attacker({ code: huge }),
      attacker({ code: longest }), attacker({ code: longest })];
    const heights = await commitDuring(account, 4, 1);
    attacking = false;
    await Promise.all(attackers);
    expect(heights).toHaveLength(4);
    expect(new Set(heights).size).toBeGreaterThan(1);
    // The huge ones never reach the contract; the rest run until the budget is spent.
    expect(codes.get(ErrorCode.TOO_LARGE) ?? 0).toBeGreaterThan(0);
    expect(codes.get(ErrorCode.QUERY_BUDGET) ?? 0).toBeGreaterThan(0);
    // (A query within the limits is answered: `ok`, or its contract's own refusal.)
    const expected: string[] = [ErrorCode.TOO_LARGE, ErrorCode.QUERY_BUDGET,
      ErrorCode.INVALID_ARGUMENT, 'ok'];
    expect([...codes.keys()].filter((code) => !expected.includes(code))).toEqual([]);
    // A refused query says why, with HTTP 429.
    let refused = { status: 0, code: '' };
    for (let i = 0; i < 200 && refused.code !== ErrorCode.QUERY_BUDGET; i++) {
      refused = await postJson(`${api}/v1/query`, JSON.stringify({ contract: 'catalog',
        method: 'entry', args: { code: { $bigint: longest.toString() } } }));
    }
    expect(refused).toEqual({ status: 429, code: ErrorCode.QUERY_BUDGET });
  }, 120_000);
});

/** A 30 MB CBOR array of empty maps: millions of items in few bytes. */
function emptyMaps(count: number): Uint8Array {
  const bytes = new Uint8Array(5 + count).fill(0xa0);
  bytes[0] = 0x9a;
  new DataView(bytes.buffer).setUint32(1, count);
  return bytes;
}

describe('POST /v1/exchange/datasets before authentication (point 5)', () => {
  const count = 30_000_000;

  it('refuses unsigned and badly signed 30 MB bodies without decoding them', async () => {
    const before = rssMb(pid);
    const url = `${api}/v1/exchange/datasets`;
    // Not an envelope at all: the bytes are the 30 MB array itself.
    const bare = emptyMaps(count);
    // An envelope whose body is the 30 MB array, signed by a key that did not sign it.
    const stranger = suite.generateKeyPair();
    const forged = encode([chainId, 'upload', stranger.publicKey, 1_000, new Uint8Array(16),
      emptyMaps(count), new Uint8Array(64)]);
    const answers = await Promise.all([postJson(url, bare), postJson(url, forged)]);
    expect(answers).toEqual([{ status: 400, code: ErrorCode.MALFORMED },
      { status: 400, code: ErrorCode.BAD_SIGNATURE }]);
    // As JSON, a large upload is refused from its declared length, before it is read.
    const json = JSON.stringify({ request: toBase64(bare) });
    expect(await declareJson(url, json.length))
      .toEqual({ status: 413, code: ErrorCode.TOO_LARGE });
    const jobs = `${api}/v1/exchange/uploads`;
    expect(await declareJson(jobs, json.length))
      .toEqual({ status: 413, code: ErrorCode.TOO_LARGE });
    // The upload-job route, three at once: each refused at the envelope.
    const parallel = await Promise.all([bare, bare, bare].map((body) => postJson(jobs, body)));
    expect(parallel).toEqual(Array.from({ length: 3 },
      () => ({ status: 400, code: ErrorCode.MALFORMED })));
    // Decoding one of these took the node from ~140 MB to 2.4 GB; refusing it costs its bytes.
    expect(rssMb(pid) - before).toBeLessThan(600);
    await client.status();
  }, 120_000);

  it('refuses a member\'s signed upload of millions of empty maps after counting them',
    async () => {
      const dir = network?.dir ?? '';
      const passphrase = readFileSync(join(dir, 'admins', 'market.passphrase'), 'utf8').trim();
      const key = openKeystore(readFileSync(join(dir, 'admins', 'market.key'), 'utf8'),
        passphrase);
      const before = rssMb(pid);
      const { height } = await client.status();
      const unsigned = encode([chainId, 'upload', key.publicKey, height + 30,
        new Uint8Array(16).fill(7), emptyMaps(count), new Uint8Array(64)]);
      const received = decodeExchangeRequest(unsigned);
      const signature = suite.sign(key.privateKey, exchangeRequestSignBytes(received));
      const signed = encode([chainId, 'upload', key.publicKey, height + 30,
        new Uint8Array(16).fill(7), emptyMaps(count), signature]);
      const answer = await postJson(`${api}/v1/exchange/datasets`, signed);
      expect(answer).toEqual({ status: 413, code: ErrorCode.TOO_LARGE });
      expect(rssMb(pid) - before).toBeLessThan(600);
    }, 120_000);
});

/** A subscriber that completes the handshake and then never reads from its socket. */
function stalledSubscriber(url: string): Promise<{ close(): void }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/events`);
    socket.on('error', () => undefined);
    socket.on('open', () => {
      (socket as unknown as { _socket: { pause(): void } })._socket.pause();
      resolve({ close: () => socket.terminate() });
    });
    socket.on('unexpected-response', () => reject(new Error('refused')));
  });
}

describe('subscribers that never read and a non-member\'s flood (point 7)', () => {
  it('rate-limits the flood by sender and by address, memory bounded', async () => {
    const stalled = await Promise.all(Array.from({ length: 40 },
      () => stalledSubscriber(api)));
    const reader: string[] = [];
    const stopReading = await client.subscribe((message) => reader.push(String(message.type)));
    const before = rssMb(pid);
    const meta: Record<string, string> = {};
    for (let i = 0; i < limits.notaryMetaEntriesMax; i++) meta[`f${i}`] = 'x'.repeat(1000);
    const codes = new Map<string, number>();
    const hashes: string[] = [];
    const put = (account: Account, i: number): Promise<Uint8Array> => account.build('notary',
      'put', { hash: suite.hash(Uint8Array.of(9, i >> 8, i & 255)), meta });
    const submit = async (tx: Promise<Uint8Array>): Promise<void> => {
      try {
        hashes.push(await client.submit(await tx));
        codes.set('ok', (codes.get('ok') ?? 0) + 1);
      } catch (error) {
        const code = error instanceof ZwError ? error.code : String(error);
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
    };
    // One sender as fast as it can, then a fresh key for every notarization (keys are free).
    const one = new Account(suite, suite.generateKeyPair(), client);
    for (let i = 0; i < 30; i++) await submit(put(one, i));
    const perSender = codes.get(ErrorCode.RATE_LIMITED) ?? 0;
    // 300 notarizations, each from a new key, signed beforehand and sent 100 at a time.
    const flood: Uint8Array[] = [];
    for (let i = 0; i < 300; i += 50) {
      flood.push(...await Promise.all(Array.from({ length: 50 }, (_, j) =>
        put(new Account(suite, suite.generateKeyPair(), client), 30 + i + j))));
    }
    for (let i = 0; i < flood.length; i += 100) {
      await Promise.all(flood.slice(i, i + 100).map((tx) => submit(Promise.resolve(tx))));
    }
    // The flood is held to its rate: some submissions are refused with a specific code.
    expect(perSender).toBeGreaterThan(0);
    expect(codes.get(ErrorCode.RATE_LIMITED) ?? 0).toBeGreaterThan(perSender);
    expect(hashes.length).toBeGreaterThan(0);
    const last = await client.waitForTx(hashes[hashes.length - 1] as string,
      { timeoutMs: 60_000 });
    expect(last.status).toBe('committed');
    // The reading subscriber still hears the chain. (On loopback the kernel takes about 4 MB
    // per stalled socket before the node queues a byte, more than this flood sends each
    // subscriber; cutting off subscribers whose queue is over budget is test/api/subscribers.)
    expect(reader).toContain('block');
    stopReading();
    for (const subscriber of stalled) subscriber.close();
    // 500 such subscribers and 4,000 notarizations took a node from 683 MB to 3.0 GB.
    expect(rssMb(pid) - before).toBeLessThan(250);
    await client.status();
  }, 180_000);
});
