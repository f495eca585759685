// A sharing request: the exact data items of one published entry, the purpose and scenario,
// the duty or legal basis that allows it, and how long the grant should last (in blocks from
// now). The contract decides what happens next, and the page says it: an UNCONDITIONAL entry
// is granted at once, a CONDITIONAL one waits for the provider until its deadline, a
// NOT_SHARED one goes to the data authority.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { receiptResult } from '../../../src/sdk/index.js';
import { EmptyState, StateTag, useAgencyNames } from '../components.js';
import { loadDuties, loadEntry } from '../data.js';
import type { EntryHeadView, RequestView } from '../data.js';
import { ErrorNote, PortalError } from '../errors.js';
import { useLoad } from '../hooks.js';
import { client, formatTime } from '../node.js';
import type { Session } from '../session.js';

/** Bounds the sharing contract puts on a request (contracts/sharing/src/index.ts). */
const requestLimits = { textLengthMax: 500, validityBlocksMax: 10_000_000,
  validityBlocksDefault: 100_000 } as const;

interface Draft {
  readonly items: readonly string[];
  readonly purpose: string;
  readonly scenario: string;
  readonly duty: string;
  readonly legalBasis: string;
  readonly validityBlocks: string;
}

type FieldErrors = Partial<Record<keyof Draft, PortalError>>;

function checkDraft(draft: Draft): FieldErrors {
  const errors: FieldErrors = {};
  if (draft.items.length === 0) errors.items = new PortalError('chooseItems');
  for (const field of ['purpose', 'scenario'] as const) {
    const value = draft[field].trim();
    if (value === '') errors[field] = new PortalError('required');
    else if (value.length > requestLimits.textLengthMax) {
      errors[field] = new PortalError('tooManyChars', { max: requestLimits.textLengthMax });
    }
  }
  if (draft.duty === '' && draft.legalBasis.trim() === '') {
    errors.legalBasis = new PortalError('basisRequired');
  }
  const blocks = Number(draft.validityBlocks);
  if (!/^\d+$/.test(draft.validityBlocks.trim()) || blocks < 1
    || blocks > requestLimits.validityBlocksMax) {
    errors.validityBlocks = new PortalError('deadlineRange',
      { min: 1, max: requestLimits.validityBlocksMax });
  }
  return errors;
}

function Outcome({ request }: { request: RequestView }) {
  const { t, i18n } = useTranslation();
  const text = request.status === 'granted' ? t('sharing.grantedAtOnce')
    : request.status === 'pending' ? t('sharing.waitsForProvider',
      { deadline: formatTime(request.deadline, i18n.language) })
      : t('sharing.goesToAuthority');
  return (
    <div className="success-note" data-testid="request-done" data-status={request.status}>
      <StateTag state={request.status} /> {t('sharing.requestN', { id: request.id })}: {text}{' '}
      <a href="#/sharing">{t('sharing.toMyRequests')}</a>
    </div>
  );
}

function Form({ session, head }: { session: Session; head: EntryHeadView }) {
  const { t } = useTranslation();
  const { name } = useAgencyNames();
  const agency = session.member?.agency ?? '';
  const duties = useLoad(() => loadDuties(agency), `duties:${agency}`);
  const version = head.current;
  const [draft, setDraft] = useState<Draft>({ items: [], purpose: '', scenario: '', duty: '',
    legalBasis: '', validityBlocks: String(requestLimits.validityBlocksDefault) });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [working, setWorking] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [done, setDone] = useState<RequestView | null>(null);
  if (version === null || head.status !== 'published') {
    return <EmptyState text={t('sharing.entryNotPublished', { code: head.code })} />;
  }
  const edit = (change: Partial<Draft>) => setDraft((previous) => ({ ...previous, ...change }));
  const toggle = (item: string, on: boolean) => edit({ items: on
    ? version.items.map((i) => i.name).filter((i) => i === item || draft.items.includes(i))
    : draft.items.filter((i) => i !== item) });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    const found = checkDraft(draft);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setWorking(true);
    try {
      const height = (await client.status()).height;
      const view = await session.account.sendAndWait('sharing', 'request', {
        entry: head.code, items: [...draft.items], purpose: draft.purpose.trim(),
        scenario: draft.scenario.trim(),
        ...(draft.duty === '' ? { legalBasis: draft.legalBasis.trim() } : { duty: draft.duty }),
        validUntil: height + Number(draft.validityBlocks) });
      setDone(receiptResult(view) as unknown as RequestView);
    } catch (caught) {
      session.account.resync();
      setFailure(caught);
    } finally {
      setWorking(false);
    }
  };
  const fieldError = (field: keyof Draft) => {
    const error = errors[field];
    return error === undefined ? null : <div className="field-error"
      data-testid={`error-${field}`}>{t(`errors.${error.key}`, error.values)}</div>;
  };
  return (
    <form className="card form" noValidate onSubmit={(event) => void submit(event)}
      data-testid="request-form">
      <h2>{t('sharing.requestTitle')}</h2>
      <dl className="facts">
        <dt>{t('catalog.name')}</dt><dd>{version.name}
          <div className="muted mono small">{head.code}</div></dd>
        <dt>{t('catalog.provider')}</dt><dd>{name(head.provider)}</dd>
        <dt>{t('catalog.sharingType')}</dt><dd>{t(`sharingType.${version.sharingType}`)}
          <div className="muted small">{t(`sharing.typeMeans.${version.sharingType}`)}</div></dd>
      </dl>
      <fieldset className="choices">
        <legend>{t('sharing.items')}</legend>
        {version.items.map((item) => (
          <label key={item.name} className="check">
            <input type="checkbox" checked={draft.items.includes(item.name)}
              data-testid={`request-item-${item.name}`}
              onChange={(e) => toggle(item.name, e.target.checked)} />
            <span className="mono">{item.name}</span>
            {item.personal && <span className="tag flag">{t('catalog.personal')}</span>}
            {item.sensitive && <span className="tag flag">{t('catalog.sensitive')}</span>}
          </label>))}
        {fieldError('items')}
      </fieldset>
      <label className="field"><span>{t('sharing.purpose')}</span>
        <input value={draft.purpose} data-testid="request-purpose"
          onChange={(e) => edit({ purpose: e.target.value })} />{fieldError('purpose')}</label>
      <label className="field"><span>{t('sharing.scenario')}</span>
        <input value={draft.scenario} data-testid="request-scenario"
          onChange={(e) => edit({ scenario: e.target.value })} />{fieldError('scenario')}</label>
      <div className="form-grid even">
        <label className="field"><span>{t('sharing.duty')}</span>
          <select value={draft.duty} data-testid="request-duty"
            onChange={(e) => edit({ duty: e.target.value })}>
            <option value="">{t('sharing.noDutyUseBasis')}</option>
            {(duties.value ?? []).map((duty) => <option key={duty.code} value={duty.code}>
              {duty.name} ({duty.code})</option>)}
          </select></label>
        <label className="field"><span>{t('catalog.legalBasis')}</span>
          <input value={draft.legalBasis} disabled={draft.duty !== ''}
            data-testid="request-legal-basis"
            onChange={(e) => edit({ legalBasis: e.target.value })} />
          {fieldError('legalBasis')}</label>
      </div>
      <label className="field"><span>{t('sharing.validityBlocks')}</span>
        <input value={draft.validityBlocks} inputMode="numeric" data-testid="request-validity"
          onChange={(e) => edit({ validityBlocks: e.target.value })} />
        <small className="muted">{t('sharing.validityHint')}</small>
        {fieldError('validityBlocks')}</label>
      {failure !== null && <ErrorNote error={failure} testId="request-error" />}
      {done !== null && <Outcome request={done} />}
      <div className="actions">
        <button type="submit" className="primary" disabled={working || done !== null}
          data-testid="request-submit">
          {working ? t('governance.signing') : t('sharing.submitRequest')}</button>
        <a className="button" href="#/sharing">{t('common.back')}</a>
      </div>
    </form>
  );
}

export function RequestForm({ session, code }: { session: Session; code: string }) {
  const { t } = useTranslation();
  const entry = useLoad(() => loadEntry(code), `entry:${code}`);
  if (entry.error !== undefined) return <div className="card"><ErrorNote error={entry.error} /></div>;
  if (entry.value === undefined) return <div className="card">{t('common.loading')}</div>;
  return (
    <div className="page narrow" data-testid="request-page">
      {entry.value === null
        ? <EmptyState text={t('catalog.noEntry', { code })} />
        : <Form session={session} head={entry.value} />}
    </div>
  );
}
