// What keeps hostile clients from starving the node: caps on client connections (in total and
// per address, the total also under a share of the process's open-file limit), keyed token
// buckets for per-client rates, and the time budget of contract queries. The node's signer,
// storage and peers never compete with clients for what these bound: descriptors, event-loop
// time, memory.
import type { Server, Socket } from 'node:net';
import { ErrorCode, ZwError, limits } from '../core/index.js';

/** The API's bounds on clients; defaults from core/limits.ts, a node's config may lower them. */
export interface ApiLimits {
  readonly connectionsMax: number;
  readonly connectionsPerAddressMax: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly queryClientMsPerSecond: number;
  readonly queryNodeMsPerSecond: number;
  readonly subscribersMax: number;
  readonly subscriberQueuedBytesMax: number;
  readonly subscribersQueuedBytesMax: number;
  readonly uploadsInFlightMax: number;
}

export const apiLimitDefaults: ApiLimits = {
  connectionsMax: limits.apiConnectionsMax,
  connectionsPerAddressMax: limits.apiConnectionsPerAddressMax,
  headersTimeoutMs: limits.apiHeadersTimeoutMs,
  requestTimeoutMs: limits.apiRequestTimeoutMs,
  keepAliveTimeoutMs: limits.apiKeepAliveTimeoutMs,
  idleTimeoutMs: limits.apiIdleTimeoutMs,
  queryClientMsPerSecond: limits.queryClientMsPerSecond,
  queryNodeMsPerSecond: limits.queryNodeMsPerSecond,
  subscribersMax: limits.subscribersMax,
  subscriberQueuedBytesMax: limits.subscriberQueuedBytesMax,
  subscribersQueuedBytesMax: limits.subscribersQueuedBytesMax,
  uploadsInFlightMax: limits.exchangeUploadsInFlightMax,
};

/**
 * The most client connections a process with `openFileLimit` descriptors may hold: the
 * configured cap, but never more than apiFdSharePercent of the limit.
 */
export function clientConnectionsMax(configured: number, openFileLimit: number): number {
  return Math.max(1, Math.min(configured,
    Math.floor((openFileLimit * limits.apiFdSharePercent) / 100)));
}

function refusal(code: string, message: string): string {
  const body = JSON.stringify({ code, message });
  return 'HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n' +
    `Connection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

export interface ConnectionCounts {
  readonly total: number;
  readonly refused: number;
}

/**
 * Counts the server's open connections in total and per remote address; one beyond either cap
 * is answered 503 TOO_MANY_CONNECTIONS and closed before any of its bytes are read.
 */
export function guardConnections(server: Server, totalMax: number, perAddressMax: number):
  () => ConnectionCounts {
  const byAddress = new Map<string, number>();
  let total = 0;
  let refused = 0;
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const fromAddress = byAddress.get(address) ?? 0;
    if (total >= totalMax || fromAddress >= perAddressMax) {
      refused += 1;
      const which = total >= totalMax ? `${totalMax} client connections`
        : `${perAddressMax} connections from ${address}`;
      socket.pause();
      socket.end(refusal(ErrorCode.TOO_MANY_CONNECTIONS, `this node already holds ${which}`));
      // A client that does not read the refusal must not keep the descriptor either.
      socket.setTimeout(1_000, () => socket.destroy());
      return;
    }
    total += 1;
    byAddress.set(address, fromAddress + 1);
    socket.once('close', () => {
      total -= 1;
      const left = (byAddress.get(address) ?? 1) - 1;
      if (left === 0) byAddress.delete(address);
      else byAddress.set(address, left);
    });
  });
  return () => ({ total, refused });
}

/**
 * Token buckets by key (a client address, a sender): each refills at `ratePerSecond` up to
 * `burst`. At most `keysMax` keys are remembered; beyond that the oldest are forgotten, which
 * only ever gives a forgotten key a full bucket again, never more than `burst`.
 */
export class KeyedBuckets {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();

  constructor(private readonly ratePerSecond: number, private readonly burst: number,
    private readonly now: () => number, private readonly keysMax = 10_000) {}

  /** Tokens left for `key` now (negative while a debt is being repaid). */
  available(key: string): number {
    const nowMs = this.now();
    const bucket = this.buckets.get(key);
    if (bucket === undefined) return this.burst;
    bucket.tokens = Math.min(this.burst,
      bucket.tokens + (Math.max(0, nowMs - bucket.atMs) * this.ratePerSecond) / 1000);
    bucket.atMs = nowMs;
    return bucket.tokens;
  }

  /** Takes `amount` (may drive the bucket negative: a debt for work already done). */
  debit(key: string, amount: number): void {
    const tokens = this.available(key) - amount;
    this.buckets.delete(key);
    this.buckets.set(key, { tokens, atMs: this.now() });
    if (this.buckets.size > this.keysMax) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
  }

  /** Takes one token if there is one. */
  take(key: string): boolean {
    if (this.available(key) < 1) return false;
    this.debit(key, 1);
    return true;
  }
}

/**
 * The time budget of contract queries. A query runs only while its client's and the node's
 * buckets are positive; its measured duration is debited from both after it returns (queries
 * never decide state, so timing them is allowed). Each bucket holds one second's worth, so over
 * any stretch queries take at most queryNodeMsPerSecond of every second, plus one query.
 */
export class QueryBudget {
  private readonly clients: KeyedBuckets;
  private readonly node: KeyedBuckets;

  constructor(clientMsPerSecond: number, nodeMsPerSecond: number,
    private readonly now: () => number = () => performance.now()) {
    this.clients = new KeyedBuckets(clientMsPerSecond, clientMsPerSecond, now);
    this.node = new KeyedBuckets(nodeMsPerSecond, nodeMsPerSecond, now);
  }

  run<T>(client: string, query: () => T): T {
    if (this.clients.available(client) <= 0) {
      throw new ZwError(ErrorCode.QUERY_BUDGET,
        `this client's query time budget is spent; retry in a second`);
    }
    if (this.node.available('') <= 0) {
      throw new ZwError(ErrorCode.QUERY_BUDGET,
        'this node\'s query time budget is spent; retry in a second');
    }
    const started = this.now();
    const debit = (): void => {
      const spent = this.now() - started;
      this.clients.debit(client, spent);
      this.node.debit('', spent);
    };
    let result: T;
    try {
      result = query();
    } catch (error) {
      debit();
      throw error;
    }
    // A query run elsewhere (a worker) is debited for the time until it answers.
    if (result instanceof Promise) return result.finally(debit) as T;
    debit();
    return result;
  }
}
