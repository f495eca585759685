// My data, for citizens: who accessed records about me. Reading it takes proof that one is the
// person (ADR 0013): the citizen makes a key pair here (the private key stays in this browser),
// hands its public key to an identity agency, which checks who they are and issues a subject
// credential binding that key to their subject id; pasted here, it lets the page sign a fresh
// usage request with the key. No national id is typed or derived here any more. The page lists
// every access, newest first: time, agency, system, purpose, items. An access that is covert by
// law and not yet disclosed is listed as such, with the height from which it will be shown:
// never silently left out.
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorCode, ZwError, toHex } from '../../../src/core/index.js';
import {
  citizenKeyFromHex, createCitizenKey, credentialSubject, getSuite, readCredentialFile, usage,
} from '../../../src/sdk/index.js';
import type { KeyPair, UsageItem, UsagePage, UsageReader } from '../../../src/sdk/index.js';
import {
  EmptyState, LoadMore, StateTag, TableFrame, useAgencyNames,
} from '../components.js';
import { ErrorNote } from '../errors.js';
import { client, formatTime } from '../node.js';
import { usePaged } from '../paging.js';

/** Where the citizen's private key (hex) is kept in this browser, per chain. */
const keyStorage = (chainId: string): string => `zw-citizen-key/${chainId}`;

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

function UsageList({ subject, reader }: { subject: string; reader: UsageReader }) {
  const { t } = useTranslation();
  const [height, setHeight] = useState<number | null>(null);
  const list = usePaged(async (after) => {
    const page: UsagePage = await usage(client, subject, reader,
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

/** The citizen's key for this chain: kept in this browser, made on request. */
async function citizenKey(make: boolean): Promise<KeyPair | null> {
  const status = await client.status();
  const suite = getSuite(status.suite);
  const stored = window.localStorage.getItem(keyStorage(status.chainId));
  if (stored !== null) return citizenKeyFromHex(suite, stored);
  if (!make) return null;
  const key = createCitizenKey(suite);
  window.localStorage.setItem(keyStorage(status.chainId), toHex(key.privateKey));
  return key;
}

function credentialOf(text: string, badCredential: string): Uint8Array {
  try {
    return readCredentialFile(JSON.parse(text));
  } catch {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, badCredential);
  }
}

export function MyDataPage() {
  const { t } = useTranslation();
  const [input, setInput] = useState('');
  const [key, setKey] = useState<KeyPair | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [shown, setShown] = useState<{ subject: string; reader: UsageReader } | null>(null);
  useEffect(() => {
    citizenKey(false).then(setKey, setError);
  }, []);
  const makeKey = () => {
    setError(null);
    citizenKey(true).then(setKey, setError);
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      const credential = credentialOf(input, t('mydata.badCredential'));
      const held = key ?? await citizenKey(false);
      if (held === null) throw new ZwError(ErrorCode.INVALID_ARGUMENT, t('mydata.makeKey'));
      const suite = getSuite((await client.status()).suite);
      setShown({ subject: credentialSubject(credential),
        reader: { suite, key: held, credential } });
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <div className="page" data-testid="mydata-page">
      <form className="card form" onSubmit={(event) => void submit(event)}
        data-testid="mydata-form">
        <h2>{t('mydata.title')}</h2>
        <p className="muted">{t('mydata.hint')}</p>
        <h3>{t('mydata.keyTitle')}</h3>
        {key === null
          ? <button type="button" onClick={makeKey} data-testid="mydata-make-key">
            {t('mydata.makeKey')}</button>
          : <p className="small">{t('mydata.publicKey')} <span className="mono"
            data-testid="mydata-public-key">{toHex(key.publicKey)}</span>
          <span className="muted"> {t('mydata.keyKept')}</span></p>}
        <label className="field"><span>{t('mydata.credentialLabel')}</span>
          <textarea value={input} autoComplete="off" spellCheck={false} rows={4}
            data-testid="mydata-credential" placeholder={t('mydata.credentialPlaceholder')}
            onChange={(e) => setInput(e.target.value)} />
        </label>
        {error !== null && <ErrorNote error={error} testId="mydata-error" />}
        <div className="actions">
          <button type="submit" className="primary" disabled={input.trim() === ''}
            data-testid="mydata-submit">{t('mydata.show')}</button>
        </div>
      </form>
      {shown !== null && <UsageList key={shown.subject} subject={shown.subject}
        reader={shown.reader} />}
    </div>
  );
}
