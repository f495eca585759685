// The government data catalog (政务信息资源目录): agencies register their duties (职责) with
// their legal basis, and publish catalog entries carrying the national core metadata. Every
// version of an entry is reviewed by the data authority before it is published; entries can be
// disabled. The `sharing` contract reads entries through `lookup`.
//
// Data authority: the members of ONE agency, fixed at deployment (`init {authorityAgency}`),
// who hold the custom role `data-authority`. A role alone would not do: every agency's admin
// gives its own members roles, so any agency could make itself the authority and approve its
// own entries. Changing the authority agency is a contract upgrade, i.e. a governance vote.
//
// State (keys; `#` never occurs in agency ids, so `<agency>#` prefixes cannot collide):
//   config                    {authorityAgency}
//   d/<agency>#<duty>         Duty
//   e/<code>                  Head: status, current published version, pending version
//   v/<code>/<version:4>      Version, immutable once reviewed (the history)
//   p/<provider>#<code>       status (index: entries by provider, every status)
//   t/<sharingType>/<code>    version (index: published, enabled entries by sharing type)
//   r/<code>                  version (index: versions awaiting review)
// Category browse is a prefix range over `e/`, since resource codes nest class/item/sub-item.
//
// Scale: every key above goes through the runtime's ordered key index, whose directory is one
// value of at most 64 KiB (ADR 0008): a few tens of thousands of keys per contract. 500,000
// entries, and fast keyword search over them, need the node-side SQLite index fed by this
// contract's events (`EntryPublished` carries the full version); `search` here is a bounded
// scan with a cursor, correct but not fast.
import { ctx, emit, fail, query, require, state, tx } from 'zhengwu/contract';
import type { Value } from 'zhengwu/contract';

export type SharingType = 'UNCONDITIONAL' | 'CONDITIONAL' | 'NOT_SHARED';
export type EntryStatus = 'in-review' | 'published' | 'rejected' | 'disabled';

export type DataItem = {
  readonly name: string;
  readonly type: string;
  readonly personal: boolean;
  readonly sensitive: boolean;
};

/** What a provider submits: the national core metadata of one entry. */
export type EntryInput = {
  readonly code: string;
  readonly name: string;
  readonly providerCode: string;
  readonly abstract: string;
  readonly format: string;
  readonly items: readonly DataItem[];
  readonly sharingType: SharingType;
  readonly legalBasis: string;
  readonly conditions: string;
  readonly method: string;
  readonly open: string;
  readonly updateCycle: string;
  readonly related: readonly string[];
  readonly grade: string;
  readonly duties: readonly string[];
  readonly schemaHash: string;
};

export type Version = EntryInput & {
  readonly version: number;
  readonly provider: string;
  readonly submittedBy: string;
  readonly submittedHeight: number;
  /** Block time (ms) of the approving review: the publish date. */
  readonly publishedAt: number | null;
  readonly publishedHeight: number | null;
};

type Review = {
  readonly version: number;
  readonly approved: boolean;
  readonly reason: string;
  readonly by: string;
  readonly height: number;
};

export type Head = {
  readonly code: string;
  readonly provider: string;
  readonly status: EntryStatus;
  readonly current: Version | null;
  readonly pending: Version | null;
  readonly versions: number;
  readonly lastReview: Review | null;
  readonly disabled: { readonly reason: string; readonly by: string; readonly height: number } |
    null;
};

export type Duty = {
  readonly agency: string;
  readonly code: string;
  readonly name: string;
  readonly legalBasis: string;
  readonly height: number;
};

type FieldError = { readonly field: string; readonly message: string };

// Limits (units last).
const itemsPerEntryMax = 200;
const relatedPerEntryMax = 20;
const dutiesPerEntryMax = 20;
const listLimitMax = 100;
const searchScanMax = 100;

const sharingTypes: readonly string[] = ['UNCONDITIONAL', 'CONDITIONAL', 'NOT_SHARED'];
const formats: readonly string[] =
  ['database', 'spreadsheet', 'document', 'image', 'stream', 'api', 'other'];
const itemTypes: readonly string[] =
  ['string', 'integer', 'decimal', 'date', 'datetime', 'boolean', 'binary'];
const methods: readonly string[] = ['api', 'file', 'database'];
const openAttributes: readonly string[] = ['open', 'conditional-open', 'not-open'];
const updateCycles: readonly string[] =
  ['realtime', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly', 'irregular'];
const grades: readonly string[] = ['general', 'important', 'core'];

/**
 * Resource code (资源代码): class (1 digit, 1 basic / 2 thematic / 3 departmental), item
 * (2 digits), sub-item (3 digits), detail (0-9 digits), then `/` and a 6-digit sequence number,
 * e.g. `301001001/000001`. Category prefixes are therefore plain string prefixes.
 */
export const resourceCodePattern = /^[1-3]\d{2}\d{3}\d{0,9}\/\d{6}$/;
/** Unified social credit code (统一社会信用代码) shape; the check digit is not verified. */
const providerCodePattern = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;
const dutyCodePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;
const schemaHashPattern = /^[0-9a-f]{64}$/;

// ---------------------------------------------------------------------------------------------
// Who may do what.

function authorityAgency(): string {
  return state.get<{ authorityAgency: string }>('config')?.authorityAgency ??
    fail('catalog is not initialised');
}

function signerAgency(): string {
  return ctx().agency ?? fail('the signer is not a member of any agency', 'UNAUTHORIZED');
}

function isAuthority(): boolean {
  return ctx().agency === authorityAgency() && ctx().roles.includes('data-authority');
}

function requireStaff(agency: string, what: string): void {
  require(ctx().agency === agency &&
    (ctx().roles.includes('staff') || ctx().roles.includes('admin')),
  `${what}: only staff or admin of ${agency}`, 'UNAUTHORIZED');
}

// ---------------------------------------------------------------------------------------------
// Validation: every error names its field; all are reported at once.

function text(errors: FieldError[], field: string, value: unknown, min: number, max: number):
  void {
  if (typeof value !== 'string' || value.length < min || value.length > max) {
    errors.push({ field, message: `${min}-${max} characters of text` });
  }
}

function oneOf(errors: FieldError[], field: string, value: unknown, allowed: readonly string[]):
  void {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    errors.push({ field, message: `one of ${allowed.join(', ')}` });
  }
}

function pattern(errors: FieldError[], field: string, value: unknown, shape: RegExp,
  description: string): void {
  if (typeof value !== 'string' || !shape.test(value)) errors.push({ field, message: description });
}

function validateItems(errors: FieldError[], items: unknown): void {
  if (!Array.isArray(items) || items.length < 1 || items.length > itemsPerEntryMax) {
    errors.push({ field: 'items', message: `a list of 1-${itemsPerEntryMax} data items` });
    return;
  }
  const seen: string[] = [];
  items.forEach((item: unknown, index) => {
    const field = `items[${index}]`;
    if (item === null || typeof item !== 'object') {
      errors.push({ field, message: 'an object {name, type, personal, sensitive}' });
      return;
    }
    const record = item as Record<string, unknown>;
    text(errors, `${field}.name`, record.name, 1, 64);
    if (typeof record.name === 'string') {
      if (seen.includes(record.name)) {
        errors.push({ field: `${field}.name`, message: `repeats "${record.name}"` });
      }
      seen.push(record.name);
    }
    oneOf(errors, `${field}.type`, record.type, itemTypes);
    for (const flag of ['personal', 'sensitive']) {
      if (typeof record[flag] !== 'boolean') {
        errors.push({ field: `${field}.${flag}`, message: 'true or false' });
      }
    }
  });
}

function validateSharing(errors: FieldError[], entry: Record<string, unknown>): void {
  oneOf(errors, 'sharingType', entry.sharingType, sharingTypes);
  const restricted = entry.sharingType === 'CONDITIONAL' || entry.sharingType === 'NOT_SHARED';
  if (restricted && (typeof entry.legalBasis !== 'string' || entry.legalBasis.length === 0)) {
    errors.push({ field: 'legalBasis',
      message: `required when sharingType is ${String(entry.sharingType)}` });
  } else {
    text(errors, 'legalBasis', entry.legalBasis, 0, 500);
  }
  if (entry.sharingType === 'CONDITIONAL' &&
      (typeof entry.conditions !== 'string' || entry.conditions.length === 0)) {
    errors.push({ field: 'conditions', message: 'required when sharingType is CONDITIONAL' });
  } else {
    text(errors, 'conditions', entry.conditions, 0, 1000);
  }
  oneOf(errors, 'method', entry.method, methods);
  oneOf(errors, 'open', entry.open, openAttributes);
}

function validateLinks(errors: FieldError[], entry: Record<string, unknown>): void {
  const related = entry.related;
  if (!Array.isArray(related) || related.length > relatedPerEntryMax) {
    errors.push({ field: 'related', message: `a list of at most ${relatedPerEntryMax} codes` });
  } else {
    related.forEach((code: unknown, index) => pattern(errors, `related[${index}]`, code,
      resourceCodePattern, 'a resource code'));
  }
  const duties = entry.duties;
  if (!Array.isArray(duties) || duties.length < 1 || duties.length > dutiesPerEntryMax) {
    errors.push({ field: 'duties', message: `a list of 1-${dutiesPerEntryMax} duty codes` });
  } else {
    duties.forEach((code: unknown, index) => pattern(errors, `duties[${index}]`, code,
      dutyCodePattern, 'a duty code'));
  }
}

/** The field errors of an entry's shape (not of who publishes it). */
export function entryErrors(input: unknown): FieldError[] {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return [{ field: 'entry', message: 'an object with the catalog metadata' }];
  }
  const entry = input as Record<string, unknown>;
  const errors: FieldError[] = [];
  pattern(errors, 'code', entry.code, resourceCodePattern,
    'a resource code: class 1-3, item 2 digits, sub-item 3, detail 0-9, "/", sequence 6 digits');
  text(errors, 'name', entry.name, 1, 100);
  pattern(errors, 'providerCode', entry.providerCode, providerCodePattern,
    'an 18-character unified social credit code');
  text(errors, 'abstract', entry.abstract, 1, 1000);
  oneOf(errors, 'format', entry.format, formats);
  validateItems(errors, entry.items);
  validateSharing(errors, entry);
  oneOf(errors, 'updateCycle', entry.updateCycle, updateCycles);
  oneOf(errors, 'grade', entry.grade, grades);
  validateLinks(errors, entry);
  pattern(errors, 'schemaHash', entry.schemaHash, schemaHashPattern, '64 lowercase hex digits');
  const known = ['code', 'name', 'providerCode', 'abstract', 'format', 'items', 'sharingType',
    'legalBasis', 'conditions', 'method', 'open', 'updateCycle', 'related', 'grade', 'duties',
    'schemaHash'];
  for (const key of Object.keys(entry)) {
    if (!known.includes(key)) errors.push({ field: key, message: 'not a catalog field' });
  }
  return errors;
}

function describe(errors: readonly FieldError[]): string {
  return `invalid entry: ${errors.map((error) => `${error.field}: ${error.message}`).join('; ')}`;
}

/** Keeps only the known fields, so nothing unvalidated reaches state. */
function clean(entry: EntryInput): EntryInput {
  return { code: entry.code, name: entry.name, providerCode: entry.providerCode,
    abstract: entry.abstract, format: entry.format,
    items: entry.items.map((item) => ({ name: item.name, type: item.type,
      personal: item.personal, sensitive: item.sensitive })),
    sharingType: entry.sharingType, legalBasis: entry.legalBasis, conditions: entry.conditions,
    method: entry.method, open: entry.open, updateCycle: entry.updateCycle,
    related: [...entry.related], grade: entry.grade, duties: [...entry.duties],
    schemaHash: entry.schemaHash };
}

// ---------------------------------------------------------------------------------------------
// Keys.

const headKey = (code: string): string => `e/${code}`;
const versionKey = (code: string, version: number): string =>
  `v/${code}/${String(version).padStart(4, '0')}`;
const dutyKey = (agency: string, code: string): string => `d/${agency}#${code}`;
const providerKey = (agency: string, code: string): string => `p/${agency}#${code}`;
const typeKey = (type: string, code: string): string => `t/${type}/${code}`;
const reviewKey = (code: string): string => `r/${code}`;

function head(code: string): Head {
  require(typeof code === 'string', 'code: a resource code', 'BAD_ARGUMENTS');
  return state.get<Head>(headKey(code)) ?? fail(`no catalog entry ${code}`, 'NOT_FOUND');
}

function writeHead(next: Head): void {
  state.set(headKey(next.code), next);
  state.set(providerKey(next.provider, next.code), next.status);
}

// ---------------------------------------------------------------------------------------------
// Transactions.

export const init = tx((args: { authorityAgency: string }) => {
  require(typeof args?.authorityAgency === 'string' && args.authorityAgency.length > 0,
    'authorityAgency: the agency id of the data authority', 'BAD_ARGUMENTS');
  state.set('config', { authorityAgency: args.authorityAgency });
});

/** Registers or updates one of the signer's agency's duties (职责). */
export const registerDuty = tx((args: { code: string; name: string; legalBasis: string }) => {
  const agency = signerAgency();
  requireStaff(agency, 'registerDuty');
  const errors: FieldError[] = [];
  pattern(errors, 'code', args?.code, dutyCodePattern, '1-40 of A-Z, a-z, 0-9, ".", "_", "-"');
  text(errors, 'name', args?.name, 1, 100);
  text(errors, 'legalBasis', args?.legalBasis, 1, 500);
  if (errors.length > 0) fail(describe(errors).replace('entry', 'duty'), 'INVALID_ARGUMENT');
  const duty: Duty = { agency, code: args.code, name: args.name, legalBasis: args.legalBasis,
    height: ctx().height };
  state.set(dutyKey(agency, args.code), duty);
  emit('DutyRegistered', duty);
  return duty;
});

/**
 * Submits a new version of an entry for review. The provider is the signer's agency; only its
 * staff or admin may publish, and only for entries it already provides (or new codes). The
 * duties must be the provider's registered duties. The current version stays published until
 * the authority approves the new one.
 */
export const publish = tx((args: { entry: EntryInput }) => {
  const agency = signerAgency();
  requireStaff(agency, 'publish');
  const errors = entryErrors(args?.entry);
  if (errors.length === 0) {
    args.entry.duties.forEach((duty, index) => {
      if (!state.has(dutyKey(agency, duty))) {
        errors.push({ field: `duties[${index}]`, message: `${agency} has no duty ${duty}` });
      }
    });
  }
  if (errors.length > 0) fail(describe(errors), 'INVALID_ARGUMENT');
  const entry = clean(args.entry);
  const previous = state.get<Head>(headKey(entry.code));
  require(previous === undefined || previous.provider === agency,
    `entry ${entry.code} is provided by ${previous?.provider ?? ''}`, 'UNAUTHORIZED');
  require(previous?.pending === null || previous === undefined,
    `entry ${entry.code} has version ${previous?.pending?.version ?? 0} under review`);
  const version: Version = { ...entry, version: (previous?.versions ?? 0) + 1, provider: agency,
    submittedBy: ctx().sender ?? fail('no sender'), submittedHeight: ctx().height,
    publishedAt: null, publishedHeight: null };
  writeHead({ code: entry.code, provider: agency,
    status: previous === undefined || previous.status === 'rejected' ? 'in-review'
      : previous.status,
    current: previous?.current ?? null, pending: version, versions: version.version,
    lastReview: previous?.lastReview ?? null, disabled: previous?.disabled ?? null });
  state.set(reviewKey(entry.code), version.version);
  emit('EntrySubmitted', { code: entry.code, version: version.version, provider: agency });
  return { code: entry.code, version: version.version };
});

/** The data authority approves (publishes) or rejects, with a reason, a submitted version. */
export const review = tx((args: { code: string; version: number; approve: boolean;
  reason?: string }) => {
  require(isAuthority(), 'review: only the data authority', 'UNAUTHORIZED');
  const current = head(args?.code);
  const pending = current.pending ?? fail(`entry ${current.code} has nothing under review`);
  require(pending.version === args.version,
    `entry ${current.code} has version ${pending.version} under review, not ${args.version}`);
  const reason = args.reason ?? '';
  require(args.approve === true || (typeof reason === 'string' && reason.length > 0),
    'reason: a rejection needs a reason', 'BAD_ARGUMENTS');
  const reviewRecord: Review = { version: pending.version, approved: args.approve === true,
    reason, by: ctx().sender ?? fail('no sender'), height: ctx().height };
  state.delete(reviewKey(current.code));
  if (args.approve !== true) {
    writeHead({ ...current, pending: null, lastReview: reviewRecord,
      status: current.current === null ? 'rejected' : current.status });
    emit('EntryRejected', { code: current.code, version: pending.version, reason });
    return null;
  }
  const published: Version = { ...pending, publishedAt: ctx().time,
    publishedHeight: ctx().height };
  if (current.current !== null && current.status === 'published') {
    state.delete(typeKey(current.current.sharingType, current.code));
  }
  state.set(versionKey(current.code, published.version), published);
  state.set(typeKey(published.sharingType, current.code), published.version);
  writeHead({ ...current, status: 'published', current: published, pending: null,
    lastReview: reviewRecord, disabled: null });
  emit('EntryPublished', published);
  return { code: current.code, version: published.version };
});

/** Takes an entry out of service; the provider's staff or the authority may. */
export const disable = tx((args: { code: string; reason: string }) => {
  const current = head(args?.code);
  if (!isAuthority()) requireStaff(current.provider, 'disable');
  require(typeof args.reason === 'string' && args.reason.length > 0 && args.reason.length <= 500,
    'reason: 1-500 characters', 'BAD_ARGUMENTS');
  require(current.status === 'published', `entry ${current.code} is ${current.status}`);
  const published = current.current ?? fail('a published entry has a current version');
  state.delete(typeKey(published.sharingType, current.code));
  writeHead({ ...current, status: 'disabled',
    disabled: { reason: args.reason, by: ctx().sender ?? '', height: ctx().height } });
  emit('EntryDisabled', { code: current.code, reason: args.reason });
  return null;
});

/**
 * For other contracts (the `sharing` contract): an entry's sharing view and, optionally, a
 * duty. A transaction method only because contracts can call nothing else yet; it writes
 * nothing, so calling it directly is harmless.
 */
export const lookup = tx((args: { code: string; duty?: { agency: string; code: string } }) => {
  const current = head(args?.code);
  const duty = args.duty === undefined ? null
    : state.get<Duty>(dutyKey(args.duty.agency, args.duty.code)) ?? null;
  const published = current.current;
  return { code: current.code, provider: current.provider, status: current.status,
    version: published?.version ?? null, sharingType: published?.sharingType ?? null,
    items: published === null ? [] : published.items.map((item) => item.name),
    grade: published?.grade ?? null, duty, authorityAgency: authorityAgency() };
});

/** For other contracts: the data authority's agency (a transaction method for the same reason). */
export const authority = tx(() => authorityAgency());

// ---------------------------------------------------------------------------------------------
// Queries. Lists take {after?, limit?} and return {items, next}: `next` is the cursor for the
// following page, null at the end.

type Page = { readonly items: Value[]; readonly next: string | null };

function limitOf(limit: unknown): number {
  return typeof limit === 'number' && limit >= 1 && limit <= listLimitMax ? limit : 50;
}

/** One page of keys under `prefix`, resolved by `resolve` (which may drop a key). */
function page(prefix: string, args: { after?: string; limit?: number } | null,
  resolve: (suffix: string, value: Value) => Value | null): Page {
  const limit = limitOf(args?.limit);
  const found = state.range({ prefix, limit,
    ...(typeof args?.after === 'string' ? { start: `${prefix}${args.after}\u0000` } : {}) });
  const items: Value[] = [];
  for (const [key, value] of found) {
    const item = resolve(key.slice(prefix.length), value);
    if (item !== null) items.push(item);
  }
  const last = found[found.length - 1];
  return { items, next: found.length === limit && last !== undefined
    ? last[0].slice(prefix.length) : null };
}

export const config = query(() => state.get('config') ?? null);

export const entry = query((args: { code: string }) =>
  state.get<Head>(headKey(args?.code)) ?? null);

export const version = query((args: { code: string; version: number }) =>
  state.get<Version>(versionKey(args?.code, args?.version)) ?? null);

/** Published versions of an entry, oldest first. */
export const versions = query((args: { code: string; after?: string; limit?: number }) =>
  page(`v/${args?.code}/`, args, (_suffix, value) => value));

export const duty = query((args: { agency: string; code: string }) =>
  state.get<Duty>(dutyKey(args?.agency, args?.code)) ?? null);

export const duties = query((args: { agency: string; after?: string; limit?: number }) =>
  page(`d/${args?.agency}#`, args, (_suffix, value) => value));

/** Every entry of a provider, whatever its status. */
export const byProvider = query((args: { agency: string; after?: string; limit?: number }) =>
  page(`p/${args?.agency}#`, args, (code) => state.get<Head>(headKey(code)) ?? null));

/** Entries whose resource code starts with `prefix` (class, class+item, ...), any status. */
export const byCategory = query((args: { prefix: string; after?: string; limit?: number }) => {
  require(typeof args?.prefix === 'string' && /^[1-3][0-9/]*$/.test(args.prefix),
    'prefix: the start of a resource code', 'BAD_ARGUMENTS');
  return page(`e/${args.prefix}`, args, (_suffix, value) => value);
});

/** Published, enabled entries of one sharing type. */
export const bySharingType = query((args: { type: SharingType; after?: string;
  limit?: number }) => {
  require(sharingTypes.includes(args?.type), `type: one of ${sharingTypes.join(', ')}`,
    'BAD_ARGUMENTS');
  return page(`t/${args.type}/`, args, (code) => state.get<Head>(headKey(code)) ?? null);
});

/** Versions awaiting the authority's review. */
export const reviewQueue = query((args: { after?: string; limit?: number } | null) =>
  page('r/', args, (code) => state.get<Head>(headKey(code))?.pending ?? null));

/**
 * Keyword over the published name and abstract: scans at most 100 entries from `after` and
 * returns the matches and the cursor to continue. Bounded, not fast: fast search at 500,000
 * entries is the node-side index's job.
 */
export const search = query((args: { keyword: string; after?: string; scan?: number }) => {
  require(typeof args?.keyword === 'string' && args.keyword.length >= 1 &&
    args.keyword.length <= 50, 'keyword: 1-50 characters', 'BAD_ARGUMENTS');
  const scan = typeof args.scan === 'number' && args.scan >= 1 && args.scan <= searchScanMax
    ? args.scan : searchScanMax;
  const keyword = args.keyword.toLowerCase();
  return page('e/', { limit: scan, ...(args.after === undefined ? {} : { after: args.after }) },
    (_code, value) => {
      const found = (value as Head).current;
      if ((value as Head).status !== 'published' || found === null) return null;
      return found.name.toLowerCase().includes(keyword) ||
        found.abstract.toLowerCase().includes(keyword) ? value : null;
    });
});

/** The field errors an entry would be refused with (shape only), for forms. */
export const validate = query((args: { entry: unknown }) => entryErrors(args?.entry));
