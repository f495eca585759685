// The HTTP client for one Zhengwu node: typed wrappers over API v1, usable in Node.js and in
// browsers (it uses only fetch and WebSocket). Errors from the node come back as ZwError with the
// node's stable code, so callers can branch on `error.code`.
import {
  ErrorCode, ZwError, fromJsonValue, toBase64, toHex, toJsonValue,
} from '../core/index.js';
import type { CborValue, ErrorCode as ErrorCodeType, JsonValue } from '../core/index.js';

export interface ValidatorView {
  readonly address: string;
  readonly publicKey: string;
  readonly power: number;
  readonly agency: string | null;
}

export interface StatusView {
  readonly chainId: string;
  readonly suite: 'intl' | 'gm';
  readonly hashAlgorithm: 'sha256' | 'sm3';
  readonly genesisHash: string;
  readonly moniker: string;
  readonly agency: string;
  readonly nodeAddress: string | null;
  readonly height: number;
  readonly latestBlockHash: string | null;
  readonly latestBlockTime: number | null;
  readonly provableHeight: number;
  readonly validators: readonly ValidatorView[];
  readonly lastCommitSigners: readonly string[];
  readonly consensus: { readonly height: number; readonly round: number;
    readonly validator: boolean };
  readonly peers: readonly { readonly address: string; readonly agency: string;
    readonly direction: string; readonly connectedSince: number }[];
  readonly mempool: { readonly size: number; readonly bytes: number };
  readonly version: string;
}

export interface ProofView {
  readonly header: string;
  readonly commit: string;
  readonly proof: string;
}

export interface ReceiptView {
  readonly txHash: string;
  readonly status: string;
  readonly error: string;
  readonly gasUsed: number;
  /** `dataRedacted`: a personal event (ADR 0010) whose data the node shows only in part. */
  readonly events: readonly { contract: string; name: string; data: JsonValue;
    dataRedacted?: boolean }[];
  readonly result: JsonValue;
  /** True when an event's data is withheld: the receipt proof cannot be checked from this view. */
  readonly redacted?: boolean;
}

export type TxView =
  | { readonly hash: string; readonly status: 'pending' }
  | { readonly hash: string; readonly status: 'rejected';
    readonly error: { readonly code: string; readonly message: string } }
  | { readonly hash: string; readonly status: 'committed'; readonly height: number;
    readonly index: number; readonly blockHash: string; readonly receipt: ReceiptView;
    readonly proof: ProofView | null };

export interface StateView {
  readonly contract: string;
  readonly key: string;
  readonly height: number;
  readonly treeKey: string;
  readonly value: string | null;
  readonly decoded: JsonValue;
  readonly proof: ProofView | null;
}

export interface BlockView {
  readonly height: number;
  readonly hash: string;
  readonly header: Record<string, JsonValue>;
  readonly txs: readonly string[];
  readonly lastCommit: JsonValue;
  readonly commit: JsonValue;
  readonly commitEncoded: string;
}

export interface ClientInit {
  /** Base URL of the node's API, e.g. http://127.0.0.1:7701 */
  readonly url: string;
  /** Per-request timeout in milliseconds. */
  readonly timeoutMs?: number;
}

const requestTimeoutMs = 15_000;

export class ZhengwuClient {
  readonly url: string;
  private readonly timeoutMs: number;

  constructor(init: ClientInit) {
    this.url = init.url.replace(/\/+$/, '');
    this.timeoutMs = init.timeoutMs ?? requestTimeoutMs;
  }

  private async request<T>(method: 'GET' | 'POST', path: string, body?: unknown,
    headers: Readonly<Record<string, string>> = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        headers: body === undefined ? { ...headers }
          : { ...headers, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new ZwError(ErrorCode.UNAVAILABLE,
        `cannot reach node at ${this.url}: ${(error as Error).message}`);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      throw new ZwError(ErrorCode.MALFORMED, `node sent non-JSON (HTTP ${response.status})`);
    }
    if (!response.ok) {
      const error = parsed as { code?: string; message?: string;
        details?: Record<string, unknown> } | null;
      throw new ZwError((error?.code ?? ErrorCode.INTERNAL) as ErrorCodeType,
        error?.message ?? `HTTP ${response.status}`, error?.details);
    }
    return parsed as T;
  }

  /** POSTs a JSON body to a route of API v1. */
  post<T>(path: string, body: unknown): Promise<T> {
    return this.request('POST', path, body);
  }

  /** GETs a JSON route of API v1; undefined query parameters are left out. */
  get<T>(path: string, query: Readonly<Record<string, string | number | undefined>> = {},
    headers: Readonly<Record<string, string>> = {}): Promise<T> {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) search.set(name, String(value));
    }
    return this.request('GET', search.size > 0 ? `${path}?${search.toString()}` : path,
      undefined, headers);
  }

  status(): Promise<StatusView> {
    return this.request('GET', '/v1/status');
  }

  genesis(): Promise<unknown> {
    return this.request('GET', '/v1/genesis');
  }

  async nonce(address: Uint8Array): Promise<number> {
    const view = await this.request<{ nonce: number }>('GET', `/v1/accounts/${toHex(address)}`);
    return view.nonce;
  }

  /** Submits an encoded signed transaction; resolves to its hash once the node admitted it. */
  async submit(tx: Uint8Array): Promise<string> {
    const view = await this.request<{ hash: string }>('POST', '/v1/txs', { tx: toBase64(tx) });
    return view.hash;
  }

  tx(hash: string): Promise<TxView> {
    return this.request('GET', `/v1/txs/${hash}`);
  }

  /**
   * Polls until the transaction is committed (resolves with its view) or rejected (throws the
   * rejection's code). Committed means durably stored by the node.
   */
  async waitForTx(hash: string, options: { timeoutMs?: number } = {}): Promise<TxView> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    let delayMs = 20;
    for (;;) {
      const view = await this.tx(hash).catch((error: unknown) => {
        if (error instanceof ZwError && error.code === ErrorCode.NOT_FOUND) return undefined;
        throw error;
      });
      if (view?.status === 'committed') return view;
      if (view?.status === 'rejected') throw new ZwError(view.error.code as ErrorCodeType,
        view.error.message);
      if (Date.now() > deadline) {
        throw new ZwError(ErrorCode.UNAVAILABLE, `transaction ${hash} not committed in time`);
      }
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      delayMs = Math.min(delayMs * 2, 500);
    }
  }

  block(height: number | 'latest'): Promise<BlockView> {
    return this.request('GET', `/v1/blocks/${height}`);
  }

  state(contract: string, key: Uint8Array, options: { proof?: boolean; height?: number } = {}):
    Promise<StateView> {
    const query = new URLSearchParams();
    if (options.proof === true) query.set('proof', 'true');
    if (options.height !== undefined) query.set('height', String(options.height));
    const suffix = query.size > 0 ? `?${query.toString()}` : '';
    return this.request('GET', `/v1/state/${encodeURIComponent(contract)}/${toHex(key)}${suffix}`);
  }

  async query(contract: string, method: string, args: CborValue): Promise<CborValue> {
    const view = await this.request<{ result: JsonValue }>('POST', '/v1/query',
      { contract, method, args: toJsonValue(args) });
    return fromJsonValue(view.result);
  }

  /**
   * Subscribes to chain events over WebSocket. `types` filters block, tx and event messages.
   * Returns a function that closes the subscription.
   */
  subscribe(
    onMessage: (message: Record<string, JsonValue>) => void,
    options: { types?: readonly string[]; contract?: string } = {},
  ): Promise<() => void> {
    const query = new URLSearchParams();
    if (options.types !== undefined) query.set('types', options.types.join(','));
    if (options.contract !== undefined) query.set('contract', options.contract);
    const url = `${this.url.replace(/^http/, 'ws')}/v1/events?${query.toString()}`;
    return openSocket(url, onMessage);
  }
}

interface MinimalSocket {
  onmessage: ((event: { data: unknown }) => void) | null;
  onopen: (() => void) | null;
  onerror: ((event: unknown) => void) | null;
  close(): void;
}

async function openSocket(
  url: string, onMessage: (message: Record<string, JsonValue>) => void,
): Promise<() => void> {
  const Socket = (globalThis as { WebSocket?: new (url: string) => MinimalSocket }).WebSocket ??
    ((await import('ws')).default as unknown as new (url: string) => MinimalSocket);
  const socket = new Socket(url);
  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onerror = () => reject(new ZwError(ErrorCode.UNAVAILABLE, `cannot subscribe at ${url}`));
  });
  socket.onmessage = (event) => {
    onMessage(JSON.parse(String(event.data)) as Record<string, JsonValue>);
  };
  return () => socket.close();
}
