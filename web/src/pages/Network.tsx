// Network page: the chain's identity, crypto suite and height, block time, committed
// transactions per second over the last minutes as a chart, the validators with their power and
// a row of squares per validator saying whether it signed each of the last blocks, and this
// node's peers. Everything is drawn from the node's block summaries (GET /v1/blocks) and
// follows the event stream: each new block is added to the chart and the signing history as it
// arrives, without reloading the rest.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { blockSummaries } from '../../../src/sdk/index.js';
import type { BlockSummaryView, StatusView } from '../../../src/sdk/index.js';
import { TableFrame, useAgencyNames } from '../components.js';
import { ErrorNote } from '../errors.js';
import { useBlocks } from '../live.js';
import '../network.css';
import { client, formatTime, shortHex } from '../node.js';

/** The chart's span and bar width. */
const windowMs = 5 * 60_000;
const bucketMs = 10_000;
/** How many of the latest blocks the signing history shows per validator. */
const historyBlocks = 40;
/** Block summaries come 200 to a request; a busy chain's five minutes may need several. */
const summariesPerRequest = 200;
const summaryRequestsMax = 5;
/** Blocks kept in memory: the chart's window at a busy rate, and never fewer than the history. */
const keptBlocksMax = summariesPerRequest * summaryRequestsMax;
const clockTickMs = 5_000;

/** A block as the page knows it; `signers` is null until its commit's summary arrives. */
interface BlockPoint {
  readonly height: number;
  readonly time: number;
  readonly txCount: number;
  readonly signers: readonly string[] | null;
}

/** The latest blocks back to the chart's window (or the request cap), newest first. */
async function loadSummaries(height: number): Promise<BlockSummaryView[]> {
  const found: BlockSummaryView[] = [];
  let to = height;
  for (let request = 0; request < summaryRequestsMax && to >= 1; request++) {
    const page = await blockSummaries(client, { from: Math.max(1, to - summariesPerRequest + 1),
      to });
    found.push(...page);
    const oldest = page[page.length - 1];
    if (oldest === undefined || oldest.time < Date.now() - windowMs) break;
    to = oldest.height - 1;
  }
  return found;
}

/** Adds or replaces summaries by height, newest first, within the memory bound. */
function merge(known: readonly BlockPoint[], fresh: readonly BlockPoint[]): BlockPoint[] {
  const byHeight = new Map(known.map((block) => [block.height, block]));
  for (const block of fresh) {
    // A block event's placeholder never hides the signers its summary already brought.
    const signers = block.signers ?? byHeight.get(block.height)?.signers ?? null;
    byHeight.set(block.height, { ...block, signers });
  }
  return [...byHeight.values()].sort((a, b) => b.height - a.height).slice(0, keptBlocksMax);
}

interface Bucket { readonly start: number; readonly count: number }

function buckets(blocks: readonly BlockPoint[], now: number): Bucket[] {
  const count = windowMs / bucketMs;
  const end = Math.ceil(now / bucketMs) * bucketMs;
  const result = Array.from({ length: count }, (_, i) => ({
    start: end - (count - i) * bucketMs, count: 0 }));
  for (const block of blocks) {
    const index = Math.floor((block.time - (end - windowMs)) / bucketMs);
    const bucket = result[index];
    if (bucket !== undefined) result[index] = { ...bucket, count: bucket.count + block.txCount };
  }
  return result;
}

function ThroughputChart({ blocks, now }: { blocks: readonly BlockPoint[]; now: number }) {
  const { t, i18n } = useTranslation();
  const bars = buckets(blocks, now);
  const perSecond = (count: number) => count / (bucketMs / 1000);
  const total = bars.reduce((sum, bar) => sum + bar.count, 0);
  const peak = Math.max(...bars.map((bar) => perSecond(bar.count)));
  // The scale rounds up to a whole number so that the axis reads plainly.
  const scale = Math.max(1, Math.ceil(peak));
  const clock = (ms: number) => new Date(ms).toLocaleTimeString(
    i18n.language === 'en' ? 'en-GB' : 'zh-CN');
  return (
    <section className="card" data-testid="throughput">
      <header className="card-head">
        <h2>{t('network.throughput')}</h2>
        <span className="muted small" data-testid="throughput-total" data-total={total}>
          {t('chain.windowTotal', { count: total, average: (total / (windowMs / 1000)).toFixed(2),
            peak: peak.toFixed(1) })}</span>
      </header>
      <div className="throughput">
        <div className="axis-y" aria-hidden>
          <span className="unit">{t('network.txPerSecond')}</span><span>{scale}</span>
          <span>{(scale / 2).toFixed(scale % 2 === 0 ? 0 : 1)}</span>
          <span>0</span>
        </div>
        <svg className="chart" viewBox={`0 0 ${bars.length * 10} 100`} preserveAspectRatio="none"
          role="img" aria-label={t('chain.chartLabel', { count: total })}
          data-testid="throughput-chart">
          <line x1="0" x2={bars.length * 10} y1="50" y2="50" className="gridline" />
          {bars.map((bar, i) => {
            const height = (perSecond(bar.count) / scale) * 100;
            return (
              <rect key={bar.start} x={i * 10 + 1} width={8} y={100 - height} height={height}
                data-testid="throughput-bar" data-count={bar.count}>
                <title>{t('chain.barTitle', { time: clock(bar.start), count: bar.count,
                  rate: perSecond(bar.count).toFixed(1) })}</title>
              </rect>
            );
          })}
        </svg>
        <div className="axis-x muted small">
          <span>{t('chain.minutesAgo', { minutes: windowMs / 60_000 })}</span>
          <span>{t('chain.now')}</span>
        </div>
      </div>
      {total === 0 && <p className="muted small" data-testid="throughput-idle">
        {t('chain.idle')}</p>}
    </section>
  );
}

function SigningHistory({ status, blocks }: { status: StatusView;
  blocks: readonly BlockPoint[] }) {
  const { t } = useTranslation();
  const { name } = useAgencyNames();
  // Oldest on the left, as a timeline reads.
  const recent = blocks.slice(0, historyBlocks).reverse();
  const totalPower = status.validators.reduce((sum, v) => sum + v.power, 0);
  return (
    <section className="card" data-testid="signing-history">
      <header className="card-head">
        <h2>{t('network.validators')} ({status.validators.length})</h2>
        <span className="muted small">{t('chain.historyHint', { count: recent.length })}</span>
      </header>
      <div className="validators">
        {status.validators.map((validator) => {
          const signed = recent.filter((b) => b.signers?.includes(validator.address) === true)
            .length;
          return (
            <div className="validator" key={validator.address} data-testid="validator-row"
              data-validator={validator.address} data-signed={signed}>
              <div className="validator-head">
                <b>{validator.agency === null ? t('chain.unknownAgency') : name(validator.agency)}
                  {validator.address === status.nodeAddress && (
                    <span className="tag">{t('network.node')}</span>)}</b>
                <span className="mono small">{shortHex(validator.address, 8)}</span>
                <span>{t('chain.power', { power: validator.power,
                  share: totalPower === 0 ? 0 : Math.round((validator.power / totalPower) * 100) })}
                </span>
                <span className={signed === recent.length ? 'ok' : 'warn'}>
                  {t('chain.signedOf', { signed, count: recent.length })}</span>
              </div>
              <div className="squares" role="img"
                aria-label={t('chain.signedOf', { signed, count: recent.length })}>
                {recent.map((block) => {
                  const did = block.signers === null ? null
                    : block.signers.includes(validator.address);
                  const state = did === null ? 'unknown' : did ? 'signed' : 'missed';
                  return <a key={block.height} href={`#/explorer/block/${block.height}`}
                    className={`square ${state}`} data-testid="sign-square" data-state={state}
                    title={t(`chain.${state}At`, { height: block.height })} />;
                })}
              </div>
            </div>
          );
        })}
      </div>
      <p className="legend muted small"><span className="square signed" /> {t('chain.signed')}
        <span className="square missed" /> {t('chain.missed')}</p>
    </section>
  );
}

function Peers({ status }: { status: StatusView }) {
  const { t, i18n } = useTranslation();
  const { name } = useAgencyNames();
  return (
    <section className="card" data-testid="peers">
      <h2>{t('network.peers')} ({status.peers.length})</h2>
      {status.peers.length === 0 ? <p className="muted">{t('network.noPeers')}</p> : (
        <TableFrame>
          <table className="stack">
            <thead><tr><th>{t('network.agency')}</th><th>{t('network.address')}</th>
              <th>{t('network.direction')}</th><th>{t('chain.connectedSince')}</th></tr></thead>
            <tbody>
              {status.peers.map((p) => (
                <tr key={p.address}>
                  <td data-label={t('network.agency')}>{name(p.agency)}</td>
                  <td className="mono" data-label={t('network.address')}>{shortHex(p.address)}</td>
                  <td data-label={t('network.direction')}>{t(`network.${p.direction}`)}</td>
                  <td data-label={t('chain.connectedSince')}>
                    {formatTime(p.connectedSince, i18n.language)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableFrame>
      )}
    </section>
  );
}

function Stats({ status, blocks }: { status: StatusView; blocks: readonly BlockPoint[] }) {
  const { t, i18n } = useTranslation();
  const times = blocks.slice(0, 20).map((b) => b.time);
  const blockTime = times.length < 2 ? null
    : ((times[0] ?? 0) - (times[times.length - 1] ?? 0)) / (times.length - 1);
  return (
    <section className="stats">
      <div className="stat"><label>{t('network.chain')}</label><b>{status.chainId}</b></div>
      <div className="stat" data-testid="suite"><label>{t('network.suite')}</label>
        <b>{status.suite === 'gm' ? t('network.suiteGm') : t('network.suiteIntl')}</b></div>
      <div className="stat"><label>{t('common.height')}</label>
        <b data-testid="height">{status.height}</b></div>
      <div className="stat"><label>{t('network.blockTime')}</label>
        <b>{blockTime === null ? '—' : `${(blockTime / 1000).toFixed(1)} s`}</b></div>
      <div className="stat"><label>{t('network.mempool')}</label><b>{status.mempool.size}</b></div>
      <div className="stat"><label>{t('network.latestBlock')}</label>
        <b>{formatTime(status.latestBlockTime, i18n.language)}</b></div>
    </section>
  );
}

export function NetworkPage() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<StatusView | null>(null);
  const [blocks, setBlocks] = useState<BlockPoint[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [now, setNow] = useState(Date.now);
  const refreshStatus = useCallback(async () => {
    const next = await client.status();
    setStatus(next);
    return next;
  }, []);
  useEffect(() => {
    let live = true;
    refreshStatus().then(async (first) => {
      const loaded = await loadSummaries(first.height);
      if (live) setBlocks((known) => merge(known, loaded));
    }).catch((caught: unknown) => { if (live) setError(caught); });
    // The chart's window slides with the clock even when no block arrives.
    const timer = setInterval(() => setNow(Date.now()), clockTickMs);
    return () => { live = false; clearInterval(timer); };
  }, [refreshStatus]);
  useBlocks((block) => {
    setNow(Date.now());
    // The event carries the time and count at once; the commit's signers come with its summary.
    setBlocks((known) => merge(known, [{ height: block.height, time: block.time,
      txCount: block.txCount, signers: null }]));
    blockSummaries(client, { from: block.height, to: block.height })
      .then((found) => setBlocks((known) => merge(known, found)))
      .catch(() => { /* The next block's summary brings the history up to date. */ });
    refreshStatus().catch(() => { /* Shown as stale until the next block. */ });
  });
  if (status === null) {
    return error === null ? <div className="card">{t('common.loading')}</div>
      : <div className="card"><ErrorNote error={error} /></div>;
  }
  return (
    <div className="page" data-testid="network-page">
      <Stats status={status} blocks={blocks} />
      {error !== null && <ErrorNote error={error} />}
      <ThroughputChart blocks={blocks} now={Math.max(now, blocks[0]?.time ?? 0)} />
      <SigningHistory status={status} blocks={blocks} />
      <Peers status={status} />
    </div>
  );
}
