// My data, for citizens: who accessed records about me. The person types their national id
// (turned into their pseudonymous subject id here, in the page, with scrypt; the id never
// leaves the browser) or the subject id itself, and sees every access, newest first: time,
// agency, system, purpose, items. An access that is covert by law and not yet disclosed is
// listed as such, with the height from which it will be shown: never silently left out.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { deriveSubjectId, usage } from '../../../src/sdk/index.js';
import type { UsageItem, UsagePage } from '../../../src/sdk/index.js';
import {
  EmptyState, LoadMore, Spinner, StateTag, TableFrame, useAgencyNames,
} from '../components.js';
import { ErrorNote } from '../errors.js';
import { client, formatTime } from '../node.js';
import { usePaged } from '../paging.js';

const subjectIdPattern = /^[0-9a-f]{64}$/;

function AccessRow({ item }: { item: UsageItem }) {
  const { t, i18n } = useTranslation();
  const { name } = useAgencyNames();
  if (item.covert) {
    return (
      <tr className="covert" data-testid="usage-covert" data-receipt={item.id}>
        <td colSpan={5} data-label=""><span className="tag state-covert">{t('mydata.covert')}</span>{' '}
          {t('mydata.covertUntil', { height: item.disclosureHeight })}</td>
      </tr>
    );
  }
  return (
    <tr data-testid="usage-row" data-receipt={item.id} data-outcome={item.outcome}>
      <td className="nowrap" data-label={t('audit.time')}>
        {formatTime(item.time, i18n.language)}</td>
      <td data-label={t('mydata.agency')}>{name(item.agency)}
        <div className="muted small">{item.system}</div></td>
      <td data-label={t('audit.purpose')}>{item.purpose}</td>
      <td className="small" data-label={t('mydata.what')}><span className="mono">{item.entry}
      </span><div>{item.items.join('、')}</div></td>
      <td data-label={t('audit.outcome')}><StateTag state={item.outcome} /></td>
    </tr>
  );
}

function UsageList({ subject }: { subject: string }) {
  const { t } = useTranslation();
  const [height, setHeight] = useState<number | null>(null);
  const list = usePaged(async (after) => {
    const page: UsagePage = await usage(client, subject,
      { limit: 20, ...(after === undefined ? {} : { after }) });
    setHeight(page.height);
    return page;
  }, subject);
  return (
    <section className="card" data-testid="usage">
      <h2>{t('mydata.accesses')}</h2>
      <p className="muted small">{t('mydata.subjectIs')} <span className="mono"
        data-testid="subject-id">{subject}</span></p>
      {list.error !== null && <ErrorNote error={list.error} testId="usage-error" />}
      {list.loaded && list.items.length === 0 && (
        <EmptyState testId="usage-empty" text={t('mydata.none')} />)}
      {list.items.length > 0 && (
        <TableFrame>
          <table className="stack" data-testid="usage-table">
            <thead><tr><th>{t('audit.time')}</th><th>{t('mydata.agency')}</th>
              <th>{t('audit.purpose')}</th><th>{t('mydata.what')}</th>
              <th>{t('audit.outcome')}</th></tr></thead>
            <tbody>{list.items.map((item) => <AccessRow key={item.id} item={item} />)}</tbody>
          </table>
        </TableFrame>)}
      {height !== null && <p className="muted small">{t('mydata.asOf', { height })}</p>}
      <LoadMore next={list.next} onMore={list.more} loading={list.loading} />
    </section>
  );
}

export function MyDataPage() {
  const { t } = useTranslation();
  const [input, setInput] = useState('');
  const [deriving, setDeriving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [subject, setSubject] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const typed = input.trim();
    if (subjectIdPattern.test(typed.toLowerCase())) { setSubject(typed.toLowerCase()); return; }
    setDeriving(true);
    try {
      const chainId = (await client.status()).chainId;
      // Let the spinner paint: scrypt then holds the page for a moment.
      await new Promise((resolve) => setTimeout(resolve, 30));
      setSubject(deriveSubjectId(typed, chainId));
      // The national id is not kept once its subject id is known.
      setInput('');
    } catch (caught) {
      setError(caught);
    } finally {
      setDeriving(false);
    }
  };
  return (
    <div className="page" data-testid="mydata-page">
      <form className="card form" onSubmit={(event) => void submit(event)}
        data-testid="mydata-form">
        <h2>{t('mydata.title')}</h2>
        <p className="muted">{t('mydata.hint')}</p>
        <label className="field"><span>{t('mydata.idLabel')}</span>
          <input value={input} autoComplete="off" spellCheck={false} data-testid="mydata-id"
            placeholder={t('mydata.idPlaceholder')} onChange={(e) => setInput(e.target.value)} />
        </label>
        {error !== null && <ErrorNote error={error} testId="mydata-error" />}
        <div className="actions">
          <button type="submit" className="primary" disabled={deriving || input.trim() === ''}
            data-testid="mydata-submit">{t('mydata.show')}</button>
          {deriving && <Spinner label={t('mydata.deriving')} testId="mydata-deriving" />}
        </div>
      </form>
      {subject !== null && <UsageList key={subject} subject={subject} />}
    </div>
  );
}
