// Registering one of the agency's duties (职责) with its legal basis: a catalog entry must name
// the duties that justify holding its data, and the contract accepts only registered ones.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { receiptResult } from '../../../src/sdk/index.js';
import { ErrorNote, PortalError } from '../errors.js';
import type { Session } from '../session.js';

export function DutyForm({ session, onRegistered }: { session: Session;
  onRegistered: () => void }) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [legalBasis, setLegalBasis] = useState('');
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setDone(null);
    if (code.trim() === '' || name.trim() === '' || legalBasis.trim() === '') {
      setError(new PortalError('dutyFields'));
      return;
    }
    setWorking(true);
    try {
      receiptResult(await session.account.sendAndWait('catalog', 'registerDuty',
        { code: code.trim(), name: name.trim(), legalBasis: legalBasis.trim() }));
      setDone(code.trim());
      setCode('');
      setName('');
      setLegalBasis('');
      onRegistered();
    } catch (caught) {
      session.account.resync();
      setError(caught);
    } finally {
      setWorking(false);
    }
  };
  return (
    <details className="card">
      <summary>{t('catalog.dutyTitle')}</summary>
      <form className="form" noValidate onSubmit={(event) => void submit(event)}
        data-testid="duty-form">
        <p className="muted">{t('catalog.dutyHint')}</p>
        <div className="form-grid even">
          <label className="field"><span>{t('catalog.dutyCode')}</span>
            <input value={code} className="mono" onChange={(e) => setCode(e.target.value)} />
          </label>
          <label className="field"><span>{t('catalog.dutyName')}</span>
            <input value={name} onChange={(e) => setName(e.target.value)} /></label>
        </div>
        <label className="field"><span>{t('catalog.legalBasis')}</span>
          <input value={legalBasis} onChange={(e) => setLegalBasis(e.target.value)} /></label>
        {error !== null && <ErrorNote error={error} />}
        {done !== null && <div className="success-note">{t('catalog.dutyDone',
          { code: done })}</div>}
        <div className="actions">
          <button type="submit" disabled={working}>{working ? t('governance.signing')
            : t('catalog.dutySubmit')}</button>
        </div>
      </form>
    </details>
  );
}
