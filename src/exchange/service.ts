// The data exchange of one node, both sides of it (X-Road's security server, on a chain):
// - as provider, it keeps the datasets its agency's systems upload, encrypted at rest, and
//   answers fetches from other agencies' nodes: it checks the member's signature and agency,
//   asks the chain whether a grant covers the entry and items at this moment, records a signed
//   access receipt on chain (served or refused) and only then sends the granted items,
//   encrypted to the requesting node;
// - as requester, it forwards its members' signed fetches to a node of the providing agency,
//   decrypts the answer, checks it against the response hash the provider put on chain, and
//   acknowledges the receipt on chain before it hands the data to its caller.
// The node shell provides the chain, the transport and the storage through ExchangeHost.
import {
  ErrorCode, ZwError, decode, decodeExchangeRequest, encode, exchangeRequestSignBytes, isZwError,
  limits, toHex,
} from '../core/index.js';
import type { CborValue, ErrorCode as ErrorCodeType, SignedExchangeRequest } from '../core/index.js';
import { randomBytes } from '../crypto/index.js';
import type { CryptoSuite, KeyPair } from '../crypto/index.js';
import type { DataRequestMessage, DataResponseMessage } from '../network/index.js';
import {
  encodePayload, encodeRecord, isPersonalId, parseFetchBody, parseUploadBody, project,
  resolveSubjects, subjectsPerFetchMax,
} from './records.js';
import type { DatasetRecord, FetchBody, Payload, RecordValue, UploadBody } from './records.js';
import { atRestKey, openFromSender, sealForRecipient } from './sealing.js';

/** The names of the contracts the exchange works with (deployed by the genesis). */
export const catalogContract = 'catalog';
export const sharingContract = 'sharing';

export interface ExchangeIdentity {
  readonly agency: string;
  readonly roles: readonly string[];
}

export interface CommittedCall {
  readonly txHash: Uint8Array;
  readonly status: string;
  readonly error: string;
  readonly result: CborValue;
}

export interface StoredDatasetRow {
  readonly entry: string;
  readonly version: number;
  readonly records: number;
  readonly hash: string;
  readonly uploadedBy: string;
  readonly height: number;
}

/** The dataset storage the node provides (src/storage's DatasetStore). */
export interface DatasetRows {
  replace(dataset: StoredDatasetRow,
    records: readonly { readonly subject: string | null; readonly sealed: Uint8Array }[]): void;
  dataset(entry: string): StoredDatasetRow | undefined;
  records(entry: string, options: { subjects?: readonly string[]; offset: number;
    limit: number }): { readonly seq: number; readonly subject: string | null;
    readonly sealed: Uint8Array }[];
}

export interface ExchangePeer {
  readonly address: string;
  readonly agency: string;
}

export interface ExchangeHost {
  readonly chainId: string;
  readonly suite: CryptoSuite;
  /** This node's agency. */
  readonly agency: string;
  /** This node's key: it signs the node's receipts and acknowledgements. */
  readonly nodeKey: KeyPair;
  readonly datasets: DatasetRows;
  /** The latest committed height. */
  height(): number;
  /** A query against the latest committed state. */
  query(contract: string, method: string, args: CborValue): CborValue;
  /** Who `address` is for a transaction in the next block; null: nobody. */
  identify(address: Uint8Array): ExchangeIdentity | ZwError | null;
  /** Signs a call with the node key, submits it, and resolves once it is committed. */
  submit(contract: string, method: string, args: CborValue): Promise<CommittedCall>;
  /** Connected peers that are nodes of `agency`. */
  peersOf(agency: string): readonly ExchangePeer[];
  send(peer: string, message: DataRequestMessage | DataResponseMessage): void;
  /**
   * The subject ids of normalized personal ids, in order, derived through the subject-key
   * agencies off the event loop (ADR 0013). Absent: uploads must name subject ids (64 hex).
   */
  deriveSubjects?(ids: readonly string[], progress?: (derived: number) => void):
    Promise<readonly string[]>;
  log(level: 'info' | 'warn', message: string, fields: Record<string, unknown>): void;
}

export interface ExchangeTimeouts {
  /** How long a requester waits for the provider's answer (it includes a block commit). */
  readonly answerMs: number;
  /** How long a requester waits for its own node to hold the provider's receipt. */
  readonly receiptMs: number;
}

export const exchangeDefaults: ExchangeTimeouts = { answerMs: 60_000, receiptMs: 30_000 };

export interface UploadResult {
  readonly entry: string;
  readonly version: number;
  readonly records: number;
  readonly hash: string;
}

/** An upload being stored: personal ids are derived first, then the version is registered. */
export interface UploadJobView {
  readonly id: string;
  readonly entry: string;
  readonly status: 'deriving' | 'storing' | 'stored' | 'failed';
  /** Distinct personal ids derived so far, of `total`. */
  readonly derived: number;
  readonly total: number;
  readonly result: UploadResult | null;
  readonly error: { readonly code: ErrorCodeType; readonly message: string } | null;
}

interface UploadJob {
  view: UploadJobView;
  done: Promise<UploadResult>;
}

/** Finished upload jobs remembered for their outcome. */
const uploadJobsKeptMax = 64;

/** Records encoded or sealed between two turns of the event loop. */
const recordsPerSlice = 2_000;

async function inSlices<T, R>(items: readonly T[], map: (item: T, index: number) => R):
  Promise<R[]> {
  const out: R[] = [];
  for (let index = 0; index < items.length; index++) {
    out.push(map(items[index] as T, index));
    if (index % recordsPerSlice === recordsPerSlice - 1) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return out;
}

function personalIdCount(upload: UploadBody): number {
  return new Set(upload.records.flatMap((record) =>
    record.subject !== null && isPersonalId(record.subject) ? [record.subject] : [])).size;
}

export interface FetchResult {
  readonly receiptId: string;
  readonly requestHash: string;
  readonly responseHash: string;
  /** The acknowledgement transaction's outcome on chain. */
  readonly acknowledged: boolean;
  readonly payload: Payload;
}

/** Requests one peer may have waiting for answers at once. */
const answersInFlightPerPeerMax = 32;

/** Roles that may hand the node a dataset, and roles that may ask for one. */
const uploaderRoles = ['exchange', 'operator', 'admin'];
const requesterRoles = ['staff', 'admin'];

type Answer =
  | { readonly kind: 'served'; readonly receiptId: string; readonly sealed: Uint8Array }
  | { readonly kind: 'refused'; readonly receiptId: string; readonly reason: string }
  | { readonly kind: 'error'; readonly code: ErrorCodeType; readonly message: string };

function encodeAnswer(answer: Answer): Uint8Array {
  switch (answer.kind) {
    case 'served': return encode(['served', answer.receiptId, answer.sealed]);
    case 'refused': return encode(['refused', answer.receiptId, answer.reason]);
    case 'error': return encode(['error', answer.code, answer.message]);
  }
}

function decodeAnswer(bytes: Uint8Array): Answer {
  const value = decode(bytes);
  if (Array.isArray(value) && value.length === 3 && typeof value[1] === 'string') {
    const [kind, first, second] = value;
    if (kind === 'served' && second instanceof Uint8Array) {
      return { kind, receiptId: first, sealed: second };
    }
    if (kind === 'refused' && typeof second === 'string') {
      return { kind, receiptId: first, reason: second };
    }
    if (kind === 'error' && typeof second === 'string' &&
        Object.values(ErrorCode).includes(first as ErrorCodeType)) {
      return { kind, code: first as ErrorCodeType, message: second };
    }
  }
  throw new ZwError(ErrorCode.MALFORMED, 'the provider sent a malformed answer');
}

interface Verified {
  readonly request: SignedExchangeRequest;
  readonly hash: Uint8Array;
  readonly address: Uint8Array;
  readonly identity: ExchangeIdentity;
}

interface EntryHead {
  readonly provider: string;
  readonly status: string;
  readonly current: { readonly items: readonly { readonly name: string }[] } | null;
  readonly pending: { readonly items: readonly { readonly name: string }[] } | null;
}

interface Waiting {
  readonly resolve: (answer: Answer) => void;
  readonly timer: NodeJS.Timeout;
  readonly peer: string;
}

export class ExchangeService {
  /** Requests acted on, by hash, until their expiry height: a replay is refused. */
  private readonly seen = new Map<string, number>();
  private readonly waiting = new Map<string, Waiting>();
  /** Requests from each peer being answered now. */
  private readonly inFlight = new Map<string, number>();
  private readonly storageKey: Uint8Array;
  /** Uploads being stored, and the last finished ones, by job id. */
  private readonly jobs = new Map<string, UploadJob>();

  constructor(private readonly host: ExchangeHost,
    private readonly timeouts: ExchangeTimeouts = exchangeDefaults) {
    this.storageKey = atRestKey(host.suite, host.nodeKey.privateKey, host.chainId);
  }

  // ---- Requests -------------------------------------------------------------------------------

  /**
   * Decodes and checks a member's signed request: chain, signature, expiry, replay, and who the
   * signer is on chain now. Does not mark it seen (see `markSeen`).
   */
  private verify(bytes: Uint8Array, action: 'upload' | 'fetch'): Verified {
    const { suite } = this.host;
    if (bytes.length > (action === 'upload' ? limits.exchangeUploadBytesMax
      : limits.exchangeRequestBytesMax)) {
      throw new ZwError(ErrorCode.TOO_LARGE, `the ${action} request is too large`);
    }
    const request = decodeExchangeRequest(bytes);
    if (request.chainId !== this.host.chainId) {
      throw new ZwError(ErrorCode.WRONG_CHAIN,
        `request is for chain ${request.chainId}, this is ${this.host.chainId}`);
    }
    if (request.action !== action) {
      throw new ZwError(ErrorCode.INVALID_ARGUMENT, `expected a signed ${action} request`);
    }
    if (request.signer.length !== suite.publicKeyBytes ||
        !suite.verify(request.signer, exchangeRequestSignBytes(request), request.signature)) {
      throw new ZwError(ErrorCode.BAD_SIGNATURE, 'the request signature does not verify');
    }
    const next = this.host.height() + 1;
    if (request.expiryHeight < next) {
      throw new ZwError(ErrorCode.EXPIRED, `request expired at height ${request.expiryHeight}`);
    }
    if (request.expiryHeight > next + limits.txExpiryHeightsMax) {
      throw new ZwError(ErrorCode.EXPIRY_TOO_FAR, 'request expiry is too far ahead');
    }
    const hash = suite.hash(bytes);
    if (this.seen.has(toHex(hash))) {
      throw new ZwError(ErrorCode.DUPLICATE, 'this request was already acted on');
    }
    const address = suite.address(request.signer);
    const identity = this.host.identify(address);
    if (identity instanceof ZwError) throw identity;
    if (identity === null) {
      throw new ZwError(ErrorCode.UNAUTHORIZED, `signer ${toHex(address)} is not a member`);
    }
    return { request, hash, address, identity };
  }

  private markSeen(verified: Verified): void {
    const height = this.host.height();
    if (this.seen.size > 10_000) {
      for (const [hash, expiry] of this.seen) if (expiry < height) this.seen.delete(hash);
    }
    this.seen.set(toHex(verified.hash), verified.request.expiryHeight);
  }

  private entryHead(code: string): EntryHead {
    const head = this.host.query(catalogContract, 'entry', { code }) as unknown as
      EntryHead | null;
    if (head === null) throw new ZwError(ErrorCode.NOT_FOUND, `no catalog entry ${code}`);
    return head;
  }

  // ---- Provider: uploads ---------------------------------------------------------------------

  /**
   * Takes a dataset that a member of this node's agency signed, as a new version, and resolves
   * once it is stored (see `startUpload`).
   */
  async upload(bytes: Uint8Array): Promise<UploadResult> {
    const job = this.startUpload(bytes);
    return this.jobs.get(job.id)?.done ?? Promise.reject(new ZwError(ErrorCode.INTERNAL,
      'the upload job disappeared'));
  }

  /**
   * Checks a signed upload now (signature, member, entry, records) and stores it in the
   * background: personal ids are derived into subject ids in bounded batches off the event loop
   * (ADR 0013), then the version's hash and size are registered on chain
   * (sharing.registerDataset) and only then are the records stored, so the chain never lacks a
   * version this node serves. Returns the job, whose progress `uploadJob` reports.
   */
  startUpload(bytes: Uint8Array): UploadJobView {
    const running = [...this.jobs.values()].filter((job) => job.view.status !== 'stored' &&
      job.view.status !== 'failed').length;
    if (running >= limits.exchangeUploadsInFlightMax) {
      throw new ZwError(ErrorCode.UNAVAILABLE, `this node is already storing ${running} ` +
        'uploads; retry when one is done');
    }
    const verified = this.verify(bytes, 'upload');
    const { identity } = verified;
    if (identity.agency !== this.host.agency ||
        !identity.roles.some((role) => uploaderRoles.includes(role))) {
      throw new ZwError(ErrorCode.UNAUTHORIZED,
        `only an exchange, operator or admin member of ${this.host.agency} may upload data`);
    }
    const body = verified.request.body as Readonly<Record<string, CborValue>> | null;
    const code = typeof body?.entry === 'string' ? body.entry : '';
    const head = this.entryHead(code);
    if (head.provider !== this.host.agency) {
      throw new ZwError(ErrorCode.UNAUTHORIZED, `entry ${code} is provided by ${head.provider}`);
    }
    const version = head.current ?? head.pending;
    if (version === null || head.status === 'disabled') {
      throw new ZwError(ErrorCode.INVALID_ARGUMENT, `entry ${code} is ${head.status}`);
    }
    const parsed = parseUploadBody(verified.request.body, version.items.map((item) => item.name));
    this.markSeen(verified);
    const id = toHex(randomBytes(16));
    const job: UploadJob = { view: { id, entry: code, status: 'deriving', derived: 0,
      total: personalIdCount(parsed), result: null, error: null },
    done: Promise.resolve() as unknown as Promise<UploadResult> };
    job.done = this.storeUpload(job, parsed, verified);
    // A failure is reported through the job; the promise is also awaited by `upload`.
    job.done.catch(() => undefined);
    this.jobs.set(id, job);
    this.forgetOldJobs();
    return job.view;
  }

  /** An upload job's progress, by the id `startUpload` returned; undefined once forgotten. */
  uploadJob(id: string): UploadJobView | undefined {
    return this.jobs.get(id)?.view;
  }

  private async storeUpload(job: UploadJob, parsed: UploadBody, verified: Verified):
    Promise<UploadResult> {
    try {
      const result = await this.storeVersion(job, parsed, verified);
      job.view = { ...job.view, status: 'stored', result };
      return result;
    } catch (error) {
      const failed = isZwError(error) ? error
        : new ZwError(ErrorCode.INTERNAL, 'storing the upload failed');
      job.view = { ...job.view, status: 'failed',
        error: { code: failed.code, message: failed.message } };
      throw failed;
    }
  }

  private async storeVersion(job: UploadJob, parsed: UploadBody, verified: Verified):
    Promise<UploadResult> {
    const code = parsed.entry;
    // Personal ids become subject ids before anything is hashed or stored; the derivation runs
    // in bounded batches on worker threads here and at the subject-key agencies' nodes.
    const upload = await resolveSubjects(parsed, (ids) => {
      if (this.host.deriveSubjects === undefined) {
        throw new ZwError(ErrorCode.UNAVAILABLE,
          'this node cannot derive subject ids; name subjects by subject id (64 hex)');
      }
      return this.host.deriveSubjects(ids, (derived) => {
        job.view = { ...job.view, derived };
      });
    });
    job.view = { ...job.view, status: 'storing', derived: job.view.total };
    const { suite } = this.host;
    const registered = this.host.query(sharingContract, 'dataset', { entry: code }) as
      { version: number } | null;
    const next = Math.max(this.host.datasets.dataset(code)?.version ?? 0,
      registered?.version ?? 0) + 1;
    // Encoding and sealing 200,000 records is seconds of work: done in slices that give the
    // event loop back between them, so votes keep being signed while a large upload is stored.
    const encoded = await inSlices(upload.records, encodeRecord);
    const hash = toHex(suite.hash(encode(encoded)));
    const call = await this.host.submit(sharingContract, 'registerDataset',
      { entry: code, version: next, hash, records: encoded.length });
    if (call.status !== 'ok') {
      throw new ZwError(ErrorCode.UNAVAILABLE,
        `registering the dataset on chain failed: ${call.status} ${call.error}`);
    }
    const sealed = await inSlices(upload.records, (record, seq) => ({ subject: record.subject,
      sealed: suite.sealSymmetric(this.storageKey, encoded[seq] as Uint8Array,
        encode([code, next, seq])) }));
    this.host.datasets.replace({ entry: code, version: next, records: encoded.length, hash,
      uploadedBy: toHex(verified.address), height: this.host.height() }, sealed);
    this.host.log('info', 'dataset stored', { entry: code, version: next,
      records: encoded.length });
    return { entry: code, version: next, records: encoded.length, hash };
  }

  /** Finished jobs are remembered for a while so that their outcome can be read. */
  private forgetOldJobs(): void {
    const finished = [...this.jobs.values()].filter((job) => job.view.status === 'stored' ||
      job.view.status === 'failed');
    for (const job of finished.slice(0, Math.max(0, finished.length - uploadJobsKeptMax))) {
      this.jobs.delete(job.view.id);
    }
  }

  // ---- Provider: answering fetches ------------------------------------------------------------

  /** A message from a peer; data requests are answered asynchronously. */
  onMessage(peer: ExchangePeer, message: DataRequestMessage | DataResponseMessage): void {
    if (message.type === 'data-response') {
      this.onAnswer(peer, message);
      return;
    }
    const inFlight = this.inFlight.get(peer.address) ?? 0;
    // Each answered request costs a signature check, storage reads and a block commit; a peer
    // that keeps more than a few waiting is told to slow down rather than queued without end.
    const answering = inFlight >= answersInFlightPerPeerMax
      ? Promise.resolve<Answer>({ kind: 'error', code: ErrorCode.UNAVAILABLE,
        message: `more than ${answersInFlightPerPeerMax} requests from this node are in flight` })
      : this.answer(peer, message);
    this.inFlight.set(peer.address, inFlight + 1);
    answering.then((answer) => {
      this.host.send(peer.address, { type: 'data-response', id: message.id,
        body: encodeAnswer(answer) });
    }).catch((error: unknown) => {
      this.host.log('warn', 'data request failed', { peer: peer.address,
        err: (error as Error).message });
    }).finally(() => {
      const left = (this.inFlight.get(peer.address) ?? 1) - 1;
      if (left === 0) this.inFlight.delete(peer.address);
      else this.inFlight.set(peer.address, left);
    });
  }

  private async answer(peer: ExchangePeer, message: DataRequestMessage): Promise<Answer> {
    let verified: Verified;
    let body: FetchBody;
    try {
      verified = this.verify(message.request, 'fetch');
      const { identity } = verified;
      // The member's agency must be the agency of the node that forwards the request: a node
      // cannot ask in another agency's name, and a member cannot ask through another agency.
      if (identity.agency !== peer.agency) {
        throw new ZwError(ErrorCode.UNAUTHORIZED, `the request is signed by a member of ` +
          `${identity.agency} but came from a node of ${peer.agency}`);
      }
      if (!identity.roles.some((role) => requesterRoles.includes(role))) {
        throw new ZwError(ErrorCode.UNAUTHORIZED, 'only staff or admin members may fetch data');
      }
      body = parseFetchBody(verified.request.body);
      const head = this.entryHead(body.entry);
      if (head.provider !== this.host.agency) {
        throw new ZwError(ErrorCode.NOT_FOUND, `${body.entry} is not an entry of this agency`);
      }
      // The chain holds every request it recorded (sharing `rq/`): a replay is refused here
      // and by recordAccess, however often this node restarted since.
      const recorded = this.host.query(sharingContract, 'requestRecorded',
        { hash: toHex(verified.hash) });
      if (recorded !== null) {
        throw new ZwError(ErrorCode.DUPLICATE,
          `this request was already acted on (receipt ${String(recorded)})`);
      }
      this.markSeen(verified);
    } catch (error) {
      return failure(error);
    }
    // From here the request is authentic and addressed to us: whatever happens is recorded.
    try {
      return await this.serve(verified, message.request, body, message.encryptionKey);
    } catch (error) {
      return failure(error);
    }
  }

  /**
   * Serves one verified fetch. The receipt carries the member's signed request itself (`signed`):
   * the chain checks the signature, the signer's agency and roles, the entry, items, covert
   * terms and that the request was never recorded before, so this node cannot record an access
   * nobody asked for.
   */
  private async serve(verified: Verified, signed: Uint8Array, body: FetchBody,
    encryptionKey: Uint8Array): Promise<Answer> {
    const { suite } = this.host;
    const requester = verified.identity.agency;
    const check = this.host.query(sharingContract, 'checkGrant',
      { requester, entry: body.entry, items: [...body.items] }) as unknown as
      { allowed: boolean; missing: string[]; reason: string };
    const receiptArgs = { request: signed };
    const dataset = this.host.datasets.dataset(body.entry);
    const refusal = !check.allowed ? `${check.reason} for ${requester}`
      : dataset === undefined ? `the provider holds no dataset for ${body.entry} yet` : null;
    if (refusal !== null || dataset === undefined) {
      const reason = refusal ?? 'no dataset';
      const id = await this.record({ ...receiptArgs, subjects: [...body.subjects],
        outcome: 'refused', refusalReason: reason });
      return { kind: 'refused', receiptId: id, reason };
    }
    const rows = this.host.datasets.records(body.entry, {
      ...(body.subjects.length > 0 ? { subjects: body.subjects } : {}),
      offset: body.offset, limit: body.limit });
    const records: DatasetRecord[] = rows.map((row) => {
      const opened = decode(suite.openSymmetric(this.storageKey, row.sealed,
        encode([body.entry, dataset.version, row.seq])));
      const [subject, data] = opened as [string | null, Record<string, RecordValue>];
      return { subject, data };
    });
    const subjects = [...new Set(records.flatMap((record) =>
      record.subject === null ? [] : [record.subject]))].sort();
    if (subjects.length > subjectsPerFetchMax) {
      throw new ZwError(ErrorCode.BAD_ARGUMENTS, `the page touches ${subjects.length} persons; ` +
        `name at most ${subjectsPerFetchMax} subjects or fetch a smaller page`);
    }
    const payload: Payload = { entry: body.entry, provider: this.host.agency,
      datasetVersion: dataset.version, items: body.items, offset: body.offset,
      records: project(records, body.items) };
    const bytes = encodePayload(payload);
    if (bytes.length > limits.exchangeResponseBytesMax - 64 * 1024) {
      throw new ZwError(ErrorCode.TOO_LARGE, 'the page is too large; fetch a smaller page');
    }
    const id = await this.record({ ...receiptArgs, subjects,
      responseHash: toHex(suite.hash(bytes)), outcome: 'served' });
    return { kind: 'served', receiptId: id,
      sealed: sealForRecipient(suite, encryptionKey, bytes, verified.hash) };
  }

  private async record(args: Record<string, CborValue>): Promise<string> {
    const call = await this.host.submit(sharingContract, 'recordAccess', args);
    if (call.status !== 'ok' || typeof call.result !== 'string') {
      // The chain's refusal keeps its code (a replay, a covert access without the role, ...).
      const code = call.status === ErrorCode.ALREADY_EXISTS ? ErrorCode.DUPLICATE
        : Object.values(ErrorCode).includes(call.status as ErrorCodeType) && call.status !== 'ok'
          ? call.status as ErrorCodeType : ErrorCode.UNAVAILABLE;
      throw new ZwError(code,
        `recording the access receipt failed: ${call.status} ${call.error}`);
    }
    return call.result;
  }

  // ---- Requester ------------------------------------------------------------------------------

  /** Forwards a member's signed fetch to the provider's node and returns the verified data. */
  async fetch(bytes: Uint8Array): Promise<FetchResult> {
    const verified = this.verify(bytes, 'fetch');
    const { identity } = verified;
    if (identity.agency !== this.host.agency) {
      throw new ZwError(ErrorCode.UNAUTHORIZED,
        `a member of ${identity.agency} fetches through a node of that agency`);
    }
    if (!identity.roles.some((role) => requesterRoles.includes(role))) {
      throw new ZwError(ErrorCode.UNAUTHORIZED, 'only staff or admin members may fetch data');
    }
    const body = parseFetchBody(verified.request.body);
    const head = this.entryHead(body.entry);
    const peer = this.host.peersOf(head.provider)[0];
    if (peer === undefined) {
      throw new ZwError(ErrorCode.UNAVAILABLE, `no node of ${head.provider} is connected`);
    }
    const { suite } = this.host;
    const oneTime = suite.encryptionKeyPair();
    const answer = await this.ask(peer.address, { type: 'data-request', id: randomBytes(16),
      request: bytes, encryptionKey: suite.encryptionPublicKeyOf(oneTime.privateKey) });
    if (answer.kind === 'error') throw new ZwError(answer.code, `provider: ${answer.message}`);
    if (answer.kind === 'refused') {
      throw new ZwError(ErrorCode.ACCESS_REFUSED, `refused by ${head.provider}: ${answer.reason}`,
        { receiptId: answer.receiptId });
    }
    const plaintext = openFromSender(suite, oneTime.privateKey, answer.sealed, verified.hash);
    const responseHash = toHex(suite.hash(plaintext));
    const receipt = await this.receipt(answer.receiptId);
    if (receipt.requestHash !== toHex(verified.hash) || receipt.requester !== this.host.agency) {
      throw new ZwError(ErrorCode.HASH_MISMATCH,
        `receipt ${answer.receiptId} on chain is for another request`);
    }
    const payload = decode(plaintext) as unknown as Payload;
    // The subjects of the records received: the chain compares them with those the provider
    // named on the receipt, so a provider cannot put persons it did not serve in their logs.
    const subjects = [...new Set((Array.isArray(payload.records) ? payload.records : [])
      .flatMap((record) => typeof record.subject === 'string' ? [record.subject] : []))].sort();
    const ack = await this.host.submit(sharingContract, 'acknowledgeAccess',
      { id: answer.receiptId, responseHash, subjects });
    if (receipt.responseHash !== responseHash) {
      throw new ZwError(ErrorCode.HASH_MISMATCH, `the data does not hash to the response hash ` +
        `on receipt ${answer.receiptId}; the mismatch is recorded on chain`,
      { receiptId: answer.receiptId });
    }
    if (ack.status === 'ok' && ack.result === false) {
      throw new ZwError(ErrorCode.HASH_MISMATCH, `receipt ${answer.receiptId} names other ` +
        'persons than the records received; the mismatch is recorded on chain',
      { receiptId: answer.receiptId });
    }
    return { receiptId: answer.receiptId, requestHash: toHex(verified.hash), responseHash,
      acknowledged: ack.status === 'ok', payload };
  }

  private ask(peer: string, message: DataRequestMessage): Promise<Answer> {
    return new Promise((resolve) => {
      const key = toHex(message.id);
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        resolve({ kind: 'error', code: ErrorCode.UNAVAILABLE,
          message: `no answer within ${this.timeouts.answerMs} ms` });
      }, this.timeouts.answerMs);
      this.waiting.set(key, { resolve, timer, peer });
      this.host.send(peer, message);
    });
  }

  private onAnswer(peer: ExchangePeer, message: DataResponseMessage): void {
    const key = toHex(message.id);
    const waiting = this.waiting.get(key);
    // Only the peer that was asked may answer; anything else is dropped.
    if (waiting === undefined || waiting.peer !== peer.address) return;
    this.waiting.delete(key);
    clearTimeout(waiting.timer);
    try {
      waiting.resolve(decodeAnswer(message.body));
    } catch (error) {
      waiting.resolve(failure(error));
    }
  }

  /** The provider's receipt as this node's state holds it, once this node has the block. */
  private async receipt(id: string): Promise<{ requester: string; requestHash: string;
    responseHash: string | null }> {
    const deadline = Date.now() + this.timeouts.receiptMs;
    for (;;) {
      const found = this.host.query(sharingContract, 'receipt', { id }) as unknown as
        { requester: string; requestHash: string; responseHash: string | null } | null;
      if (found !== null) return found;
      if (Date.now() > deadline) {
        throw new ZwError(ErrorCode.UNAVAILABLE, `receipt ${id} did not reach this node`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  // ---- Deadlines -----------------------------------------------------------------------------

  private sweeping = false;

  /** The data authority named in the catalog's config; null on a chain without a catalog. */
  private authorityAgency(): string | null {
    try {
      const config = this.host.query(catalogContract, 'config', null) as
        { authorityAgency?: string } | null;
      return config?.authorityAgency ?? null;
    } catch (error) {
      if (isZwError(error) && error.code === ErrorCode.UNKNOWN_CONTRACT) return null;
      throw error;
    }
  }

  /**
   * After each committed block: a node of the data authority escalates overdue requests (and
   * marks expired grants) as soon as a sweep has work, so deadlines hold even when nobody else
   * calls the sharing contract. Other agencies' nodes leave it to the authority's.
   */
  onBlock(time: number, height: number): void {
    if (this.sweeping || this.authorityAgency() !== this.host.agency) return;
    const due = this.host.query(sharingContract, 'sweepDue', { time, height: height + 1 }) as
      { overdue: boolean; expiring: boolean };
    if (!due.overdue && !due.expiring) return;
    this.sweeping = true;
    this.host.submit(sharingContract, 'escalateOverdue', {}).catch((error: unknown) => {
      this.host.log('warn', 'escalating overdue requests failed',
        { err: (error as Error).message });
    }).finally(() => { this.sweeping = false; });
  }

  /** Fails every waiting fetch; the node is stopping. */
  close(): void {
    for (const [key, waiting] of this.waiting) {
      clearTimeout(waiting.timer);
      waiting.resolve({ kind: 'error', code: ErrorCode.UNAVAILABLE, message: 'node stopping' });
      this.waiting.delete(key);
    }
  }
}

function failure(error: unknown): Answer {
  if (isZwError(error)) return { kind: 'error', code: error.code, message: error.message };
  return { kind: 'error', code: ErrorCode.INTERNAL, message: 'the provider failed' };
}
