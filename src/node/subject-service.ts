// Subject ids on this node (ADR 0013): deriving them through the subject-key committee, serving
// the committee's evaluations when this node's agency holds a key, and deciding who may read a
// subject's usage log.
//
// Deriving (for an upload on the provider's node, or a member's derive request): the personal
// ids are blinded here, each subject-key agency's node evaluates the blinded points over the
// authenticated peer channel (or this node, for its own key), every answer's DLEQ proof is
// checked against the key in the genesis, and the unblinded outputs are hashed into subject
// ids. Batches are bounded (limits.subjectEvalBatchMax) and all curve work runs on a worker
// thread, so neither this node nor an evaluating node stalls its event loop, where votes are
// signed. An evaluating node answers each requesting agency up to a rate per minute and logs
// every batch it evaluates, by agency.
//
// Usage: a citizen proves they are the subject with a request signed by the key that a
// credential binds to the subject, issued by a `subject-credential` member of an identity
// agency the genesis names; an auditor signs with their member key (a `data-authority` member
// of the data authority agency). Anything else is SUBJECT_PROOF_REQUIRED or _INVALID.
import { Piscina } from 'piscina';
import {
  ErrorCode, ZwError, decode, encode, fromBase64, isZwError, limits, toHex,
} from '../core/index.js';
import type { ErrorCode as ErrorCodeType } from '../core/index.js';
import {
  credentialSignBytes, decodeSubjectCredential, decodeSubjectRequest, deriveBodyIds,
  oprfInput, randomBytes, subjectIdFromOutputs, usageBody, verifySubjectRequest,
} from '../crypto/index.js';
import type {
  BlindEvaluation, BlindedInput, CryptoSuite, OprfKeyPair, SignedSubjectRequest,
} from '../crypto/index.js';
import type {
  SubjectEvalRequestMessage, SubjectEvalResponseMessage,
} from '../network/index.js';
import type { SubjectCommittee } from './subject-keys.js';
import runSubjectTask from './subject-worker.js';
import type { SubjectTask, SubjectTaskResult } from './subject-worker.js';

export interface SubjectIdentity {
  readonly agency: string;
  readonly roles: readonly string[];
}

export interface SubjectPeer {
  readonly address: string;
  readonly agency: string;
}

export type SubjectMessage = SubjectEvalRequestMessage | SubjectEvalResponseMessage;

export interface SubjectServiceInit {
  readonly suite: CryptoSuite;
  readonly chainId: string;
  /** This node's agency. */
  readonly agency: string;
  readonly committee: SubjectCommittee | null;
  /** This node's subject key, when its agency is on the committee. */
  readonly key: OprfKeyPair | null;
  /** Worker threads for the curve work; 0 runs it inline (in-process tests). */
  readonly threads: number;
  /** Default limits.subjectEvalsPerAgencyPerMinuteMax. */
  readonly evalsPerAgencyPerMinuteMax?: number;
}

export interface SubjectServiceComponents {
  /** The latest committed height. */
  height(): number;
  /** Who `address` is for the next block; null: nobody. */
  identify(address: Uint8Array): SubjectIdentity | ZwError | null;
  /** The data authority agency (catalog config); null on a chain without a catalog. */
  authorityAgency(): string | null;
  peersOf(agency: string): readonly SubjectPeer[];
  send(peer: string, message: SubjectMessage): void;
  log(level: 'info' | 'warn', message: string, fields: Record<string, unknown>): void;
}

/** Roles whose holders may have their node derive subject ids from personal ids. */
const deriverRoles = ['staff', 'admin', 'exchange', 'operator', 'subject-credential'];
/** Batches of one derivation in flight at once (each waits on every committee node). */
const batchesInFlightMax = 2;
const rateRetryMs = 1_000;
/** Members' derive requests this node works on at once; more are told to retry. */
const memberDerivesInFlightMax = 16;

interface Waiting {
  readonly peer: string;
  readonly resolve: (answer: BlindEvaluation) => void;
  readonly reject: (error: ZwError) => void;
  readonly timer: NodeJS.Timeout;
}

function proofInvalid(message: string): ZwError {
  return new ZwError(ErrorCode.SUBJECT_PROOF_INVALID, message);
}

function encodeEvalAnswer(answer: BlindEvaluation | ZwError): Uint8Array {
  return answer instanceof ZwError
    ? encode(['error', answer.code, answer.message.slice(0, 500)])
    : encode(['ok', [...answer.evaluated], answer.proof]);
}

function decodeEvalAnswer(bytes: Uint8Array): BlindEvaluation | ZwError {
  const value = decode(bytes);
  if (Array.isArray(value) && value.length === 3) {
    const [kind, first, second] = value;
    if (kind === 'ok' && Array.isArray(first) && second instanceof Uint8Array &&
        first.every((element) => element instanceof Uint8Array)) {
      return { evaluated: first as Uint8Array[], proof: second };
    }
    if (kind === 'error' && typeof second === 'string' &&
        Object.values(ErrorCode).includes(first as ErrorCodeType)) {
      return new ZwError(first as ErrorCodeType, second);
    }
  }
  return new ZwError(ErrorCode.MALFORMED, 'a subject-key node sent a malformed answer');
}

export class SubjectService {
  private pool: Piscina | undefined;
  private readonly waiting = new Map<string, Waiting>();
  private readonly inFlight = new Map<string, number>();
  /** Evaluations per requesting agency in the current minute window. */
  private readonly served = new Map<string, { window: number; count: number }>();
  private memberDerives = 0;

  constructor(private readonly init: SubjectServiceInit,
    private readonly components: SubjectServiceComponents) {}

  /** Whether this chain can derive subject ids at all (its genesis names a committee). */
  get enabled(): boolean {
    return this.init.committee !== null;
  }

  // ---- Deriving ------------------------------------------------------------------------------

  /**
   * The subject ids of normalized personal ids, in order. Throws UNAVAILABLE when a committee
   * node cannot be reached in time and INVALID_PROOF when one answers with a bad proof.
   */
  async derive(ids: readonly string[], progress?: (derived: number) => void):
    Promise<string[]> {
    const committee = this.init.committee;
    if (committee === null) {
      throw new ZwError(ErrorCode.UNAVAILABLE,
        'this chain\'s genesis names no subject-key agencies; give subject ids (64 hex)');
    }
    const batches: string[][] = [];
    for (let start = 0; start < ids.length; start += limits.subjectEvalBatchMax) {
      batches.push(ids.slice(start, start + limits.subjectEvalBatchMax));
    }
    const results: string[][] = new Array<string[]>(batches.length);
    let next = 0;
    let derived = 0;
    const lane = async (): Promise<void> => {
      while (next < batches.length) {
        const index = next++;
        const batch = batches[index] as string[];
        results[index] = await this.deriveBatch(committee, batch);
        derived += batch.length;
        progress?.(derived);
      }
    };
    await Promise.all(Array.from({ length: Math.min(batchesInFlightMax, batches.length) }, lane));
    return results.flat();
  }

  private async deriveBatch(committee: SubjectCommittee, ids: readonly string[]):
    Promise<string[]> {
    const inputs = ids.map((id) => oprfInput(this.init.chainId, id));
    const blinded = await this.run({ kind: 'blind', inputs });
    if (blinded.kind !== 'blind') throw new ZwError(ErrorCode.INTERNAL, 'blinding failed');
    const blinds: BlindedInput[] = blinded.blinds;
    const perKey = await Promise.all(committee.keys.map(async (member) => {
      const evaluation = await this.evaluateAt(member.agency,
        blinds.map((blind) => blind.blinded));
      const done = await this.run({ kind: 'finalize', inputs, blinds, evaluation,
        publicKey: member.publicKey });
      if (done.kind !== 'finalize') throw new ZwError(ErrorCode.INTERNAL, 'finalize failed');
      return done.outputs;
    }));
    return ids.map((_, index) => subjectIdFromOutputs(this.init.suite, this.init.chainId,
      perKey.map((outputs) => outputs[index] as Uint8Array)));
  }

  /** One committee agency's evaluation, retried while that agency's node rate-limits us. */
  private async evaluateAt(agency: string, blinded: readonly Uint8Array[]):
    Promise<BlindEvaluation> {
    if (agency === this.init.agency && this.init.key !== null) {
      const result = await this.run({ kind: 'evaluate', key: this.init.key, blinded });
      if (result.kind !== 'evaluate') throw new ZwError(ErrorCode.INTERNAL, 'evaluate failed');
      return result.evaluation;
    }
    const deadline = Date.now() + limits.subjectEvalTimeoutMs;
    for (;;) {
      try {
        return await this.ask(agency, blinded);
      } catch (error) {
        if (!isZwError(error) || error.code !== ErrorCode.RATE_LIMITED ||
            Date.now() + rateRetryMs > deadline) {
          throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, rateRetryMs));
      }
    }
  }

  private ask(agency: string, blinded: readonly Uint8Array[]): Promise<BlindEvaluation> {
    const peer = this.components.peersOf(agency)[0];
    if (peer === undefined) {
      return Promise.reject(new ZwError(ErrorCode.UNAVAILABLE, `no node of subject-key agency ` +
        `${agency} is connected; a subject id needs every subject-key agency`));
    }
    const id = randomBytes(16);
    return new Promise((resolve, reject) => {
      const key = toHex(id);
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        reject(new ZwError(ErrorCode.UNAVAILABLE,
          `subject-key agency ${agency} did not answer within ${limits.subjectEvalTimeoutMs} ms`));
      }, limits.subjectEvalTimeoutMs);
      this.waiting.set(key, { peer: peer.address, resolve, reject, timer });
      this.components.send(peer.address, { type: 'subject-eval-request', id,
        blinded: [...blinded] });
    });
  }

  /** A member's signed derive request: who may ask is checked on chain, then the ids derived. */
  async deriveForMember(bytes: Uint8Array): Promise<string[]> {
    const request = decodeSubjectRequest(bytes, limits.subjectRequestBytesMax);
    this.verifyFresh(request, 'derive');
    const address = this.init.suite.address(request.signer);
    const identity = this.components.identify(address);
    if (identity instanceof ZwError) throw identity;
    if (identity === null || identity.agency !== this.init.agency ||
        !identity.roles.some((role) => deriverRoles.includes(role))) {
      throw new ZwError(ErrorCode.UNAUTHORIZED, `only a staff, admin, exchange, operator or ` +
        `subject-credential member of ${this.init.agency} may derive subject ids here`);
    }
    const ids = deriveBodyIds(request.body);
    if (this.memberDerives >= memberDerivesInFlightMax) {
      throw new ZwError(ErrorCode.UNAVAILABLE,
        `this node is deriving for ${memberDerivesInFlightMax} requests; retry shortly`);
    }
    this.components.log('info', 'subject ids derived for a member',
      { member: toHex(address), count: ids.length });
    this.memberDerives += 1;
    try {
      return await this.derive(ids);
    } finally {
      this.memberDerives -= 1;
    }
  }

  private verifyFresh(request: SignedSubjectRequest, action: 'derive' | 'usage'): void {
    verifySubjectRequest(this.init.suite, request, { chainId: this.init.chainId, action,
      nextHeight: this.components.height() + 1,
      windowHeights: limits.subjectRequestExpiryHeightsMax });
  }

  // ---- Evaluating (subject-key agencies' nodes) ----------------------------------------------

  /** Routes a peer's subject message; false for any other message. */
  onPeerMessage(peer: SubjectPeer, message: SubjectMessage | { readonly type: string }):
    boolean {
    if (message.type === 'subject-eval-response') {
      this.onAnswer(peer, message as SubjectEvalResponseMessage);
      return true;
    }
    if (message.type !== 'subject-eval-request') return false;
    const request = message as SubjectEvalRequestMessage;
    const inFlight = this.inFlight.get(peer.address) ?? 0;
    this.inFlight.set(peer.address, inFlight + 1);
    const answering = inFlight >= limits.subjectEvalsInFlightPerPeerMax
      ? Promise.resolve(new ZwError(ErrorCode.RATE_LIMITED,
        `more than ${limits.subjectEvalsInFlightPerPeerMax} evaluations in flight`))
      : this.evaluateFor(peer, request.blinded);
    answering.then((answer) => {
      this.components.send(peer.address, { type: 'subject-eval-response', id: request.id,
        body: encodeEvalAnswer(answer) });
    }).catch((error: unknown) => {
      this.components.log('warn', 'subject evaluation failed', { peer: peer.address,
        err: (error as Error).message });
    }).finally(() => {
      const left = (this.inFlight.get(peer.address) ?? 1) - 1;
      if (left <= 0) this.inFlight.delete(peer.address);
      else this.inFlight.set(peer.address, left);
    });
    return true;
  }

  private async evaluateFor(peer: SubjectPeer, blinded: readonly Uint8Array[]):
    Promise<BlindEvaluation | ZwError> {
    const key = this.init.key;
    if (key === null) {
      return new ZwError(ErrorCode.UNAVAILABLE, `${this.init.agency} holds no subject key`);
    }
    const window = Math.floor(Date.now() / 60_000);
    const used = this.served.get(peer.agency);
    const count = used?.window === window ? used.count : 0;
    const rate = this.init.evalsPerAgencyPerMinuteMax ?? limits.subjectEvalsPerAgencyPerMinuteMax;
    if (count + blinded.length > rate) {
      return new ZwError(ErrorCode.RATE_LIMITED, `${peer.agency} asked for more than ${rate} ` +
        'subject evaluations this minute');
    }
    this.served.set(peer.agency, { window, count: count + blinded.length });
    // Every evaluation is logged by requesting agency: the record an audit of enumeration uses.
    this.components.log('info', 'subject evaluation', { agency: peer.agency, peer: peer.address,
      elements: blinded.length, minute: count + blinded.length });
    try {
      const result = await this.run({ kind: 'evaluate', key, blinded });
      return result.kind === 'evaluate' ? result.evaluation
        : new ZwError(ErrorCode.INTERNAL, 'the evaluation failed');
    } catch (error) {
      // The requester is told why (e.g. MALFORMED points), never left waiting.
      return isZwError(error) ? error : new ZwError(ErrorCode.INTERNAL, 'the evaluation failed');
    }
  }

  private onAnswer(peer: SubjectPeer, message: SubjectEvalResponseMessage): void {
    const key = toHex(message.id);
    const waiting = this.waiting.get(key);
    // Only the node that was asked may answer; anything else is dropped.
    if (waiting === undefined || waiting.peer !== peer.address) return;
    this.waiting.delete(key);
    clearTimeout(waiting.timer);
    let answer: BlindEvaluation | ZwError;
    try {
      answer = decodeEvalAnswer(message.body);
    } catch {
      answer = new ZwError(ErrorCode.MALFORMED, 'a subject-key node sent a malformed answer');
    }
    if (answer instanceof ZwError) waiting.reject(answer);
    else waiting.resolve(answer);
  }

  // ---- Usage ---------------------------------------------------------------------------------

  /**
   * Decides whether `proof` (base64 of a signed usage request) entitles its signer to read the
   * usage of `subject`. Throws SUBJECT_PROOF_REQUIRED without one and SUBJECT_PROOF_INVALID,
   * saying why, for any proof that does not hold.
   */
  authorizeUsage(subject: string, proof: string | undefined): 'citizen' | 'auditor' {
    if (proof === undefined || proof.length === 0) {
      throw new ZwError(ErrorCode.SUBJECT_PROOF_REQUIRED, 'reading a subject\'s usage needs a ' +
        'usage request signed by the subject\'s credential key or an auditor (zw-usage-proof)');
    }
    try {
      if (proof.length > Math.ceil(limits.subjectRequestBytesMax / 3) * 4) {
        throw proofInvalid('the usage proof is too large');
      }
      const request = decodeSubjectRequest(fromBase64(proof), limits.subjectRequestBytesMax);
      this.verifyFresh(request, 'usage');
      const body = usageBody(request.body);
      if (body.subject !== subject) throw proofInvalid('the proof names another subject');
      if (body.credential === null) {
        this.checkAuditor(request);
        return 'auditor';
      }
      this.checkCredential(request, body.credential, subject);
      return 'citizen';
    } catch (error) {
      if (isZwError(error) && error.code === ErrorCode.SUBJECT_PROOF_INVALID) throw error;
      throw proofInvalid(`the usage proof does not hold: ${(error as Error).message}`);
    }
  }

  private checkAuditor(request: SignedSubjectRequest): void {
    const identity = this.components.identify(this.init.suite.address(request.signer));
    if (identity instanceof ZwError) throw proofInvalid(identity.message);
    const authority = this.components.authorityAgency();
    if (identity === null || authority === null || identity.agency !== authority ||
        !identity.roles.includes('data-authority')) {
      throw proofInvalid('without a credential, only a data-authority member of the data ' +
        'authority may read a subject\'s usage');
    }
  }

  private checkCredential(request: SignedSubjectRequest, bytes: Uint8Array, subject: string):
    void {
    const { suite } = this.init;
    const credential = decodeSubjectCredential(bytes);
    if (credential.chainId !== this.init.chainId || credential.subject !== subject) {
      throw proofInvalid('the credential is for another chain or subject');
    }
    if (toHex(credential.holder) !== toHex(request.signer)) {
      throw proofInvalid('the request is not signed by the key the credential names');
    }
    if (credential.expiryHeight <= this.components.height()) {
      throw proofInvalid(`the credential expired at height ${credential.expiryHeight}`);
    }
    const { signature, ...unsigned } = credential;
    if (credential.issuer.length !== suite.publicKeyBytes ||
        !suite.verify(credential.issuer, credentialSignBytes(unsigned), signature)) {
      throw proofInvalid('the credential signature does not verify');
    }
    const issuer = this.components.identify(suite.address(credential.issuer));
    if (issuer instanceof ZwError) throw proofInvalid(`credential issuer: ${issuer.message}`);
    const issuers = this.init.committee?.credentialIssuers ?? [];
    if (issuer === null || !issuers.includes(issuer.agency) ||
        !issuer.roles.includes('subject-credential')) {
      throw proofInvalid('the credential issuer is not a subject-credential member of an ' +
        'identity agency the genesis names');
    }
  }

  // ---- Worker pool ---------------------------------------------------------------------------

  private async run(task: SubjectTask): Promise<SubjectTaskResult> {
    let result: SubjectTaskResult;
    if (this.init.threads === 0) {
      result = runSubjectTask(task);
    } else {
      // Started on first use: most nodes of a test network never derive a subject id.
      this.pool ??= new Piscina({ filename: new URL('./subject-worker.js', import.meta.url).href,
        minThreads: 0, maxThreads: this.init.threads, idleTimeout: 60_000 });
      result = await this.pool.run(task) as SubjectTaskResult;
    }
    if (result.kind === 'error') throw new ZwError(result.code, result.message);
    return result;
  }

  async close(): Promise<void> {
    for (const [key, waiting] of this.waiting) {
      clearTimeout(waiting.timer);
      waiting.reject(new ZwError(ErrorCode.UNAVAILABLE, 'node stopping'));
      this.waiting.delete(key);
    }
    await this.pool?.destroy();
  }
}

/** For tests and tools: a subject message's answer body as the service encodes it. */
export function subjectAnswerBody(answer: BlindEvaluation | ZwError): Uint8Array {
  return encodeEvalAnswer(answer);
}
