// Network page: the chain's identity and height, block time, committed transactions per second
// over the last minutes, validators with their power and whether they signed the latest block,
// and this node's peers. Updates live from the node's event stream.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StatusView } from '../../../src/sdk/index.js';
import { client, formatTime, shortHex } from '../node.js';

interface BlockPoint { height: number; time: number; txCount: number }

const windowMs = 5 * 60_000;
const bucketMs = 10_000;
const recentBlocksMax = 60;

async function recentBlocks(height: number): Promise<BlockPoint[]> {
  const heights = Array.from({ length: Math.min(height, recentBlocksMax) }, (_, i) => height - i);
  const blocks = await Promise.all(heights.map((h) => client.block(h)));
  return blocks.map((b) => ({ height: b.height, time: Number(b.header.time),
    txCount: b.txs.length })).reverse();
}

function Throughput({ points }: { points: BlockPoint[] }) {
  const { t } = useTranslation();
  const now = Date.now();
  const buckets = Array.from({ length: windowMs / bucketMs }, () => 0);
  for (const point of points) {
    const age = now - point.time;
    if (age < 0 || age >= windowMs) continue;
    const index = buckets.length - 1 - Math.floor(age / bucketMs);
    buckets[index] = (buckets[index] ?? 0) + point.txCount;
  }
  const rates = buckets.map((count) => count / (bucketMs / 1000));
  const peak = Math.max(1, ...rates);
  return (
    <section className="card">
      <h2>{t('network.throughput')}</h2>
      <svg className="chart" viewBox={`0 0 ${rates.length * 10} 100`} preserveAspectRatio="none"
        role="img" aria-label={t('network.throughput')}>
        {rates.map((rate, i) => (
          <rect key={i} x={i * 10 + 1} width={8} y={100 - (rate / peak) * 95}
            height={(rate / peak) * 95} />
        ))}
      </svg>
      <div className="chart-legend">{t('network.peak', { value: peak.toFixed(1) })}</div>
    </section>
  );
}

export function NetworkPage() {
  const { t, i18n } = useTranslation();
  const [status, setStatus] = useState<StatusView | null>(null);
  const [points, setPoints] = useState<BlockPoint[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let closed = false;
    let close: (() => void) | undefined;
    const refresh = async () => {
      const next = await client.status();
      if (!closed) setStatus(next);
      return next;
    };
    refresh().then(async (first) => {
      setPoints(await recentBlocks(first.height));
      close = await client.subscribe((message) => {
        if (message.type !== 'block') return;
        setPoints((previous) => [...previous, { height: Number(message.height),
          time: Number(message.time), txCount: Number(message.txCount) }].slice(-500));
        void refresh();
      }, { types: ['block'] });
    }).catch((e: Error) => setError(e.message));
    return () => { closed = true; close?.(); };
  }, []);
  if (error !== null) return <div className="card error">{t('common.error')}: {error}</div>;
  if (status === null) return <div className="card">{t('common.loading')}</div>;
  const signed = new Set(status.lastCommitSigners);
  const times = points.slice(-20).map((p) => p.time);
  const intervals = times.slice(1).map((time, i) => time - (times[i] ?? time));
  const blockTime = intervals.length === 0 ? null
    : intervals.reduce((a, b) => a + b, 0) / intervals.length;
  return (
    <div className="page" data-testid="network-page">
      <section className="stats">
        <div className="stat"><label>{t('network.chain')}</label><b>{status.chainId}</b></div>
        <div className="stat"><label>{t('network.suite')}</label>
          <b>{status.suite === 'gm' ? t('network.suiteGm') : t('network.suiteIntl')}</b></div>
        <div className="stat"><label>{t('common.height')}</label>
          <b data-testid="height">{status.height}</b></div>
        <div className="stat"><label>{t('network.blockTime')}</label>
          <b>{blockTime === null ? '—' : `${(blockTime / 1000).toFixed(1)} s`}</b></div>
        <div className="stat"><label>{t('network.mempool')}</label><b>{status.mempool.size}</b></div>
        <div className="stat"><label>{t('network.latestBlock')}</label>
          <b>{formatTime(status.latestBlockTime, i18n.language)}</b></div>
      </section>
      <Throughput points={points} />
      <section className="card">
        <h2>{t('network.validators')}</h2>
        <table>
          <thead><tr><th>{t('network.agency')}</th><th>{t('network.address')}</th>
            <th>{t('network.power')}</th><th>{t('network.signedLast')}</th></tr></thead>
          <tbody>
            {status.validators.map((v) => (
              <tr key={v.address}>
                <td>{v.agency ?? '—'}{v.address === status.nodeAddress
                  ? ` (${t('network.node')})` : ''}</td>
                <td className="mono">{shortHex(v.address)}</td>
                <td>{v.power}</td>
                <td>{signed.has(v.address) ? <span className="ok">✔</span>
                  : <span className="warn">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card">
        <h2>{t('network.peers')} ({status.peers.length})</h2>
        {status.peers.length === 0 ? <p className="muted">{t('network.noPeers')}</p> : (
          <table>
            <thead><tr><th>{t('network.agency')}</th><th>{t('network.address')}</th>
              <th>{t('network.direction')}</th></tr></thead>
            <tbody>
              {status.peers.map((p) => (
                <tr key={p.address}><td>{p.agency}</td><td className="mono">{shortHex(p.address)}</td>
                  <td>{t(`network.${p.direction}`)}</td></tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
