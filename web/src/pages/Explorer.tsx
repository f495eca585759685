// Explorer: recent blocks, a block with its transactions, and a transaction with its receipt,
// events and proof status — the receipt proof is checked in the browser against a header signed
// by the validators, not taken from the node on trust.
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { trustAtHeight, verifyTxView } from '../../../src/sdk/index.js';
import type { BlockView, TxView } from '../../../src/sdk/index.js';
import { client, formatTime, shortHex, trustedChain } from '../node.js';

function useLoad<T>(load: () => Promise<T>, key: string): { value?: T; error?: string } {
  const [state, setState] = useState<{ value?: T; error?: string }>({});
  useEffect(() => {
    let live = true;
    setState({});
    load().then((value) => { if (live) setState({ value }); },
      (error: Error) => { if (live) setState({ error: error.message }); });
    return () => { live = false; };
  }, [key]);
  return state;
}

function SearchBox() {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [invalid, setInvalid] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const query = text.trim().replace(/^0x/, '');
    if (/^\d+$/.test(query)) window.location.hash = `#/explorer/block/${query}`;
    else if (/^[0-9a-fA-F]{64}$/.test(query)) window.location.hash = `#/explorer/tx/${query}`;
    else { setInvalid(true); return; }
    setInvalid(false);
  };
  return (
    <form className="search" onSubmit={submit}>
      <input value={text} onChange={(e) => setText(e.target.value)} data-testid="search"
        placeholder={t('explorer.search')} aria-label={t('explorer.search')} />
      <button type="submit">{t('explorer.go')}</button>
      {invalid && <div className="error">{t('explorer.invalidQuery')}</div>}
    </form>
  );
}

function RecentBlocks() {
  const { t, i18n } = useTranslation();
  const { value, error } = useLoad(async () => {
    const { height } = await client.status();
    const heights = Array.from({ length: Math.min(height, 20) }, (_, i) => height - i);
    return Promise.all(heights.map((h) => client.block(h)));
  }, 'recent');
  if (error !== undefined) return <div className="card error">{error}</div>;
  if (value === undefined) return <div className="card">{t('common.loading')}</div>;
  return (
    <section className="card">
      <h2>{t('explorer.recentBlocks')}</h2>
      <table>
        <thead><tr><th>{t('common.height')}</th><th>{t('common.hash')}</th>
          <th>{t('common.time')}</th><th>{t('explorer.txs')}</th></tr></thead>
        <tbody>
          {value.map((block) => (
            <tr key={block.height}>
              <td><a href={`#/explorer/block/${block.height}`}>{block.height}</a></td>
              <td className="mono">{shortHex(block.hash)}</td>
              <td>{formatTime(Number(block.header.time), i18n.language)}</td>
              <td>{block.txs.length}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function BlockDetail({ height }: { height: number }) {
  const { t, i18n } = useTranslation();
  const { value, error } = useLoad<BlockView>(() => client.block(height), `block-${height}`);
  if (error !== undefined) return <div className="card error">{t('explorer.notFound')}: {error}</div>;
  if (value === undefined) return <div className="card">{t('common.loading')}</div>;
  return (
    <section className="card" data-testid="block-detail">
      <h2>{t('explorer.block')} {value.height}</h2>
      <dl>
        <dt>{t('common.hash')}</dt><dd className="mono">{value.hash}</dd>
        <dt>{t('common.time')}</dt><dd>{formatTime(Number(value.header.time), i18n.language)}</dd>
        <dt>{t('explorer.proposer')}</dt><dd className="mono">{String(value.header.proposer)}</dd>
      </dl>
      <h3>{t('explorer.txs')}</h3>
      {value.txs.length === 0 ? <p className="muted">{t('explorer.noTxs')}</p> : (
        <ul className="mono">
          {value.txs.map((tx) => <li key={tx}><a href={`#/explorer/tx/${tx}`}>{tx}</a></li>)}
        </ul>
      )}
    </section>
  );
}

function ProofStatus({ view }: { view: TxView }) {
  const { t } = useTranslation();
  const { value, error } = useLoad(async () => {
    if (view.status !== 'committed' || view.proof === null) return 'pending';
    verifyTxView(await trustAtHeight(client, await trustedChain(), view.height + 1), view);
    return 'ok';
  }, `proof-${view.hash}-${view.status}`);
  if (error !== undefined) return <span className="bad">{t('explorer.proofBad')}: {error}</span>;
  if (value === 'ok') return <span className="ok" data-testid="proof-ok">{t('explorer.proofOk')}</span>;
  return <span className="muted">{t('explorer.proofPending')}</span>;
}

function TxDetail({ hash }: { hash: string }) {
  const { t } = useTranslation();
  const { value, error } = useLoad<TxView>(() => client.tx(hash), `tx-${hash}`);
  if (error !== undefined) return <div className="card error">{t('explorer.notFound')}: {error}</div>;
  if (value === undefined) return <div className="card">{t('common.loading')}</div>;
  return (
    <section className="card" data-testid="tx-detail">
      <h2>{t('explorer.tx')}</h2>
      <dl>
        <dt>{t('common.hash')}</dt><dd className="mono">{value.hash}</dd>
        <dt>{t('explorer.status')}</dt><dd>{t(`explorer.${value.status}`)}</dd>
        {value.status === 'rejected' && <><dt>{t('common.error')}</dt>
          <dd>{value.error.code}: {value.error.message}</dd></>}
        {value.status === 'committed' && <>
          <dt>{t('explorer.block')}</dt>
          <dd><a href={`#/explorer/block/${value.height}`}>{value.height}</a></dd>
          <dt>{t('explorer.receipt')}</dt>
          <dd>{value.receipt.status}{value.receipt.error ? `: ${value.receipt.error}` : ''}</dd>
          <dt>{t('explorer.gas')}</dt><dd>{value.receipt.gasUsed}</dd>
          <dt>{t('explorer.events')}</dt>
          <dd>{value.receipt.events.map((e, i) => (
            <div key={i} className="mono">{e.contract}.{e.name} {JSON.stringify(e.data)}</div>
          ))}</dd>
          <dt>{t('explorer.proof')}</dt><dd><ProofStatus view={value} /></dd>
        </>}
      </dl>
    </section>
  );
}

export function ExplorerPage({ path }: { path: string[] }) {
  const [kind, id] = path;
  return (
    <div className="page" data-testid="explorer-page">
      <SearchBox />
      {kind === 'block' && id !== undefined ? <BlockDetail height={Number(id)} />
        : kind === 'tx' && id !== undefined ? <TxDetail hash={id} /> : <RecentBlocks />}
    </div>
  );
}
