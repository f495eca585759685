// What the data-sharing pages read from the node and hand to the user: catalog entries with
// their versions, sharing requests in full, the data authority's agency, and the helpers that
// turn fetched payloads and evidence into files to download. The contracts' records arrive as
// CBOR values of shapes the contracts define (contracts/catalog, contracts/sharing); they are
// given their view types here, once, so the pages stay free of casts.
import type { CborValue } from '../../src/core/index.js';
import type { FetchedPayload } from '../../src/sdk/index.js';
import { client } from './node.js';

export const sharingTypes = ['UNCONDITIONAL', 'CONDITIONAL', 'NOT_SHARED'] as const;
export type SharingType = (typeof sharingTypes)[number];

export interface DataItemView {
  readonly name: string;
  readonly type: string;
  readonly personal: boolean;
  readonly sensitive: boolean;
}

/** An entry as the provider submits it (the catalog contract's EntryInput). */
export interface EntryInputView {
  readonly code: string;
  readonly name: string;
  readonly providerCode: string;
  readonly abstract: string;
  readonly format: string;
  readonly items: readonly DataItemView[];
  readonly sharingType: string;
  readonly legalBasis: string;
  readonly conditions: string;
  readonly method: string;
  readonly open: string;
  readonly updateCycle: string;
  readonly related: readonly string[];
  readonly grade: string;
  readonly duties: readonly string[];
  readonly schemaHash: string;
}

export interface EntryVersionView extends EntryInputView {
  readonly version: number;
  readonly provider: string;
  readonly submittedBy: string;
  readonly submittedHeight: number;
  readonly publishedAt: number | null;
  readonly publishedHeight: number | null;
}

export interface EntryHeadView {
  readonly code: string;
  readonly provider: string;
  readonly status: string;
  readonly current: EntryVersionView | null;
  readonly pending: EntryVersionView | null;
  readonly versions: number;
  readonly lastReview: { readonly version: number; readonly approved: boolean;
    readonly reason: string; readonly by: string; readonly height: number } | null;
  readonly disabled: { readonly reason: string; readonly by: string;
    readonly height: number } | null;
}

export interface DutyView {
  readonly agency: string;
  readonly code: string;
  readonly name: string;
  readonly legalBasis: string;
}

/** A sharing request in full (the sharing contract's SharingRequest). */
export interface RequestView {
  readonly id: string;
  readonly requester: string;
  readonly requestedBy: string;
  readonly provider: string;
  readonly entry: string;
  readonly sharingType: string;
  readonly items: readonly string[];
  readonly purpose: string;
  readonly scenario: string;
  readonly duty: string | null;
  readonly legalBasis: string;
  readonly validFrom: number;
  readonly validUntil: number;
  readonly status: string;
  readonly submittedAt: number;
  readonly deadline: number | null;
  readonly grantedItems: readonly string[];
  readonly decision: { readonly by: string; readonly height: number;
    readonly reason: string } | null;
}

interface ContractPage { readonly items: readonly CborValue[]; readonly next: string | null }

/**
 * The contracts' records are plain maps of strings, numbers, booleans and lists (they keep
 * hashes as hex strings), so their CBOR form is already the view; this is the one place that
 * says so to the type checker.
 */
function asView<T>(value: CborValue): T {
  return value as unknown as T;
}

export async function loadEntry(code: string): Promise<EntryHeadView | null> {
  const head = await client.query('catalog', 'entry', { code });
  return head === null ? null : asView<EntryHeadView>(head);
}

/** Versions awaiting the data authority's review (the contract lists at most 100). */
export async function loadReviewQueue(): Promise<EntryVersionView[]> {
  const page = asView<ContractPage>(await client.query('catalog', 'reviewQueue',
    { limit: 100 }));
  return page.items.map((item) => asView<EntryVersionView>(item));
}

export async function loadDuties(agency: string): Promise<DutyView[]> {
  const page = asView<ContractPage>(await client.query('catalog', 'duties',
    { agency, limit: 100 }));
  return page.items.map((item) => asView<DutyView>(item));
}

let authority: Promise<string> | undefined;

/** The data authority's agency, fixed when the catalog was deployed. */
export function authorityAgency(): Promise<string> {
  authority ??= client.query('catalog', 'config', {}).then((config) =>
    String(asView<{ authorityAgency: string } | null>(config)?.authorityAgency ?? ''));
  return authority;
}

export async function loadRequest(id: string): Promise<RequestView | null> {
  const found = await client.query('sharing', 'getRequest', { id });
  return found === null ? null : asView<RequestView>(found);
}

/** Full records for a page of the index's request rows (which carry no items). */
export async function loadRequests(ids: readonly string[]): Promise<RequestView[]> {
  const found = await Promise.all(ids.map(loadRequest));
  return found.filter((request): request is RequestView => request !== null);
}

/** The contract's field errors, parsed from its "invalid entry: field: message; ..." refusal. */
export function contractFieldErrors(message: string): { field: string; message: string }[] {
  const start = message.indexOf('invalid entry: ');
  if (start < 0) return [];
  return message.slice(start + 'invalid entry: '.length).split('; ').map((part) => {
    const colon = part.indexOf(': ');
    return colon < 0 ? { field: 'entry', message: part }
      : { field: part.slice(0, colon), message: part.slice(colon + 2) };
  });
}

/** Offers `content` to the user as a file download. */
export function download(name: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has handed the blob to the browser's download; the URL is no longer needed.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

function csvCell(value: string | number | boolean | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The payload's records as CSV: a subject column, then one column per granted item. */
export function payloadCsv(payload: FetchedPayload): string {
  const header = ['subject', ...payload.items];
  const rows = payload.records.map((record) => [record.subject,
    ...payload.items.map((item) => record.data[item])]);
  // A byte-order mark lets spreadsheet programs read the Chinese text as UTF-8.
  return `\uFEFF${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** A file name made from an entry code or receipt id (`/` is not allowed in names). */
export function fileSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, '-');
}
