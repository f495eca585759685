// Fetching granted data: the member chooses the items (those their agency holds grants for
// are marked), optionally the people concerned (the member's own node turns national ids into
// subject ids through the subject-key agencies, ADR 0013), and the purpose, case number,
// official id and system that the access receipt will carry. The member's signed request goes
// to their own node, which asks the provider's node; the provider checks the grant on chain at
// that moment and records a receipt either way.
//
// The page shows each step as it happens: the payload must hash to the response hash (checked
// by fetchData), and the receipt holding that hash is then proven against a header signed by
// the validators trusted from the genesis. Only then is the data offered for download.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorCode, ZwError } from '../../../src/core/index.js';
import {
  deriveSubjects, evidenceBundle, fetchData, sharingRequests, verifyEvidenceBundle,
} from '../../../src/sdk/index.js';
import type { Account, FetchedData } from '../../../src/sdk/index.js';
import { EmptyState, Spinner, TableFrame, useAgencyNames } from '../components.js';
import { download, fileSafe, loadEntry, loadRequests, payloadCsv } from '../data.js';
import type { EntryHeadView, RequestView } from '../data.js';
import { ErrorNote, PortalError } from '../errors.js';
import { useLoad } from '../hooks.js';
import { client, trustedChain } from '../node.js';
import type { Session } from '../session.js';

/** A receipt is provable once the next block signs its state; wait at most this long. */
const proofWaitMs = 30_000;
const proofRetryMs = 250;
const subjectIdPattern = /^[0-9a-f]{64}$/;
const subjectsMax = 32;
const pageRecordsMax = 100;

type Step = 'subjects' | 'fetch' | 'prove';
const steps: readonly Step[] = ['subjects', 'fetch', 'prove'];

interface Result {
  readonly fetched: FetchedData;
  readonly proof: 'proven' | { readonly error: unknown };
}

/** Granted requests of the member's agency for this entry (the index's granted rows). */
async function grantsFor(agency: string, entry: string): Promise<RequestView[]> {
  const page = await sharingRequests(client, { agency, side: 'requester', status: 'granted',
    limit: 100 });
  return loadRequests(page.items.filter((row) => row.entry === entry).map((row) => row.id));
}

/** Proves the receipt that holds the response hash, retrying until the next block signs it. */
async function proveReceipt(fetched: FetchedData): Promise<void> {
  const trust = await trustedChain();
  const deadline = Date.now() + proofWaitMs;
  for (;;) {
    try {
      const { receipt } = verifyEvidenceBundle(await evidenceBundle(client, fetched.receiptId),
        trust);
      if (receipt.responseHash !== fetched.responseHash
        || receipt.requestHash !== fetched.requestHash) {
        throw new ZwError(ErrorCode.HASH_MISMATCH,
          `receipt ${fetched.receiptId} on chain records other hashes`);
      }
      return;
    } catch (error) {
      const retry = error instanceof ZwError && (error.code === ErrorCode.NOT_FOUND
        || error.code === ErrorCode.HEIGHT_UNAVAILABLE);
      if (!retry || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, proofRetryMs));
    }
  }
}

/** Subject ids from the lines typed: 64-hex ids as they are, personal ids by the own node. */
async function subjectIds(account: Account, text: string): Promise<string[]> {
  const lines = text.split(/\s+/).filter((line) => line !== '');
  if (lines.length > subjectsMax) throw new PortalError('tooManySubjects', { max: subjectsMax });
  const personal = lines.filter((line) => !subjectIdPattern.test(line));
  const derived = personal.length === 0 ? [] : await deriveSubjects(account, personal);
  return lines.map((line) => (subjectIdPattern.test(line) ? line
    : derived[personal.indexOf(line)] ?? ''));
}

interface Draft {
  readonly items: readonly string[];
  readonly subjects: string;
  readonly purpose: string;
  readonly caseNumber: string;
  readonly officialId: string;
  readonly system: string;
}

function StepList({ current, done, subjects }: { current: Step | null; done: readonly Step[];
  subjects: boolean }) {
  const { t } = useTranslation();
  return (
    <ol className="steps" data-testid="fetch-progress">
      {steps.filter((step) => step !== 'subjects' || subjects).map((step) => (
        <li key={step} className={done.includes(step) ? 'done' : step === current ? 'now' : ''}>
          {step === current ? <Spinner label={t(`fetch.step.${step}`)} />
            : <>{done.includes(step) ? '✔ ' : '○ '}{t(`fetch.step.${step}`)}</>}
        </li>))}
    </ol>
  );
}

function Records({ result }: { result: Result }) {
  const { t } = useTranslation();
  const { fetched, proof } = result;
  const { payload } = fetched;
  const base = `${fileSafe(payload.entry)}-${fileSafe(fetched.receiptId)}`;
  return (
    <section className="card result good" data-testid="fetch-result">
      <h2>{t('fetch.verified', { count: payload.records.length })}</h2>
      <dl className="facts">
        <dt>{t('fetch.receiptId')}</dt>
        <dd className="mono" data-testid="fetch-receipt">{fetched.receiptId}</dd>
        <dt>{t('fetch.hash')}</dt>
        <dd className="ok" data-testid="fetch-hash">✔ {t('fetch.hashOk')}
          <div className="muted mono small">{fetched.responseHash}</div></dd>
        <dt>{t('fetch.proof')}</dt>
        <dd data-testid="fetch-proof">{proof === 'proven'
          ? <span className="ok">✔ {t('fetch.proven')}</span>
          : <ErrorNote error={proof.error} />}</dd>
        <dt>{t('fetch.acknowledged')}</dt>
        <dd>{fetched.acknowledged ? t('common.yes') : t('common.no')}</dd>
        <dt>{t('fetch.datasetVersion')}</dt><dd>{payload.datasetVersion}</dd>
      </dl>
      {payload.records.length === 0 ? <EmptyState text={t('fetch.noRecords')} /> : (
        <TableFrame>
          <table data-testid="fetch-records">
            <thead><tr><th>{t('fetch.subject')}</th>
              {payload.items.map((item) => <th key={item}>{item}</th>)}</tr></thead>
            <tbody>{payload.records.map((record, index) => (
              <tr key={index}>
                <td className="mono small">{record.subject === null ? '—'
                  : `${record.subject.slice(0, 12)}…`}</td>
                {payload.items.map((item) => <td key={item}>{String(record.data[item] ?? '')}</td>)}
              </tr>))}</tbody>
          </table>
        </TableFrame>)}
      <div className="actions">
        <button type="button" data-testid="download-json" onClick={() => download(`${base}.json`,
          JSON.stringify({ receiptId: fetched.receiptId, responseHash: fetched.responseHash,
            proven: proof === 'proven', payload }, null, 2), 'application/json')}>
          {t('fetch.downloadJson')}</button>
        <button type="button" data-testid="download-csv"
          onClick={() => download(`${base}.csv`, payloadCsv(payload), 'text/csv')}>
          {t('fetch.downloadCsv')}</button>
      </div>
    </section>
  );
}

function FetchForm({ session, head, grants }: { session: Session; head: EntryHeadView;
  grants: readonly RequestView[] }) {
  const { t } = useTranslation();
  const granted = new Set(grants.flatMap((grant) => grant.grantedItems));
  const allItems = head.current?.items.map((item) => item.name) ?? [];
  const [draft, setDraft] = useState<Draft>({ items: allItems.filter((i) => granted.has(i)),
    subjects: '', purpose: grants[0]?.purpose ?? '', caseNumber: '', officialId: '',
    system: t('fetch.defaultSystem') });
  const [current, setCurrent] = useState<Step | null>(null);
  const [done, setDone] = useState<Step[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<Result | null>(null);
  const edit = (change: Partial<Draft>) => setDraft((previous) => ({ ...previous, ...change }));
  const toggle = (item: string, on: boolean) => edit({ items: on
    ? allItems.filter((i) => i === item || draft.items.includes(i))
    : draft.items.filter((i) => i !== item) });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setResult(null);
    setDone([]);
    const missing = (['purpose', 'caseNumber', 'officialId', 'system'] as const)
      .filter((field) => draft[field].trim() === '');
    if (draft.items.length === 0) { setError(new PortalError('chooseItems')); return; }
    if (missing.length > 0) { setError(new PortalError('fetchFields')); return; }
    try {
      setCurrent('subjects');
      // Let the spinner paint before scrypt holds the page for a moment per id.
      await new Promise((resolve) => setTimeout(resolve, 30));
      const subjects = await subjectIds(session.account, draft.subjects);
      setDone(['subjects']);
      setCurrent('fetch');
      const fetched = await fetchData(session.account, { entry: head.code,
        items: [...draft.items], purpose: draft.purpose.trim(),
        caseNumber: draft.caseNumber.trim(), officialId: draft.officialId.trim(),
        system: draft.system.trim(),
        ...(subjects.length === 0 ? { limit: pageRecordsMax } : { subjects }) });
      setDone(['subjects', 'fetch']);
      setCurrent('prove');
      const proof = await proveReceipt(fetched).then(() => 'proven' as const,
        (caught: unknown) => ({ error: caught }));
      setDone(['subjects', 'fetch', 'prove']);
      setResult({ fetched, proof });
    } catch (caught) {
      setError(caught);
    } finally {
      setCurrent(null);
    }
  };
  const text = (field: 'purpose' | 'caseNumber' | 'officialId' | 'system') => (
    <label className="field"><span>{t(`fetch.${field}`)}</span>
      <input value={draft[field]} data-testid={`fetch-${field}`}
        onChange={(e) => edit({ [field]: e.target.value })} /></label>
  );
  return (<>
    <form className="card form" noValidate onSubmit={(event) => void submit(event)}
      data-testid="fetch-form">
      <h2>{t('sharing.fetchTitle')}: {head.current?.name ?? head.code}</h2>
      {grants.length === 0 && <p className="notice" data-testid="no-grant">
        {t('fetch.noGrant')}</p>}
      <fieldset className="choices">
        <legend>{t('sharing.items')}</legend>
        {allItems.map((item) => (
          <label key={item} className="check">
            <input type="checkbox" checked={draft.items.includes(item)}
              data-testid={`fetch-item-${item}`}
              onChange={(e) => toggle(item, e.target.checked)} />
            <span className="mono">{item}</span>
            {granted.has(item) ? <span className="tag state-granted">{t('fetch.granted')}</span>
              : <span className="tag state-rejected">{t('fetch.notGranted')}</span>}
          </label>))}
      </fieldset>
      <label className="field"><span>{t('fetch.subjects')}</span>
        <textarea rows={2} className="mono" value={draft.subjects} data-testid="fetch-subjects"
          onChange={(e) => edit({ subjects: e.target.value })} />
        <small className="muted">{t('fetch.subjectsHint')}</small></label>
      <div className="form-grid even">
        {text('purpose')}{text('caseNumber')}{text('officialId')}{text('system')}
      </div>
      {(current !== null || done.length > 0) && (
        <StepList current={current} done={done} subjects={draft.subjects.trim() !== ''} />)}
      {error !== null && <ErrorNote error={error} testId="fetch-error" />}
      <div className="actions">
        <button type="submit" className="primary" disabled={current !== null}
          data-testid="fetch-submit">{current !== null ? t('fetch.running')
            : t('sharing.fetch')}</button>
        <a className="button" href="#/sharing">{t('common.back')}</a>
      </div>
    </form>
    {result !== null && <Records result={result} />}
  </>);
}

export function FetchPage({ session, code }: { session: Session; code: string }) {
  const { t } = useTranslation();
  const { name } = useAgencyNames();
  const agency = session.member?.agency ?? '';
  const loaded = useLoad(async () => ({ head: await loadEntry(code),
    grants: await grantsFor(agency, code) }), `fetch:${code}:${agency}`);
  if (loaded.error !== undefined) {
    return <div className="card"><ErrorNote error={loaded.error} /></div>;
  }
  if (loaded.value === undefined) return <div className="card">{t('common.loading')}</div>;
  const { head, grants } = loaded.value;
  if (head === null || head.current === null) {
    return <div className="card"><EmptyState text={t('catalog.noEntry', { code })} /></div>;
  }
  return (
    <div className="page" data-testid="fetch-page">
      <p className="muted">{t('fetch.intro', { provider: name(head.provider) })}</p>
      <FetchForm session={session} head={head} grants={grants} />
    </div>
  );
}
