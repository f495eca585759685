// Transactions: what a client signs and submits. A transaction is an encoded CBOR array
//   [version, chainId, sender, nonce, expiryHeight, gasLimit, contract, method, args, signature]
// and is signed over the same fields (without the signature) behind the domain tag "zw/tx/1".
// Its hash is the suite hash of the whole encoded signed transaction.
import {
  ErrorCode, ZwError, decode, encode, limits, asChainId,
} from '../core/index.js';
import type { CborValue, ChainId, Hash, Height, PublicKey } from '../core/index.js';
import type { CryptoSuite } from '../crypto/index.js';
import {
  malformed, readArray, readBytes, readString, readUint,
} from './shape.js';

export const txVersion = 1;

export interface TxBody {
  readonly chainId: ChainId;
  readonly sender: PublicKey;
  /** The sender's account nonce this transaction consumes; accounts start at 0. */
  readonly nonce: number;
  /** The last height at which the transaction may be included. */
  readonly expiryHeight: Height;
  readonly gasLimit: number;
  readonly contract: string;
  readonly method: string;
  readonly args: CborValue;
}

export interface SignedTx extends TxBody {
  readonly signature: Uint8Array;
}

/** A decoded transaction with the bytes and hash it was decoded from. */
export interface TxEnvelope {
  readonly tx: SignedTx;
  readonly bytes: Uint8Array;
  readonly hash: Hash;
}

const namePattern = /^[a-z][a-z0-9_.-]*$/;
const methodPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

function bodyFields(body: TxBody): CborValue[] {
  return [txVersion, body.chainId, body.sender, body.nonce, body.expiryHeight, body.gasLimit,
    body.contract, body.method, body.args];
}

export function txSignBytes(body: TxBody): Uint8Array {
  return encode(['zw/tx/1', ...bodyFields(body)]);
}

export function encodeTx(tx: SignedTx): Uint8Array {
  return encode([...bodyFields(tx), tx.signature]);
}

export function signTx(suite: CryptoSuite, privateKey: Uint8Array, body: TxBody): SignedTx {
  return { ...body, signature: suite.sign(privateKey, txSignBytes(body)) };
}

export function txHash(suite: CryptoSuite, bytes: Uint8Array): Hash {
  return suite.hash(bytes) as Hash;
}

/**
 * Decodes and checks the form of a transaction (not its signature, chain or nonce: see
 * admission). Throws TOO_LARGE, MALFORMED or NON_CANONICAL.
 */
export function decodeTx(suite: CryptoSuite, bytes: Uint8Array): TxEnvelope {
  if (bytes.length > limits.txBytesMax) {
    throw new ZwError(ErrorCode.TOO_LARGE,
      `transaction is ${bytes.length} bytes; the limit is ${limits.txBytesMax}`);
  }
  const fields = readArray(decode(bytes), 10, 'transaction: expected a 10-element array');
  if (fields[0] !== txVersion) throw malformed('transaction: unsupported version');
  const chainId = readString(fields[1], 'transaction chain id', 64);
  const contract = readString(fields[6], 'transaction contract', limits.contractNameBytesMax);
  const method = readString(fields[7], 'transaction method', limits.methodNameBytesMax);
  if (!namePattern.test(contract)) throw malformed('transaction contract name');
  if (!methodPattern.test(method)) throw malformed('transaction method name');
  const args = fields[8] as CborValue;
  if (encode(args).length > limits.argsBytesMax) {
    throw new ZwError(ErrorCode.TOO_LARGE, `arguments exceed ${limits.argsBytesMax} bytes`);
  }
  const tx: SignedTx = {
    chainId: asChainIdOrMalformed(chainId),
    sender: readBytes(fields[2], 'transaction sender', suite.publicKeyBytes) as PublicKey,
    nonce: readUint(fields[3], 'transaction nonce'),
    expiryHeight: readUint(fields[4], 'transaction expiry height') as Height,
    gasLimit: readUint(fields[5], 'transaction gas limit'),
    contract,
    method,
    args,
    signature: readBytes(fields[9], 'transaction signature'),
  };
  return { tx, bytes, hash: txHash(suite, bytes) };
}

function asChainIdOrMalformed(value: string): ChainId {
  try {
    return asChainId(value);
  } catch {
    throw malformed('transaction chain id');
  }
}

export function verifyTxSignature(suite: CryptoSuite, tx: SignedTx): boolean {
  return suite.verify(tx.sender, txSignBytes(tx), tx.signature);
}
