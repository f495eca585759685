// Verify a document: the file is hashed in the browser with the chain's hash (SHA-256 or SM3),
// its notarization is fetched with a state proof, and the proof is checked in the page against
// the validators' signatures. An altered file gets a verified proof of absence.
import { useState } from 'react';
import type { DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { toHex } from '../../../src/core/index.js';
import { checkNotarization } from '../../../src/sdk/index.js';
import type { NotaryCheck } from '../../../src/sdk/index.js';
import { client, formatTime, trustedChain } from '../node.js';

type Outcome =
  | { kind: 'idle' } | { kind: 'working' } | { kind: 'error'; message: string }
  | { kind: 'done'; check: NotaryCheck; documentHash: string; validators: number };

export function VerifyPage() {
  const { t, i18n } = useTranslation();
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  const [dragging, setDragging] = useState(false);

  const verify = async (file: File) => {
    setOutcome({ kind: 'working' });
    try {
      const trust = await trustedChain();
      const bytes = new Uint8Array(await file.arrayBuffer());
      const documentHash = trust.suite.hash(bytes);
      const check = await checkNotarization(client, trust, documentHash);
      setOutcome({ kind: 'done', check, documentHash: toHex(documentHash),
        validators: trust.validatorSet.validators.length });
    } catch (error) {
      setOutcome({ kind: 'error', message: (error as Error).message });
    }
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file !== undefined) void verify(file);
  };

  return (
    <div className="page" data-testid="verify-page">
      <section className="card">
        <h2>{t('verify.title')}</h2>
        <label className={`dropzone${dragging ? ' dragging' : ''}`} onDrop={onDrop}
          onDragOver={(e) => { e.preventDefault(); setDragging(true); }}
          onDragLeave={() => setDragging(false)}>
          <input type="file" data-testid="file" onChange={(e) => {
            const file = e.target.files?.[0];
            if (file !== undefined) void verify(file);
          }} />
          <span>{t('verify.drop')}</span>
          <small>{t('verify.hint')}</small>
        </label>
      </section>
      {outcome.kind === 'working' && <div className="card">{t('verify.computing')}</div>}
      {outcome.kind === 'error' && (
        <div className="card error">{t('common.error')}: {outcome.message}</div>)}
      {outcome.kind === 'done' && (outcome.check.record === undefined ? (
        <section className="card result bad" data-testid="not-notarized">
          <h2>✘ {t('verify.notNotarized')}</h2>
          <p>{t('verify.absence', { height: outcome.check.proof.height })}</p>
          <p className="mono">{t('verify.documentHash')}: {outcome.documentHash}</p>
        </section>
      ) : (
        <section className="card result good" data-testid="notarized">
          <h2>✔ {t('verify.notarized')}</h2>
          <dl>
            <dt>{t('verify.documentHash')}</dt><dd className="mono">{outcome.documentHash}</dd>
            <dt>{t('verify.owner')}</dt>
            <dd className="mono">{toHex(outcome.check.record.owner)}</dd>
            <dt>{t('verify.atHeight')}</dt><dd>{outcome.check.record.height}</dd>
            <dt>{t('verify.atTime')}</dt>
            <dd>{formatTime(outcome.check.record.time, i18n.language)}</dd>
            <dt>{t('verify.txHash')}</dt>
            <dd className="mono">{toHex(outcome.check.record.txHash)}</dd>
            {Object.entries(outcome.check.record.meta).map(([k, v]) => (
              <div key={k}><dt>{t('verify.meta')}: {k}</dt><dd>{v}</dd></div>))}
          </dl>
          <p className="ok">{t('verify.proofOk', { count: outcome.validators })}</p>
        </section>
      ))}
    </div>
  );
}
