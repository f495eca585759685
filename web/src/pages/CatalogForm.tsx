// Publishing a catalog entry, or a new version of one the agency provides: the national core
// metadata, the data items with their personal/sensitive flags, and the duties it serves. The
// page checks the catalog contract's rules as the provider types (catalog-rules.ts), then asks
// the contract's own `validate` query, then signs; whatever the contract refuses comes back
// beside its field. The submitted version waits for the data authority's review.
import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ZwError, encode, isZwError, toHex } from '../../../src/core/index.js';
import type { CborValue } from '../../../src/core/index.js';
import { getSuite, receiptResult } from '../../../src/sdk/index.js';
import {
  entryFieldErrors, formats, grades, itemTypes, methods, openAttributes, updateCycles,
} from '../catalog-rules.js';
import type { EntryFieldError } from '../catalog-rules.js';
import { contractFieldErrors, loadDuties, loadEntry, sharingTypes } from '../data.js';
import type { DataItemView, EntryInputView, EntryVersionView } from '../data.js';
import { ErrorNote } from '../errors.js';
import { useLoad } from '../hooks.js';
import { client } from '../node.js';
import { useSession } from '../session.js';
import type { Session } from '../session.js';
import { DutyForm } from './DutyForm.js';

interface Draft extends Omit<EntryInputView, 'related' | 'duties'> {
  readonly related: string;
  readonly duties: string;
}

/** A field's problem, found by the page (translated) or by the contract (its own words). */
type Problem = { readonly local: EntryFieldError } | { readonly contract: string };

const list = (text: string) => text.split(/[,，\s]+/).filter((part) => part !== '');

function toInput(draft: Draft): EntryInputView {
  return { ...draft, code: draft.code.trim(), name: draft.name.trim(),
    providerCode: draft.providerCode.trim(), items: draft.items.map((item) =>
      ({ ...item, name: item.name.trim() })), related: list(draft.related),
    duties: list(draft.duties), schemaHash: draft.schemaHash.trim() };
}

function fromVersion(version: EntryVersionView): Draft {
  return { code: version.code, name: version.name, providerCode: version.providerCode,
    abstract: version.abstract, format: version.format, items: version.items,
    sharingType: version.sharingType, legalBasis: version.legalBasis,
    conditions: version.conditions, method: version.method, open: version.open,
    updateCycle: version.updateCycle, related: version.related.join(', '), grade: version.grade,
    duties: version.duties.join(', '), schemaHash: version.schemaHash };
}

/** The unified social credit code inside an agency id (CN-BJ/GOV/<code>/<slug>), if any. */
function providerCodeOf(agency: string): string {
  return agency.split('/')[2] ?? '';
}

function emptyDraft(agency: string): Draft {
  return { code: '', name: '', providerCode: providerCodeOf(agency), abstract: '',
    format: 'database', items: [{ name: '', type: 'string', personal: false, sensitive: false }],
    sharingType: 'CONDITIONAL', legalBasis: '', conditions: '', method: 'api',
    open: 'conditional-open', updateCycle: 'daily', related: '', grade: 'general', duties: '',
    schemaHash: '' };
}

function entryArgs(entry: EntryInputView): CborValue {
  return { ...entry, items: entry.items.map((item) => ({ ...item })),
    related: [...entry.related], duties: [...entry.duties] };
}

/** Sends the entry; resolves to the submitted version or to the contract's field problems. */
async function publishEntry(session: Session, entry: EntryInputView):
  Promise<{ version: number } | { problems: Map<string, Problem> }> {
  const asked = await client.query('catalog', 'validate', { entry: entryArgs(entry) });
  const listed = Array.isArray(asked) ? asked as { field: string; message: string }[] : [];
  if (listed.length > 0) return { problems: contractProblems(listed) };
  try {
    const result = receiptResult(await session.account.sendAndWait('catalog', 'publish',
      { entry: entryArgs(entry) })) as { version: number };
    return { version: result.version };
  } catch (error) {
    session.account.resync();
    const fields = isZwError(error) ? contractFieldErrors(error.message) : [];
    if (fields.length > 0) return { problems: contractProblems(fields) };
    throw error;
  }
}

function contractProblems(errors: readonly { field: string; message: string }[]):
  Map<string, Problem> {
  const problems = new Map<string, Problem>();
  for (const error of errors) {
    // The contract names list fields by index (duties[0]); the form edits them as one field.
    const field = error.field.replace(/^(duties|related)\[\d+\]$/, '$1');
    if (!problems.has(field)) problems.set(field, { contract: error.message });
  }
  return problems;
}

function ItemRows({ items, onChange, problem }: { items: readonly DataItemView[];
  onChange: (items: DataItemView[]) => void; problem: (field: string) => ReactNode }) {
  const { t } = useTranslation();
  const change = (index: number, patch: Partial<DataItemView>) => onChange(items.map((item, i) =>
    (i === index ? { ...item, ...patch } : item)));
  return (
    <fieldset className="items-editor" data-testid="items-editor">
      <legend>{t('catalog.dataItems')}</legend>
      {items.map((item, index) => (
        <div className="item-row" key={index} data-testid="item-row">
          <label className="field grow">
            <span className="sr-only">{t('catalog.itemName')}</span>
            <input value={item.name} placeholder={t('catalog.itemName')}
              data-testid={`item-name-${index}`}
              onChange={(e) => change(index, { name: e.target.value })} />
            {problem(`items[${index}].name`)}
          </label>
          <select value={item.type} aria-label={t('catalog.itemType')}
            onChange={(e) => change(index, { type: e.target.value })}>
            {itemTypes.map((type) => <option key={type} value={type}>
              {t(`itemType.${type}`)}</option>)}
          </select>
          <label className="check"><input type="checkbox" checked={item.personal}
            data-testid={`item-personal-${index}`}
            onChange={(e) => change(index, { personal: e.target.checked })} />
            {t('catalog.personal')}</label>
          <label className="check"><input type="checkbox" checked={item.sensitive}
            onChange={(e) => change(index, { sensitive: e.target.checked })} />
            {t('catalog.sensitive')}</label>
          <button type="button" className="link" disabled={items.length === 1}
            onClick={() => onChange(items.filter((_, i) => i !== index))}>
            {t('catalog.removeItem')}</button>
        </div>
      ))}
      {problem('items')}
      <button type="button" data-testid="add-item" onClick={() => onChange([...items,
        { name: '', type: 'string', personal: false, sensitive: false }])}>
        + {t('catalog.addItem')}</button>
    </fieldset>
  );
}

type Outcome = { kind: 'done'; version: number } | { kind: 'failed'; error: unknown };

function EntryEditor({ session, initial, editing }: { session: Session; initial: Draft;
  editing: boolean }) {
  const { t } = useTranslation();
  const agency = session.member?.agency ?? '';
  const duties = useLoad(() => loadDuties(agency), `duties:${agency}`);
  const [draft, setDraft] = useState<Draft>(initial);
  const [problems, setProblems] = useState<Map<string, Problem>>(new Map());
  const [working, setWorking] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const edit = (change: Partial<Draft>) => setDraft((previous) => ({ ...previous, ...change }));
  const problem = (field: string) => {
    const found = problems.get(field);
    if (found === undefined) return null;
    return <div className="field-error" data-testid={`error-${field}`}>
      {'local' in found ? t(`catalogErrors.${found.local.key}`, found.local.values ?? {})
        : <>{t('catalog.contractSays')}: {found.contract}</>}</div>;
  };
  const computeSchemaHash = async () => {
    const suite = getSuite((await client.status()).suite);
    const schema = toInput(draft).items.map((item) => ({ name: item.name, type: item.type }));
    edit({ schemaHash: toHex(suite.hash(encode(schema))) });
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setOutcome(null);
    const entry = toInput(draft);
    const local = entryFieldErrors(entry);
    if (local.length > 0) {
      setProblems(new Map(local.map((error) => [error.field, { local: error }])));
      return;
    }
    setProblems(new Map());
    setWorking(true);
    try {
      const result = await publishEntry(session, entry);
      if ('problems' in result) setProblems(result.problems);
      else setOutcome({ kind: 'done', version: result.version });
    } catch (error) {
      setOutcome({ kind: 'failed', error });
    } finally {
      setWorking(false);
    }
  };
  const text = (field: keyof Draft & string, options: { area?: boolean; mono?: boolean;
    hint?: string; disabled?: boolean } = {}) => (
    <label className="field">
      <span>{t(`catalog.${field}`)}</span>
      {options.area === true
        ? <textarea rows={3} value={String(draft[field])} data-testid={`entry-${field}`}
          onChange={(e) => edit({ [field]: e.target.value })} />
        : <input value={String(draft[field])} className={options.mono === true ? 'mono' : ''}
          disabled={options.disabled === true} data-testid={`entry-${field}`}
          onChange={(e) => edit({ [field]: e.target.value })} />}
      {options.hint !== undefined && <small className="muted">{options.hint}</small>}
      {problem(field)}
    </label>
  );
  const choice = (field: keyof Draft & string, values: readonly string[], group: string) => (
    <label className="field">
      <span>{t(`catalog.${field}`)}</span>
      <select value={String(draft[field])} data-testid={`entry-${field}`}
        onChange={(e) => edit({ [field]: e.target.value })}>
        {values.map((value) => <option key={value} value={value}>
          {t(`${group}.${value}`)}</option>)}
      </select>
      {problem(field)}
    </label>
  );
  return (<>
    <form className="card form" noValidate onSubmit={(event) => void submit(event)}
      data-testid="entry-form">
      <h2>{editing ? t('catalog.editTitle', { code: draft.code }) : t('catalog.publishNew')}</h2>
      <p className="muted">{t('catalog.publishHint')}</p>
      <div className="form-grid even">
        {text('code', { mono: true, hint: t('catalog.codeHint'), disabled: editing })}
        {text('name')}
        {text('providerCode', { mono: true })}
        {choice('format', formats, 'format')}
      </div>
      {text('abstract', { area: true })}
      <ItemRows items={draft.items} problem={problem}
        onChange={(items) => edit({ items })} />
      <div className="form-grid even">
        {choice('sharingType', sharingTypes, 'sharingType')}
        {choice('method', methods, 'method')}
        {text('legalBasis')}
        {text('conditions')}
        {choice('open', openAttributes, 'openAttribute')}
        {choice('updateCycle', updateCycles, 'updateCycle')}
        {choice('grade', grades, 'grade')}
        <label className="field">
          <span>{t('catalog.duties')}</span>
          <input value={draft.duties} list="duty-codes" className="mono"
            data-testid="entry-duties" onChange={(e) => edit({ duties: e.target.value })} />
          <datalist id="duty-codes">{(duties.value ?? []).map((duty) => (
            <option key={duty.code} value={duty.code}>{duty.name}</option>))}</datalist>
          <small className="muted">{t('catalog.dutiesHint', { duties: (duties.value ?? [])
            .map((duty) => duty.code).join(', ') || t('common.none') })}</small>
          {problem('duties')}
        </label>
      </div>
      {text('related', { mono: true, hint: t('catalog.relatedHint') })}
      <label className="field">
        <span>{t('catalog.schemaHash')}</span>
        <div className="inline">
          <input value={draft.schemaHash} className="mono" data-testid="entry-schemaHash"
            onChange={(e) => edit({ schemaHash: e.target.value })} />
          <button type="button" data-testid="compute-schema"
            onClick={() => void computeSchemaHash()}>{t('catalog.computeSchema')}</button>
        </div>
        {problem('schemaHash')}
      </label>
      {problems.size > 0 && <div className="error-note" role="alert" data-testid="entry-invalid">
        <strong>{t('catalog.fixFields', { count: problems.size })}</strong></div>}
      {outcome?.kind === 'failed' && <ErrorNote error={outcome.error} testId="entry-error" />}
      {outcome?.kind === 'done' && (
        <div className="success-note" data-testid="entry-submitted">
          {t('catalog.submitted', { version: outcome.version })}{' '}
          <a href={`#/catalog/entry/${draft.code.trim()}`}>{t('catalog.viewEntry')}</a></div>)}
      <div className="actions">
        <button type="submit" className="primary" disabled={working} data-testid="entry-submit">
          {working ? t('governance.signing') : t('catalog.submitForReview')}</button>
        <a className="button" href="#/catalog">{t('common.back')}</a>
      </div>
    </form>
    <DutyForm session={session} onRegistered={duties.reload} />
  </>);
}

export function CatalogForm({ code }: { code: string | null }) {
  const { t } = useTranslation();
  const { session } = useSession();
  const existing = useLoad(() => (code === null ? Promise.resolve(null) : loadEntry(code)),
    `form:${code ?? ''}`);
  const member = session?.member ?? null;
  if (session === null || member === null || member.status !== 'active'
    || !(member.roles.includes('staff') || member.roles.includes('admin'))) {
    return <div className="page narrow"><p className="notice" data-testid="publish-signin">
      {t('catalog.staffOnly')} <a href="#/signin">{t('nav.signIn')}</a></p></div>;
  }
  if (existing.error !== undefined) {
    return <div className="card"><ErrorNote error={existing.error} /></div>;
  }
  if (existing.value === undefined) return <div className="card">{t('common.loading')}</div>;
  const head = existing.value;
  if (code !== null && (head === null || head.provider !== member.agency)) {
    return <div className="card"><ErrorNote error={new ZwError('UNAUTHORIZED',
      t('catalog.notProvider'))} /></div>;
  }
  const version = head?.current ?? head?.pending ?? null;
  return (
    <div className="page" data-testid="publish-page">
      <EntryEditor session={session} editing={code !== null}
        initial={version === null ? emptyDraft(member.agency) : fromVersion(version)} />
    </div>
  );
}
