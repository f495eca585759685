// Sharing for a signed-in member: "my requests" (their agency as requester) with state,
// provider deadline and validity, and the provider's inbox, where pending requests for the
// agency's entries are approved in full or in part, or rejected with a reason. Both lists come
// from the node's index; each row is read in full from the sharing contract for its items.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { receiptResult, sharingRequests } from '../../../src/sdk/index.js';
import {
  EmptyState, LoadMore, StateTag, TableFrame, useAgencyNames,
} from '../components.js';
import { loadRequests } from '../data.js';
import type { RequestView } from '../data.js';
import { ErrorNote, PortalError } from '../errors.js';
import { useNewBlocks } from '../hooks.js';
import { client, formatTime } from '../node.js';
import { usePaged } from '../paging.js';
import type { Paged } from '../paging.js';
import { useSession } from '../session.js';
import type { Session } from '../session.js';
import { AuthorityQueue } from './AuthorityQueue.js';
import { FetchPage } from './FetchPage.js';
import { RevokeGrant } from './ProviderActions.js';
import { RequestForm } from './RequestForm.js';

function useRequests(agency: string, side: 'requester' | 'provider'): Paged<RequestView> {
  const paged = usePaged(async (after) => {
    const page = await sharingRequests(client, { agency, side, limit: 20,
      ...(after === undefined ? {} : { after }) });
    return { items: await loadRequests(page.items.map((row) => row.id)), next: page.next };
  }, `${side}:${agency}`);
  // A decision or a new request arrives as a transaction: reload when a block carries some.
  useNewBlocks((_height, txCount) => { if (txCount > 0) paged.reload(); });
  return paged;
}

function Deadline({ request }: { request: RequestView }) {
  const { t, i18n } = useTranslation();
  if (request.status !== 'pending' || request.deadline === null) {
    return <span className="muted">—</span>;
  }
  return <span title={t('sharing.deadlineHint')}>
    {formatTime(request.deadline, i18n.language)}</span>;
}

function ItemList({ request }: { request: RequestView }) {
  const granted = new Set(request.grantedItems);
  return <>{request.items.map((item) => (
    <span key={item} className={`tag ${granted.has(item) ? 'state-granted' : ''}`}>
      {granted.has(item) ? '✔ ' : ''}{item}</span>))}</>;
}

function CancelButton({ request, session, onDone }: { request: RequestView; session: Session;
  onDone: () => void }) {
  const { t } = useTranslation();
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const cancel = async () => {
    setWorking(true);
    setError(null);
    try {
      receiptResult(await session.account.sendAndWait('sharing', 'cancel', { id: request.id }));
      onDone();
    } catch (caught) {
      session.account.resync();
      setError(caught);
    } finally {
      setWorking(false);
    }
  };
  return <>
    <button type="button" className="small-button" disabled={working}
      onClick={() => void cancel()}>{working ? t('governance.signing') : t('sharing.cancel')}
    </button>
    {error !== null && <ErrorNote error={error} />}
  </>;
}

function MyRequests({ session }: { session: Session }) {
  const { t } = useTranslation();
  const { name } = useAgencyNames();
  const agency = session.member?.agency ?? '';
  const requests = useRequests(agency, 'requester');
  return (
    <section className="card" data-testid="my-requests">
      <header className="card-head">
        <h2>{t('sharing.myRequests')}</h2>
        <a className="button" href="#/catalog">{t('sharing.newFromCatalog')}</a>
      </header>
      {requests.error !== null && <ErrorNote error={requests.error} />}
      {requests.loaded && requests.items.length === 0 && (
        <EmptyState testId="my-requests-empty" text={t('sharing.noRequests')} />)}
      {requests.items.length > 0 && (
        <TableFrame>
          <table className="stack">
            <thead><tr><th>{t('sharing.id')}</th><th>{t('sharing.entry')}</th>
              <th>{t('sharing.provider')}</th><th>{t('sharing.items')}</th>
              <th>{t('sharing.state')}</th><th>{t('sharing.deadline')}</th>
              <th>{t('sharing.validUntil')}</th><th /></tr></thead>
            <tbody>
              {requests.items.map((request) => (
                <tr key={request.id} data-request={request.id} data-status={request.status}>
                  <td className="mono nowrap" data-label={t('sharing.id')}>{request.id}</td>
                  <td data-label={t('sharing.entry')}><a className="mono nowrap"
                    href={`#/catalog/entry/${request.entry}`}>{request.entry}</a></td>
                  <td data-label={t('sharing.provider')}>{name(request.provider)}</td>
                  <td data-label={t('sharing.items')}><ItemList request={request} /></td>
                  <td data-label={t('sharing.state')}><StateTag state={request.status} />
                    {request.decision !== null && request.decision.reason !== '' && (
                      <div className="muted small">{request.decision.reason}</div>)}</td>
                  <td data-label={t('sharing.deadline')}><Deadline request={request} /></td>
                  <td data-label={t('sharing.validUntil')}>
                    {t('sharing.heightN', { height: request.validUntil })}</td>
                  <td className="nowrap" data-label="">
                    {request.status === 'granted' && (
                      <a className="button primary small-button" data-testid="fetch-granted"
                        href={`#/sharing/fetch/${request.entry}`}>{t('sharing.fetch')}</a>)}
                    {(request.status === 'pending' || request.status === 'escalated') && (
                      <CancelButton request={request} session={session}
                        onDone={requests.reload} />)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableFrame>
      )}
      <LoadMore next={requests.next} onMore={requests.more} loading={requests.loading} />
    </section>
  );
}

export function DecisionCard({ request, session, requester, onDone }: { request: RequestView;
  session: Session; requester: string; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const [chosen, setChosen] = useState<readonly string[]>(request.items);
  const [reason, setReason] = useState('');
  const [working, setWorking] = useState<'approve' | 'reject' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const toggle = (item: string, on: boolean) => setChosen((previous) =>
    (on ? request.items.filter((i) => i === item || previous.includes(i))
      : previous.filter((i) => i !== item)));
  const decide = async (approve: boolean) => {
    setError(null);
    const partial = chosen.length < request.items.length;
    if (approve && chosen.length === 0) { setError(new PortalError('chooseItems')); return; }
    if (reason.trim() === '' && (!approve || partial)) {
      setError(new PortalError(approve ? 'partialReason' : 'reasonRequired'));
      return;
    }
    setWorking(approve ? 'approve' : 'reject');
    try {
      const result = receiptResult(await session.account.sendAndWait('sharing', 'decide', {
        id: request.id, approve, ...(approve ? { items: [...chosen] } : {}),
        ...(reason.trim() === '' ? {} : { reason: reason.trim() }) })) as { applied: boolean };
      // An overdue request is escalated to the data authority instead of decided.
      if (!result.applied) setError(new PortalError('escalatedOverdue'));
      onDone();
    } catch (caught) {
      session.account.resync();
      setError(caught);
    } finally {
      setWorking(null);
    }
  };
  return (
    <article className="proposal" data-testid="inbox-request" data-request={request.id}>
      <header>
        <h3>{requester} · <span className="mono">{request.entry}</span></h3>
        <StateTag state={request.status} />
      </header>
      <dl className="facts">
        <dt>{t('sharing.purpose')}</dt><dd>{request.purpose}</dd>
        <dt>{t('sharing.scenario')}</dt><dd>{request.scenario}</dd>
        <dt>{t('sharing.basis')}</dt><dd>{request.duty ?? request.legalBasis}</dd>
        <dt>{t('sharing.validity')}</dt>
        <dd>{t('sharing.heightRange', { from: request.validFrom, until: request.validUntil })}</dd>
        <dt>{t('sharing.deadline')}</dt>
        <dd>{request.deadline === null ? '—' : formatTime(request.deadline, i18n.language)}</dd>
      </dl>
      <fieldset className="choices">
        <legend>{t('sharing.approveItems')}</legend>
        {request.items.map((item) => (
          <label key={item} className="check"><input type="checkbox"
            checked={chosen.includes(item)} data-testid={`decide-item-${item}`}
            onChange={(e) => toggle(item, e.target.checked)} />{item}</label>))}
      </fieldset>
      <label className="field">
        <span>{t('sharing.reason')}</span>
        <input value={reason} placeholder={t('sharing.reasonHint')} data-testid="decide-reason"
          onChange={(e) => setReason(e.target.value)} />
      </label>
      {error !== null && <ErrorNote error={error} testId="decide-error" />}
      <div className="actions">
        <button type="button" className="yes" disabled={working !== null}
          data-testid="decide-approve" onClick={() => void decide(true)}>
          {working === 'approve' ? t('governance.signing')
            : chosen.length === request.items.length ? t('sharing.approveAll')
              : t('sharing.approveSome', { count: chosen.length })}</button>
        <button type="button" className="no" disabled={working !== null}
          data-testid="decide-reject" onClick={() => void decide(false)}>
          {working === 'reject' ? t('governance.signing') : t('sharing.reject')}</button>
      </div>
    </article>
  );
}

function Inbox({ session }: { session: Session }) {
  const { t } = useTranslation();
  const { name } = useAgencyNames();
  const agency = session.member?.agency ?? '';
  const requests = useRequests(agency, 'provider');
  const pending = requests.items.filter((request) => request.status === 'pending');
  const decided = requests.items.filter((request) => request.status !== 'pending');
  return (
    <section className="card" data-testid="inbox">
      <h2>{t('sharing.inbox')} ({pending.length})</h2>
      <p className="muted">{t('sharing.inboxHint')}</p>
      {requests.error !== null && <ErrorNote error={requests.error} />}
      {requests.loaded && pending.length === 0 && (
        <EmptyState testId="inbox-empty" text={t('sharing.inboxEmpty')} />)}
      <div className="proposals">
        {pending.map((request) => (
          <DecisionCard key={request.id} request={request} session={session}
            requester={name(request.requester)} onDone={requests.reload} />))}
      </div>
      {decided.length > 0 && (
        <details className="history">
          <summary>{t('sharing.decided', { count: decided.length })}</summary>
          <TableFrame>
            <table data-testid="inbox-decided">
              <tbody>{decided.map((request) => (
                <tr key={request.id} data-request={request.id}>
                  <td className="mono">{request.id}</td><td>{name(request.requester)}</td>
                  <td className="mono">{request.entry}</td>
                  <td><ItemList request={request} /></td>
                  <td><StateTag state={request.status} /></td>
                  <td>{request.status === 'granted' && <RevokeGrant id={request.id}
                    session={session} onDone={requests.reload} />}</td>
                </tr>))}</tbody>
            </table>
          </TableFrame>
        </details>)}
      <LoadMore next={requests.next} onMore={requests.more} loading={requests.loading} />
    </section>
  );
}

/** Pages that need a member of an active agency say so, with the way to sign in. */
export function MemberOnly({ session }: { session: Session | null }) {
  const { t } = useTranslation();
  return (
    <div className="page narrow">
      <p className="notice" data-testid="member-only">
        {session === null ? t('sharing.signInFirst') : t('sharing.notMember')}{' '}
        <a href="#/signin">{t('nav.signIn')}</a></p>
    </div>
  );
}

export function SharingPage({ path }: { path: string[] }) {
  const { session } = useSession();
  const [view, ...rest] = path;
  if (session === null || session.member === null || session.member.status !== 'active') {
    return <MemberOnly session={session} />;
  }
  const code = rest.join('/');
  if (view === 'new') return <RequestForm key={code} session={session} code={code} />;
  if (view === 'fetch') return <FetchPage key={code} session={session} code={code} />;
  return (
    <div className="page" data-testid="sharing-page">
      <MyRequests session={session} />
      <Inbox session={session} />
      {session.member.roles.includes('data-authority') && <AuthorityQueue session={session} />}
    </div>
  );
}
