// Read routes of data sharing, served from the node's SQLite data index: catalog search,
// sharing requests, access receipts for auditors, the citizen's usage log, and a self-verifiable
// evidence bundle for one receipt (its value in the sharing contract's state, the state proof,
// the quorum-signed header and the proven validator-set changes since genesis). Query strings
// are TypeBox schemas, so bad input is a 400 INVALID_ARGUMENT before any handler runs.
//
// A receipt's personal fields (purpose, official, case number, subjects) go only to who may read
// them: members of its requesting or providing agency, auditors and the data authority, each
// named by a receipt reader proof in the `zw-reader-proof` header (core/receipt-reader.ts);
// everyone else reads the receipt without them, and may not filter by purpose (ADR 0010).
import { Type } from '@sinclair/typebox';
import type { Static, TLiteral, TUnion } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  ErrorCode, ZwError, decode, fromBase64, receiptReaderShape, toHex, toJsonValue, utf8,
} from '../core/index.js';
import type { CborValue, JsonValue } from '../core/index.js';
import {
  governanceContractName, readValidatorSchedule, validatorScheduleEntryKey,
} from '../system/index.js';
import type { ApiBackend } from './backend.js';
import { registerSubjectRoutes, usageProofHeader } from './subject-routes.js';
import { proofView } from './views.js';

export interface CatalogEntryRecord {
  readonly code: string;
  readonly provider: string;
  readonly category: string;
  readonly sharingType: string;
  readonly name: string;
  readonly abstract: string;
  readonly itemNames: readonly string[];
  readonly status: string;
  readonly version: number;
  readonly height: number;
}

export interface SharingRequestRecord {
  readonly id: string;
  readonly requester: string;
  readonly provider: string;
  readonly entry: string;
  readonly status: string;
  readonly deadline: number | null;
  readonly height: number;
}

export interface AccessReceiptRecord {
  readonly id: string;
  readonly requester: string;
  readonly provider: string;
  readonly entry: string;
  readonly purpose: string;
  readonly system: string;
  readonly items: readonly string[];
  readonly time: number;
  readonly height: number;
  readonly outcome: string;
  readonly disclosureHeight: number | null;
  readonly subjects: readonly string[];
}

/** A member who proved who they are with a receipt reader proof. */
export interface ReceiptReader {
  readonly agency: string;
  readonly roles: readonly string[];
}

/** Checks receipt reader proofs (the node's exchange service implements it). */
export interface ReceiptReaders {
  /** The proof's signer; throws (MALFORMED, WRONG_CHAIN, EXPIRED, BAD_SIGNATURE, ...) if none. */
  reader(proof: Uint8Array): ReceiptReader;
}

/** The header that carries a receipt reader proof: base64 of the signed proof. */
export const receiptReaderHeader = 'zw-reader-proof';

export interface DataPage<T> {
  readonly items: readonly T[];
  readonly next: string | null;
}

/** The node's data index as the API reads it (src/storage/data-index.ts implements it). */
export interface DataQueries {
  searchEntries(search: { provider?: string; category?: string; sharingType?: string;
    status: string; q?: string; after?: string; limit: number }): DataPage<CatalogEntryRecord>;
  requests(search: { agency: string; side: 'requester' | 'provider'; status?: string;
    after?: string; limit: number }): DataPage<SharingRequestRecord>;
  receipts(search: { requester?: string; provider?: string; entry?: string; from?: number;
    to?: number; purpose?: string; after?: string; limit: number }):
    DataPage<AccessReceiptRecord>;
  usage(subject: string, after: string | undefined, limit: number):
    DataPage<AccessReceiptRecord>;
}

/** The contract whose state holds access receipts (`rc/<id>`). */
export const sharingContractName = 'sharing';
export const evidenceFormat = 'zhengwu-evidence/1';

const receiptIdPattern = '^[0-9]{14}-[0-9]{8}$';
const Agency = Type.String({ minLength: 1, maxLength: 256 });
const ResourceCode = Type.String({ pattern: '^[1-3][0-9]{5,14}/[0-9]{6}$' });
const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 }));
const ReceiptId = Type.String({ pattern: receiptIdPattern });
const literals = <const T extends string>(values: readonly T[]): TUnion<TLiteral<T>[]> =>
  Type.Union(values.map((value) => Type.Literal(value)));

const EntryQuery = Type.Object({
  provider: Type.Optional(Agency),
  category: Type.Optional(Type.String({ pattern: '^[1-3]([0-9]{2})?$',
    description: 'class digit, or class and two-digit item (e.g. 301)' })),
  sharingType: Type.Optional(literals(['UNCONDITIONAL', 'CONDITIONAL', 'NOT_SHARED'])),
  status: Type.Optional(literals(['published', 'disabled'])),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 50,
    description: 'keyword in name, abstract or item names' })),
  after: Type.Optional(ResourceCode),
  limit: Limit,
}, { additionalProperties: false });

const RequestQuery = Type.Object({
  agency: Agency,
  side: literals(['requester', 'provider']),
  status: Type.Optional(literals(['pending', 'escalated', 'granted', 'rejected', 'cancelled',
    'revoked', 'expired'])),
  after: Type.Optional(Type.String({ pattern: '^[0-9]{10}$' })),
  limit: Limit,
}, { additionalProperties: false });

const ReceiptQuery = Type.Object({
  requester: Type.Optional(Agency),
  provider: Type.Optional(Agency),
  entry: Type.Optional(ResourceCode),
  from: Type.Optional(Type.Integer({ minimum: 0, description: 'block time, ms (inclusive)' })),
  to: Type.Optional(Type.Integer({ minimum: 0, description: 'block time, ms (exclusive)' })),
  purpose: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  after: Type.Optional(ReceiptId),
  limit: Limit,
}, { additionalProperties: false });

const UsageParams = Type.Object({
  subject: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'pseudonymous subject id' }),
});
const UsageQuery = Type.Object({ after: Type.Optional(ReceiptId), limit: Limit },
  { additionalProperties: false });

/** A contract's raw state key for its string key (the VM's format, src/vm/key-index.ts). */
export function contractValueKey(key: string): Uint8Array {
  return Uint8Array.from([0x64, ...utf8(key)]);
}

/** Drops undefined fields, which exactOptionalPropertyTypes keeps apart from absent ones. */
function defined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as
    { [K in keyof T]: Exclude<T[K], undefined> };
}

function receiptView(row: AccessReceiptRecord, reader: ReceiptReader | null): JsonValue {
  const view = { id: row.id, requester: row.requester, provider: row.provider,
    entry: row.entry, system: row.system, items: [...row.items], time: row.time,
    height: row.height, outcome: row.outcome, disclosureHeight: row.disclosureHeight };
  return mayReadPersonal(reader, row)
    ? { ...view, purpose: row.purpose, subjects: [...row.subjects] } : view;
}

const overseerRoles = ['auditor', 'data-authority'];

/** Auditors and the data authority read every receipt; a party's members read its own. */
function mayReadPersonal(reader: ReceiptReader | null,
  receipt: { readonly requester: string; readonly provider: string }): boolean {
  if (reader === null) return false;
  return reader.roles.some((role) => overseerRoles.includes(role)) ||
    reader.agency === receipt.requester || reader.agency === receipt.provider;
}

/** The reader a request's proof names; null without one. A bad proof is refused. */
function readerOf(backend: ApiBackend, header: string | string[] | undefined):
  ReceiptReader | null {
  if (header === undefined) return null;
  if (typeof header !== 'string' || header.length > receiptReaderProofBase64Max) {
    throw new ZwError(ErrorCode.MALFORMED, `${receiptReaderHeader}: one base64 proof`);
  }
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(header);
  } catch {
    throw new ZwError(ErrorCode.MALFORMED, `${receiptReaderHeader} must be base64`);
  }
  return backend.receiptReaders().reader(bytes);
}

const receiptReaderProofBase64Max = Math.ceil(receiptReaderShape.bytesMax / 3) * 4;

/**
 * A purpose filter answers "does this receipt's purpose contain ..." and so reads the purpose:
 * only an overseer, or a party that keeps the search to its own agency's receipts, may use it.
 */
function checkPurposeFilter(reader: ReceiptReader | null,
  query: { purpose?: string; requester?: string; provider?: string }): void {
  if (query.purpose === undefined) return;
  const own = reader !== null &&
    (query.requester === reader.agency || query.provider === reader.agency);
  if (reader === null || !(own || reader.roles.some((role) => overseerRoles.includes(role)))) {
    throw new ZwError(ErrorCode.UNAUTHORIZED, 'filtering by purpose needs a receipt reader ' +
      `proof (${receiptReaderHeader}) of an auditor, or of a party searching its own receipts`);
  }
}

/**
 * The citizen's view of one access. A covert access not yet disclosed at `height` is a
 * placeholder carrying its disclosure height: present, never silently left out.
 */
function usageView(row: AccessReceiptRecord, height: number): JsonValue {
  if (row.disclosureHeight !== null && height < row.disclosureHeight) {
    return { id: row.id, covert: true, disclosureHeight: row.disclosureHeight };
  }
  return { id: row.id, covert: false, time: row.time, agency: row.requester,
    system: row.system, purpose: row.purpose, entry: row.entry, items: [...row.items],
    outcome: row.outcome };
}

export function registerDataRoutes(app: FastifyInstance, backend: ApiBackend): void {
  app.get<{ Querystring: Static<typeof EntryQuery> }>('/v1/catalog/entries', {
    schema: { summary: 'Search published catalog entries (index), in resource-code order',
      querystring: EntryQuery },
  }, (request) => {
    const { limit, status, ...filters } = request.query;
    return backend.dataQueries().searchEntries(defined({ ...filters,
      status: status ?? 'published', limit: limit ?? 20 }));
  });

  app.get<{ Querystring: Static<typeof RequestQuery> }>('/v1/sharing/requests', {
    schema: { summary: 'An agency\'s sharing requests, as requester or provider',
      querystring: RequestQuery },
  }, (request) => backend.dataQueries().requests(defined({ ...request.query,
    limit: request.query.limit ?? 20 })));

  app.get<{ Querystring: Static<typeof ReceiptQuery> }>('/v1/receipts', {
    schema: { summary: 'Access receipts by agency, entry, time range and purpose, oldest first',
      description: `Personal fields (purpose, subjects) and the purpose filter need a receipt ` +
        `reader proof in the ${receiptReaderHeader} header: of an auditor or the data ` +
        'authority, or of a member of the receipt\'s requesting or providing agency.',
      querystring: ReceiptQuery },
  }, (request) => {
    const reader = readerOf(backend, request.headers[receiptReaderHeader]);
    checkPurposeFilter(reader, request.query);
    const page = backend.dataQueries().receipts(defined({ ...request.query,
      limit: request.query.limit ?? 20 }));
    return { items: page.items.map((row) => receiptView(row, reader)), next: page.next };
  });

  app.get<{ Params: Static<typeof UsageParams>; Querystring: Static<typeof UsageQuery> }>(
    '/v1/usage/:subject', {
      schema: { summary: 'Every access to records about a subject, newest first',
        description: `Needs a proof in the ${usageProofHeader} header (ADR 0013): a usage ` +
          'request signed by the key a subject credential names, or by a data-authority ' +
          'member; without one 401 SUBJECT_PROOF_REQUIRED, with a wrong one 403 ' +
          'SUBJECT_PROOF_INVALID.',
        params: UsageParams, querystring: UsageQuery },
    }, (request) => {
      const proof = request.headers[usageProofHeader];
      backend.subjectBackend().authorizeUsage(request.params.subject,
        typeof proof === 'string' ? proof : undefined);
      const height = backend.status().height;
      const page = backend.dataQueries().usage(request.params.subject, request.query.after,
        request.query.limit ?? 20);
      return { subject: request.params.subject, height,
        items: page.items.map((row) => usageView(row, height)), next: page.next };
    });

  registerSubjectRoutes(app, backend.subjectBackend());

  app.get<{ Params: { id: string } }>('/v1/receipts/:id/evidence', {
    schema: { summary: 'A self-verifiable evidence bundle for one access receipt',
      description: `With a receipt reader proof (${receiptReaderHeader}) of someone who may ` +
        'read its personal fields, the bundle also proves them (`personal`).',
      params: Type.Object({ id: ReceiptId }) },
  }, (request) => evidenceBundle(backend, request.params.id,
    readerOf(backend, request.headers[receiptReaderHeader])));
}

/**
 * Everything an offline verifier needs: the receipt's state value and proof at the latest
 * provable height, the header and commit that sign it, and each validator-set change (a proven
 * governance schedule entry) that took effect by then, so trust can start at the genesis file.
 */
function evidenceBundle(backend: ApiBackend, id: string, reader: ReceiptReader | null):
  JsonValue {
  const key = contractValueKey(`rc/${id}`);
  const found = backend.state(sharingContractName, key, { proof: true });
  if (found.value === undefined || found.proof === null) {
    if (backend.state(sharingContractName, key, { proof: false }).value !== undefined) {
      throw new ZwError(ErrorCode.HEIGHT_UNAVAILABLE, `receipt ${id} is in the latest block, ` +
        'whose results the next block has yet to sign; retry shortly');
    }
    throw new ZwError(ErrorCode.NOT_FOUND, `no access receipt ${id}`);
  }
  const signedAt = found.height + 1;
  const schedule = readValidatorSchedule((contract, stateKey) =>
    backend.state(contract, stateKey, { proof: false }).value);
  // Entry 0 is the genesis set; later entries are proven under the set before them.
  const changes = schedule.flatMap((entry, index) => {
    if (index === 0 || entry.effectiveHeight > signedAt) return [];
    const view = backend.state(governanceContractName, validatorScheduleEntryKey(index),
      { proof: true, height: entry.effectiveHeight - 2 });
    if (view.value === undefined || view.proof === null) {
      throw new ZwError(ErrorCode.INTERNAL, `validator schedule entry ${index} is not provable`);
    }
    return [{ index, height: view.height, value: toHex(view.value),
      proof: proofView(view.proof) }];
  });
  const receipt = decode(found.value) as { requester: string; provider: string };
  return {
    format: evidenceFormat,
    chainId: backend.status().chainId,
    receiptId: id,
    contract: sharingContractName,
    key: toHex(key),
    height: found.height,
    value: toHex(found.value),
    receipt: toJsonValue(receipt as unknown as CborValue),
    proof: proofView(found.proof),
    ...(mayReadPersonal(reader, receipt) ? { personal: personalEvidence(backend, id,
      found.height) } : {}),
    validatorChanges: changes,
    validators: backend.validators(signedAt).validators.map((v) => ({
      address: toHex(v.address), publicKey: toHex(v.publicKey), power: v.power })),
  };
}

/** The receipt's personal fields (`rx/<id>`), proven at the same height as the receipt. */
function personalEvidence(backend: ApiBackend, id: string, height: number): JsonValue {
  const key = contractValueKey(`rx/${id}`);
  const found = backend.state(sharingContractName, key, { proof: true, height });
  if (found.value === undefined || found.proof === null) {
    throw new ZwError(ErrorCode.INTERNAL, `the personal fields of receipt ${id} are not provable`);
  }
  return { key: toHex(key), value: toHex(found.value), personal: toJsonValue(decode(found.value)),
    proof: proofView(found.proof) };
}
