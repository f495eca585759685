// The signed requests of the data exchange. A member signs one in their own client (SDK, portal,
// CLI) and hands it to their agency's node: an upload of a dataset to the provider's node, or a
// fetch that the requester's node forwards to the provider's node. The signature binds the
// member, the chain, the action and its body; the node that acts on it checks the member's
// agency and roles on chain. The hash of the encoded request is the `requestHash` of the access
// receipt, so a receipt names exactly the request that caused it.
//
// Like transactions, the request carries an expiry height (a request cannot be held back and
// replayed later) and a random nonce (two identical fetches are still two requests). The signed
// bytes open with their own domain tag, so a request can never pass as a transaction or a vote.
import { decode, encode } from './codec.js';
import { ErrorCode, ZwError } from './errors.js';
import type { CborValue } from './codec.js';

export type ExchangeAction = 'upload' | 'fetch';

export interface ExchangeRequest {
  readonly chainId: string;
  readonly action: ExchangeAction;
  /** The signing member's raw public key. */
  readonly signer: Uint8Array;
  /** The last height at which a node may act on the request. */
  readonly expiryHeight: number;
  /** 16 random bytes. */
  readonly nonce: Uint8Array;
  readonly body: CborValue;
}

export interface SignedExchangeRequest extends ExchangeRequest {
  readonly signature: Uint8Array;
}

/** Limits of a request's envelope (its body is bounded by the action, see the exchange). */
export const exchangeRequestShape = {
  nonceBytes: 16,
  signerBytesMax: 128,
  signatureBytesMax: 128,
  chainIdLengthMax: 64,
} as const;

export function exchangeRequestSignBytes(request: ExchangeRequest): Uint8Array {
  return encode(['zw/exchange-request/1', request.chainId, request.action, request.signer,
    request.expiryHeight, request.nonce, request.body]);
}

export function encodeExchangeRequest(request: SignedExchangeRequest): Uint8Array {
  return encode([request.chainId, request.action, request.signer, request.expiryHeight,
    request.nonce, request.body, request.signature]);
}

function malformed(message: string): ZwError {
  return new ZwError(ErrorCode.MALFORMED, `exchange request: ${message}`);
}

function bytesField(value: CborValue | undefined, what: string, min: number, max: number):
  Uint8Array {
  if (!(value instanceof Uint8Array) || value.length < min || value.length > max) {
    throw malformed(`${what} must be ${min}-${max} bytes`);
  }
  return value;
}

/** Decodes the canonical encoding; the signature is checked by the caller's suite. */
export function decodeExchangeRequest(bytes: Uint8Array): SignedExchangeRequest {
  const value = decode(bytes);
  if (!Array.isArray(value) || value.length !== 7) throw malformed('not a 7-field array');
  const [chainId, action, signer, expiryHeight, nonce, body, signature] = value;
  if (typeof chainId !== 'string' || chainId.length === 0 ||
      chainId.length > exchangeRequestShape.chainIdLengthMax) {
    throw malformed('bad chain id');
  }
  if (action !== 'upload' && action !== 'fetch') throw malformed('action must be upload or fetch');
  if (typeof expiryHeight !== 'number' || !Number.isSafeInteger(expiryHeight) ||
      expiryHeight < 0) {
    throw malformed('expiry height must be a non-negative integer');
  }
  return {
    chainId, action, expiryHeight, body: body as CborValue,
    signer: bytesField(signer, 'signer', 1, exchangeRequestShape.signerBytesMax),
    nonce: bytesField(nonce, 'nonce', exchangeRequestShape.nonceBytes,
      exchangeRequestShape.nonceBytes),
    signature: bytesField(signature, 'signature', 1, exchangeRequestShape.signatureBytesMax),
  };
}
