// Data exchange from a client: a provider's system uploads a dataset to its agency's node; a
// requester's staff fetches granted data through theirs. Both requests are signed here, with the
// member's own key; the nodes act on them only after checking the member on chain.
//
// fetchData checks what it receives twice over: the payload must hash to the response hash the
// node reports, and, given the chain's trust (trustFromGenesis), the access receipt holding that
// hash is proven against a header signed by the validators. A client that trusts neither its
// own node nor the provider's still knows it holds exactly what the provider put on record.
import { ErrorCode, ZwError, encode, fromJsonValue, toBase64, toHex } from '../core/index.js';
import type { CborValue, JsonValue } from '../core/index.js';
import type { Account } from './account.js';
import type { ZhengwuClient } from './client.js';
import { evidenceBundle, verifyEvidenceBundle } from './data.js';
import type { TrustedChain } from './verify.js';

export type RecordValue = string | number | boolean | null;

export interface UploadRecord {
  /** A personal id (resident id card number...) or a 64-hex subject id; omit if none. */
  readonly subject?: string;
  readonly data: Readonly<Record<string, RecordValue>>;
}

export interface UploadReceipt {
  readonly entry: string;
  readonly version: number;
  readonly records: number;
  readonly hash: string;
}

export interface DatasetInfo extends UploadReceipt {
  readonly uploadedBy: string;
  readonly height: number;
}

export interface FetchInput {
  readonly entry: string;
  readonly items: readonly string[];
  /** Subject ids (64 hex) whose records are wanted; omit to page through the dataset. */
  readonly subjects?: readonly string[];
  readonly offset?: number;
  readonly limit?: number;
  readonly purpose: string;
  readonly caseNumber: string;
  readonly officialId: string;
  /** The requesting information system, as the citizen's view will show it. */
  readonly system: string;
  /**
   * A covert access (by law): the law that allows it and the height from which the person's
   * view shows it. The signer needs the `covert-access` role; the chain bounds the delay.
   */
  readonly covert?: { readonly legalBasis: string; readonly disclosureHeight: number };
}

export interface FetchedPayload {
  readonly entry: string;
  readonly provider: string;
  readonly datasetVersion: number;
  readonly items: readonly string[];
  readonly offset: number;
  readonly records: readonly { readonly subject: string | null;
    readonly data: Readonly<Record<string, RecordValue>> }[];
}

export interface FetchedData {
  readonly receiptId: string;
  readonly requestHash: string;
  readonly responseHash: string;
  readonly acknowledged: boolean;
  readonly payload: FetchedPayload;
  /** True when the receipt's response hash was proven against validator-signed state. */
  readonly proven: boolean;
}

/** Sending a 32 MB upload over a slow link takes a while; the node has its own timeout. */
const uploadSendTimeoutMs = 300_000;

/**
 * POSTs a signed request as its own bytes (application/octet-stream): the node checks its size
 * and signature before it parses anything, and nothing is base64-inflated on the way.
 */
async function postSigned<T>(client: ZhengwuClient, path: string, bytes: Uint8Array):
  Promise<T> {
  let response: Response;
  try {
    // A copy on its own ArrayBuffer: the DOM's BodyInit takes no view of a shared buffer.
    response = await fetch(`${client.url}${path}`, { method: 'POST', body: new Uint8Array(bytes),
      headers: { 'content-type': 'application/octet-stream' },
      signal: AbortSignal.timeout(uploadSendTimeoutMs) });
  } catch (error) {
    throw new ZwError(ErrorCode.UNAVAILABLE,
      `cannot reach node at ${client.url}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = await response.json();
  } catch {
    throw new ZwError(ErrorCode.MALFORMED, `node sent non-JSON (HTTP ${response.status})`);
  }
  if (!response.ok) {
    const error = parsed as { code?: string; message?: string;
      details?: Record<string, unknown> } | null;
    throw new ZwError((error?.code ?? ErrorCode.INTERNAL) as ErrorCode,
      error?.message ?? `HTTP ${response.status}`, error?.details);
  }
  return parsed as T;
}

export async function uploadDataset(account: Account, dataset: { entry: string;
  records: readonly UploadRecord[] }): Promise<UploadReceipt> {
  const request = await account.exchangeRequest('upload', {
    entry: dataset.entry,
    records: dataset.records.map((record) => ({
      ...(record.subject === undefined ? {} : { subject: record.subject }),
      data: { ...record.data } })),
  });
  // The node answers at once with a job: deriving subject ids from personal ids through the
  // subject-key agencies takes minutes for a large dataset (ADR 0013), so the SDK polls.
  let job = await postSigned<UploadJob>(account.client, '/v1/exchange/uploads', request);
  const deadline = Date.now() + uploadWaitMs;
  while (job.status !== 'stored') {
    if (job.status === 'failed') {
      throw new ZwError((job.error?.code ?? ErrorCode.INTERNAL) as ErrorCode,
        job.error?.message ?? 'the upload failed');
    }
    if (Date.now() > deadline) {
      throw new ZwError(ErrorCode.UNAVAILABLE, `upload job ${job.id} still ${job.status} ` +
        `(${job.derived} of ${job.total} subject ids) after ${uploadWaitMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, uploadPollMs));
    job = await account.client.get<UploadJob>(`/v1/exchange/uploads/${job.id}`);
  }
  if (job.result === null) throw new ZwError(ErrorCode.INTERNAL, 'a stored job has no result');
  return job.result;
}

/** An upload job as the node reports it (GET /v1/exchange/uploads/:id). */
export interface UploadJob {
  readonly id: string;
  readonly entry: string;
  readonly status: 'deriving' | 'storing' | 'stored' | 'failed';
  readonly derived: number;
  readonly total: number;
  readonly result: UploadReceipt | null;
  readonly error: { readonly code: string; readonly message: string } | null;
}

const uploadPollMs = 250;
/** About 200,000 personal ids at the committee's pace, with room. */
const uploadWaitMs = 60 * 60_000;

export function datasetInfo(client: ZhengwuClient, entry: string): Promise<DatasetInfo> {
  return client.get(`/v1/exchange/datasets/${encodeURIComponent(entry)}`);
}

/** Proving a fresh receipt waits for the block after it (its header signs the state). */
const proofWaitMs = 30_000;

export async function fetchData(account: Account, input: FetchInput,
  options: { trust?: TrustedChain } = {}): Promise<FetchedData> {
  const body: Record<string, CborValue> = {
    entry: input.entry, items: [...input.items], purpose: input.purpose,
    caseNumber: input.caseNumber, officialId: input.officialId, system: input.system,
    ...(input.subjects === undefined ? {} : { subjects: [...input.subjects] }),
    ...(input.offset === undefined ? {} : { offset: input.offset }),
    ...(input.limit === undefined ? {} : { limit: input.limit }),
    ...(input.covert === undefined ? {} : { covert: { legalBasis: input.covert.legalBasis,
      disclosureHeight: input.covert.disclosureHeight } }),
  };
  const request = await account.exchangeRequest('fetch', body);
  const result = await account.client.post<Omit<FetchedData, 'proven'> & { payload: JsonValue }>(
    '/v1/exchange/fetch', { request: toBase64(request) });
  const hash = toHex(account.suite.hash(encode(fromJsonValue(result.payload))));
  if (hash !== result.responseHash) {
    throw new ZwError(ErrorCode.HASH_MISMATCH, 'the data does not hash to the response hash');
  }
  if (toHex(account.suite.hash(request)) !== result.requestHash) {
    throw new ZwError(ErrorCode.HASH_MISMATCH, 'the node answered another request');
  }
  const proven = options.trust === undefined ? false
    : await proveResponse(account.client, options.trust, result.receiptId, hash,
      result.requestHash);
  return { ...result, payload: result.payload as unknown as FetchedPayload, proven };
}

async function proveResponse(client: ZhengwuClient, trust: TrustedChain, receiptId: string,
  responseHash: string, requestHash: string): Promise<true> {
  const deadline = Date.now() + proofWaitMs;
  for (;;) {
    try {
      const { receipt } = verifyEvidenceBundle(await evidenceBundle(client, receiptId), trust);
      if (receipt.responseHash !== responseHash || receipt.requestHash !== requestHash) {
        throw new ZwError(ErrorCode.HASH_MISMATCH,
          `receipt ${receiptId} on chain records other hashes`);
      }
      return true;
    } catch (error) {
      const retry = error instanceof ZwError &&
        (error.code === ErrorCode.NOT_FOUND || error.code === ErrorCode.HEIGHT_UNAVAILABLE);
      if (!retry || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
