// The public API's one policy for citizens' personal data (ADR 0010): which contract state keys,
// events and queries carry a person's subject id or a receipt's personal fields (purpose, case
// number, official, subjects). The raw routes (state, transactions and their receipts, the
// transaction search, the event stream, POST /v1/query) apply it, so an unauthenticated client
// gets nothing personal; the receipt, evidence and usage routes serve those fields to readers who
// prove they may read them. Node operators are not protected by this: every node holds the whole
// state and every block, and peer-to-peer sync (src/network) is unaffected.
import { ErrorCode, ZwError, toJsonValue } from '../core/index.js';
import type { CborValue, ErrorCode as ErrorCodeType, JsonValue } from '../core/index.js';

/** Tag bytes of a contract's raw namespace (src/vm/key-index.ts). */
const valueTag = 0x64; // 'd': a value under the contract's own key
const indexNodeTag = 0x6e; // 'n': a node of the ordered key index, which holds key names

/**
 * Contract keys whose value or name is personal: `rx/<receipt id>` holds a receipt's personal
 * fields, `us/<subject>#...` names the person (the citizen's view). Every other `sharing` key is
 * agency-level (requests, grants, receipts without personal fields, datasets, the calendar).
 */
export const personalStatePrefixes: Readonly<Record<string, readonly string[]>> = {
  sharing: ['rx/', 'us/'],
};

/**
 * Transactions whose arguments are personal: `recordAccess` carries the signed fetch request
 * (purpose, case number, official, subjects) and the subjects; `acknowledgeAccess` the subjects
 * the requester received. No route serves transaction arguments; the search marks these.
 */
export const personalArgMethods: Readonly<Record<string, readonly string[]>> = {
  sharing: ['recordAccess', 'acknowledgeAccess'],
};

/**
 * Events whose data is personal, and the fields of it the public may see. `AccessRecorded`
 * carries the receipt with its personal fields; its receipt without them is public anyway
 * (`rc/<id>`, GET /v1/receipts), so the public keeps only the id to look it up.
 */
export const personalEvents: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> =
  { sharing: { AccessRecorded: ['id'] } };

/** Queries whose results are personal, the code they are refused with and where to go instead. */
export const personalQueries: Readonly<Record<string, Readonly<Record<string,
  { readonly code: ErrorCodeType; readonly instead: string }>>>> = {
  sharing: {
    usage: { code: ErrorCode.SUBJECT_PROOF_REQUIRED,
      instead: 'GET /v1/usage/:subject with the person\'s usage proof (ADR 0013)' },
  },
};

const textDecoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Whether a raw state key of `contract` is personal: a value under a personal prefix, or any
 * node of the contract's key index (its pages list key names, `us/<subject>#...` among them).
 */
export function isPersonalStateKey(contract: string, key: Uint8Array): boolean {
  const prefixes = personalStatePrefixes[contract];
  if (prefixes === undefined) return false;
  if (key[0] === indexNodeTag) return true;
  if (key[0] !== valueTag) return false;
  const name = textDecoder.decode(key.subarray(1));
  return prefixes.some((prefix) => name.startsWith(prefix));
}

/** Refuses a raw read of a personal state key to the public (403 UNAUTHORIZED). */
export function refusePersonalState(contract: string, key: Uint8Array): void {
  if (!isPersonalStateKey(contract, key)) return;
  throw new ZwError(ErrorCode.UNAUTHORIZED, `${contract} keys under ` +
    `${(personalStatePrefixes[contract] ?? []).join(', ')} and its key index hold personal ` +
    'data: read receipts through GET /v1/receipts with a reader proof (zw-reader-proof), a ' +
    'person\'s usage through GET /v1/usage/:subject (ADR 0010)');
}

/** Whether a transaction's arguments are personal. */
export function hasPersonalArgs(contract: string, method: string): boolean {
  return personalArgMethods[contract]?.includes(method) ?? false;
}

/** An event as the public API shows it. */
export interface EventView {
  readonly contract: string;
  readonly name: string;
  readonly data: JsonValue;
  readonly dataRedacted?: true;
}

/** An event's public view: personal events keep only their public fields, marked redacted. */
export function eventView(contract: string, name: string, data: CborValue): EventView {
  const shown = personalEvents[contract]?.[name];
  if (shown === undefined) return { contract, name, data: toJsonValue(data) };
  const kept: Record<string, JsonValue> = {};
  if (data !== null && typeof data === 'object' && !Array.isArray(data) &&
      !(data instanceof Uint8Array)) {
    const record = data as Readonly<Record<string, CborValue>>;
    for (const field of shown) {
      const value = record[field];
      if (value !== undefined) kept[field] = toJsonValue(value);
    }
  }
  return { contract, name, data: kept, dataRedacted: true };
}

/** Whether any event of a receipt is personal (its public view is then redacted). */
export function hasPersonalEvents(events: readonly { contract: string; name: string }[]): boolean {
  return events.some((event) => personalEvents[event.contract]?.[event.name] !== undefined);
}

/** Refuses a personal query to the public, with its code and the route that serves it. */
export function refusePersonalQuery(contract: string, method: string): void {
  const rule = personalQueries[contract]?.[method];
  if (rule === undefined) return;
  throw new ZwError(rule.code, `${contract}.${method} returns personal data and is not served ` +
    `through POST /v1/query: use ${rule.instead}`);
}
