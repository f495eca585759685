// The propose form for agency admins: a kind, its payload as JSON, the reason and the legal
// basis, and how many blocks the vote stays open. The page checks what it can (JSON shape, text
// lengths, the window) before signing; the contract checks the payload itself, and its answer
// comes back as an explained error.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fromJsonValue } from '../../../src/core/index.js';
import type { CborValue } from '../../../src/core/index.js';
import { propose, receiptResult } from '../../../src/sdk/index.js';
import { ErrorNote, PortalError } from '../errors.js';
import { payloadExamples, proposalKinds, proposalLimits } from '../governance.js';
import type { ProposalKind } from '../governance.js';
import type { Session } from '../session.js';

interface Draft {
  readonly kind: ProposalKind;
  readonly payload: string;
  readonly reason: string;
  readonly legalBasis: string;
  readonly deadlineBlocks: string;
}

type FieldErrors = Partial<Record<keyof Draft, PortalError>>;

interface Checked {
  readonly payload: CborValue;
  readonly deadlineBlocks: number;
}

const utf8Bytes = (text: string) => new TextEncoder().encode(text).length;

function checkPayload(text: string): CborValue | PortalError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return new PortalError('payloadNotJson');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return new PortalError('payloadNotObject');
  }
  try {
    return fromJsonValue(parsed);
  } catch (error) {
    return new PortalError('payloadInvalid', { detail: (error as Error).message });
  }
}

function checkText(text: string, bytesMax: number): PortalError | undefined {
  if (text.trim() === '') return new PortalError('required');
  if (utf8Bytes(text) > bytesMax) return new PortalError('tooLong', { bytes: bytesMax });
  return undefined;
}

/** Field errors, or the values to send when there are none. */
function checkDraft(draft: Draft): { errors: FieldErrors } | { checked: Checked } {
  const errors: FieldErrors = {};
  const payload = checkPayload(draft.payload);
  if (payload instanceof PortalError) errors.payload = payload;
  const reason = checkText(draft.reason, proposalLimits.reasonBytesMax);
  if (reason !== undefined) errors.reason = reason;
  const legalBasis = checkText(draft.legalBasis, proposalLimits.legalBasisBytesMax);
  if (legalBasis !== undefined) errors.legalBasis = legalBasis;
  const deadlineBlocks = Number(draft.deadlineBlocks);
  const { deadlineBlocksMin, deadlineBlocksMax } = proposalLimits;
  if (!/^\d+$/.test(draft.deadlineBlocks.trim()) || deadlineBlocks < deadlineBlocksMin
    || deadlineBlocks > deadlineBlocksMax) {
    errors.deadlineBlocks = new PortalError('deadlineRange',
      { min: deadlineBlocksMin, max: deadlineBlocksMax });
  }
  if (Object.keys(errors).length > 0 || payload instanceof PortalError) return { errors };
  return { checked: { payload, deadlineBlocks } };
}

const emptyDraft: Draft = {
  kind: 'set-params', payload: payloadExamples['set-params'], reason: '', legalBasis: '',
  deadlineBlocks: String(proposalLimits.deadlineBlocksDefault),
};

type Outcome = { kind: 'done'; status: string } | { kind: 'failed'; error: unknown };

export function ProposeForm({ session, onProposed }: { session: Session;
  onProposed: () => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [working, setWorking] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const edit = (change: Partial<Draft>) => setDraft((previous) => ({ ...previous, ...change }));
  const chooseKind = (kind: ProposalKind) => edit({ kind,
    // Replace the example, never text the admin typed.
    ...(draft.payload === payloadExamples[draft.kind] ? { payload: payloadExamples[kind] } : {}) });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setOutcome(null);
    const result = checkDraft(draft);
    if ('errors' in result) { setErrors(result.errors); return; }
    setErrors({});
    setWorking(true);
    try {
      const view = await propose(session.account, draft.kind, result.checked.payload,
        draft.reason.trim(), draft.legalBasis.trim(), result.checked.deadlineBlocks);
      const answer = receiptResult(view) as { status?: string };
      setOutcome({ kind: 'done', status: String(answer.status) });
      setDraft({ ...emptyDraft, kind: draft.kind, payload: payloadExamples[draft.kind] });
      onProposed();
    } catch (error) {
      // A refused or failed transaction leaves the local nonce ahead of the chain's.
      session.account.resync();
      setOutcome({ kind: 'failed', error });
    } finally {
      setWorking(false);
    }
  };
  const fieldError = (field: keyof Draft) => {
    const error = errors[field];
    return error === undefined ? null
      : <div className="field-error" data-testid={`error-${field}`}>
        {t(`errors.${error.key}`, error.values)}</div>;
  };
  return (
    <form className="card form" onSubmit={(event) => void submit(event)} data-testid="propose-form"
      noValidate>
      <h2>{t('governance.proposeTitle')}</h2>
      <div className="form-grid">
        <label className="field">
          <span>{t('governance.kind')}</span>
          <select value={draft.kind} data-testid="propose-kind"
            onChange={(e) => chooseKind(e.target.value as ProposalKind)}>
            {proposalKinds.map((kind) => (
              <option key={kind} value={kind}>{t(`kinds.${kind}`)} ({kind})</option>))}
          </select>
        </label>
        <label className="field">
          <span>{t('governance.deadlineBlocks')}</span>
          <input inputMode="numeric" value={draft.deadlineBlocks} data-testid="propose-deadline"
            onChange={(e) => edit({ deadlineBlocks: e.target.value })} />
          {fieldError('deadlineBlocks')}
        </label>
      </div>
      <label className="field">
        <span>{t('governance.payload')}</span>
        <textarea rows={4} className="mono" value={draft.payload} spellCheck={false}
          data-testid="propose-payload" onChange={(e) => edit({ payload: e.target.value })} />
        <small className="muted">{t('governance.payloadHint')}</small>
        {fieldError('payload')}
      </label>
      <label className="field">
        <span>{t('governance.reason')}</span>
        <textarea rows={2} value={draft.reason} data-testid="propose-reason"
          onChange={(e) => edit({ reason: e.target.value })} />
        {fieldError('reason')}
      </label>
      <label className="field">
        <span>{t('governance.legalBasis')}</span>
        <input value={draft.legalBasis} data-testid="propose-legal-basis"
          onChange={(e) => edit({ legalBasis: e.target.value })} />
        {fieldError('legalBasis')}
      </label>
      {outcome?.kind === 'failed' && <ErrorNote error={outcome.error} testId="propose-error" />}
      {outcome?.kind === 'done' && (
        <div className="success-note" data-testid="propose-done">
          {t('governance.proposed', { status: t(`status.${outcome.status}`) })}</div>)}
      <div className="actions">
        <button type="submit" className="primary" disabled={working} data-testid="propose-submit">
          {working ? t('governance.signing') : t('governance.submit')}</button>
      </div>
    </form>
  );
}
