// Errors as a person reads them: a translated sentence for each stable error code the node or
// the keystore returns (BAD_PASSPHRASE, UNAUTHORIZED, ...), with the code and the node's own
// message kept beside it for whoever has to report the problem.
import { useTranslation } from 'react-i18next';
import { isZwError } from '../../src/core/index.js';

/** A failure found in the page itself; `key` names its sentence under `errors.`. */
export class PortalError extends Error {
  override name = 'PortalError';
  constructor(readonly key: string, readonly values: Record<string, string | number> = {}) {
    super(key);
  }
}

/** Codes with their own sentence under `errors.`; any other code gets the generic one. */
const explainedCodes = new Set([
  'BAD_PASSPHRASE', 'BAD_KEY', 'MALFORMED', 'UNAUTHORIZED', 'BAD_ARGUMENTS', 'INVALID_ARGUMENT',
  'NOT_FOUND', 'UNAVAILABLE', 'CONTRACT_FAILED', 'TOO_LARGE', 'NONCE_TOO_LOW', 'NONCE_TOO_HIGH',
  'EXPIRED', 'DUPLICATE', 'MEMPOOL_FULL', 'SENDER_QUOTA', 'ALREADY_EXISTS', 'OUT_OF_GAS',
  'WRONG_CHAIN', 'UNSUPPORTED_KEY', 'ACCESS_REFUSED', 'HASH_MISMATCH', 'INVALID_PROOF',
  'INVALID_COMMIT',
]);

export interface ExplainedError {
  readonly sentence: string;
  /** The stable code and the node's message, or null for the page's own errors. */
  readonly code: string | null;
  readonly detail: string | null;
  /** The access receipt that records a refused fetch on chain, when the node names one. */
  readonly receiptId: string | null;
}

export function useExplainError(): (error: unknown) => ExplainedError {
  const { t } = useTranslation();
  return (error) => {
    if (error instanceof PortalError) {
      return { sentence: t(`errors.${error.key}`, error.values), code: null, detail: null,
        receiptId: null };
    }
    if (isZwError(error)) {
      const key = explainedCodes.has(error.code) ? error.code : 'generic';
      const receiptId = error.details?.receiptId;
      return { sentence: t(`errors.${key}`), code: error.code, detail: error.message,
        receiptId: typeof receiptId === 'string' ? receiptId : null };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { sentence: t('errors.generic'), code: null, detail: message, receiptId: null };
  };
}

/** One error, explained; `testId` lets browser tests find it. */
export function ErrorNote({ error, testId }: { error: unknown; testId?: string }) {
  const explain = useExplainError();
  const { t } = useTranslation();
  const explained = explain(error);
  return (
    <div className="error-note" role="alert" data-testid={testId}>
      <strong>{explained.sentence}</strong>
      {explained.receiptId !== null && (
        <div data-testid={testId === undefined ? undefined : `${testId}-receipt`}>
          {t('errors.receiptOnChain')}: <span className="mono">{explained.receiptId}</span>
        </div>)}
      {explained.detail !== null && (
        <div className="error-detail">
          {explained.code !== null && <span className="code">{explained.code}</span>}
          {t('errors.detail')}: {explained.detail}
        </div>
      )}
    </div>
  );
}
