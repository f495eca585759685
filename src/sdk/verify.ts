// Client-side verification: the trust path for auditors and citizens. A value or receipt is
// believed only when (1) a header's commit carries valid precommit signatures from validators
// holding more than 2/3 of the trusted validator set's power, (2) that header names the trusted
// validator set, and (3) a proof links the value to the root the header carries. Nothing the
// node says is taken on faith.
import {
  ErrorCode, ZwError, bytesEqual, decode, fromBase64, fromHex, fromJsonValue, validatorSetHash,
  verifyCommit, verifyMerkleProof, asHeight, asHash,
} from '../core/index.js';
import type { CborValue, ChainId, ValidatorSet } from '../core/index.js';
import type { CryptoSuite } from '../crypto/index.js';
import {
  blockHash, checkGenesis, decodeCommit, decodeHeader, encodeReceipt, stateTreeKey,
} from '../ledger/index.js';
import type { BlockHeader, Genesis, Receipt } from '../ledger/index.js';
import { decodeProof, verifyStateProof } from '../state/index.js';
import type { ProofView, ReceiptView, StateView, TxView } from './client.js';

export interface TrustedChain {
  readonly chainId: ChainId;
  readonly suite: CryptoSuite;
  readonly validatorSet: ValidatorSet;
}

/** Trust anchored in a genesis document the caller obtained out of band (or pinned). */
export function trustFromGenesis(genesis: unknown): TrustedChain {
  const loaded = checkGenesis(genesis as Genesis);
  return { chainId: loaded.chainId, suite: loaded.suite, validatorSet: loaded.validatorSet };
}

function invalidProof(message: string): ZwError {
  return new ZwError(ErrorCode.INVALID_PROOF, message);
}

/** Checks a header and its commit against the trusted validators; returns the header. */
export function verifySignedHeader(trust: TrustedChain, proof: ProofView): BlockHeader {
  const header = decodeHeader(fromBase64(proof.header, 'header'));
  const commit = decodeCommit(fromBase64(proof.commit, 'commit'));
  if (header.chainId !== trust.chainId) throw invalidProof(`header is for chain ${header.chainId}`);
  const expectedSet = validatorSetHash(trust.suite.hash, trust.validatorSet);
  if (!bytesEqual(header.validatorsHash, expectedSet)) {
    throw invalidProof('header names a validator set other than the trusted one');
  }
  verifyCommit(trust.chainId, trust.validatorSet, commit,
    { height: asHeight(header.height), blockHash: blockHash(trust.suite.hash, header) },
    (publicKey, message, signature) => trust.suite.verify(publicKey, message, signature));
  return header;
}

export interface VerifiedState {
  readonly value: Uint8Array | undefined;
  readonly height: number;
  readonly header: BlockHeader;
}

/**
 * Verifies a state read made with `proof: true` for (contract, key): the value (or its absence)
 * is proven against the state root in a quorum-signed header. Throws INVALID_PROOF or
 * INVALID_COMMIT.
 */
export function verifyStateView(
  trust: TrustedChain, view: StateView, contract: string, key: Uint8Array,
): VerifiedState {
  if (view.proof === null) throw invalidProof('the node sent no proof');
  const header = verifySignedHeader(trust, view.proof);
  if (header.height !== view.height + 1) throw invalidProof('proof header is not height + 1');
  const treeKey = stateTreeKey(trust.suite.hash, contract, key);
  const value = view.value === null ? undefined : fromHex(view.value, 'value');
  let proof;
  try {
    proof = decodeProof(fromBase64(view.proof.proof, 'proof'));
  } catch {
    throw invalidProof('state proof is malformed');
  }
  if (!verifyStateProof(trust.suite.hash, header.lastStateRoot, treeKey, value, proof)) {
    throw invalidProof(value === undefined ? 'absence proof does not verify'
      : 'value proof does not verify');
  }
  return { value, height: view.height, header };
}

export function receiptFromView(view: ReceiptView): Receipt {
  return {
    txHash: asHash(fromHex(view.txHash, 'receipt tx hash')),
    status: view.status,
    error: view.error,
    gasUsed: view.gasUsed,
    events: view.events.map((e) => ({ contract: e.contract, name: e.name,
      data: fromJsonValue(e.data) })),
    result: fromJsonValue(view.result),
  };
}

/** Verifies a committed transaction's receipt against the next block's signed header. */
export function verifyTxView(trust: TrustedChain, view: TxView): Receipt {
  if (view.status !== 'committed') throw invalidProof(`transaction is ${view.status}`);
  if (view.proof === null) throw invalidProof('the node sent no proof yet');
  if (view.receipt.redacted === true) {
    throw invalidProof('the node withholds personal event data of this receipt (ADR 0010); ' +
      'the receipts root covers the whole receipt');
  }
  const header = verifySignedHeader(trust, view.proof);
  if (header.height !== view.height + 1) throw invalidProof('proof header is not height + 1');
  const receipt = receiptFromView(view.receipt);
  const fields = decode(fromBase64(view.proof.proof, 'proof'));
  if (!Array.isArray(fields) || fields.length !== 3) throw invalidProof('receipt proof malformed');
  const [index, total, path] = fields as readonly CborValue[];
  const ok = typeof index === 'number' && typeof total === 'number' && Array.isArray(path) &&
    path.every((p) => p instanceof Uint8Array) && index === view.index &&
    verifyMerkleProof(trust.suite.hash, header.lastReceiptsRoot, encodeReceipt(receipt),
      { index, total, path: path as Uint8Array[] });
  if (!ok) throw invalidProof('receipt proof does not verify');
  return receipt;
}
