// Who is reading access receipts: checks a receipt reader proof (core/receipt-reader.ts) against
// this node's chain, so the API can show a receipt's personal fields only to its parties,
// auditors and the data authority (ADR 0010). Checked in the order of cost: size, decode,
// chain and expiry, then the signature, then who the signer is on chain now.
import {
  ErrorCode, ZwError, decodeReceiptReaderProof, limits, receiptReaderShape,
  receiptReaderSignBytes, toHex,
} from '../core/index.js';
import type { ExchangeHost, ExchangeIdentity } from './service.js';

export function checkReceiptReader(
  host: Pick<ExchangeHost, 'chainId' | 'suite' | 'height' | 'identify'>, bytes: Uint8Array,
): ExchangeIdentity {
  if (bytes.length > receiptReaderShape.bytesMax) {
    throw new ZwError(ErrorCode.TOO_LARGE, 'the receipt reader proof is too large');
  }
  const proof = decodeReceiptReaderProof(bytes);
  if (proof.chainId !== host.chainId) {
    throw new ZwError(ErrorCode.WRONG_CHAIN, `the proof is for chain ${proof.chainId}`);
  }
  const next = host.height() + 1;
  if (proof.expiryHeight < next) {
    throw new ZwError(ErrorCode.EXPIRED, `the proof expired at height ${proof.expiryHeight}`);
  }
  if (proof.expiryHeight > next + Math.min(receiptReaderShape.expiryHeightsMax,
    limits.txExpiryHeightsMax)) {
    throw new ZwError(ErrorCode.EXPIRY_TOO_FAR, 'the proof\'s expiry is too far ahead');
  }
  const { suite } = host;
  if (proof.signer.length !== suite.publicKeyBytes ||
      !suite.verify(proof.signer, receiptReaderSignBytes(proof), proof.signature)) {
    throw new ZwError(ErrorCode.BAD_SIGNATURE, 'the receipt reader proof does not verify');
  }
  const address = suite.address(proof.signer);
  const identity = host.identify(address);
  if (identity instanceof ZwError) throw identity;
  if (identity === null) {
    throw new ZwError(ErrorCode.UNAUTHORIZED, `reader ${toHex(address)} is not a member`);
  }
  return identity;
}
