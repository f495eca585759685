// The data catalog: anyone browses and searches the published entries (provider, category,
// sharing type, keyword) from the node's index and opens an entry to see its metadata and data
// items, with personal and sensitive items flagged. Signed-in staff of the provider publish a
// new entry or a new version (CatalogForm); members of the data authority review what was
// submitted (ReviewQueue).
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { searchCatalog } from '../../../src/sdk/index.js';
import type { CatalogEntryView, CatalogSearchOptions } from '../../../src/sdk/index.js';
import {
  EmptyState, LoadMore, StateTag, TableFrame, useAgencyNames,
} from '../components.js';
import { loadEntry, sharingTypes } from '../data.js';
import type { EntryHeadView, EntryVersionView, SharingType } from '../data.js';
import { ErrorNote } from '../errors.js';
import { useLoad, useNewBlocks } from '../hooks.js';
import { client, formatTime } from '../node.js';
import { usePaged } from '../paging.js';
import { useSession } from '../session.js';
import { CatalogForm } from './CatalogForm.js';
import { DisableEntry } from './ProviderActions.js';
import { ReviewQueue } from './ReviewQueue.js';

interface Filters {
  readonly provider: string;
  readonly category: string;
  readonly sharingType: '' | SharingType;
  readonly q: string;
}

const noFilters: Filters = { provider: '', category: '', sharingType: '', q: '' };
const categoryPattern = /^[1-3](\d{2})?$/;

function searchOptions(filters: Filters, after: string | undefined): CatalogSearchOptions {
  return {
    ...(filters.provider === '' ? {} : { provider: filters.provider }),
    ...(filters.category === '' ? {} : { category: filters.category }),
    ...(filters.sharingType === '' ? {} : { sharingType: filters.sharingType }),
    ...(filters.q.trim() === '' ? {} : { q: filters.q.trim() }),
    ...(after === undefined ? {} : { after }),
    limit: 20,
  };
}

function FilterBar({ onApply }: { onApply: (filters: Filters) => void }) {
  const { t } = useTranslation();
  const { agencies } = useAgencyNames();
  const [draft, setDraft] = useState<Filters>(noFilters);
  const [categoryError, setCategoryError] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const category = draft.category.trim();
    const bad = category !== '' && !categoryPattern.test(category);
    setCategoryError(bad);
    if (!bad) onApply({ ...draft, category });
  };
  const edit = (change: Partial<Filters>) => setDraft((previous) => ({ ...previous, ...change }));
  return (
    <form className="filters" onSubmit={submit} data-testid="catalog-filters">
      <label className="field grow">
        <span>{t('catalog.keyword')}</span>
        <input value={draft.q} maxLength={50} placeholder={t('catalog.keywordHint')}
          data-testid="catalog-q" onChange={(e) => edit({ q: e.target.value })} />
      </label>
      <label className="field">
        <span>{t('catalog.provider')}</span>
        <select value={draft.provider} data-testid="catalog-provider"
          onChange={(e) => edit({ provider: e.target.value })}>
          <option value="">{t('data.all')}</option>
          {agencies.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
        </select>
      </label>
      <label className="field">
        <span>{t('catalog.category')}</span>
        <input value={draft.category} placeholder="3 / 301" inputMode="numeric"
          data-testid="catalog-category" onChange={(e) => edit({ category: e.target.value })} />
        {categoryError && <div className="field-error" data-testid="error-category">
          {t('catalogErrors.category')}</div>}
      </label>
      <label className="field">
        <span>{t('catalog.sharingType')}</span>
        <select value={draft.sharingType} data-testid="catalog-type"
          onChange={(e) => edit({ sharingType: e.target.value as Filters['sharingType'] })}>
          <option value="">{t('data.all')}</option>
          {sharingTypes.map((type) => <option key={type} value={type}>
            {t(`sharingType.${type}`)}</option>)}
        </select>
      </label>
      <div className="field filter-button">
        <button type="submit" className="primary" data-testid="catalog-search">
          {t('catalog.search')}</button>
      </div>
    </form>
  );
}

function EntryTable({ entries, name }: { entries: readonly CatalogEntryView[];
  name: (id: string) => string }) {
  const { t } = useTranslation();
  return (
    <TableFrame>
      <table className="stack" data-testid="catalog-entries">
        <thead><tr><th>{t('catalog.name')}</th><th>{t('catalog.code')}</th>
          <th>{t('catalog.provider')}</th><th>{t('catalog.sharingType')}</th>
          <th>{t('catalog.items')}</th></tr></thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.code} data-code={entry.code}>
              <td data-label={t('catalog.name')}>
                <a href={`#/catalog/entry/${entry.code}`}>{entry.name}</a>
                <div className="muted small clamp">{entry.abstract}</div></td>
              <td className="mono nowrap" data-label={t('catalog.code')}>{entry.code}</td>
              <td data-label={t('catalog.provider')}>{name(entry.provider)}</td>
              <td data-label={t('catalog.sharingType')}>
                <span className={`tag type-${entry.sharingType}`}>
                  {t(`sharingType.${entry.sharingType}`)}</span></td>
              <td className="small" data-label={t('catalog.items')}>
                {entry.itemNames.join('、')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableFrame>
  );
}

function Browse() {
  const { t } = useTranslation();
  const { name } = useAgencyNames();
  const [filters, setFilters] = useState<Filters>(noFilters);
  const entries = usePaged((after) => searchCatalog(client, searchOptions(filters, after)),
    JSON.stringify(filters));
  // A review or a disabling arrives as a transaction; reload the first page when one may have.
  useNewBlocks((_height, txCount) => { if (txCount > 0) entries.reload(); });
  const filtered = JSON.stringify(filters) !== JSON.stringify(noFilters);
  return (
    <section className="card" data-testid="catalog-browse">
      <h2>{t('catalog.title')}</h2>
      <FilterBar onApply={setFilters} />
      {entries.error !== null && <ErrorNote error={entries.error} testId="catalog-error" />}
      {entries.loaded && entries.items.length === 0 && (
        <EmptyState testId="catalog-empty"
          text={filtered ? t('catalog.noMatch') : t('catalog.empty')} />)}
      {entries.items.length > 0 && <EntryTable entries={entries.items} name={name} />}
      {!entries.loaded && entries.error === null && <p className="muted">{t('common.loading')}</p>}
      <LoadMore next={entries.next} onMore={entries.more} loading={entries.loading} />
    </section>
  );
}

function Flag({ on, label }: { on: boolean; label: string }) {
  return on ? <span className="tag flag">{label}</span> : <span className="muted">—</span>;
}

export function ItemTable({ version }: { version: EntryVersionView }) {
  const { t } = useTranslation();
  return (
    <TableFrame>
      <table data-testid="entry-items">
        <thead><tr><th>{t('catalog.itemName')}</th><th>{t('catalog.itemType')}</th>
          <th>{t('catalog.personal')}</th><th>{t('catalog.sensitive')}</th></tr></thead>
        <tbody>
          {version.items.map((item) => (
            <tr key={item.name} data-item={item.name}>
              <td className="mono">{item.name}</td>
              <td>{t(`itemType.${item.type}`, { defaultValue: item.type })}</td>
              <td><Flag on={item.personal} label={t('catalog.personal')} /></td>
              <td><Flag on={item.sensitive} label={t('catalog.sensitive')} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableFrame>
  );
}

function VersionFacts({ version, provider }: { version: EntryVersionView; provider: string }) {
  const { t, i18n } = useTranslation();
  const value = (group: string, key: string) => t(`${group}.${key}`, { defaultValue: key });
  const none = <span className="muted">{t('common.none')}</span>;
  return (
    <dl className="facts">
      <dt>{t('catalog.code')}</dt><dd className="mono">{version.code}</dd>
      <dt>{t('catalog.provider')}</dt>
      <dd>{provider}<div className="muted mono small">{version.providerCode}</div></dd>
      <dt>{t('catalog.abstract')}</dt><dd>{version.abstract}</dd>
      <dt>{t('catalog.sharingType')}</dt><dd>{value('sharingType', version.sharingType)}</dd>
      <dt>{t('catalog.legalBasis')}</dt><dd>{version.legalBasis === '' ? none
        : version.legalBasis}</dd>
      <dt>{t('catalog.conditions')}</dt><dd>{version.conditions === '' ? none
        : version.conditions}</dd>
      <dt>{t('catalog.format')}</dt><dd>{value('format', version.format)}</dd>
      <dt>{t('catalog.method')}</dt><dd>{value('method', version.method)}</dd>
      <dt>{t('catalog.open')}</dt><dd>{value('openAttribute', version.open)}</dd>
      <dt>{t('catalog.updateCycle')}</dt><dd>{value('updateCycle', version.updateCycle)}</dd>
      <dt>{t('catalog.grade')}</dt><dd>{value('grade', version.grade)}</dd>
      <dt>{t('catalog.duties')}</dt><dd className="mono">{version.duties.join(', ')}</dd>
      <dt>{t('catalog.related')}</dt><dd className="mono">{version.related.length === 0 ? none
        : version.related.join(', ')}</dd>
      <dt>{t('catalog.schemaHash')}</dt><dd className="mono small">{version.schemaHash}</dd>
      <dt>{t('catalog.version')}</dt><dd>{version.version}</dd>
      <dt>{t('catalog.publishedAt')}</dt>
      <dd>{version.publishedAt === null ? t('catalog.notYetPublished')
        : formatTime(version.publishedAt, i18n.language)}</dd>
    </dl>
  );
}

function EntryActions({ head, onChanged }: { head: EntryHeadView; onChanged: () => void }) {
  const { t } = useTranslation();
  const { session } = useSession();
  const member = session?.member ?? null;
  if (session === null || member === null || member.status !== 'active') {
    return <p className="notice">{t('catalog.signInToRequest')}{' '}
      <a href="#/signin">{t('nav.signIn')}</a></p>;
  }
  const staff = member.roles.includes('staff') || member.roles.includes('admin');
  const own = member.agency === head.provider;
  return (
    <div className="actions">
      {!own && staff && head.status === 'published' && (
        <a className="button primary" href={`#/sharing/new/${head.code}`}
          data-testid="request-entry">{t('catalog.requestData')}</a>)}
      {!own && head.status === 'published' && (
        <a className="button" href={`#/sharing/fetch/${head.code}`}
          data-testid="fetch-entry">{t('sharing.fetchTitle')}</a>)}
      {own && staff && head.pending === null && (
        <a className="button" href={`#/catalog/edit/${head.code}`}
          data-testid="edit-entry">{t('catalog.edit')}</a>)}
      {own && staff && head.status === 'published' && (
        <DisableEntry code={head.code} session={session} onDone={onChanged} />)}
    </div>
  );
}

function EntryDetail({ code }: { code: string }) {
  const { t } = useTranslation();
  const { name } = useAgencyNames();
  const entry = useLoad(() => loadEntry(code), `entry:${code}`);
  if (entry.error !== undefined) return <div className="card"><ErrorNote error={entry.error} /></div>;
  if (entry.value === undefined) return <div className="card">{t('common.loading')}</div>;
  const head = entry.value;
  if (head === null) {
    return <div className="card"><EmptyState testId="entry-missing"
      text={t('catalog.noEntry', { code })} /></div>;
  }
  const shown = head.current ?? head.pending;
  return (
    <div className="page" data-testid="entry-detail">
      <p><a href="#/catalog">← {t('catalog.backToCatalog')}</a></p>
      <section className="card">
        <header className="card-head">
          <h2>{shown?.name ?? head.code}</h2>
          <StateTag state={head.status} />
        </header>
        {head.pending !== null && <p className="notice" data-testid="entry-pending">
          {t('catalog.pendingVersion', { version: head.pending.version })}</p>}
        {head.lastReview !== null && !head.lastReview.approved && (
          <p className="notice bad">{t('catalog.lastRejected',
            { version: head.lastReview.version, reason: head.lastReview.reason })}</p>)}
        {head.disabled !== null && <p className="notice bad">{t('catalog.disabledBecause',
          { reason: head.disabled.reason })}</p>}
        {shown !== null && <VersionFacts version={shown} provider={name(head.provider)} />}
        <EntryActions head={head} onChanged={entry.reload} />
      </section>
      {shown !== null && (
        <section className="card">
          <h2>{t('catalog.dataItems')} ({shown.items.length})</h2>
          <ItemTable version={shown} />
        </section>)}
    </div>
  );
}

function CatalogHome() {
  const { t } = useTranslation();
  const { session } = useSession();
  const member = session?.member ?? null;
  const staff = member !== null && member.status === 'active'
    && (member.roles.includes('staff') || member.roles.includes('admin'));
  return (
    <div className="page" data-testid="catalog-page">
      {staff && (
        <div className="actions page-actions">
          <a className="button primary" href="#/catalog/publish" data-testid="publish-new">
            {t('catalog.publishNew')}</a>
        </div>)}
      <Browse />
      {member !== null && member.roles.includes('data-authority') && <ReviewQueue />}
    </div>
  );
}

export function CatalogPage({ path }: { path: string[] }) {
  const [view, ...rest] = path;
  const code = rest.join('/');
  switch (view) {
    case 'entry': return <EntryDetail key={code} code={code} />;
    case 'publish': return <CatalogForm key="new" code={null} />;
    case 'edit': return <CatalogForm key={code} code={code} />;
    default: return <CatalogHome />;
  }
}
