// Audit: access receipts from the node's index, filtered by requesting or providing agency,
// entry, block-time range and purpose; an evidence bundle for any one of them, downloaded as a
// JSON file; and verification of a bundle file in this page. Verification trusts nothing the
// node says: the bundle's receipt must be proven against a header signed by the validators of
// the genesis (the node's /v1/genesis by default, or a genesis file the auditor holds). A
// receipt's purpose and subjects, and the purpose filter, come only with the signed-in member's
// receipt reader proof: an auditor's, or a party's for its own agency's receipts (ADR 0010).
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  evidenceBundle, receipts, trustFromGenesis, verifyEvidenceBundle,
} from '../../../src/sdk/index.js';
import type {
  AccessReceiptView, EvidenceBundle, ReceiptSearchOptions, TrustedChain, VerifiedEvidence,
} from '../../../src/sdk/index.js';
import {
  EmptyState, LoadMore, Spinner, StateTag, TableFrame, useAgencyNames,
} from '../components.js';
import { download, fileSafe } from '../data.js';
import { ErrorNote, PortalError } from '../errors.js';
import { client, formatTime, trustedChain } from '../node.js';
import { usePaged } from '../paging.js';
import { useSession } from '../session.js';

interface Filters {
  readonly requester: string;
  readonly provider: string;
  readonly entry: string;
  readonly from: string;
  readonly to: string;
  readonly purpose: string;
}

const noFilters: Filters = { requester: '', provider: '', entry: '', from: '', to: '',
  purpose: '' };
const entryPattern = /^[1-3]\d{5,14}\/\d{6}$/;
/** Evidence and genesis files are JSON of a few hundred KiB at most. */
const jsonFileBytesMax = 8 * 1024 * 1024;

function options(filters: Filters, after: string | undefined): ReceiptSearchOptions {
  const time = (text: string) => (text === '' ? undefined : new Date(text).getTime());
  const from = time(filters.from);
  const to = time(filters.to);
  return {
    ...(filters.requester === '' ? {} : { requester: filters.requester }),
    ...(filters.provider === '' ? {} : { provider: filters.provider }),
    ...(filters.entry.trim() === '' ? {} : { entry: filters.entry.trim() }),
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(filters.purpose.trim() === '' ? {} : { purpose: filters.purpose.trim() }),
    ...(after === undefined ? {} : { after }),
    limit: 20,
  };
}

function filterError(filters: Filters): PortalError | null {
  if (filters.entry.trim() !== '' && !entryPattern.test(filters.entry.trim())) {
    return new PortalError('entryCode');
  }
  if (filters.from !== '' && filters.to !== '' && filters.from >= filters.to) {
    return new PortalError('timeRange');
  }
  return null;
}

function FilterForm({ onApply }: { onApply: (filters: Filters) => void }) {
  const { t } = useTranslation();
  const { agencies } = useAgencyNames();
  const [draft, setDraft] = useState<Filters>(noFilters);
  const [error, setError] = useState<PortalError | null>(null);
  const edit = (change: Partial<Filters>) => setDraft((previous) => ({ ...previous, ...change }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = filterError(draft);
    setError(found);
    if (found === null) onApply(draft);
  };
  const agencySelect = (field: 'requester' | 'provider') => (
    <label className="field"><span>{t(`audit.${field}`)}</span>
      <select value={draft[field]} data-testid={`audit-${field}`}
        onChange={(e) => edit({ [field]: e.target.value })}>
        <option value="">{t('data.all')}</option>
        {agencies.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
      </select></label>
  );
  return (
    <form className="filters" onSubmit={submit} data-testid="audit-filters">
      {agencySelect('requester')}
      {agencySelect('provider')}
      <label className="field"><span>{t('audit.entry')}</span>
        <input value={draft.entry} className="mono" placeholder="301001001/000001"
          data-testid="audit-entry" onChange={(e) => edit({ entry: e.target.value })} /></label>
      <label className="field time"><span>{t('audit.from')}</span>
        <input type="datetime-local" value={draft.from} data-testid="audit-from"
          onChange={(e) => edit({ from: e.target.value })} /></label>
      <label className="field time"><span>{t('audit.to')}</span>
        <input type="datetime-local" value={draft.to} data-testid="audit-to"
          onChange={(e) => edit({ to: e.target.value })} /></label>
      <label className="field grow"><span>{t('audit.purpose')}</span>
        <input value={draft.purpose} data-testid="audit-purpose"
          onChange={(e) => edit({ purpose: e.target.value })} /></label>
      <div className="field filter-button">
        <button type="submit" className="primary" data-testid="audit-search">
          {t('catalog.search')}</button></div>
      {error !== null && <div className="field-error wide" data-testid="audit-filter-error">
        {t(`errors.${error.key}`)}</div>}
    </form>
  );
}

function ExportButton({ receipt }: { receipt: AccessReceiptView }) {
  const { t } = useTranslation();
  const reader = useSession().session?.account;
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const exportBundle = async () => {
    setWorking(true);
    setError(null);
    try {
      const bundle = await evidenceBundle(client, receipt.id, reader);
      download(`evidence-${fileSafe(receipt.id)}.json`, JSON.stringify(bundle, null, 2),
        'application/json');
    } catch (caught) {
      setError(caught);
    } finally {
      setWorking(false);
    }
  };
  return <>
    {working ? <Spinner label={t('audit.exporting')} /> : (
      <button type="button" className="small-button" data-testid="export-evidence"
        onClick={() => void exportBundle()}>{t('audit.export')}</button>)}
    {error !== null && <ErrorNote error={error} />}
  </>;
}

function ReceiptTable({ items }: { items: readonly AccessReceiptView[] }) {
  const { t, i18n } = useTranslation();
  const { name } = useAgencyNames();
  return (
    <TableFrame>
      <table className="stack" data-testid="receipts">
        <thead><tr><th>{t('audit.time')}</th><th>{t('audit.requester')}</th>
          <th>{t('audit.provider')}</th><th>{t('audit.entry')}</th>
          <th>{t('audit.purpose')}</th><th>{t('sharing.items')}</th>
          <th>{t('audit.outcome')}</th><th>{t('audit.evidence')}</th></tr></thead>
        <tbody>{items.map((receipt) => (
          <tr key={receipt.id} data-receipt={receipt.id} data-outcome={receipt.outcome}>
            <td className="nowrap" data-label={t('audit.time')}>
              {formatTime(receipt.time, i18n.language)}
              <div className="muted mono small">{receipt.id}</div></td>
            <td data-label={t('audit.requester')}>{name(receipt.requester)}
              <div className="muted small">{receipt.system}</div></td>
            <td data-label={t('audit.provider')}>{name(receipt.provider)}</td>
            <td className="mono nowrap" data-label={t('audit.entry')}>{receipt.entry}</td>
            <td data-label={t('audit.purpose')}>{receipt.purpose ?? '—'}</td>
            <td className="small" data-label={t('sharing.items')}>{receipt.items.join('、')}</td>
            <td data-label={t('audit.outcome')}><StateTag state={receipt.outcome} />
              {receipt.disclosureHeight !== null && <div className="muted small">
                {t('audit.covertUntil', { height: receipt.disclosureHeight })}</div>}</td>
            <td className="nowrap" data-label={t('audit.evidence')}>
              <ExportButton receipt={receipt} /></td>
          </tr>))}</tbody>
      </table>
    </TableFrame>
  );
}

async function readJsonFile(file: File): Promise<unknown> {
  if (file.size > jsonFileBytesMax) throw new PortalError('fileTooLarge');
  try {
    return JSON.parse(await file.text());
  } catch {
    throw new PortalError('notJsonFile');
  }
}

function VerifyBundle() {
  const { t, i18n } = useTranslation();
  const { name } = useAgencyNames();
  const [bundleFile, setBundleFile] = useState<File | null>(null);
  const [genesisFile, setGenesisFile] = useState<File | null>(null);
  const [working, setWorking] = useState(false);
  const [outcome, setOutcome] = useState<{ verified: VerifiedEvidence; source: string } |
    { error: unknown } | null>(null);
  const verify = async (event: FormEvent) => {
    event.preventDefault();
    setOutcome(null);
    if (bundleFile === null) { setOutcome({ error: new PortalError('noBundle') }); return; }
    setWorking(true);
    try {
      const bundle = await readJsonFile(bundleFile) as EvidenceBundle;
      const trust: TrustedChain = genesisFile === null ? await trustedChain()
        : trustFromGenesis(await readJsonFile(genesisFile));
      setOutcome({ verified: verifyEvidenceBundle(bundle, trust),
        source: genesisFile === null ? t('audit.nodeGenesis') : genesisFile.name });
    } catch (error) {
      setOutcome({ error });
    } finally {
      setWorking(false);
    }
  };
  const receipt = outcome !== null && 'verified' in outcome ? outcome.verified.receipt : null;
  return (
    <form className="card form" onSubmit={(event) => void verify(event)}
      data-testid="verify-bundle">
      <h2>{t('audit.verifyTitle')}</h2>
      <p className="muted">{t('audit.verifyHint')}</p>
      <div className="form-grid even">
        <label className="field"><span>{t('audit.bundleFile')}</span>
          <input type="file" accept=".json,application/json" data-testid="bundle-file"
            onChange={(e) => setBundleFile(e.target.files?.[0] ?? null)} /></label>
        <label className="field"><span>{t('audit.genesisFile')}</span>
          <input type="file" accept=".json,application/json" data-testid="genesis-file"
            onChange={(e) => setGenesisFile(e.target.files?.[0] ?? null)} />
          <small className="muted">{t('audit.genesisHint')}</small></label>
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={working} data-testid="bundle-verify">
          {t('audit.verify')}</button>
        {working && <Spinner label={t('audit.verifying')} />}
      </div>
      {outcome !== null && 'error' in outcome && (
        <ErrorNote error={outcome.error} testId="bundle-error" />)}
      {outcome !== null && 'verified' in outcome && receipt !== null && (
        <div className="success-note" data-testid="bundle-ok">
          <strong>✔ {t('audit.bundleOk', { count: outcome.verified.validatorCount,
            height: outcome.verified.height })}</strong>
          <dl className="facts">
            <dt>{t('fetch.receiptId')}</dt><dd className="mono">{String(receipt.id)}</dd>
            <dt>{t('audit.requester')}</dt><dd>{name(String(receipt.requester))}</dd>
            <dt>{t('audit.purpose')}</dt>
            <dd>{String(outcome.verified.personal?.purpose ?? '—')}</dd>
            <dt>{t('audit.outcome')}</dt><dd>{t(`dataStatus.${String(receipt.outcome)}`)}</dd>
            <dt>{t('audit.time')}</dt>
            <dd>{formatTime(Number(receipt.time), i18n.language)}</dd>
            <dt>{t('audit.trustRoot')}</dt><dd>{outcome.source}</dd>
          </dl>
        </div>)}
    </form>
  );
}

export function AuditPage() {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<Filters>(noFilters);
  const reader = useSession().session?.account;
  const list = usePaged((after) => receipts(client, options(filters, after), reader),
    JSON.stringify([filters, reader?.address ?? null]));
  return (
    <div className="page" data-testid="audit-page">
      <section className="card">
        <h2>{t('audit.title')}</h2>
        <FilterForm onApply={setFilters} />
        {list.error !== null && <ErrorNote error={list.error} testId="audit-error" />}
        {list.loaded && list.items.length === 0 && (
          <EmptyState testId="receipts-empty" text={t('audit.empty')} />)}
        {list.items.length > 0 && <ReceiptTable items={list.items} />}
        <LoadMore next={list.next} onMore={list.more} loading={list.loading} />
      </section>
      <VerifyBundle />
    </div>
  );
}
