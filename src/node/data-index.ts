// The projection from the `catalog` and `sharing` contracts' events to the node's data index
// rows (src/storage/data-index.ts), and the start-up catch-up that rebuilds the index from the
// stored receipts. Chain.applyBlock calls `projectDataEvents` so a block's rows are written in
// the block's own storage transaction; the catch-up covers a new, stale or deleted index.
//
// Events are read defensively: a contract upgrade could change their shapes, and an event the
// projection does not understand is skipped (and counted) rather than allowed to stop the node.
import { decodeReceipt } from '../ledger/index.js';
import type { CborValue } from '../core/index.js';
import type { Receipt } from '../ledger/index.js';
import type { ChainStore, DataIndexRow } from '../storage/index.js';
import { catalogContract, sharingContract } from '../exchange/index.js';

/** The contracts the index follows, deployed at genesis under exactly these names. */
export const dataContractNames = { catalog: catalogContract, sharing: sharingContract } as const;

/** Catch-up writes this many heights per storage transaction, so a crash loses little work. */
const catchUpHeightsPerBatch = 500;

/** The request status each sharing event moves a request to. */
const requestTransitions: Readonly<Record<string, string>> = {
  Granted: 'granted', Rejected: 'rejected', Escalated: 'escalated', Cancelled: 'cancelled',
  Revoked: 'revoked', Expired: 'expired',
};

type Fields = Readonly<Record<string, CborValue>>;

function fieldsOf(data: CborValue): Fields | undefined {
  return data !== null && typeof data === 'object' && !Array.isArray(data) &&
    !(data instanceof Uint8Array) ? data as Fields : undefined;
}

function str(fields: Fields, name: string): string | undefined {
  const value = fields[name];
  return typeof value === 'string' ? value : undefined;
}

function int(fields: Fields, name: string): number | undefined {
  const value = fields[name];
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
}

function strings(value: CborValue | undefined): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string')
    ? value as string[] : undefined;
}

function catalogRow(name: string, fields: Fields, height: number): DataIndexRow | undefined {
  const code = str(fields, 'code');
  if (code === undefined) return undefined;
  if (name === 'EntryDisabled') return { kind: 'entryStatus', code, status: 'disabled', height };
  if (name !== 'EntryPublished') return undefined;
  const items = fields.items;
  const itemNames = Array.isArray(items)
    ? strings(items.map((item) => fieldsOf(item)?.name ?? null)) : undefined;
  const provider = str(fields, 'provider');
  const sharingType = str(fields, 'sharingType');
  const title = str(fields, 'name');
  const abstract = str(fields, 'abstract');
  const version = int(fields, 'version');
  if (itemNames === undefined || provider === undefined || sharingType === undefined ||
    title === undefined || abstract === undefined || version === undefined) return undefined;
  return { kind: 'entry', entry: { code, provider, category: code.slice(0, 3), sharingType,
    name: title, abstract, itemNames, status: 'published', version, height } };
}

function sharingRow(name: string, fields: Fields, height: number): DataIndexRow | undefined {
  if (name === 'AccessRecorded') return receiptRow(fields, height);
  const id = str(fields, 'id');
  if (id === undefined) return undefined;
  if (name === 'RequestSubmitted') {
    const requester = str(fields, 'requester');
    const provider = str(fields, 'provider');
    const entry = str(fields, 'entry');
    const deadline = fields.deadline === null ? null : int(fields, 'deadline');
    if (requester === undefined || provider === undefined || entry === undefined ||
      deadline === undefined) return undefined;
    // Escalated or Granted follows in the same receipt when the entry's type decides at once.
    return { kind: 'request', request: { id, requester, provider, entry, status: 'pending',
      deadline, height } };
  }
  const status = requestTransitions[name];
  return status === undefined ? undefined : { kind: 'requestStatus', id, status, height };
}

function receiptRow(fields: Fields, height: number): DataIndexRow | undefined {
  const text = ['id', 'requester', 'provider', 'entry', 'purpose', 'system', 'outcome']
    .map((name) => str(fields, name));
  const items = strings(fields.items);
  const subjects = strings(fields.subjects);
  const time = int(fields, 'time');
  const disclosureHeight = fields.disclosureHeight === null ? null
    : int(fields, 'disclosureHeight');
  const [id, requester, provider, entry, purpose, system, outcome] = text;
  if (id === undefined || requester === undefined || provider === undefined ||
    entry === undefined || purpose === undefined || system === undefined ||
    outcome === undefined || items === undefined || subjects === undefined ||
    time === undefined || disclosureHeight === undefined) return undefined;
  return { kind: 'receipt', receipt: { id, requester, provider, entry, purpose, system, items,
    time, height, outcome, disclosureHeight, subjects } };
}

export interface Projection {
  readonly rows: DataIndexRow[];
  /** Events of the followed contracts whose shape the projection did not recognise. */
  readonly skipped: number;
}

/** The index rows of one block's receipts, in event order; failed transactions emit nothing. */
export function projectDataEvents(height: number, receipts: readonly Receipt[]): Projection {
  const rows: DataIndexRow[] = [];
  let skipped = 0;
  for (const receipt of receipts) {
    if (receipt.status !== 'ok') continue;
    for (const event of receipt.events) {
      const isCatalog = event.contract === dataContractNames.catalog;
      if (!isCatalog && event.contract !== dataContractNames.sharing) continue;
      const fields = fieldsOf(event.data);
      const row = fields === undefined ? undefined : isCatalog
        ? catalogRow(event.name, fields, height) : sharingRow(event.name, fields, height);
      if (row !== undefined) rows.push(row);
      else if (isKnownEvent(event.name)) skipped += 1;
    }
  }
  return { rows, skipped };
}

const knownEvents = new Set(['EntryPublished', 'EntryDisabled', 'RequestSubmitted',
  'AccessRecorded', ...Object.keys(requestTransitions)]);

function isKnownEvent(name: string): boolean {
  return knownEvents.has(name);
}

/**
 * Brings the data index up to the store's latest height from the stored receipts: after a
 * schema change or a deleted index this is a full rebuild. MUST run BEFORE the node applies
 * blocks, since commits add rows only to an index that is caught up.
 */
export function catchUpDataIndex(store: ChainStore): { heights: number; skipped: number } {
  const latest = store.latestHeight();
  const start = store.data.height();
  let skipped = 0;
  for (let from = start + 1; from <= latest; from += catchUpHeightsPerBatch) {
    const to = Math.min(latest, from + catchUpHeightsPerBatch - 1);
    const rows: DataIndexRow[] = [];
    for (let height = from; height <= to; height++) {
      const receipts = store.txsAt(height).map((tx) => decodeReceipt(tx.receipt));
      const projection = projectDataEvents(height, receipts);
      rows.push(...projection.rows);
      skipped += projection.skipped;
    }
    store.indexData(rows, to);
  }
  return { heights: Math.max(0, latest - start), skipped };
}
