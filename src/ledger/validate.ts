// Checks a proposed or synced block against what this node knows of the chain — the paper's
// valid(v) minus signature checks, which the node shell runs on its worker pool. Every check is a
// pure function of the block and the previous block's committed data, so all correct validators
// judge a block alike.
import {
  ErrorCode, ZwError, bytesEqual, findValidator, toHex, verifyCommit, voteSignBytes,
  validatorSetHash, encode,
} from '../core/index.js';
import type { Address, ChainId, Hash, Height, ValidatorSet } from '../core/index.js';
import type { CryptoSuite } from '../crypto/index.js';
import { blockHash, commitHash, evidenceHash, txRoot } from './block.js';
import type { Block, Evidence } from './block.js';
import type { ChainParams } from './genesis.js';

export interface BlockExpectations {
  readonly chainId: ChainId;
  readonly height: Height;
  readonly previousBlockHash: Hash;
  /** Time of the previous block (or the genesis time at height 1). */
  readonly previousTime: number;
  readonly lastStateRoot: Uint8Array;
  readonly lastReceiptsRoot: Uint8Array;
  /** Validators of this height and of the previous one (which signed lastCommit). */
  readonly validatorSet: ValidatorSet;
  readonly previousValidatorSet: ValidatorSet | null;
  readonly params: ChainParams;
  /** The proposer this block must name, when known (a proposal); null for synced blocks. */
  readonly proposer: Address | null;
}

function invalid(message: string): ZwError {
  return new ZwError(ErrorCode.INVALID_BLOCK, message);
}

export function validateBlock(suite: CryptoSuite, block: Block, expected: BlockExpectations): Hash {
  const { header } = block;
  if (header.chainId !== expected.chainId) invalidThrow(`chain ${header.chainId}`);
  if (header.height !== expected.height) invalidThrow(`height ${header.height}`);
  if (!bytesEqual(header.previousBlockHash, expected.previousBlockHash)) {
    invalidThrow('previous block hash does not match');
  }
  if (header.time <= expected.previousTime) invalidThrow('time does not increase');
  if (!bytesEqual(header.lastStateRoot, expected.lastStateRoot)) {
    invalidThrow('last state root differs from this node\'s execution result');
  }
  if (!bytesEqual(header.lastReceiptsRoot, expected.lastReceiptsRoot)) {
    invalidThrow('last receipts root differs from this node\'s execution result');
  }
  const setHash = validatorSetHash(suite.hash, expected.validatorSet);
  if (!bytesEqual(header.validatorsHash, setHash)) invalidThrow('wrong validator set hash');
  if (expected.proposer !== null && !bytesEqual(header.proposer, expected.proposer)) {
    invalidThrow(`proposer ${toHex(header.proposer)} is not this round's proposer`);
  }
  if (findValidator(expected.validatorSet, header.proposer) === undefined) {
    invalidThrow('proposer is not a validator');
  }
  checkBody(suite, block, expected);
  return blockHash(suite.hash, header);
}

function invalidThrow(message: string): never {
  throw invalid(message);
}

function checkBody(suite: CryptoSuite, block: Block, expected: BlockExpectations): void {
  const { header } = block;
  if (block.txs.length > expected.params.blockTxsMax) invalidThrow('too many transactions');
  let bytes = 0;
  const seen = new Set<string>();
  for (const tx of block.txs) {
    bytes += tx.length;
    const key = toHex(suite.hash(tx));
    if (seen.has(key)) invalidThrow('duplicate transaction');
    seen.add(key);
  }
  if (bytes > expected.params.blockBytesMax) invalidThrow('block transactions too large');
  if (!bytesEqual(header.txRoot, txRoot(suite.hash, block.txs))) invalidThrow('wrong tx root');
  if (!bytesEqual(header.lastCommitHash, commitHash(suite.hash, block.lastCommit))) {
    invalidThrow('wrong last commit hash');
  }
  if (!bytesEqual(header.evidenceHash, evidenceHash(suite.hash, block.evidence))) {
    invalidThrow('wrong evidence hash');
  }
  checkLastCommit(suite, block, expected);
  for (const item of block.evidence) {
    checkEvidence(suite, expected.chainId, item, (height) =>
      height === expected.height ? expected.validatorSet
        : expected.previousValidatorSet ?? expected.validatorSet);
  }
}

function checkLastCommit(suite: CryptoSuite, block: Block, expected: BlockExpectations): void {
  if (expected.height === 1) {
    if (block.lastCommit !== null) invalidThrow('height 1 carries no last commit');
    return;
  }
  if (block.lastCommit === null || expected.previousValidatorSet === null) {
    invalidThrow('missing last commit');
  }
  try {
    verifyCommit(expected.chainId, expected.previousValidatorSet, block.lastCommit,
      { height: (expected.height - 1) as Height, blockHash: expected.previousBlockHash },
      (key, message, signature) => suite.verify(key, message, signature));
  } catch (error) {
    invalidThrow(`last commit: ${(error as Error).message}`);
  }
}

/** Checks that evidence really shows one validator signing two conflicting votes. */
export function checkEvidence(
  suite: CryptoSuite, chainId: ChainId, evidence: Evidence,
  validatorsAt: (height: number) => ValidatorSet,
): void {
  const { first, second } = evidence;
  const fail = (message: string): never => {
    throw new ZwError(ErrorCode.INVALID_EVIDENCE, message);
  };
  if (first.type !== second.type || first.height !== second.height ||
      first.round !== second.round || !bytesEqual(first.validator, second.validator)) {
    fail('votes are not for the same validator, height, round and type');
  }
  const same = first.blockHash === null ? second.blockHash === null
    : second.blockHash !== null && bytesEqual(first.blockHash, second.blockHash);
  if (same) fail('votes do not conflict');
  const validator = findValidator(validatorsAt(first.height), first.validator);
  if (validator === undefined) fail('signer is not a validator at that height');
  for (const vote of [first, second]) {
    if (!suite.verify((validator as { publicKey: Uint8Array }).publicKey,
      voteSignBytes(chainId, vote), vote.signature)) fail('a vote signature does not verify');
  }
}

/** A stable identifier of one piece of evidence (order of the two votes does not matter). */
export function evidenceId(suite: CryptoSuite, evidence: Evidence): Uint8Array {
  const a = encode([evidence.first.blockHash, evidence.first.signature]);
  const b = encode([evidence.second.blockHash, evidence.second.signature]);
  const [low, high] = toHex(a) < toHex(b) ? [a, b] : [b, a];
  return suite.hash(encode(['zw/evidence/1', evidence.first.validator, evidence.first.height,
    evidence.first.round, evidence.first.type, low, high]));
}
