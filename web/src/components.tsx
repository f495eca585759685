// Small pieces the data-sharing pages share: a spinner for work in progress, status tags,
// agency names from their ids, a scrolling frame that keeps wide tables usable on a phone, and
// a "load more" button for the index's cursor pages.
import { useCallback } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { loadAgencies } from './governance.js';
import type { AgencyView } from './governance.js';
import { useLoad } from './hooks.js';

export function Spinner({ label, testId }: { label: string; testId?: string }) {
  return (
    <span className="busy" role="status" data-testid={testId}>
      <span className="spinner" aria-hidden />{label}
    </span>
  );
}

/** A sharing request's, entry's or receipt's status as a coloured tag. */
export function StateTag({ state }: { state: string }) {
  const { t } = useTranslation();
  return <span className={`tag state-${state}`} data-state={state}>
    {t(`dataStatus.${state}`, { defaultValue: state })}</span>;
}

/** A function from agency id to its name (the id itself until the list arrives). */
export function useAgencyNames(): { name: (id: string) => string;
  agencies: readonly AgencyView[] } {
  const loaded = useLoad(loadAgencies, 'agencies');
  const agencies = loaded.value;
  const name = useCallback((id: string) => agencies?.find((a) => a.id === id)?.name ?? id,
    [agencies]);
  return { name, agencies: agencies ?? [] };
}

/** Wide tables scroll sideways inside the card on a narrow screen instead of breaking it. */
export function TableFrame({ children }: { children: ReactNode }) {
  return <div className="table-frame">{children}</div>;
}

export function LoadMore({ next, onMore, loading }: { next: string | null; onMore: () => void;
  loading: boolean }) {
  const { t } = useTranslation();
  if (next === null) return null;
  return (
    <div className="actions">
      <button type="button" onClick={onMore} disabled={loading} data-testid="load-more">
        {loading ? t('common.loading') : t('data.loadMore')}</button>
    </div>
  );
}

export function EmptyState({ text, testId }: { text: string; testId?: string }) {
  return <p className="empty" data-testid={testId}>{text}</p>;
}
