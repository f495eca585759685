// Explorer: recent blocks and transactions, a block with its transactions and signers, and a
// transaction with its receipt, events and proof status — the receipt proof is checked in the
// browser against a header signed by the validators, not taken from the node on trust. The
// search box takes a height, a transaction hash, an address, an agency (id, short name or part
// of its name) or a contract name; lists of a contract's, an agency's or an address's
// transactions come from the node's search over recent blocks (GET /v1/txs) and grow as new
// blocks arrive.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isZwError } from '../../../src/core/index.js';
import {
  blockSummaries, searchTxs, trustAtHeight, verifyTxView,
} from '../../../src/sdk/index.js';
import type {
  BlockSummaryView, BlockView, TxSearchOptions, TxSummaryView, TxView,
} from '../../../src/sdk/index.js';
import { EmptyState, TableFrame, useAgencyNames } from '../components.js';
import { ErrorNote } from '../errors.js';
import { loadMember } from '../governance.js';
import type { AgencyView } from '../governance.js';
import { useLoad } from '../hooks.js';
import { useBlocks } from '../live.js';
import '../network.css';
import { client, formatTime, shortHex, trustedChain } from '../node.js';

const recentBlocksShown = 20;
const txPageSize = 25;
/** The contracts every chain starts with, offered as one-click searches. */
const knownContracts = ['notary', 'identity', 'governance', 'catalog', 'sharing'];
const contractPattern = /^[a-z][a-z0-9_.-]*$/;

type Query = { kind: 'block' | 'tx' | 'address' | 'contract'; value: string }
  | { kind: 'agency'; value: string };

/** What a search text names; agencies are matched by id, short name or part of their name. */
export function classify(text: string, agencies: readonly AgencyView[]): Query | null {
  const query = text.trim();
  const hex = query.replace(/^0x/i, '').toLowerCase();
  if (/^\d{1,15}$/.test(query)) return { kind: 'block', value: String(Number(query)) };
  if (/^[0-9a-f]{64}$/.test(hex)) return { kind: 'tx', value: hex };
  if (/^[0-9a-f]{40}$/.test(hex)) return { kind: 'address', value: hex };
  if (query === '') return null;
  const agency = agencies.find((a) => a.id === query || a.id.split('/').pop() === query)
    ?? agencies.find((a) => query.length >= 2 && a.name.includes(query));
  if (agency !== undefined) return { kind: 'agency', value: agency.id };
  if (contractPattern.test(query) && query.length <= 64) return { kind: 'contract', value: query };
  return null;
}

function route(query: Query): string {
  return `#/explorer/${query.kind}/${encodeURIComponent(query.value)}`;
}

function SearchBox() {
  const { t } = useTranslation();
  const { agencies } = useAgencyNames();
  const [text, setText] = useState('');
  const [invalid, setInvalid] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const query = classify(text, agencies);
    setInvalid(query === null);
    if (query !== null) window.location.hash = route(query);
  };
  return (
    <section className="card">
      <form className="search" onSubmit={submit}>
        <input value={text} onChange={(e) => setText(e.target.value)} data-testid="search"
          placeholder={t('search.placeholder')} aria-label={t('search.placeholder')} />
        <button type="submit" data-testid="search-go">{t('explorer.go')}</button>
        {invalid && <div className="error" data-testid="search-invalid">
          {t('search.invalid')}</div>}
      </form>
      <div className="chips">
        <span className="muted small">{t('search.contracts')}</span>
        {knownContracts.map((name) => (
          <a key={name} href={`#/explorer/contract/${name}`} className="mono">{name}</a>))}
        <select aria-label={t('search.byAgency')} value="" data-testid="search-agency"
          onChange={(e) => { if (e.target.value !== '') {
            window.location.hash = route({ kind: 'agency', value: e.target.value });
          } }}>
          <option value="">{t('search.byAgency')}</option>
          {agencies.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
        </select>
      </div>
    </section>
  );
}

function Status({ status }: { status: string | null }) {
  const { t } = useTranslation();
  if (status === null) return <span className="muted">—</span>;
  return status === 'ok' ? <span className="tx-status-ok">✔ {t('search.ok')}</span>
    : <span className="tx-status-failed" title={status}>✘ {status}</span>;
}

/** The sender's agency by name (`name` maps ids to names, loaded once per list). */
function Sender({ tx, name }: { tx: TxSummaryView; name: (id: string) => string }) {
  const { t } = useTranslation();
  return <>
    <div className={tx.agency === null ? 'muted small' : 'wrap'}>
      {tx.agency === null ? t('search.notMember') : name(tx.agency)}</div>
    <a className="mono small" href={`#/explorer/address/${tx.sender}`}>{shortHex(tx.sender, 8)}</a>
  </>;
}

function TxTable({ txs, showHeight = true }: { txs: readonly TxSummaryView[];
  showHeight?: boolean }) {
  const { t } = useTranslation();
  const { name } = useAgencyNames();
  return (
    <TableFrame>
      <table className="stack" data-testid="tx-list">
        <thead><tr>{showHeight && <th>{t('common.height')}</th>}<th>{t('common.hash')}</th>
          <th>{t('search.call')}</th><th>{t('search.sender')}</th>
          <th>{t('explorer.status')}</th></tr></thead>
        <tbody>
          {txs.map((tx) => (
            <tr key={tx.hash} data-tx={tx.hash} data-contract={tx.contract}>
              {showHeight && <td data-label={t('common.height')}>
                <a href={`#/explorer/block/${tx.height}`}>{tx.height}</a></td>}
              <td data-label={t('common.hash')}><a className="mono"
                href={`#/explorer/tx/${tx.hash}`}>{shortHex(tx.hash, 8)}</a></td>
              <td data-label={t('search.call')}><span className="mono">
                {tx.contract}.{tx.method}</span>
                {tx.argsRedacted === true && <span className="muted small"
                  data-testid="args-withheld"> · {t('explorer.withheld')}</span>}</td>
              <td data-label={t('search.sender')}><Sender tx={tx} name={name} /></td>
              <td data-label={t('explorer.status')}><Status status={tx.status} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableFrame>
  );
}

interface TxListState {
  readonly txs: readonly TxSummaryView[];
  /** The newest height searched, and the lowest one fully searched. */
  readonly top: number;
  readonly scannedFrom: number;
}

function withNew(state: TxListState, fresh: readonly TxSummaryView[]): TxSummaryView[] {
  const seen = new Set(state.txs.map((tx) => tx.hash));
  return [...fresh.filter((tx) => !seen.has(tx.hash)), ...state.txs];
}

/** Transactions matching `filter`, newest first; older pages on demand, new blocks live. */
function TxList({ filter, title, testId }: { filter: TxSearchOptions; title: string;
  testId: string }) {
  const { t } = useTranslation();
  const key = JSON.stringify(filter);
  const first = useLoad(async () => {
    const page = await searchTxs(client, { ...filter, limit: txPageSize });
    return { txs: page.txs, top: page.to, scannedFrom: page.scannedFrom };
  }, key);
  const [state, setState] = useState<{ key: string; value: TxListState } | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const current = state?.key === key ? state.value : first.value;
  useBlocks((block) => {
    if (current === undefined || block.txCount === 0 || block.height <= current.top) return;
    searchTxs(client, { ...filter, from: current.top + 1, to: block.height }).then((page) => {
      setState({ key, value: { ...current, txs: withNew(current, page.txs), top: page.to } });
    }).catch(setError);
  });
  const older = async () => {
    if (current === undefined) return;
    setLoading(true);
    try {
      const page = await searchTxs(client, { ...filter, to: current.scannedFrom - 1,
        limit: txPageSize });
      const seen = new Set(current.txs.map((tx) => tx.hash));
      setState({ key, value: { ...current, scannedFrom: page.scannedFrom,
        txs: [...current.txs, ...page.txs.filter((tx) => !seen.has(tx.hash))] } });
    } catch (caught) {
      setError(caught);
    } finally {
      setLoading(false);
    }
  };
  return (
    <section className="card" data-testid={testId}>
      <header className="card-head">
        <h2>{title}</h2>
        {current !== undefined && <span className="muted small">{t('search.scanned',
          { from: current.scannedFrom, to: current.top })}</span>}
      </header>
      {first.error !== undefined && <ErrorNote error={first.error} />}
      {error !== null && <ErrorNote error={error} />}
      {current === undefined && first.error === undefined && (
        <p className="muted">{t('common.loading')}</p>)}
      {current !== undefined && current.txs.length === 0 && (
        <EmptyState testId={`${testId}-empty`} text={t('search.noTxs')} />)}
      {current !== undefined && current.txs.length > 0 && <TxTable txs={current.txs} />}
      {current !== undefined && current.scannedFrom > 1 && (
        <div className="actions">
          <button type="button" onClick={() => void older()} disabled={loading}
            data-testid="tx-older">{loading ? t('common.loading') : t('search.older')}</button>
        </div>)}
    </section>
  );
}

function RecentBlocks() {
  const { t, i18n } = useTranslation();
  const { name } = useAgencyNames();
  const loaded = useLoad(async () => {
    const { height } = await client.status();
    return blockSummaries(client, { from: Math.max(1, height - recentBlocksShown + 1),
      to: Math.max(1, height) });
  }, 'recent-blocks');
  const [live, setLive] = useState<readonly BlockSummaryView[]>([]);
  useBlocks((block) => {
    blockSummaries(client, { from: block.height, to: block.height }).then((found) =>
      setLive((previous) => [...found, ...previous].slice(0, recentBlocksShown)))
      .catch(() => { /* The block appears on the next load. */ });
  });
  const status = useLoad(() => client.status(), 'validators');
  const agencyOf = (address: string) => status.value?.validators
    .find((v) => v.address === address)?.agency ?? null;
  if (loaded.error !== undefined) {
    return <div className="card"><ErrorNote error={loaded.error} /></div>;
  }
  if (loaded.value === undefined) return <div className="card">{t('common.loading')}</div>;
  const newest = loaded.value[0]?.height ?? 0;
  const blocks = [...live.filter((b) => b.height > newest), ...loaded.value]
    .slice(0, recentBlocksShown);
  return (
    <section className="card" data-testid="recent-blocks">
      <h2>{t('explorer.recentBlocks')}</h2>
      <TableFrame>
        <table className="stack">
          <thead><tr><th>{t('common.height')}</th><th>{t('common.hash')}</th>
            <th>{t('common.time')}</th><th>{t('explorer.txs')}</th>
            <th>{t('explorer.proposer')}</th><th>{t('search.signers')}</th></tr></thead>
          <tbody>
            {blocks.map((block) => {
              const agency = agencyOf(block.proposer);
              return (
                <tr key={block.height} data-height={block.height}>
                  <td data-label={t('common.height')}>
                    <a href={`#/explorer/block/${block.height}`}>{block.height}</a></td>
                  <td className="mono hide-narrow" data-label={t('common.hash')}>
                    {shortHex(block.hash, 8)}</td>
                  <td data-label={t('common.time')}>{formatTime(block.time, i18n.language)}</td>
                  <td data-label={t('explorer.txs')}>{block.txCount}</td>
                  <td data-label={t('explorer.proposer')}>{agency === null
                    ? <span className="mono">{shortHex(block.proposer, 6)}</span>
                    : name(agency)}</td>
                  <td className="hide-narrow" data-label={t('search.signers')}>
                    {block.signers.length}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableFrame>
    </section>
  );
}

function BlockDetail({ height }: { height: number }) {
  const { t, i18n } = useTranslation();
  const { name } = useAgencyNames();
  const block = useLoad<{ view: BlockView; txs: readonly TxSummaryView[];
    summary: BlockSummaryView | undefined }>(async () => {
    const view = await client.block(height);
    const [page, summaries] = await Promise.all([
      searchTxs(client, { from: height, to: height, limit: 100 }),
      blockSummaries(client, { from: height, to: height })]);
    return { view, txs: [...page.txs].reverse(), summary: summaries[0] };
  }, `block-${height}`);
  const status = useLoad(() => client.status(), 'validators');
  if (block.error !== undefined) {
    return <div className="card" data-testid="block-missing">
      <ErrorNote error={block.error} /></div>;
  }
  if (block.value === undefined) return <div className="card">{t('common.loading')}</div>;
  const { view, txs, summary } = block.value;
  const validatorName = (address: string) => {
    const agency = status.value?.validators.find((v) => v.address === address)?.agency;
    return agency === undefined || agency === null ? shortHex(address, 8) : name(agency);
  };
  return (
    <div className="page">
      <section className="card" data-testid="block-detail" data-height={view.height}>
        <header className="card-head">
          <h2>{t('explorer.block')} {view.height}</h2>
          <span className="actions">
            {view.height > 1 && <a href={`#/explorer/block/${view.height - 1}`}>
              ← {t('search.previous')}</a>}
            <a href={`#/explorer/block/${view.height + 1}`}>{t('search.next')} →</a>
          </span>
        </header>
        <dl>
          <dt>{t('common.hash')}</dt><dd className="mono">{view.hash}</dd>
          <dt>{t('common.time')}</dt>
          <dd>{formatTime(Number(view.header.time), i18n.language)}</dd>
          <dt>{t('explorer.proposer')}</dt>
          <dd>{validatorName(String(view.header.proposer))}
            <div className="mono small">{String(view.header.proposer)}</div></dd>
          <dt>{t('search.signers')}</dt>
          <dd data-testid="block-signers">{summary === undefined ? '—'
            : summary.signers.map(validatorName).join('、')}</dd>
        </dl>
      </section>
      <section className="card">
        <h2>{t('explorer.txs')} ({txs.length})</h2>
        {txs.length === 0 ? <EmptyState text={t('explorer.noTxs')} />
          : <TxTable txs={txs} showHeight={false} />}
      </section>
    </div>
  );
}

type ProofState = 'ok' | 'waiting' | 'withheld';

function ProofStatus({ view }: { view: TxView }) {
  const { t } = useTranslation();
  const proof = useLoad<ProofState>(async () => {
    if (view.status !== 'committed' || view.proof === null) return 'waiting';
    // The receipts root covers the whole receipt; with personal event data withheld
    // (ADR 0010) the proof cannot be checked from this view.
    if (view.receipt.redacted === true) return 'withheld';
    verifyTxView(await trustAtHeight(client, await trustedChain(), view.height + 1), view);
    return 'ok';
  }, `proof-${view.hash}-${view.status}-${view.status === 'committed' && view.proof !== null}`);
  if (proof.error !== undefined) {
    return <div className="proof-box bad" data-testid="proof-bad">
      <strong>{t('explorer.proofBad')}</strong><ErrorNote error={proof.error} /></div>;
  }
  if (proof.value === 'ok' && view.status === 'committed') {
    return <div className="proof-box good" data-testid="proof-ok">
      <strong className="ok">✔ {t('explorer.proofOk')}</strong>
      <div className="muted small">{t('search.proofDetail', { height: view.height + 1 })}</div>
    </div>;
  }
  if (proof.value === 'withheld') {
    return <div className="proof-box waiting" data-testid="proof-withheld">
      {t('explorer.proofWithheld')}</div>;
  }
  if (proof.value === 'waiting') {
    return <div className="proof-box waiting" data-testid="proof-waiting">
      {t('explorer.proofPending')}</div>;
  }
  return <span className="muted">{t('common.loading')}</span>;
}

function TxFacts({ view }: { view: Extract<TxView, { status: 'committed' }> }) {
  const { t } = useTranslation();
  const { name } = useAgencyNames();
  const summary = useLoad(async () => {
    const page = await searchTxs(client, { from: view.height, to: view.height, limit: 100 });
    return page.txs.find((tx) => tx.hash === view.hash) ?? null;
  }, `summary-${view.hash}`);
  const tx = summary.value ?? null;
  return <>
    <dt>{t('explorer.block')}</dt>
    <dd><a href={`#/explorer/block/${view.height}`}>{view.height}</a>
      <span className="muted"> · {t('search.index', { index: view.index + 1 })}</span></dd>
    {tx !== null && <>
      <dt>{t('search.call')}</dt>
      <dd><a className="mono" href={`#/explorer/contract/${tx.contract}`}>{tx.contract}</a>
        <span className="mono">.{tx.method}</span></dd>
      <dt>{t('search.sender')}</dt><dd><Sender tx={tx} name={name} /></dd>
    </>}
    <dt>{t('explorer.receipt')}</dt>
    <dd><Status status={view.receipt.status} />
      {view.receipt.error === '' ? '' : `: ${view.receipt.error}`}</dd>
    <dt>{t('explorer.gas')}</dt><dd>{view.receipt.gasUsed}</dd>
    <dt>{t('explorer.events')}</dt>
    <dd>{view.receipt.events.length === 0 ? <span className="muted">{t('common.none')}</span>
      : view.receipt.events.map((e, i) => (
        <div key={i} className="mono small">{e.contract}.{e.name} {JSON.stringify(e.data)}
          {e.dataRedacted === true && <span className="muted" data-testid="event-withheld">
            {' '}· {t('explorer.withheld')}</span>}</div>
      ))}</dd>
  </>;
}

function TxDetail({ hash }: { hash: string }) {
  const { t } = useTranslation();
  const tx = useLoad<TxView>(() => client.tx(hash), `tx-${hash}`);
  // A pending transaction, or a committed one whose proof awaits the next block, settles later.
  useBlocks(() => {
    if (tx.value?.status === 'pending'
      || (tx.value?.status === 'committed' && tx.value.proof === null)) tx.reload();
  });
  if (tx.error !== undefined) {
    const missing = isZwError(tx.error) && tx.error.code === 'NOT_FOUND';
    return <div className="card" data-testid="tx-missing">{missing
      ? <EmptyState text={t('search.txMissing', { hash })} /> : <ErrorNote error={tx.error} />}
    </div>;
  }
  if (tx.value === undefined) return <div className="card">{t('common.loading')}</div>;
  const view = tx.value;
  return (
    <section className="card" data-testid="tx-detail" data-status={view.status}>
      <h2>{t('explorer.tx')}</h2>
      <dl>
        <dt>{t('common.hash')}</dt><dd className="mono">{view.hash}</dd>
        <dt>{t('explorer.status')}</dt><dd>{t(`explorer.${view.status}`)}</dd>
        {view.status === 'rejected' && <><dt>{t('common.error')}</dt>
          <dd>{view.error.code}: {view.error.message}</dd></>}
        {view.status === 'committed' && <TxFacts view={view} />}
        <dt>{t('explorer.proof')}</dt>
        <dd>{view.status === 'rejected' ? <span className="muted">{t('search.noProof')}</span>
          : <ProofStatus view={view} />}</dd>
      </dl>
    </section>
  );
}

function AddressDetail({ address }: { address: string }) {
  const { t } = useTranslation();
  const { name } = useAgencyNames();
  const member = useLoad(() => loadMember(address), `member-${address}`);
  const record = member.value ?? null;
  return (
    <div className="page">
      <section className="card" data-testid="address-detail">
        <h2>{t('search.address')}</h2>
        <dl>
          <dt>{t('network.address')}</dt><dd className="mono">{address}</dd>
          <dt>{t('network.agency')}</dt>
          <dd>{member.value === undefined ? '…' : record === null ? t('search.notMember')
            : [name(record.agency), record.roles.map((role) =>
              t(`roles.${role}`, { defaultValue: role })).join('、'),
            t(`status.${record.status}`, { defaultValue: record.status })].join(' · ')}</dd>
        </dl>
      </section>
      <TxList filter={{ sender: address }} title={t('search.txsOfAddress')} testId="address-txs" />
    </div>
  );
}

export function ExplorerPage({ path }: { path: string[] }) {
  const { t } = useTranslation();
  const { name } = useAgencyNames();
  const [kind, raw] = path;
  const id = raw === undefined ? undefined : decodeURIComponent(raw);
  const body = () => {
    if (id === undefined) {
      return <><RecentBlocks />
        <TxList filter={{}} title={t('search.recentTxs')} testId="recent-txs" /></>;
    }
    switch (kind) {
      case 'block': return <BlockDetail key={id} height={Number(id)} />;
      case 'tx': return <TxDetail key={id} hash={id} />;
      case 'address': return <AddressDetail key={id} address={id} />;
      case 'contract': return <TxList key={id} filter={{ contract: id }} testId="contract-txs"
        title={t('search.txsOfContract', { contract: id })} />;
      case 'agency': return <TxList key={id} filter={{ agency: id }} testId="agency-txs"
        title={t('search.txsOfAgency', { agency: name(id) })} />;
      default: return <RecentBlocks />;
    }
  };
  return (
    <div className="page" data-testid="explorer-page">
      <SearchBox />
      {body()}
    </div>
  );
}
