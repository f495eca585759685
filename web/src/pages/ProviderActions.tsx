// A provider's two ways to stop sharing, each confirmed with a mandatory reason that goes on
// chain: revoking a grant before it expires (sharing.revoke) and disabling a catalog entry
// (catalog.disable). Both are signed in this page by the provider's staff; the contracts refuse
// anyone else (the data authority may also act, through the same calls).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { receiptResult } from '../../../src/sdk/index.js';
import { ErrorNote, PortalError } from '../errors.js';
import '../network.css';
import type { Session } from '../session.js';

const reasonCharsMax = 500;

function ConfirmWithReason({ label, confirmLabel, testId, run, onDone }: { label: string;
  confirmLabel: string; testId: string; run: (reason: string) => Promise<void>;
  onDone: () => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const confirm = async () => {
    const text = reason.trim();
    if (text === '') { setError(new PortalError('reasonRequired')); return; }
    if (text.length > reasonCharsMax) {
      setError(new PortalError('tooManyChars', { max: reasonCharsMax }));
      return;
    }
    setWorking(true);
    setError(null);
    try {
      await run(text);
      setOpen(false);
      onDone();
    } catch (caught) {
      setError(caught);
    } finally {
      setWorking(false);
    }
  };
  if (!open) {
    return <button type="button" className="small-button no" data-testid={testId}
      onClick={() => setOpen(true)}>{label}</button>;
  }
  return (
    <span className="confirm">
      <input value={reason} placeholder={t('provider.reason')} aria-label={t('provider.reason')}
        data-testid={`${testId}-reason`} onChange={(e) => setReason(e.target.value)} />
      <button type="button" className="small-button no" disabled={working}
        data-testid={`${testId}-confirm`} onClick={() => void confirm()}>
        {working ? t('governance.signing') : confirmLabel}</button>
      <button type="button" className="small-button link" onClick={() => setOpen(false)}>
        {t('members.keep')}</button>
      {error !== null && <ErrorNote error={error} testId={`${testId}-error`} />}
    </span>
  );
}

export function RevokeGrant({ id, session, onDone }: { id: string; session: Session;
  onDone: () => void }) {
  const { t } = useTranslation();
  return <ConfirmWithReason label={t('provider.revoke')} confirmLabel={t('provider.revokeConfirm')}
    testId="revoke-grant" onDone={onDone} run={async (reason) => {
      try {
        receiptResult(await session.account.sendAndWait('sharing', 'revoke', { id, reason }));
      } catch (caught) {
        session.account.resync();
        throw caught;
      }
    }} />;
}

export function DisableEntry({ code, session, onDone }: { code: string; session: Session;
  onDone: () => void }) {
  const { t } = useTranslation();
  return <ConfirmWithReason label={t('provider.disable')}
    confirmLabel={t('provider.disableConfirm')} testId="disable-entry" onDone={onDone}
    run={async (reason) => {
      try {
        receiptResult(await session.account.sendAndWait('catalog', 'disable', { code, reason }));
      } catch (caught) {
        session.account.resync();
        throw caught;
      }
    }} />;
}
