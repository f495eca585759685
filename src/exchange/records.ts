// What travels in the data exchange besides the signed requests: dataset uploads as the
// provider's systems hand them over, fetch requests' bodies, and the payload a fetch returns.
// Record values are text, safe integers, booleans or null: decimals and dates travel as text, as
// in the national sharing standards, so every node encodes and hashes a payload identically.
import { ErrorCode, ZwError, encode, limits } from '../core/index.js';
import type { CborValue } from '../core/index.js';
import { normalizePersonalId } from '../crypto/index.js';

export type RecordValue = string | number | boolean | null;

export interface DatasetRecord {
  /** Pseudonymous subject id (64 hex) of the person the record is about, or null. */
  readonly subject: string | null;
  readonly data: Readonly<Record<string, RecordValue>>;
}

export interface UploadBody {
  readonly entry: string;
  readonly records: readonly DatasetRecord[];
}

export interface FetchBody {
  readonly entry: string;
  readonly items: readonly string[];
  /** Only records about these subjects (64 hex ids); empty: records in order from `offset`. */
  readonly subjects: readonly string[];
  readonly offset: number;
  readonly limit: number;
  readonly purpose: string;
  readonly caseNumber: string;
  readonly officialId: string;
  readonly system: string;
  /**
   * For an access the law allows to keep from the person for a time (e.g. during an
   * investigation): the law, and the height from which the citizen's view shows it. Until then
   * it appears there as a covert access with this height, never left out; auditors see it at
   * once. The chain checks the signer's `covert-access` role and its bound on the delay.
   */
  readonly covert: { readonly legalBasis: string; readonly disclosureHeight: number } | null;
}

/** What the requester receives, and what the responseHash on chain is the hash of. */
export interface Payload {
  readonly entry: string;
  readonly provider: string;
  readonly datasetVersion: number;
  readonly items: readonly string[];
  readonly offset: number;
  readonly records: readonly DatasetRecord[];
}

/** Subjects one access receipt can name (the sharing contract's bound). */
export const subjectsPerFetchMax = 32;
const textMax = 200;
const valueTextMax = 4_096;
const subjectPattern = /^[0-9a-f]{64}$/;

function bad(message: string): ZwError {
  return new ZwError(ErrorCode.BAD_ARGUMENTS, message);
}

function recordOf(value: CborValue): Readonly<Record<string, CborValue>> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) ||
      value instanceof Uint8Array) {
    throw bad('expected an object');
  }
  return value as Readonly<Record<string, CborValue>>;
}

function text(value: CborValue | undefined, field: string, max = textMax): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw bad(`${field}: 1-${max} characters`);
  }
  return value;
}

function onlyKeys(record: Readonly<Record<string, CborValue>>, allowed: readonly string[],
  what: string): void {
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) throw bad(`${what}: unknown field ${key}`);
  }
}

/**
 * A person as a provider's system names them: a 64-hex subject id as is, or a personal id
 * (resident id card number, passport number), normalized, whose subject id the node derives
 * through the subject-key agencies (ADR 0013) before anything is stored: the personal id itself
 * is never stored with the record's key or put on chain. The two never collide: a personal id
 * is at most 40 characters.
 */
export function subjectIdOf(raw: string): string {
  return subjectPattern.test(raw) ? raw : normalizePersonalId(raw);
}

/** Whether an upload's subject is a personal id still to be derived. */
export function isPersonalId(subject: string): boolean {
  return !subjectPattern.test(subject);
}

/**
 * The upload with every personal id replaced by its subject id, derived by `derive` once per
 * distinct id (in batches the node bounds), so the records never hold a personal id.
 */
export async function resolveSubjects(upload: UploadBody,
  derive: (ids: readonly string[]) => Promise<readonly string[]>): Promise<UploadBody> {
  const personal = [...new Set(upload.records.flatMap((record) =>
    record.subject !== null && isPersonalId(record.subject) ? [record.subject] : []))];
  if (personal.length === 0) return upload;
  const derived = await derive(personal);
  if (derived.length !== personal.length) {
    throw new ZwError(ErrorCode.INTERNAL, 'subject derivation returned the wrong count');
  }
  const byId = new Map(personal.map((id, index) => [id, derived[index] as string]));
  return { entry: upload.entry, records: upload.records.map((record) =>
    record.subject === null || !isPersonalId(record.subject) ? record
      : { subject: byId.get(record.subject) as string, data: record.data }) };
}

function recordValue(value: CborValue | undefined, field: string): RecordValue {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && value.length <= valueTextMax) return value;
  throw bad(`${field}: text (at most ${valueTextMax} characters), a safe integer, ` +
    'true, false or null (decimals and dates as text)');
}

/**
 * Checks an upload against the entry's data items. A record's subject comes back as a subject
 * id or a normalized personal id (see `resolveSubjects`).
 */
export function parseUploadBody(body: CborValue, items: readonly string[]): UploadBody {
  const record = recordOf(body);
  onlyKeys(record, ['entry', 'records'], 'upload');
  const entry = text(record.entry, 'entry', 40);
  const list = record.records;
  if (!Array.isArray(list) || list.length === 0 || list.length > limits.exchangeUploadRecordsMax) {
    throw bad(`records: 1-${limits.exchangeUploadRecordsMax} records`);
  }
  const records = (list as readonly CborValue[]).map((value, index) => {
    const where = `records[${index}]`;
    const item = recordOf(value);
    onlyKeys(item, ['subject', 'data'], where);
    const data = recordOf(item.data ?? null);
    const out: Record<string, RecordValue> = {};
    for (const name of Object.keys(data)) {
      if (!items.includes(name)) throw bad(`${where}.data: ${name} is not a data item of ${entry}`);
      out[name] = recordValue(data[name], `${where}.data.${name}`);
    }
    const subject = item.subject === undefined || item.subject === null ? null
      : subjectIdOf(text(item.subject, `${where}.subject`, 64));
    return { subject, data: out };
  });
  return { entry, records };
}

export function parseFetchBody(body: CborValue): FetchBody {
  const record = recordOf(body);
  onlyKeys(record, ['entry', 'items', 'subjects', 'offset', 'limit', 'purpose', 'caseNumber',
    'officialId', 'system', 'covert'], 'fetch');
  const items = record.items;
  if (!Array.isArray(items) || items.length === 0 || items.length > 200 ||
      !items.every((item) => typeof item === 'string' && item.length > 0 && item.length <= 100) ||
      new Set(items).size !== items.length) {
    throw bad('items: 1-200 distinct data item names');
  }
  const subjects = record.subjects ?? [];
  if (!Array.isArray(subjects) || subjects.length > subjectsPerFetchMax ||
      !subjects.every((s) => typeof s === 'string' && subjectPattern.test(s))) {
    throw bad(`subjects: at most ${subjectsPerFetchMax} subject ids (64 hex)`);
  }
  const offset = record.offset ?? 0;
  const limit = record.limit ?? 1_000;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw bad('offset: a non-negative integer');
  }
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1 ||
      limit > limits.exchangeFetchRecordsMax) {
    throw bad(`limit: 1-${limits.exchangeFetchRecordsMax}`);
  }
  return {
    entry: text(record.entry, 'entry', 40), items: items as string[],
    subjects: subjects as string[], offset, limit,
    purpose: text(record.purpose, 'purpose'), caseNumber: text(record.caseNumber, 'caseNumber'),
    officialId: text(record.officialId, 'officialId'), system: text(record.system, 'system'),
    covert: covertOf(record.covert),
  };
}

function covertOf(value: CborValue | undefined): FetchBody['covert'] {
  if (value === undefined || value === null) return null;
  const covert = recordOf(value);
  onlyKeys(covert, ['legalBasis', 'disclosureHeight'], 'covert');
  const height = covert.disclosureHeight;
  if (typeof height !== 'number' || !Number.isSafeInteger(height) || height < 1) {
    throw bad('covert.disclosureHeight: the height from which the person sees the access');
  }
  return { legalBasis: text(covert.legalBasis, 'covert.legalBasis', 500),
    disclosureHeight: height };
}

/** Keeps only the granted items of each record. */
export function project(records: readonly DatasetRecord[], items: readonly string[]):
  DatasetRecord[] {
  return records.map((record) => {
    const data: Record<string, RecordValue> = {};
    for (const item of items) data[item] = record.data[item] ?? null;
    return { subject: record.subject, data };
  });
}

export function encodeRecord(record: DatasetRecord): Uint8Array {
  return encode([record.subject, record.data as Readonly<Record<string, CborValue>>]);
}

export function encodePayload(payload: Payload): Uint8Array {
  return encode({ entry: payload.entry, provider: payload.provider,
    datasetVersion: payload.datasetVersion, items: [...payload.items], offset: payload.offset,
    records: payload.records.map((record) => ({ subject: record.subject,
      data: record.data as Readonly<Record<string, CborValue>> })) });
}
