// A member's proof that they are reading access receipts: the personal fields of a receipt
// (purpose, case number, official, subjects) are shown only to its parties (members of the
// requesting or providing agency), to auditors and to the data authority, so a read route asks
// who is reading. The proof is short-lived (an expiry height), bound to the chain, and signed
// under its own domain tag, so it can never pass as a transaction, a vote or an exchange
// request. It authorizes reads only: a replay within its few blocks reads what its signer may.
import { decode, encode } from './codec.js';
import { ErrorCode, ZwError } from './errors.js';

export interface ReceiptReaderProof {
  readonly chainId: string;
  /** The reading member's raw public key. */
  readonly signer: Uint8Array;
  /** The last height at which a node accepts the proof. */
  readonly expiryHeight: number;
  /** 16 random bytes. */
  readonly nonce: Uint8Array;
}

export interface SignedReceiptReaderProof extends ReceiptReaderProof {
  readonly signature: Uint8Array;
}

/** Bounds of a proof: bytes as sent, and how far ahead its expiry may lie. */
export const receiptReaderShape = {
  bytesMax: 512,
  expiryHeightsMax: 100,
  nonceBytes: 16,
} as const;

export function receiptReaderSignBytes(proof: ReceiptReaderProof): Uint8Array {
  return encode(['zw/receipt-reader/1', proof.chainId, proof.signer, proof.expiryHeight,
    proof.nonce]);
}

export function encodeReceiptReaderProof(proof: SignedReceiptReaderProof): Uint8Array {
  return encode([proof.chainId, proof.signer, proof.expiryHeight, proof.nonce, proof.signature]);
}

function malformed(message: string): ZwError {
  return new ZwError(ErrorCode.MALFORMED, `receipt reader proof: ${message}`);
}

/** Decodes a proof (size first); the signature is checked by the caller's suite. */
export function decodeReceiptReaderProof(bytes: Uint8Array): SignedReceiptReaderProof {
  if (bytes.length > receiptReaderShape.bytesMax) throw malformed('too large');
  const value = decode(bytes);
  if (!Array.isArray(value) || value.length !== 5) throw malformed('not a 5-field array');
  const [chainId, signer, expiryHeight, nonce, signature] = value;
  if (typeof chainId !== 'string' || chainId.length === 0 || chainId.length > 64) {
    throw malformed('bad chain id');
  }
  if (typeof expiryHeight !== 'number' || !Number.isSafeInteger(expiryHeight) ||
      expiryHeight < 0) {
    throw malformed('expiry height must be a non-negative integer');
  }
  if (!(signer instanceof Uint8Array) || signer.length === 0 || signer.length > 128 ||
      !(signature instanceof Uint8Array) || signature.length === 0 || signature.length > 128 ||
      !(nonce instanceof Uint8Array) || nonce.length !== receiptReaderShape.nonceBytes) {
    throw malformed('signer, nonce or signature has the wrong size');
  }
  return { chainId, signer, expiryHeight, nonce, signature };
}
