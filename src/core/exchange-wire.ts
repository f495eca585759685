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
//
// The body travels as its own canonical CBOR byte string inside the envelope, and the signature
// covers those bytes, not the decoded value. A node can therefore check the envelope (8 CBOR
// items, counted before anything is built), the size and the signature over the raw bytes, and
// decode the body only after that, with a bound on its items: an unsigned or badly signed
// request costs a hash and a signature check, never a decode of whatever it carries.
import { Tokenizer } from 'cborg';
import { decode, encode } from './codec.js';
import { ErrorCode, ZwError } from './errors.js';
import { limits } from './limits.js';
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

/**
 * A request as a node receives it: the envelope's fields and the body's raw bytes. `body`
 * decodes them on first use (bounded by `bodyItemsMax`), which the node does only once the
 * signature and the signer have been checked.
 */
export interface ReceivedExchangeRequest extends SignedExchangeRequest {
  readonly bodyBytes: Uint8Array;
}

/** Limits of a request's envelope (its body is bounded by the action, see the exchange). */
export const exchangeRequestShape = {
  nonceBytes: 16,
  signerBytesMax: 128,
  signatureBytesMax: 128,
  chainIdLengthMax: 64,
} as const;

const signDomain = 'zw/exchange-request/2';

/**
 * The raw body bytes of each request `decodeExchangeRequest` returned, so that signing bytes
 * and re-encoding use exactly what arrived, without decoding it. A copy of a request with
 * another body (`{...request, body}`) is not in here and is encoded from its body.
 */
const receivedBodies = new WeakMap<object, Uint8Array>();

function bodyBytesOf(request: ExchangeRequest): Uint8Array {
  return receivedBodies.get(request) ?? encode(request.body);
}

/** What the member signs: the domain tag, the envelope's fields and the body's bytes. */
export function exchangeRequestSignBytes(request: ExchangeRequest): Uint8Array {
  return encode([signDomain, request.chainId, request.action, request.signer,
    request.expiryHeight, request.nonce, bodyBytesOf(request)]);
}

export function encodeExchangeRequest(request: SignedExchangeRequest): Uint8Array {
  return encode([request.chainId, request.action, request.signer, request.expiryHeight,
    request.nonce, bodyBytesOf(request), request.signature]);
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

const tokenizerOptions = { allowIndefinite: false, allowUndefined: false, allowBigInt: true };

/**
 * Counts the CBOR items in `bytes` without building any of them, and throws TOO_LARGE as soon as
 * there are more than `itemsMax` (a body of millions of empty maps is refused after counting,
 * before a single object is made).
 */
export function checkCborItems(bytes: Uint8Array, itemsMax: number, what: string): void {
  const tokens = new Tokenizer(bytes, tokenizerOptions);
  let items = 0;
  try {
    while (!tokens.done()) {
      tokens.next();
      items += 1;
      if (items > itemsMax) {
        throw new ZwError(ErrorCode.TOO_LARGE, `${what} holds more than ${itemsMax} items`);
      }
    }
  } catch (error) {
    if (error instanceof ZwError) throw error;
    throw new ZwError(ErrorCode.MALFORMED, `${what} is not CBOR: ${(error as Error).message}`);
  }
}

/** The envelope: a 7-field array of single items, so exactly 8 CBOR items. */
const envelopeItems = 8;

/**
 * Decodes the envelope (the body stays bytes until `body` is read, then is decoded with at most
 * `bodyItemsMax` items). The signature is checked by the caller's suite over
 * `exchangeRequestSignBytes(request)`, which needs only the raw body bytes.
 */
export function decodeExchangeRequest(bytes: Uint8Array,
  bodyItemsMax: number = limits.exchangeUploadItemsMax): ReceivedExchangeRequest {
  try {
    checkCborItems(bytes, envelopeItems, 'the envelope');
  } catch (error) {
    if (error instanceof ZwError && error.code === ErrorCode.TOO_LARGE) {
      throw malformed('not a 7-field array of plain fields');
    }
    throw error;
  }
  const value = decode(bytes);
  if (!Array.isArray(value) || value.length !== 7) throw malformed('not a 7-field array');
  const [chainId, action, signer, expiryHeight, nonce, bodyBytes, signature] = value;
  if (typeof chainId !== 'string' || chainId.length === 0 ||
      chainId.length > exchangeRequestShape.chainIdLengthMax) {
    throw malformed('bad chain id');
  }
  if (action !== 'upload' && action !== 'fetch') throw malformed('action must be upload or fetch');
  if (typeof expiryHeight !== 'number' || !Number.isSafeInteger(expiryHeight) ||
      expiryHeight < 0) {
    throw malformed('expiry height must be a non-negative integer');
  }
  if (!(bodyBytes instanceof Uint8Array)) throw malformed('body must be a byte string');
  let body: CborValue | undefined;
  const received: ReceivedExchangeRequest = {
    chainId, action, expiryHeight, bodyBytes,
    signer: bytesField(signer, 'signer', 1, exchangeRequestShape.signerBytesMax),
    nonce: bytesField(nonce, 'nonce', exchangeRequestShape.nonceBytes,
      exchangeRequestShape.nonceBytes),
    signature: bytesField(signature, 'signature', 1, exchangeRequestShape.signatureBytesMax),
    get body(): CborValue {
      if (body === undefined) {
        checkCborItems(bodyBytes, bodyItemsMax, 'the request body');
        body = decode(bodyBytes);
      }
      return body;
    },
  };
  receivedBodies.set(received, bodyBytes);
  return received;
}
