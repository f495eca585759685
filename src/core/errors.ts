// Every error that can reach a client carries a stable code from this table, so that scripts,
// the SDK and the portal can react to it without parsing messages. Codes never change meaning;
// new conditions get new codes.

export const ErrorCode = {
  // Encoding and size.
  MALFORMED: 'MALFORMED',
  NON_CANONICAL: 'NON_CANONICAL',
  TOO_LARGE: 'TOO_LARGE',
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  // Transaction admission.
  BAD_SIGNATURE: 'BAD_SIGNATURE',
  WRONG_CHAIN: 'WRONG_CHAIN',
  NONCE_TOO_LOW: 'NONCE_TOO_LOW',
  NONCE_TOO_HIGH: 'NONCE_TOO_HIGH',
  EXPIRED: 'EXPIRED',
  EXPIRY_TOO_FAR: 'EXPIRY_TOO_FAR',
  DUPLICATE: 'DUPLICATE',
  MEMPOOL_FULL: 'MEMPOOL_FULL',
  SENDER_QUOTA: 'SENDER_QUOTA',
  /** A non-member sent more than its rate (per sender key or per client address); retry later. */
  RATE_LIMITED: 'RATE_LIMITED',
  UNSUPPORTED_KEY: 'UNSUPPORTED_KEY',
  // Execution.
  UNKNOWN_CONTRACT: 'UNKNOWN_CONTRACT',
  UNKNOWN_METHOD: 'UNKNOWN_METHOD',
  BAD_ARGUMENTS: 'BAD_ARGUMENTS',
  OUT_OF_GAS: 'OUT_OF_GAS',
  CONTRACT_FAILED: 'CONTRACT_FAILED',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** The key is already someone's: a member, an agency's root admin, a node or a validator. */
  KEY_IN_USE: 'KEY_IN_USE',
  /** A governance approval (e.g. of a contract deployment) was already used; it is single-use. */
  APPROVAL_USED: 'APPROVAL_USED',
  /** The request differs from what the approval names (version, init arguments, replaced code). */
  APPROVAL_MISMATCH: 'APPROVAL_MISMATCH',
  // Queries.
  NOT_FOUND: 'NOT_FOUND',
  HEIGHT_UNAVAILABLE: 'HEIGHT_UNAVAILABLE',
  /** The client's or the node's time budget for contract queries is spent; retry later. */
  QUERY_BUDGET: 'QUERY_BUDGET',
  // Proofs and verification.
  INVALID_PROOF: 'INVALID_PROOF',
  INVALID_COMMIT: 'INVALID_COMMIT',
  INVALID_BLOCK: 'INVALID_BLOCK',
  INVALID_EVIDENCE: 'INVALID_EVIDENCE',
  // Data exchange.
  /** The provider's node refused a fetch (no grant, expired, revoked); the refusal is on chain. */
  ACCESS_REFUSED: 'ACCESS_REFUSED',
  /** Data received does not hash to what the provider recorded on chain. */
  HASH_MISMATCH: 'HASH_MISMATCH',
  /** Reading a subject's usage needs a signed proof (citizen credential or auditor); none came. */
  SUBJECT_PROOF_REQUIRED: 'SUBJECT_PROOF_REQUIRED',
  /** The usage proof does not hold: wrong key, credential, issuer, subject or expiry. */
  SUBJECT_PROOF_INVALID: 'SUBJECT_PROOF_INVALID',
  // Keys and keystores.
  BAD_PASSPHRASE: 'BAD_PASSPHRASE',
  BAD_KEY: 'BAD_KEY',
  // Node state.
  UNAVAILABLE: 'UNAVAILABLE',
  /** The node holds as many client connections as it allows (in total or from this address). */
  TOO_MANY_CONNECTIONS: 'TOO_MANY_CONNECTIONS',
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An expected failure caused by input from outside, with a stable code. */
export class ZwError extends Error {
  override name = 'ZwError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }

  toJSON(): { code: ErrorCode; message: string; details?: Readonly<Record<string, unknown>> } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isZwError(error: unknown): error is ZwError {
  return error instanceof ZwError;
}
