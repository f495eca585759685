// Pseudonymous subject ids and the proofs around them (ADR 0013).
//
// A subject id names a person on chain without their national id appearing there. It is
//   H("zw/subject/v2", chainId, [y_1 .. y_m]),  y_i = VOPRF_{k_i}(chainId, normalized id)
// where k_1..k_m are held by the subject-key agencies the genesis names, each key by one agency
// only. Nobody can compute an id, or test a guess against one, without every agency's node
// evaluating it: the old scrypt-of-the-id could be reversed offline in seconds from a public
// receipt (an 18-digit id whose region and birth date are known has ~450 candidates). The
// protocol itself lives in the node (src/node/subject-service.ts); here are its pure pieces:
// normalizing a personal id, combining the outputs, and the signed messages clients make:
// - a subject request: a member asking their own node to derive ids, or a citizen (or an
//   auditor) asking for a usage log, signed, bound to the chain, fresh by expiry height;
// - a subject credential: an identity agency's member binding a citizen's public key to the
//   citizen's subject id, after checking who they are, until an expiry height.
import {
  ErrorCode, ZwError, decode, encode, limits,
} from '../core/index.js';
import type { CborValue } from '../core/index.js';
import type { CryptoSuite } from './suite.js';

const residentIdPattern = /^\d{17}[\dX]$/;
const otherIdPattern = /^[A-Z0-9-]{5,40}$/;
const subjectIdPattern = /^[0-9a-f]{64}$/;

// GB 11643-1999 check digit: weights 2^(17-i) mod 11 over the first 17 digits.
const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const checkDigits = '10X98765432';

/**
 * The canonical form of a personal id: trimmed and upper-cased. An 18-character resident id
 * (GB 11643-1999) must carry a correct check digit, so a mistyped digit is caught before it
 * yields an id that matches nobody; other documents (passports, permits) are 5-40 letters,
 * digits or dashes with at least one letter.
 */
export function normalizePersonalId(raw: string): string {
  const id = raw.trim().toUpperCase();
  if (residentIdPattern.test(id)) {
    let sum = 0;
    for (let i = 0; i < 17; i++) sum += Number(id[i]) * (weights[i] as number);
    if (checkDigits[sum % 11] !== id[17]) {
      throw new ZwError(ErrorCode.INVALID_ARGUMENT,
        'the resident id number has a wrong check digit');
    }
    return id;
  }
  // A string of digits is a mistyped resident id, never another document's number.
  if (/^\d+X?$/.test(id) || !otherIdPattern.test(id)) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT,
      'a personal id is an 18-character resident id or 5-40 letters, digits and dashes');
  }
  return id;
}

export function isSubjectId(value: string): boolean {
  return subjectIdPattern.test(value);
}

/** The subject id (64 hex) from every subject-key agency's output, in the genesis order. */
export function subjectIdFromOutputs(suite: CryptoSuite, chainId: string,
  outputs: readonly Uint8Array[]): string {
  if (outputs.length === 0) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'a subject id needs every agency\'s output');
  }
  return hex(suite.hash(encode(['zw/subject/v2', chainId, [...outputs]])));
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function malformed(what: string, message: string): ZwError {
  return new ZwError(ErrorCode.MALFORMED, `${what}: ${message}`);
}

function bytesField(value: CborValue | undefined, what: string, min: number, max: number):
  Uint8Array {
  if (!(value instanceof Uint8Array) || value.length < min || value.length > max) {
    throw malformed(what, `must be ${min}-${max} bytes`);
  }
  return value;
}

function heightField(value: CborValue | undefined, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw malformed(what, 'must be a height');
  }
  return value;
}

function chainField(value: CborValue | undefined, what: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) {
    throw malformed(what, 'bad chain id');
  }
  return value;
}

// ---- Subject requests ------------------------------------------------------------------------

export type SubjectAction = 'derive' | 'usage';

export interface SubjectRequest {
  readonly chainId: string;
  readonly action: SubjectAction;
  /** The signer's raw public key: a member's, or a citizen's key named by a credential. */
  readonly signer: Uint8Array;
  /** The last height at which a node may act on it. */
  readonly expiryHeight: number;
  /** 16 random bytes. */
  readonly nonce: Uint8Array;
  readonly body: CborValue;
}

export interface SignedSubjectRequest extends SubjectRequest {
  readonly signature: Uint8Array;
}

export function subjectRequestSignBytes(request: SubjectRequest): Uint8Array {
  return encode(['zw/subject-request/1', request.chainId, request.action, request.signer,
    request.expiryHeight, request.nonce, request.body]);
}

/** Signs a subject request and returns its canonical encoding. */
export function signSubjectRequest(suite: CryptoSuite, privateKey: Uint8Array,
  request: SubjectRequest): Uint8Array {
  const signature = suite.sign(privateKey, subjectRequestSignBytes(request));
  return encode([request.chainId, request.action, request.signer, request.expiryHeight,
    request.nonce, request.body, signature]);
}

/**
 * Decodes a subject request (size first, then shape); its signature is the caller's to check
 * with `verifySubjectRequest`, since only the caller knows which chain and height apply.
 */
export function decodeSubjectRequest(bytes: Uint8Array, bytesMax: number):
  SignedSubjectRequest {
  if (bytes.length > bytesMax) {
    throw new ZwError(ErrorCode.TOO_LARGE, `a subject request is at most ${bytesMax} bytes`);
  }
  const value = decode(bytes);
  if (!Array.isArray(value) || value.length !== 7) {
    throw malformed('subject request', 'not a 7-field array');
  }
  const [chainId, action, signer, expiryHeight, nonce, body, signature] = value;
  if (action !== 'derive' && action !== 'usage') {
    throw malformed('subject request', 'action must be derive or usage');
  }
  return { chainId: chainField(chainId, 'subject request'), action,
    signer: bytesField(signer, 'subject request signer', 1, 128),
    expiryHeight: heightField(expiryHeight, 'subject request expiry'),
    nonce: bytesField(nonce, 'subject request nonce', 16, 16), body: body as CborValue,
    signature: bytesField(signature, 'subject request signature', 1, 128) };
}

/**
 * Checks chain, action, signature and freshness (expiry in [next height, next height + window]).
 * Throws WRONG_CHAIN, INVALID_ARGUMENT, BAD_SIGNATURE, EXPIRED or EXPIRY_TOO_FAR.
 */
export function verifySubjectRequest(suite: CryptoSuite, request: SignedSubjectRequest,
  expected: { chainId: string; action: SubjectAction; nextHeight: number; windowHeights: number }):
  void {
  if (request.chainId !== expected.chainId) {
    throw new ZwError(ErrorCode.WRONG_CHAIN,
      `request is for chain ${request.chainId}, this is ${expected.chainId}`);
  }
  if (request.action !== expected.action) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, `expected a signed ${expected.action} request`);
  }
  if (request.signer.length !== suite.publicKeyBytes ||
      !suite.verify(request.signer, subjectRequestSignBytes(request), request.signature)) {
    throw new ZwError(ErrorCode.BAD_SIGNATURE, 'the request signature does not verify');
  }
  if (request.expiryHeight < expected.nextHeight) {
    throw new ZwError(ErrorCode.EXPIRED, `request expired at height ${request.expiryHeight}`);
  }
  if (request.expiryHeight > expected.nextHeight + expected.windowHeights) {
    throw new ZwError(ErrorCode.EXPIRY_TOO_FAR, `request expiry is more than ` +
      `${expected.windowHeights} heights ahead`);
  }
}

/** The personal ids of a derive request's body `{ids: [...]}`, normalized. */
export function deriveBodyIds(body: CborValue): string[] {
  const ids = (body as { ids?: CborValue } | null)?.ids;
  if (body === null || typeof body !== 'object' || Array.isArray(body) ||
      Object.keys(body).some((key) => key !== 'ids') || !Array.isArray(ids) ||
      ids.length === 0 || ids.length > limits.subjectDeriveIdsMax ||
      !ids.every((id) => typeof id === 'string' && id.length <= 64)) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT,
      `a derive request names 1-${limits.subjectDeriveIdsMax} personal ids`);
  }
  return (ids as string[]).map(normalizePersonalId);
}

export interface UsageBody {
  readonly subject: string;
  /** A citizen's credential (encoded); null when an auditor signs with a member key. */
  readonly credential: Uint8Array | null;
}

export function usageBody(body: CborValue): UsageBody {
  const record = body as { subject?: CborValue; credential?: CborValue } | null;
  if (record === null || typeof record !== 'object' || Array.isArray(record) ||
      Object.keys(record).some((key) => key !== 'subject' && key !== 'credential') ||
      typeof record.subject !== 'string' || !isSubjectId(record.subject) ||
      !(record.credential === null || record.credential instanceof Uint8Array)) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT,
      'a usage request names {subject: 64 hex, credential: bytes or null}');
  }
  return { subject: record.subject, credential: record.credential };
}

// ---- Subject credentials ---------------------------------------------------------------------

export interface SubjectCredential {
  readonly chainId: string;
  readonly subject: string;
  /** The citizen's public key (the chain's suite) that may read this subject's usage. */
  readonly holder: Uint8Array;
  /** The last height at which the credential holds. */
  readonly expiryHeight: number;
  /** The issuing member's public key; its agency and role are checked on chain when used. */
  readonly issuer: Uint8Array;
  readonly signature: Uint8Array;
}

export function credentialSignBytes(credential: Omit<SubjectCredential, 'signature'>):
  Uint8Array {
  return encode(['zw/subject-credential/1', credential.chainId, credential.subject,
    credential.holder, credential.expiryHeight, credential.issuer]);
}

/** Signs a credential with the issuing member's key; returns its canonical encoding. */
export function issueSubjectCredential(suite: CryptoSuite,
  issuer: { readonly privateKey: Uint8Array; readonly publicKey: Uint8Array },
  fields: { chainId: string; subject: string; holder: Uint8Array; expiryHeight: number }):
  Uint8Array {
  if (!isSubjectId(fields.subject)) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'a credential names a subject id (64 hex)');
  }
  const unsigned = { ...fields, issuer: issuer.publicKey };
  const signature = suite.sign(issuer.privateKey, credentialSignBytes(unsigned));
  return encode([fields.chainId, fields.subject, fields.holder, fields.expiryHeight,
    issuer.publicKey, signature]);
}

/** Decodes a credential's shape; the node checks signature, issuer, expiry and holder. */
export function decodeSubjectCredential(bytes: Uint8Array): SubjectCredential {
  if (bytes.length > limits.subjectCredentialBytesMax) {
    throw new ZwError(ErrorCode.TOO_LARGE, 'the credential is too large');
  }
  const value = decode(bytes);
  if (!Array.isArray(value) || value.length !== 6) {
    throw malformed('credential', 'not a 6-field array');
  }
  const [chainId, subject, holder, expiryHeight, issuer, signature] = value;
  if (typeof subject !== 'string' || !isSubjectId(subject)) {
    throw malformed('credential', 'subject must be 64 hex');
  }
  return { chainId: chainField(chainId, 'credential'), subject,
    holder: bytesField(holder, 'credential holder', 1, 128),
    expiryHeight: heightField(expiryHeight, 'credential expiry'),
    issuer: bytesField(issuer, 'credential issuer', 1, 128),
    signature: bytesField(signature, 'credential signature', 1, 128) };
}
