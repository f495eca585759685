// The catalog contract's rules for an entry's shape (contracts/catalog/src/index.ts,
// entryErrors), checked in the page as the provider types so that mistakes show beside their
// field before anything is signed. The contract stays the judge: the form also asks its
// `validate` query and shows the contract's own field errors, and a refusal at publish time
// (a duty the agency has not registered) comes back field by field too.
//
// Keep these lists and patterns in step with the contract; the browser test publishes through
// this form, so a drift shows up as a refusal there.
import type { EntryInputView } from './data.js';

export const formats = ['database', 'spreadsheet', 'document', 'image', 'stream', 'api', 'other'];
export const itemTypes = ['string', 'integer', 'decimal', 'date', 'datetime', 'boolean',
  'binary'];
export const methods = ['api', 'file', 'database'];
export const openAttributes = ['open', 'conditional-open', 'not-open'];
export const updateCycles = ['realtime', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly',
  'irregular'];
export const grades = ['general', 'important', 'core'];

export const catalogLimits = {
  itemsPerEntryMax: 200,
  relatedPerEntryMax: 20,
  dutiesPerEntryMax: 20,
} as const;

const resourceCodePattern = /^[1-3]\d{2}\d{3}\d{0,9}\/\d{6}$/;
const providerCodePattern = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;
const dutyCodePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;
const schemaHashPattern = /^[0-9a-f]{64}$/;

/** One field's problem: `key` names its sentence under `catalogErrors.` in i18n. */
export interface EntryFieldError {
  readonly field: string;
  readonly key: string;
  readonly values?: Readonly<Record<string, string | number>>;
}

type Errors = EntryFieldError[];

function text(errors: Errors, field: string, value: string, min: number, max: number): void {
  // The contract counts JavaScript string length (UTF-16 units), and so does this.
  if (value.length < min || value.length > max) {
    errors.push({ field, key: min === 0 ? 'tooLong' : 'textLength', values: { min, max } });
  }
}

function oneOf(errors: Errors, field: string, value: string, allowed: readonly string[]): void {
  if (!allowed.includes(value)) errors.push({ field, key: 'choose' });
}

function checkItems(errors: Errors, entry: EntryInputView): void {
  const { itemsPerEntryMax } = catalogLimits;
  if (entry.items.length < 1 || entry.items.length > itemsPerEntryMax) {
    errors.push({ field: 'items', key: 'itemsCount', values: { max: itemsPerEntryMax } });
    return;
  }
  const seen = new Set<string>();
  entry.items.forEach((item, index) => {
    text(errors, `items[${index}].name`, item.name, 1, 64);
    if (seen.has(item.name)) errors.push({ field: `items[${index}].name`, key: 'itemRepeats' });
    seen.add(item.name);
    oneOf(errors, `items[${index}].type`, item.type, itemTypes);
  });
}

function checkSharing(errors: Errors, entry: EntryInputView): void {
  oneOf(errors, 'sharingType', entry.sharingType, ['UNCONDITIONAL', 'CONDITIONAL',
    'NOT_SHARED']);
  const restricted = entry.sharingType === 'CONDITIONAL' || entry.sharingType === 'NOT_SHARED';
  if (restricted && entry.legalBasis.length === 0) {
    errors.push({ field: 'legalBasis', key: 'legalBasisRequired' });
  } else {
    text(errors, 'legalBasis', entry.legalBasis, 0, 500);
  }
  if (entry.sharingType === 'CONDITIONAL' && entry.conditions.length === 0) {
    errors.push({ field: 'conditions', key: 'conditionsRequired' });
  } else {
    text(errors, 'conditions', entry.conditions, 0, 1000);
  }
  oneOf(errors, 'method', entry.method, methods);
  oneOf(errors, 'open', entry.open, openAttributes);
}

function checkLinks(errors: Errors, entry: EntryInputView): void {
  const { relatedPerEntryMax, dutiesPerEntryMax } = catalogLimits;
  if (entry.related.length > relatedPerEntryMax) {
    errors.push({ field: 'related', key: 'relatedCount', values: { max: relatedPerEntryMax } });
  } else if (entry.related.some((code) => !resourceCodePattern.test(code))) {
    errors.push({ field: 'related', key: 'relatedCode' });
  }
  if (entry.duties.length < 1 || entry.duties.length > dutiesPerEntryMax) {
    errors.push({ field: 'duties', key: 'dutiesCount', values: { max: dutiesPerEntryMax } });
  } else if (entry.duties.some((code) => !dutyCodePattern.test(code))) {
    errors.push({ field: 'duties', key: 'dutyCode' });
  }
}

/** Every field error of an entry's shape, all at once (as the contract reports them). */
export function entryFieldErrors(entry: EntryInputView): EntryFieldError[] {
  const errors: Errors = [];
  if (!resourceCodePattern.test(entry.code)) errors.push({ field: 'code', key: 'resourceCode' });
  text(errors, 'name', entry.name, 1, 100);
  if (!providerCodePattern.test(entry.providerCode)) {
    errors.push({ field: 'providerCode', key: 'providerCode' });
  }
  text(errors, 'abstract', entry.abstract, 1, 1000);
  oneOf(errors, 'format', entry.format, formats);
  checkItems(errors, entry);
  checkSharing(errors, entry);
  oneOf(errors, 'updateCycle', entry.updateCycle, updateCycles);
  oneOf(errors, 'grade', entry.grade, grades);
  checkLinks(errors, entry);
  if (!schemaHashPattern.test(entry.schemaHash)) {
    errors.push({ field: 'schemaHash', key: 'schemaHash' });
  }
  return errors;
}
