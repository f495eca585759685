// Data sharing between agencies: requests against catalog entries, the provider's (or the data
// authority's) decisions, grants that expire and can be revoked, a machine-checkable
// `checkGrant` for the exchange module, and the access receipts that make the audit trail and
// the citizen's view. Entries, duties and the data authority come from the `catalog` contract.
//
// Lifecycle (every transition emits an event named in brackets):
//   UNCONDITIONAL entry -> granted at once                        [RequestSubmitted, Granted]
//   CONDITIONAL         -> pending (provider; deadline 5 working days)      [RequestSubmitted]
//   NOT_SHARED          -> escalated (data authority decides)     [RequestSubmitted, Escalated]
//   pending   -> granted (all or some items) | rejected (reason) | escalated (overdue)
//             | cancelled                              [Granted | Rejected | Escalated | Cancelled]
//   escalated -> granted | rejected (by the authority) | cancelled
//   granted   -> revoked (provider or authority, reason) | expired (validUntil reached)
//                                                                     [Revoked | Expired]
// A grant is valid at height h when validFrom <= h < validUntil, it is not revoked and its
// entry is published (a disabled entry serves no one, whatever its grants); `checkGrant` decides
// from heights, so expiry never waits for a transaction. A requester holds at most
// `liveGrantsPerPairMax` unexpired grants on one entry, and the grant index is ordered by
// expiry, so the check reads only the live grants of that requester and entry, never a capped
// scan past expired ones.
//
// Access receipts are recorded by the provider's node but decided by the chain: the receipt
// carries the requester's member's signed fetch request, which the `signatures` system contract
// verifies, and the signer must be a staff or admin member of the requesting agency now. A
// request makes one receipt (`rq/`), so a replay is refused however often the node restarts.
// A receipt's personal fields (purpose, case number, official, subjects) are kept apart from
// it (`rx/<id>`): the receipt, its queries and its evidence bundle hold none of them; the
// parties' nodes, auditors and the subject read them through authenticated routes (ADR 0010).
// A covert access (hidden from the citizen until a disclosure height) needs the signer's
// `covert-access` role, a legal basis, and a delay of at most `covertDelayBlocksMax`.
// The `Expired` event and the overdue escalation come from a sweep that every transaction of
// this contract runs first (a few queue items each), and from `escalateOverdue`, anyone's to
// call. Touching an overdue request escalates it and the touching call then returns
// {applied: false}: a failing call would revert the escalation with it.
//
// Working days: a day is a calendar day in UTC+8 (Beijing time) of the block header's time.
// Monday to Friday are working days unless the data authority's calendar marks the date a
// holiday; a Saturday or Sunday the calendar marks a working day (调休) is one. A provider's
// deadline is the end (24:00 UTC+8) of the 5th working day after the day of the request.
//
// State (`#` never occurs in agency ids or resource codes):
//   seq, receiptSeq                 counters
//   q/<id>                          SharingRequest (its grant, when granted, is part of it)
//   qa/<requester>#<id>, qp/<provider>#<id>   status (indexes: by requester, by provider)
//   qx/<id>                         (index: escalated, the authority's queue)
//   due/<deadline ms:15>/<id>       (queue: pending requests by deadline)
//   exp/<validUntil:12>/<id>        (queue: grants by expiry height)
//   g/<entry>#<requester>#<validUntil:12>#<id>   validFrom (index: live grants by entry and
//                                   requester, by expiry; removed on revocation and expiry)
//   rq/<request hash>               receipt id (each signed request is recorded once)
//   rx/<receipt id>                 ReceiptPersonal: the personal fields of a receipt
//   cal/<day number>                'holiday' | 'workday' (the authority's calendar)
//   rc/<receipt id>                 AccessReceipt; ids are <time ms:14>-<seq:8>, so time ranges
//                                   are key ranges
//   ra/<requester>#<rid>, rp/<provider>#<rid>, re/<entry>#<rid>   (receipt indexes)
//   us/<subject>#<newest-first key> receipt id (the citizen's view)
//   ds/<entry>                      DatasetRecord: the provider's latest registered dataset
// Scale: like the catalog, every key passes through the runtime's per-contract key index (a few
// tens of thousands of keys, ADR 0008). A million receipts a day cannot live in this index; the
// node-side SQLite index fed by the `AccessRecorded` events must serve audit and usage queries
// at scale. The contract's own queries are correct and bounded.
import { Counter, call, ctx, emit, fail, query, require, state, tx } from 'zhengwu/contract';
import type { Value } from 'zhengwu/contract';

type Status = 'pending' | 'escalated' | 'granted' | 'rejected' | 'cancelled' | 'revoked' |
  'expired';

export type SharingRequest = {
  readonly id: string;
  readonly requester: string;
  readonly requestedBy: string;
  readonly provider: string;
  readonly entry: string;
  readonly entryVersion: number;
  readonly sharingType: string;
  readonly items: readonly string[];
  readonly purpose: string;
  readonly scenario: string;
  readonly duty: string | null;
  readonly legalBasis: string;
  readonly validFrom: number;
  readonly validUntil: number;
  readonly status: Status;
  readonly submittedAt: number;
  readonly submittedHeight: number;
  /** Block time (ms) by which the provider must answer; null unless it was pending. */
  readonly deadline: number | null;
  readonly escalation: { readonly reason: string; readonly height: number } | null;
  readonly grantedItems: readonly string[];
  readonly decision: { readonly by: string; readonly height: number; readonly reason: string } |
    null;
  readonly revoked: { readonly by: string; readonly height: number; readonly reason: string } |
    null;
};

type EntryView = {
  readonly code: string;
  readonly provider: string;
  readonly status: string;
  readonly version: number | null;
  readonly sharingType: string | null;
  readonly items: readonly string[];
  readonly duty: Value;
  readonly authorityAgency: string;
};

// Limits (units last).
const answerWorkingDays = 5;
const validityBlocksMax = 10_000_000;
const sweepItemsPerCall = 4;
const escalateOverdueMax = 50;
const subjectsPerReceiptMax = 32;
const listLimitMax = 100;
const liveGrantsPerPairMax = 32;
/** The default bound on a covert access's delay (about 30 days of 1-second blocks). */
const covertDelayBlocksDefault = 2_592_000;
const covertRole = 'covert-access';
const requesterRoles = ['staff', 'admin'];
const calendarDatesMax = 60;
const dayMs = 86_400_000;
const beijingOffsetMs = 8 * 3_600_000;

const hashPattern = /^[0-9a-f]{64}$/;
const requestSeq = new Counter('seq');
const receiptSeq = new Counter('receiptSeq');

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

// ---------------------------------------------------------------------------------------------
// Who may do what.

type Config = { readonly catalog: string; readonly covertDelayBlocksMax?: number };

function config(): Config {
  return state.get<Config>('config') ?? fail('sharing is not initialised');
}

function catalogName(): string {
  return config().catalog;
}

function lookup(code: string, duty: { agency: string; code: string } | null): EntryView {
  require(typeof code === 'string' && code.length > 0 && code.length <= 40,
    'entry: a resource code', 'BAD_ARGUMENTS');
  return call<EntryView>(catalogName(), 'lookup',
    duty === null ? { code } : { code, duty });
}

function authorityAgency(): string {
  return call<string>(catalogName(), 'authority');
}

function sender(): string {
  return ctx().sender ?? fail('no sender');
}

function hasRole(...roles: string[]): boolean {
  return roles.some((role) => ctx().roles.includes(role));
}

function isAuthority(): boolean {
  return ctx().agency === authorityAgency() && hasRole('data-authority');
}

function requireStaffOf(agency: string, what: string): void {
  require(ctx().agency === agency && hasRole('staff', 'admin'),
    `${what}: only staff or admin of ${agency}`, 'UNAUTHORIZED');
}

// ---------------------------------------------------------------------------------------------
// Working days (see the header).

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) +
    dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** 'YYYY-MM-DD' as a day number, or null when it is not a real date. */
function parseDate(text: unknown): number | null {
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
  const [year, month, day] = text.split('-').map(Number) as [number, number, number];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (month < 1 || month > 12 || day < 1 || day > (lengths[month - 1] ?? 0)) return null;
  return daysFromCivil(year, month, day);
}

function beijingDay(time: number): number {
  return Math.floor((time + beijingOffsetMs) / dayMs);
}

function isWorkingDay(day: number): boolean {
  const marked = state.get<string>(`cal/${day}`);
  if (marked !== undefined) return marked === 'workday';
  const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday; 0 is Sunday
  return weekday >= 1 && weekday <= 5;
}

/**
 * The end (24:00 UTC+8, as ms) of the `count`th working day after the day of `time`. Not
 * exported: a plain export is no method, and each byte of the bundle counts against the deploy
 * transaction's argument bound.
 */
function workingDeadline(time: number, count: number): number {
  let day = beijingDay(time);
  for (let found = 0; found < count;) {
    day += 1;
    if (isWorkingDay(day)) found += 1;
  }
  return (day + 1) * dayMs - beijingOffsetMs;
}

// ---------------------------------------------------------------------------------------------
// Requests: storage, transitions, sweeps.

const requestKey = (id: string): string => `q/${id}`;
const dueKey = (request: SharingRequest): string =>
  `due/${pad(request.deadline ?? 0, 15)}/${request.id}`;
const expiryKey = (request: SharingRequest): string =>
  `exp/${pad(request.validUntil, 12)}/${request.id}`;
const grantPrefix = (entry: string, requester: string): string => `g/${entry}#${requester}#`;
const grantKey = (request: SharingRequest): string =>
  `${grantPrefix(request.entry, request.requester)}${pad(request.validUntil, 12)}#${request.id}`;

/** The grant index's keys for `entry` and `requester` that are unexpired at `height`. */
function liveGrantKeys(entry: string, requester: string, height: number): string[] {
  const prefix = grantPrefix(entry, requester);
  return state.range({ prefix, start: `${prefix}${pad(height + 1, 12)}`, limit: listLimitMax })
    .map(([key]) => key);
}

function load(id: unknown): SharingRequest {
  require(typeof id === 'string' && /^\d{10}$/.test(id), 'id: a request id', 'BAD_ARGUMENTS');
  return state.get<SharingRequest>(requestKey(id)) ?? fail(`no request ${id}`, 'NOT_FOUND');
}

/** Writes a request in its new status, keeping every index and queue in step. */
function save(previous: SharingRequest | null, next: SharingRequest): void {
  state.set(requestKey(next.id), next);
  state.set(`qa/${next.requester}#${next.id}`, next.status);
  state.set(`qp/${next.provider}#${next.id}`, next.status);
  if (previous?.status === 'pending' && next.status !== 'pending') state.delete(dueKey(previous));
  if (next.status === 'pending' && previous?.status !== 'pending') state.set(dueKey(next), 1);
  if (previous?.status === 'escalated') state.delete(`qx/${next.id}`);
  if (next.status === 'escalated') state.set(`qx/${next.id}`, 1);
  if (next.status === 'granted' && previous?.status !== 'granted') {
    state.set(expiryKey(next), 1);
    state.set(grantKey(next), next.validFrom);
  }
  // A grant leaves the index when it is revoked or expires: the index holds live grants only,
  // and each receipt keeps what the grants said when it was recorded.
  if (previous?.status === 'granted' && next.status !== 'granted') {
    state.delete(expiryKey(previous));
    state.delete(grantKey(previous));
  }
}

function escalate(request: SharingRequest, reason: string): SharingRequest {
  const next: SharingRequest = { ...request, status: 'escalated',
    escalation: { reason, height: ctx().height } };
  save(request, next);
  emit('Escalated', { id: request.id, reason, entry: request.entry,
    requester: request.requester, provider: request.provider });
  return next;
}

function isOverdue(request: SharingRequest): boolean {
  return request.status === 'pending' && request.deadline !== null &&
    ctx().time >= request.deadline;
}

/** Escalates up to `limit` overdue requests and expires up to `limit` grants; returns counts. */
function sweep(limit: number): { escalated: number; expired: number } {
  let escalated = 0;
  for (const [key] of state.range({ prefix: 'due/', limit })) {
    if (Number(key.slice(4, 19)) > ctx().time) break;
    escalate(load(key.slice(20)), 'overdue');
    escalated += 1;
  }
  let expired = 0;
  for (const [key] of state.range({ prefix: 'exp/', limit })) {
    if (Number(key.slice(4, 16)) > ctx().height) break;
    const request = load(key.slice(17));
    save(request, { ...request, status: 'expired' });
    emit('Expired', { id: request.id, entry: request.entry, requester: request.requester });
    expired += 1;
  }
  return { escalated, expired };
}

function grant(request: SharingRequest, items: readonly string[], by: string, reason: string):
  SharingRequest {
  require(liveGrantKeys(request.entry, request.requester, ctx().height).length <
    liveGrantsPerPairMax, `${request.requester} already holds ${liveGrantsPerPairMax} live ` +
    `grants on ${request.entry}; revoke or let some expire first`);
  const next: SharingRequest = { ...request, status: 'granted', grantedItems: [...items],
    decision: { by, height: ctx().height, reason } };
  save(request, next);
  emit('Granted', { id: request.id, entry: request.entry, requester: request.requester,
    items: [...items], validFrom: request.validFrom, validUntil: request.validUntil,
    partial: items.length < request.items.length, by });
  return next;
}

// ---------------------------------------------------------------------------------------------
// Transactions.

/**
 * `covertDelayBlocksMax` is the chain's rule for how long a covert access may stay hidden from
 * the person; the genesis sets it, and only a governance-approved upgrade changes it.
 */
export const init = tx((args: { catalog?: string; covertDelayBlocksMax?: number } | null) => {
  const catalog = args?.catalog ?? 'catalog';
  require(typeof catalog === 'string' && /^[a-z][a-z0-9-]{1,47}$/.test(catalog),
    'catalog: the catalog contract\'s name', 'BAD_ARGUMENTS');
  const covertDelayBlocksMax = args?.covertDelayBlocksMax ?? covertDelayBlocksDefault;
  require(Number.isSafeInteger(covertDelayBlocksMax) && covertDelayBlocksMax >= 0 &&
    covertDelayBlocksMax <= validityBlocksMax,
  `covertDelayBlocksMax: 0-${validityBlocksMax} blocks`, 'BAD_ARGUMENTS');
  state.set('config', { catalog, covertDelayBlocksMax });
});

type RequestArgs = {
  entry: string; items: string[]; purpose: string; scenario: string; duty?: string;
  legalBasis?: string; validFrom?: number; validUntil: number;
};

function checkRequestArgs(args: RequestArgs, view: EntryView, requester: string): void {
  require(view.status === 'published', `entry ${view.code} is ${view.status}`);
  require(view.provider !== requester, 'an agency does not request its own data');
  require(Array.isArray(args.items) && args.items.length > 0 &&
    args.items.every((item) => view.items.includes(item)) &&
    new Set(args.items).size === args.items.length,
  `items: distinct data items of ${view.code} (${view.items.join(', ')})`, 'BAD_ARGUMENTS');
  for (const field of ['purpose', 'scenario'] as const) {
    const value = args[field];
    require(typeof value === 'string' && value.length > 0 && value.length <= 500,
      `${field}: 1-500 characters`, 'BAD_ARGUMENTS');
  }
  if (args.duty !== undefined) {
    require(view.duty !== null, `duty: ${requester} has no duty ${args.duty}`, 'BAD_ARGUMENTS');
  } else {
    require(typeof args.legalBasis === 'string' && args.legalBasis.length > 0 &&
      args.legalBasis.length <= 500, 'duty or legalBasis: a request needs one', 'BAD_ARGUMENTS');
  }
  const from = args.validFrom ?? ctx().height;
  require(Number.isSafeInteger(from) && Number.isSafeInteger(args.validUntil) &&
    from >= ctx().height && args.validUntil > from &&
    args.validUntil <= ctx().height + validityBlocksMax,
  `validFrom/validUntil: heights, now <= validFrom < validUntil <= now + ${validityBlocksMax}`,
  'BAD_ARGUMENTS');
}

/** An agency's staff requests items of an entry; see the lifecycle in the header. */
export const request = tx((args: RequestArgs) => {
  sweep(sweepItemsPerCall);
  const requester = ctx().agency ?? fail('the signer is not a member of any agency',
    'UNAUTHORIZED');
  requireStaffOf(requester, 'request');
  require(args !== null && typeof args === 'object', 'arguments: an object', 'BAD_ARGUMENTS');
  const view = lookup(args.entry, args.duty === undefined ? null
    : { agency: requester, code: args.duty });
  checkRequestArgs(args, view, requester);
  const id = pad(requestSeq.add(1), 10);
  const type = view.sharingType ?? fail('a published entry has a sharing type');
  const submitted: SharingRequest = { id, requester, requestedBy: sender(),
    provider: view.provider, entry: view.code, entryVersion: view.version ?? 0,
    sharingType: type, items: [...args.items], purpose: args.purpose,
    scenario: args.scenario, duty: args.duty ?? null, legalBasis: args.legalBasis ?? '',
    validFrom: args.validFrom ?? ctx().height, validUntil: args.validUntil,
    status: type === 'CONDITIONAL' ? 'pending' : 'escalated', submittedAt: ctx().time,
    submittedHeight: ctx().height,
    deadline: type === 'CONDITIONAL' ? workingDeadline(ctx().time, answerWorkingDays) : null,
    escalation: type === 'NOT_SHARED' ? { reason: 'not-shared', height: ctx().height } : null,
    grantedItems: [], decision: null, revoked: null };
  emit('RequestSubmitted', { id, entry: view.code, requester, provider: view.provider,
    items: [...args.items], purpose: args.purpose, sharingType: type,
    deadline: submitted.deadline });
  if (type === 'UNCONDITIONAL') {
    const pending: SharingRequest = { ...submitted, status: 'pending', deadline: null };
    state.set(requestKey(id), pending);
    return grant(pending, args.items, 'automatic', 'UNCONDITIONAL entry');
  }
  save(null, submitted);
  if (type === 'NOT_SHARED') {
    emit('Escalated', { id, reason: 'not-shared', entry: view.code, requester,
      provider: view.provider });
  }
  return submitted;
});

/**
 * The provider (pending) or the data authority (escalated) decides: `approve` with all or some
 * of the requested items (a reason is required when some are left out), or reject with a
 * reason. An overdue pending request is escalated instead and {applied: false} returned.
 */
export const decide = tx((args: { id: string; approve: boolean; items?: string[];
  reason?: string }) => {
  // The overdue check comes BEFORE the sweep: were the sweep to escalate this request, the
  // provider's call would then fail and revert the escalation with it.
  let current = load(args?.id);
  if (isOverdue(current)) {
    current = escalate(current, 'overdue');
    sweep(sweepItemsPerCall);
    return { applied: false, request: current };
  }
  sweep(sweepItemsPerCall);
  current = load(current.id);
  require(current.status === 'pending' || current.status === 'escalated',
    `request ${current.id} is ${current.status}`);
  if (current.status === 'pending') requireStaffOf(current.provider, 'decide');
  else require(isAuthority(), 'decide: an escalated request is the data authority\'s',
    'UNAUTHORIZED');
  const reason = args.reason ?? '';
  require(typeof reason === 'string' && reason.length <= 500, 'reason: at most 500 characters',
    'BAD_ARGUMENTS');
  if (args.approve !== true) {
    require(reason.length > 0, 'reason: a rejection needs a reason', 'BAD_ARGUMENTS');
    const next: SharingRequest = { ...current, status: 'rejected',
      decision: { by: sender(), height: ctx().height, reason } };
    save(current, next);
    emit('Rejected', { id: current.id, entry: current.entry, requester: current.requester,
      reason });
    return { applied: true, request: next };
  }
  const items = args.items ?? current.items;
  require(Array.isArray(items) && items.length > 0 &&
    items.every((item) => current.items.includes(item)) && new Set(items).size === items.length,
  'items: some of the requested items', 'BAD_ARGUMENTS');
  require(items.length === current.items.length || reason.length > 0,
    'reason: approving only some items needs a reason for the rest', 'BAD_ARGUMENTS');
  return { applied: true, request: grant(current, items, sender(), reason) };
});

/** The requester's staff withdraws a request that is still waiting. */
export const cancel = tx((args: { id: string }) => {
  sweep(sweepItemsPerCall);
  const current = load(args?.id);
  requireStaffOf(current.requester, 'cancel');
  require(current.status === 'pending' || current.status === 'escalated',
    `request ${current.id} is ${current.status}`);
  save(current, { ...current, status: 'cancelled' });
  emit('Cancelled', { id: current.id });
  return null;
});

/** The provider's staff or the data authority ends a grant before it expires. */
export const revoke = tx((args: { id: string; reason: string }) => {
  sweep(sweepItemsPerCall);
  const current = load(args?.id);
  if (!isAuthority()) requireStaffOf(current.provider, 'revoke');
  require(current.status === 'granted', `request ${current.id} is ${current.status}`);
  require(typeof args.reason === 'string' && args.reason.length > 0 && args.reason.length <= 500,
    'reason: 1-500 characters', 'BAD_ARGUMENTS');
  const next: SharingRequest = { ...current, status: 'revoked',
    revoked: { by: sender(), height: ctx().height, reason: args.reason } };
  save(current, next);
  emit('Revoked', { id: current.id, entry: current.entry, requester: current.requester,
    reason: args.reason });
  return null;
});

/** Anyone may run the sweep: escalates overdue requests and expires grants, up to `limit` each. */
export const escalateOverdue = tx((args: { limit?: number } | null) => {
  const limit = args?.limit ?? escalateOverdueMax;
  require(Number.isSafeInteger(limit) && limit >= 1 && limit <= escalateOverdueMax,
    `limit: 1-${escalateOverdueMax}`, 'BAD_ARGUMENTS');
  return sweep(limit);
});

/** The data authority marks dates as holidays or as working days (调休), e.g. once a year. */
export const setCalendar = tx((args: { holidays?: string[]; workdays?: string[] }) => {
  require(isAuthority(), 'setCalendar: only the data authority', 'UNAUTHORIZED');
  const holidays = args?.holidays ?? [];
  const workdays = args?.workdays ?? [];
  require(Array.isArray(holidays) && Array.isArray(workdays) &&
    holidays.length + workdays.length <= calendarDatesMax,
  `holidays, workdays: at most ${calendarDatesMax} dates in all`, 'BAD_ARGUMENTS');
  for (const [dates, mark] of [[holidays, 'holiday'], [workdays, 'workday']] as const) {
    for (const date of dates) {
      const day = parseDate(date);
      require(day !== null, `${mark}s: ${String(date)} is not a date (YYYY-MM-DD)`,
        'BAD_ARGUMENTS');
      state.set(`cal/${day}`, mark);
    }
  }
  emit('CalendarSet', { holidays: [...holidays], workdays: [...workdays] });
  return null;
});

// ---------------------------------------------------------------------------------------------
// Access receipts.

export type AccessReceipt = {
  readonly id: string;
  readonly provider: string;
  readonly recordedBy: string;
  readonly requester: string;
  /** Address (hex) of the requester's member who signed the fetch request. */
  readonly requesterMember: string;
  readonly system: string;
  readonly entry: string;
  readonly items: readonly string[];
  /** How many persons the access touched; who they are is in `rx/<id>` and `us/`. */
  readonly subjectCount: number;
  /** Hash of the requester's signed fetch request (the transaction carries its bytes). */
  readonly requestHash: string;
  /** The requester's signature over it, with the signer's key: anyone can check it again. */
  readonly request: { readonly signerKey: string; readonly signature: string;
    readonly nonce: string; readonly expiryHeight: number };
  readonly responseHash: string | null;
  readonly outcome: 'served' | 'refused';
  readonly refusalReason: string;
  /** What the chain's grants said at recording: served without a grant is recorded, flagged. */
  readonly grant: { readonly allowed: boolean; readonly grants: readonly string[] };
  readonly time: number;
  readonly height: number;
  /** A covert access (by law) is shown in `usage` only from this height; null: not covert. */
  readonly disclosureHeight: number | null;
  /** The law that allows keeping a covert access from the person; null: not covert. */
  readonly covertBasis: string | null;
  readonly acknowledged: { readonly by: string; readonly height: number;
    readonly matches: boolean } | null;
};

/** A receipt's personal fields, stored apart from it (`rx/<id>`). */
export type ReceiptPersonal = {
  readonly id: string;
  readonly purpose: string;
  readonly caseNumber: string;
  readonly officialId: string;
  readonly subjects: readonly string[];
};

type ReceiptArgs = {
  request: Uint8Array; subjects: string[]; responseHash?: string | null;
  outcome: 'served' | 'refused'; refusalReason?: string;
};

/** What `signatures.exchangeRequest` says about a signed request. */
type VerifiedRequest = {
  readonly valid: boolean;
  readonly reason: string;
  readonly hash?: string;
  readonly signer?: string;
  readonly signerKey?: string;
  readonly signature?: string;
  readonly action?: string;
  readonly expiryHeight?: number;
  readonly nonce?: string;
  readonly body?: Value;
  readonly identity?: { readonly agency: string; readonly roles: readonly string[] } | null;
};

/** The public part of a signed fetch, as the chain checks it. */
type FetchTerms = {
  readonly entry: string;
  readonly items: readonly string[];
  readonly system: string;
  readonly purpose: string;
  readonly caseNumber: string;
  readonly officialId: string;
  /** Subjects the request names; empty: a page of the dataset by offset. */
  readonly subjects: readonly string[];
  readonly covert: { readonly legalBasis: string; readonly disclosureHeight: number } | null;
};

function text(value: unknown, field: string, max: number): string {
  require(typeof value === 'string' && value.length > 0 && value.length <= max,
    `request ${field}: 1-${max} characters`, 'BAD_ARGUMENTS');
  return value;
}

function fetchTerms(body: Value | undefined): FetchTerms {
  require(body !== null && typeof body === 'object' && !Array.isArray(body) &&
    !(body instanceof Uint8Array), 'request body: a map', 'BAD_ARGUMENTS');
  const record = body as { readonly [key: string]: Value };
  const items = record.items;
  require(Array.isArray(items) && items.length > 0 && items.length <= 200 &&
    items.every((item) => typeof item === 'string'), 'request items: 1-200 names',
  'BAD_ARGUMENTS');
  const subjects = record.subjects ?? [];
  require(Array.isArray(subjects) && subjects.length <= subjectsPerReceiptMax &&
    subjects.every((subject) => typeof subject === 'string' && hashPattern.test(subject)),
  `request subjects: at most ${subjectsPerReceiptMax} ids (64 hex)`, 'BAD_ARGUMENTS');
  const covert = record.covert ?? null;
  let terms: FetchTerms['covert'] = null;
  if (covert !== null) {
    require(typeof covert === 'object' && !Array.isArray(covert) &&
      !(covert instanceof Uint8Array), 'request covert: {legalBasis, disclosureHeight}',
    'BAD_ARGUMENTS');
    const fields = covert as { readonly [key: string]: Value };
    const height = fields.disclosureHeight;
    require(typeof height === 'number' && Number.isSafeInteger(height),
      'request covert.disclosureHeight: a height', 'BAD_ARGUMENTS');
    terms = { legalBasis: text(fields.legalBasis, 'covert.legalBasis', 500),
      disclosureHeight: height };
  }
  return { entry: text(record.entry, 'entry', 40), items: items as string[],
    system: text(record.system, 'system', 200), purpose: text(record.purpose, 'purpose', 200),
    caseNumber: text(record.caseNumber, 'caseNumber', 200),
    officialId: text(record.officialId, 'officialId', 200), subjects: subjects as string[],
    covert: terms };
}

/**
 * Verifies the signed request on chain and returns who asked for what. Refuses (UNAUTHORIZED)
 * a signature that does not verify, an expired request and a signer who is not a staff or admin
 * member of an active agency now; ALREADY_EXISTS for a request already recorded.
 */
function verifiedFetch(request: unknown): { verified: VerifiedRequest; terms: FetchTerms;
  requester: string; roles: readonly string[] } {
  require(request instanceof Uint8Array, 'request: the signed fetch request (bytes)',
    'BAD_ARGUMENTS');
  const verified = call<VerifiedRequest>('signatures', 'exchangeRequest', { request });
  require(verified.valid, `recordAccess: the requester's signed request does not hold: ` +
    `${verified.reason}`, 'UNAUTHORIZED');
  require(verified.action === 'fetch', 'recordAccess: the request is not a fetch',
    'BAD_ARGUMENTS');
  require((verified.expiryHeight ?? 0) >= ctx().height,
    `recordAccess: the request expired at height ${verified.expiryHeight ?? 0}`, 'UNAUTHORIZED');
  const used = state.get<string>(`rq/${verified.hash ?? ''}`);
  require(used === undefined, `recordAccess: this request is already recorded (receipt ` +
    `${used ?? ''}); a signed request is acted on once`, 'ALREADY_EXISTS');
  const identity = verified.identity ?? fail('recordAccess: the request\'s signer is not an ' +
    'active member of any agency', 'UNAUTHORIZED');
  require(identity.roles.some((role) => requesterRoles.includes(role)),
    `recordAccess: the signer is not staff or admin of ${identity.agency}`, 'UNAUTHORIZED');
  return { verified, terms: fetchTerms(verified.body), requester: identity.agency,
    roles: identity.roles };
}

function checkReceiptArgs(args: ReceiptArgs, view: EntryView, terms: FetchTerms,
  roles: readonly string[]): void {
  require(terms.items.every((item) => view.items.includes(item)),
    `request items: data items of ${view.code}`, 'BAD_ARGUMENTS');
  require(Array.isArray(args.subjects) && args.subjects.length <= subjectsPerReceiptMax &&
    args.subjects.every((subject) => typeof subject === 'string' && hashPattern.test(subject)),
  `subjects: at most ${subjectsPerReceiptMax} pseudonymous ids (64 hex)`, 'BAD_ARGUMENTS');
  require(terms.subjects.length === 0 ||
    args.subjects.every((subject) => terms.subjects.includes(subject)),
  'subjects: only subjects the request names', 'BAD_ARGUMENTS');
  require(args.outcome === 'served' || args.outcome === 'refused',
    'outcome: served or refused', 'BAD_ARGUMENTS');
  if (args.outcome === 'served') {
    require(typeof args.responseHash === 'string' && hashPattern.test(args.responseHash),
      'responseHash: 64 hex for a served access', 'BAD_ARGUMENTS');
  } else {
    require(typeof args.refusalReason === 'string' && args.refusalReason.length > 0 &&
      args.refusalReason.length <= 500, 'refusalReason: 1-500 characters for a refused access',
    'BAD_ARGUMENTS');
  }
  if (terms.covert !== null) {
    require(roles.includes(covertRole), `covert access: the signer needs the ${covertRole} ` +
      'role, which its agency grants', 'UNAUTHORIZED');
    const bound = config().covertDelayBlocksMax ?? covertDelayBlocksDefault;
    const height = terms.covert.disclosureHeight;
    require(height > ctx().height && height <= ctx().height + bound,
      `covert access: the disclosure height must lie within ${bound} blocks (the chain's ` +
      `bound) after ${ctx().height}`, 'BAD_ARGUMENTS');
  }
}

export type DatasetRecord = {
  readonly entry: string;
  readonly version: number;
  /** Hash (64 hex) of the dataset version as the provider's node stores it. */
  readonly hash: string;
  readonly records: number;
  readonly by: string;
  readonly height: number;
  readonly time: number;
};

/**
 * The provider's node registers each dataset version it takes from its agency's systems: the
 * data stays off chain, its hash and size go on chain, so a provider cannot change what it
 * serves without a trace, and every access receipt's dataset version can be looked up.
 */
export const registerDataset = tx((args: { entry: string; version: number; hash: string;
  records: number }) => {
  require(args !== null && typeof args === 'object', 'arguments: an object', 'BAD_ARGUMENTS');
  const view = lookup(args.entry, null);
  require(ctx().agency === view.provider && hasRole('exchange', 'operator'),
    `registerDataset: only an exchange or operator member of ${view.provider}`, 'UNAUTHORIZED');
  require(typeof args.hash === 'string' && hashPattern.test(args.hash), 'hash: 64 hex',
    'BAD_ARGUMENTS');
  require(Number.isSafeInteger(args.records) && args.records >= 0, 'records: a count',
    'BAD_ARGUMENTS');
  const previous = state.get<DatasetRecord>(`ds/${view.code}`);
  require(Number.isSafeInteger(args.version) && args.version > (previous?.version ?? 0),
    `version: above ${previous?.version ?? 0}`, 'BAD_ARGUMENTS');
  const record: DatasetRecord = { entry: view.code, version: args.version, hash: args.hash,
    records: args.records, by: sender(), height: ctx().height, time: ctx().time };
  state.set(`ds/${view.code}`, record);
  emit('DatasetRegistered', record);
  return record;
});

/** The latest dataset version a provider registered for an entry, or null. */
export const dataset = query((args: { entry: string }) =>
  state.get<DatasetRecord>(`ds/${String(args?.entry)}`) ?? null);

/**
 * The provider's node (a member of the provider agency with the `exchange` or `operator` role)
 * records one access, served or refused, carrying the requester's signed fetch request; the
 * chain checks that request, not the node's word (see the header).
 */
export const recordAccess = tx((args: ReceiptArgs) => {
  sweep(sweepItemsPerCall);
  require(args !== null && typeof args === 'object', 'arguments: an object', 'BAD_ARGUMENTS');
  const { verified, terms, requester, roles } = verifiedFetch(args.request);
  const view = lookup(terms.entry, null);
  require(ctx().agency === view.provider && hasRole('exchange', 'operator'),
    `recordAccess: only an exchange or operator member of ${view.provider}`, 'UNAUTHORIZED');
  checkReceiptArgs(args, view, terms, roles);
  const check = grantCheck(requester, view.code, view.status, terms.items, ctx().height);
  const id = `${pad(ctx().time, 14)}-${pad(receiptSeq.add(1), 8)}`;
  const subjects = [...new Set(args.subjects)].sort();
  const receipt: AccessReceipt = { id, provider: view.provider, recordedBy: sender(),
    requester, requesterMember: verified.signer ?? '', system: terms.system,
    entry: view.code, items: [...terms.items], subjectCount: subjects.length,
    requestHash: verified.hash ?? '',
    request: { signerKey: verified.signerKey ?? '', signature: verified.signature ?? '',
      nonce: verified.nonce ?? '', expiryHeight: verified.expiryHeight ?? 0 },
    responseHash: args.outcome === 'served' ? args.responseHash ?? null : null,
    outcome: args.outcome, refusalReason: args.refusalReason ?? '',
    grant: { allowed: check.allowed, grants: check.grants }, time: ctx().time,
    height: ctx().height, disclosureHeight: terms.covert?.disclosureHeight ?? null,
    covertBasis: terms.covert?.legalBasis ?? null, acknowledged: null };
  const personal: ReceiptPersonal = { id, purpose: terms.purpose, caseNumber: terms.caseNumber,
    officialId: terms.officialId, subjects };
  state.set(`rc/${id}`, receipt);
  state.set(`rx/${id}`, personal);
  state.set(`rq/${receipt.requestHash}`, id);
  state.set(`ra/${receipt.requester}#${id}`, 1);
  state.set(`rp/${receipt.provider}#${id}`, 1);
  state.set(`re/${receipt.entry}#${id}`, 1);
  // Newest first under each subject: the key inverts time and sequence.
  const newest = `${pad(99_999_999_999_999 - ctx().time, 14)}-${pad(99_999_999 -
    receiptSeq.get(), 8)}`;
  for (const subject of subjects) state.set(`us/${subject}#${newest}`, id);
  // Node indexes learn the personal fields from the event, which carries what the transaction's
  // arguments (the signed request) carry anyway; their routes decide who reads them.
  emit('AccessRecorded', { ...receipt, ...personal });
  if (receipt.outcome === 'served' && !check.allowed) {
    emit('UngrantedAccess', { id, requester: receipt.requester, entry: receipt.entry,
      missing: check.missing });
  }
  return id;
});

/**
 * The requester's node confirms a receipt: whether the response it got has the receipt's hash
 * and, when it lists the subjects of the records it got, whether they are the receipt's. A
 * provider that names persons it did not serve (on a page by offset the request names none) is
 * thereby contradicted on chain, and the citizen's view marks that access disputed.
 */
export const acknowledgeAccess = tx((args: { id: string; responseHash: string;
  subjects?: string[] }) => {
  const receipt = state.get<AccessReceipt>(`rc/${String(args?.id)}`) ??
    fail(`no receipt ${String(args?.id)}`, 'NOT_FOUND');
  require(ctx().agency === receipt.requester && hasRole('exchange', 'operator'),
    `acknowledgeAccess: only an exchange or operator member of ${receipt.requester}`,
    'UNAUTHORIZED');
  require(receipt.acknowledged === null, `receipt ${receipt.id} is already acknowledged`);
  const named = state.get<ReceiptPersonal>(`rx/${receipt.id}`)?.subjects ?? [];
  const got = args.subjects;
  const subjectsMatch = got === undefined || (Array.isArray(got) &&
    got.length <= subjectsPerReceiptMax && new Set(got).size === named.length &&
    got.every((subject) => named.includes(subject)));
  const matches = receipt.responseHash !== null && args.responseHash === receipt.responseHash &&
    subjectsMatch;
  state.set(`rc/${receipt.id}`, { ...receipt,
    acknowledged: { by: sender(), height: ctx().height, matches } });
  emit('AccessAcknowledged', { id: receipt.id, matches });
  return matches;
});

// ---------------------------------------------------------------------------------------------
// Queries.

type GrantCheck = { allowed: boolean; grants: string[]; missing: string[]; reason: string };

/**
 * Which of `items` valid grants cover for `requester` on `entry` at `height`: only the live
 * grants of that pair are read (the index is ordered by expiry), and none count while the entry
 * is not published.
 */
function grantCheck(requester: string, entry: string, status: string, items: readonly string[],
  height: number): GrantCheck {
  if (status !== 'published') {
    return { allowed: false, grants: [], missing: [...items], reason: `entry ${entry} is ${status}` };
  }
  const grants: string[] = [];
  const covered: string[] = [];
  for (const key of liveGrantKeys(entry, requester, height)) {
    const found = state.get<SharingRequest>(requestKey(key.slice(key.lastIndexOf('#') + 1)));
    if (found === undefined || found.status !== 'granted' || found.validFrom > height ||
      height >= found.validUntil) continue;
    const useful = found.grantedItems.filter((item) => items.includes(item));
    if (useful.length === 0) continue;
    grants.push(found.id);
    covered.push(...useful);
  }
  const missing = items.filter((item) => !covered.includes(item));
  const allowed = items.length > 0 && missing.length === 0;
  return { allowed, grants, missing,
    reason: allowed ? '' : `no valid grant covers ${missing.join(', ')} of ${entry}` };
}

/**
 * For the exchange module: does `requester` hold valid grants covering `items` of `entry` at
 * `height` (now or later; the past is in each receipt's `grant`), and is the entry in service?
 */
export const checkGrant = query((args: { requester: string; entry: string; items: string[];
  height?: number }) => {
  require(typeof args?.requester === 'string' && typeof args.entry === 'string' &&
    Array.isArray(args.items), 'checkGrant {requester, entry, items, height?}', 'BAD_ARGUMENTS');
  const height = args.height ?? ctx().height;
  require(Number.isSafeInteger(height) && height >= ctx().height,
    'height: the current height or a later one', 'BAD_ARGUMENTS');
  const head = call<{ status: string } | null>(catalogName(), 'entry', { code: args.entry });
  return grantCheck(args.requester, args.entry, head?.status ?? 'unknown', args.items, height);
});

type Page = { readonly items: Value[]; readonly next: string | null };

function page(prefix: string, args: { after?: string; limit?: number; end?: string } | null,
  resolve: (suffix: string, value: Value) => Value | null): Page {
  const limit = typeof args?.limit === 'number' && args.limit >= 1 && args.limit <= listLimitMax
    ? args.limit : 50;
  const found = state.range({ prefix, limit,
    ...(typeof args?.after === 'string' ? { start: `${prefix}${args.after}\u0000` } : {}),
    ...(args?.end === undefined ? {} : { end: args.end }) });
  const items: Value[] = [];
  for (const [key, value] of found) {
    const item = resolve(key.slice(prefix.length), value);
    if (item !== null) items.push(item);
  }
  const last = found[found.length - 1];
  return { items, next: found.length === limit && last !== undefined
    ? last[0].slice(prefix.length) : null };
}

export const getRequest = query((args: { id: string }) =>
  state.get<SharingRequest>(requestKey(String(args?.id))) ?? null);

/** An agency's requests, as requester (`side: 'requester'`) or as provider (its inbox). */
export const requests = query((args: { agency: string; side: 'requester' | 'provider';
  status?: string; after?: string; limit?: number }) => {
  require(args?.side === 'requester' || args?.side === 'provider',
    'side: requester or provider', 'BAD_ARGUMENTS');
  return page(`${args.side === 'requester' ? 'qa' : 'qp'}/${args.agency}#`, args,
    (id, status) => args.status === undefined || status === args.status
      ? state.get<SharingRequest>(requestKey(id)) ?? null : null);
});

/**
 * Whether a sweep has work at block time `time` and height `height`: the data authority's nodes
 * ask after each block and, when it has, call `escalateOverdue`, so an overdue request is
 * escalated within a block or two even when no one touches this contract.
 */
export const sweepDue = query((args: { time: number; height: number }) => {
  require(Number.isSafeInteger(args?.time) && Number.isSafeInteger(args?.height),
    'sweepDue {time, height}', 'BAD_ARGUMENTS');
  const [due] = state.range({ prefix: 'due/', limit: 1 });
  const [expiring] = state.range({ prefix: 'exp/', limit: 1 });
  return {
    overdue: due !== undefined && Number(due[0].slice(4, 19)) <= args.time,
    expiring: expiring !== undefined && Number(expiring[0].slice(4, 16)) <= args.height,
  };
});

/** The data authority's queue: escalated requests. */
export const escalated = query((args: { after?: string; limit?: number } | null) =>
  page('qx/', args, (id) => state.get<SharingRequest>(requestKey(id)) ?? null));

/** The provider deadline for a request made at block time `time` (ms), for forms. */
export const deadlineFor = query((args: { time: number }) =>
  workingDeadline(args.time, answerWorkingDays));

/** One receipt as the chain holds it: no personal field is in it (see the header). */
export const receipt = query((args: { id: string }) =>
  state.get<AccessReceipt>(`rc/${String(args?.id)}`) ?? null);

/** Whether a signed request (by the hash in its receipts) was recorded, and as which receipt. */
export const requestRecorded = query((args: { hash: string }) =>
  state.get<string>(`rq/${String(args?.hash)}`) ?? null);

/**
 * Receipts by requester or provider agency, by entry, or by block time range [from, to) in ms.
 * Oldest first; `next` continues.
 */
export const receipts = query((args: { requester?: string; provider?: string; entry?: string;
  from?: number; to?: number; after?: string; limit?: number }) => {
  const byIndex = (id: string): AccessReceipt | null =>
    state.get<AccessReceipt>(`rc/${id}`) ?? null;
  if (args?.requester !== undefined) return page(`ra/${args.requester}#`, args, byIndex);
  if (args?.provider !== undefined) return page(`rp/${args.provider}#`, args, byIndex);
  if (args?.entry !== undefined) return page(`re/${args.entry}#`, args, byIndex);
  require(Number.isSafeInteger(args?.from) && Number.isSafeInteger(args?.to),
    'receipts: requester, provider, entry, or from and to (ms)', 'BAD_ARGUMENTS');
  return page('rc/', { ...args, after: args.after ?? `${pad((args.from ?? 0) - 1, 14)}-` +
    '99999999', end: `rc/${pad(args.to ?? 0, 14)}` }, (_id, value) => value as AccessReceipt);
});

/**
 * The citizen's view: every access to records about `subject`, newest first. A covert access
 * not yet disclosed at the current height is listed as such, with its disclosure height, never
 * left out. The purpose is not on chain; the parties' nodes add it for the person (ADR 0010).
 * Only a top-level query (the node's) may ask: the public API refuses `sharing.usage` and serves
 * the citizen's log through GET /v1/usage with the subject's proof, but a contract that called
 * this from its own query would pass the log on through POST /v1/query, unseen by the API.
 */
export const usage = query((args: { subject: string; after?: string; limit?: number }) => {
  require(ctx().caller === null, 'usage: only at GET /v1/usage', 'UNAUTHORIZED');
  require(typeof args?.subject === 'string' && hashPattern.test(args.subject),
    'subject: a pseudonymous id (64 hex)', 'BAD_ARGUMENTS');
  return page(`us/${args.subject}#`, args, (_key, id) => {
    const found = state.get<AccessReceipt>(`rc/${String(id)}`);
    if (found === undefined) return null;
    if (found.disclosureHeight !== null && ctx().height < found.disclosureHeight) {
      return { id: found.id, covert: true, disclosedAfterHeight: found.disclosureHeight };
    }
    return { id: found.id, covert: false, time: found.time, agency: found.requester,
      system: found.system, entry: found.entry, items: found.items, outcome: found.outcome,
      disputed: found.acknowledged?.matches === false };
  });
});
