// The data authority's review queue: every submitted entry version awaiting review, with its
// metadata and items, approved (published) or rejected with a mandatory reason. Only members
// holding `data-authority` in the authority agency fixed at deployment may review; the page
// says so to anyone else who holds the role.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { receiptResult } from '../../../src/sdk/index.js';
import { EmptyState, useAgencyNames } from '../components.js';
import { authorityAgency, loadReviewQueue } from '../data.js';
import type { EntryVersionView } from '../data.js';
import { ErrorNote, PortalError } from '../errors.js';
import { useLoad, useNewBlocks } from '../hooks.js';
import { useSession } from '../session.js';
import type { Session } from '../session.js';
import { ItemTable } from './Catalog.js';

function ReviewCard({ version, session, provider, onDone }: { version: EntryVersionView;
  session: Session; provider: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [working, setWorking] = useState<'approve' | 'reject' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const decide = async (approve: boolean) => {
    setError(null);
    if (!approve && reason.trim() === '') { setError(new PortalError('reasonRequired')); return; }
    setWorking(approve ? 'approve' : 'reject');
    try {
      receiptResult(await session.account.sendAndWait('catalog', 'review', { code: version.code,
        version: version.version, approve, ...(reason.trim() === '' ? {}
          : { reason: reason.trim() }) }));
      onDone();
    } catch (caught) {
      session.account.resync();
      setError(caught);
    } finally {
      setWorking(null);
    }
  };
  return (
    <article className="proposal" data-testid="review-item" data-code={version.code}>
      <header>
        <h3><a href={`#/catalog/entry/${version.code}`}>{version.name}</a></h3>
        <span className="tag state-in-review">{t('catalog.versionN',
          { version: version.version })}</span>
      </header>
      <dl className="facts">
        <dt>{t('catalog.code')}</dt><dd className="mono">{version.code}</dd>
        <dt>{t('catalog.provider')}</dt><dd>{provider}</dd>
        <dt>{t('catalog.sharingType')}</dt><dd>{t(`sharingType.${version.sharingType}`)}</dd>
        <dt>{t('catalog.legalBasis')}</dt><dd>{version.legalBasis}</dd>
        <dt>{t('catalog.abstract')}</dt><dd>{version.abstract}</dd>
      </dl>
      <ItemTable version={version} />
      <label className="field">
        <span>{t('catalog.reviewReason')}</span>
        <input value={reason} data-testid="review-reason"
          onChange={(e) => setReason(e.target.value)} />
      </label>
      {error !== null && <ErrorNote error={error} testId="review-error" />}
      <div className="actions">
        <button type="button" className="yes" disabled={working !== null}
          data-testid="review-approve" onClick={() => void decide(true)}>
          {working === 'approve' ? t('governance.signing') : t('catalog.approve')}</button>
        <button type="button" className="no" disabled={working !== null}
          data-testid="review-reject" onClick={() => void decide(false)}>
          {working === 'reject' ? t('governance.signing') : t('catalog.reject')}</button>
      </div>
    </article>
  );
}

export function ReviewQueue() {
  const { t } = useTranslation();
  const { session } = useSession();
  const { name } = useAgencyNames();
  const queue = useLoad(async () => ({ authority: await authorityAgency(),
    versions: await loadReviewQueue() }), 'review-queue');
  useNewBlocks((_height, txCount) => { if (txCount > 0) queue.reload(); });
  if (session === null) return null;
  const body = () => {
    if (queue.value === undefined) {
      return queue.error === undefined ? <p className="muted">{t('common.loading')}</p>
        : <ErrorNote error={queue.error} />;
    }
    if (session.member?.agency !== queue.value.authority) {
      return <p className="notice">{t('catalog.notAuthority',
        { agency: name(queue.value.authority) })}</p>;
    }
    if (queue.value.versions.length === 0) {
      return <EmptyState testId="review-empty" text={t('catalog.reviewEmpty')} />;
    }
    return (
      <div className="proposals">
        {queue.value.versions.map((version) => (
          <ReviewCard key={`${version.code}@${version.version}`} version={version}
            session={session} provider={name(version.provider)} onDone={queue.reload} />))}
      </div>
    );
  };
  return (
    <section className="card" data-testid="review-queue">
      <h2>{t('catalog.reviewQueue')}</h2>
      <p className="muted">{t('catalog.reviewHint')}</p>
      {body()}
    </section>
  );
}
