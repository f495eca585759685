// The `signatures` system contract: lets a contract check a member's signed data-exchange request
// (core/exchange-wire.ts) on chain. Contracts cannot verify signatures themselves (no crypto in
// the sandbox), and an access receipt is only worth something if the chain, not the provider
// that records it, decides that the requester really asked (issue 12, point 10).
//
// `exchangeRequest {request}` decodes the request (bounded size first), checks the chain id and
// the signature over the request as signed, and says who the signer is at this height (agency
// and roles, as the identity contract has them). It refuses nothing it can answer: a bad
// signature, a wrong chain or an unknown signer come back as `valid: false` with a reason, so
// the calling contract fails with its own specific code and message. Gas pays for the hash and
// the verification before either is done.
import {
  ErrorCode, ZwError, decodeExchangeRequest, exchangeRequestSignBytes, isZwError, limits, toHex,
} from '../core/index.js';
import type { CborValue } from '../core/index.js';
import type { CryptoSuite } from '../crypto/index.js';
import type { CallContext, Contract, MethodSpec } from '../ledger/index.js';
import { readRecord } from './args.js';
import { resolveSender } from './identity.js';
import type { SystemStateRead } from './keys.js';

export const signaturesContractName = 'signatures';

/** Gas of one signature verification, on top of hashing the request's bytes. */
const verifyGas = 5_000;
/** Gas per byte of the request (decoding, hashing and the signed bytes). */
const requestByteGas = 4;
/** CBOR items a fetch body may hold (200 items, 32 subjects and a few text fields fit). */
const fetchBodyItemsMax = 1_024;

/** Who signed, as the identity contract records it at the call's height; null: no member. */
export type SignerIdentify = (address: Uint8Array, height: number) =>
  { readonly agency: string; readonly roles: readonly string[] } | null;

export interface SignaturesComponents {
  readonly suite: CryptoSuite;
  readonly identify: SignerIdentify;
}

function invalid(reason: string): CborValue {
  return { valid: false, reason };
}

function exchangeRequest(components: SignaturesComponents, ctx: CallContext, args: CborValue):
  CborValue {
  const bytes = readRecord(args, 'signatures.exchangeRequest', ['request']).request;
  if (!(bytes instanceof Uint8Array) || bytes.length > limits.exchangeRequestBytesMax) {
    throw new ZwError(ErrorCode.BAD_ARGUMENTS,
      `request: the signed request's bytes, at most ${limits.exchangeRequestBytesMax}`);
  }
  ctx.chargeGas(verifyGas + requestByteGas * bytes.length);
  const { suite } = components;
  let request;
  try {
    request = decodeExchangeRequest(bytes, fetchBodyItemsMax);
  } catch (error) {
    if (isZwError(error)) return invalid(error.message);
    throw error;
  }
  if (request.chainId !== ctx.chainId) return invalid(`the request is for ${request.chainId}`);
  if (request.signer.length !== suite.publicKeyBytes ||
      !suite.verify(request.signer, exchangeRequestSignBytes(request), request.signature)) {
    return invalid('the request signature does not verify');
  }
  const address = suite.address(request.signer);
  let body: CborValue;
  try {
    body = request.body;
  } catch (error) {
    if (isZwError(error)) return invalid(error.message);
    throw error;
  }
  return {
    valid: true, reason: '',
    hash: toHex(suite.hash(bytes)),
    signer: toHex(address),
    signerKey: toHex(request.signer),
    signature: toHex(request.signature),
    action: request.action,
    expiryHeight: request.expiryHeight,
    nonce: toHex(request.nonce),
    body,
    identity: components.identify(address, ctx.height) as CborValue,
  };
}

export function signaturesContract(components: SignaturesComponents): Contract {
  return {
    name: signaturesContractName,
    methods: new Map<string, MethodSpec>([
      ['exchangeRequest', { kind: 'tx',
        run: (ctx, args) => exchangeRequest(components, ctx, args) }],
    ]),
  };
}

/** The components on a chain with identity: signers resolve as transaction senders do. */
export function governedSignatures(suite: CryptoSuite, read: SystemStateRead):
  SignaturesComponents {
  return { suite, identify: (address, height) => {
    const who = resolveSender(read, address, height);
    return who === null || 'refused' in who ? null : who;
  } };
}
