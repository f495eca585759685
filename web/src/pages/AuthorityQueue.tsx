// The data authority's queue: sharing requests escalated to it (NOT_SHARED entries at once,
// CONDITIONAL ones the provider left unanswered past their deadline), decided by a member with
// the `data-authority` role of the authority agency fixed at deployment — approve all or some
// items, or reject with a reason. Other holders of the role are told which agency decides. The
// queue applies the sharing contract's events: a request an event names is re-read and kept
// only while it is still escalated.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CborValue } from '../../../src/core/index.js';
import { EmptyState, useAgencyNames } from '../components.js';
import { authorityAgency, loadRequest } from '../data.js';
import type { RequestView } from '../data.js';
import { ErrorNote } from '../errors.js';
import { useLoad } from '../hooks.js';
import { eventField, useContractEvents } from '../live.js';
import { client } from '../node.js';
import type { Session } from '../session.js';
import { DecisionCard } from './Sharing.js';

/** The contract lists at most 100 a page; a longer queue shows its first 100. */
const queuePageMax = 100;

async function loadQueue(): Promise<{ authority: string; requests: RequestView[] }> {
  const [authority, page] = await Promise.all([authorityAgency(),
    client.query('sharing', 'escalated', { limit: queuePageMax })]);
  // The contract's page is {items: SharingRequest[], next}; its records are the view already.
  const items = (page as { items?: CborValue[] } | null)?.items ?? [];
  return { authority, requests: items as unknown as RequestView[] };
}

export function AuthorityQueue({ session }: { session: Session }) {
  const { t } = useTranslation();
  const { name } = useAgencyNames();
  const loaded = useLoad(loadQueue, 'escalated');
  const [requests, setRequests] = useState<readonly RequestView[] | undefined>(undefined);
  useEffect(() => { if (loaded.value !== undefined) setRequests(loaded.value.requests); },
    [loaded.value]);
  const refresh = (id: string) => {
    loadRequest(id).then((found) => setRequests((previous) => {
      const rest = (previous ?? []).filter((request) => request.id !== id);
      return found === null || found.status !== 'escalated' ? rest
        : [...rest, found].sort((a, b) => a.id.localeCompare(b.id));
    })).catch(() => { /* The queue catches up on the next event or visit. */ });
  };
  useContractEvents('sharing', (event) => {
    const id = eventField(event, 'id');
    if (typeof id === 'string') refresh(id);
  });
  const body = () => {
    if (loaded.value === undefined || requests === undefined) {
      return loaded.error === undefined ? <p className="muted">{t('common.loading')}</p>
        : <ErrorNote error={loaded.error} />;
    }
    if (session.member?.agency !== loaded.value.authority) {
      return <p className="notice" data-testid="not-authority">{t('authority.notAuthority',
        { agency: name(loaded.value.authority) })}</p>;
    }
    if (requests.length === 0) {
      return <EmptyState testId="escalated-empty" text={t('authority.empty')} />;
    }
    return (
      <div className="proposals">
        {requests.map((request) => (
          <div key={request.id} data-escalated={request.id}>
            <p className="muted small">{t('authority.between', {
              requester: name(request.requester), provider: name(request.provider),
              type: t(`sharingType.${request.sharingType}`,
                { defaultValue: request.sharingType }) })}</p>
            <DecisionCard request={request} session={session}
              requester={name(request.requester)} onDone={() => refresh(request.id)} />
          </div>))}
      </div>
    );
  };
  return (
    <section className="card" data-testid="escalated-queue">
      <h2>{t('authority.title')} ({requests?.length ?? 0})</h2>
      <p className="muted">{t('authority.hint')}</p>
      {body()}
    </section>
  );
}
