// Blocks, headers, receipts and their canonical encodings.
// A header carries the roots of the PREVIOUS block's results (state root after executing it and
// its receipts root), as in CometBFT: execution follows ordering, and the quorum that signs block
// H+1 also signs the outcome of block H. The header hash is the block's identity in consensus.
import {
  asChainId, decode, encode, merkleRoot, ZwError, ErrorCode, limits, VoteType,
} from '../core/index.js';
import type {
  Address, CborValue, ChainId, Commit, Hash, HashFunction, Height, Round, SignedVote,
} from '../core/index.js';
import {
  malformed, readAddress, readArray, readBytes, readHash, readInt, readList, readString, readUint,
} from './shape.js';

export interface BlockHeader {
  readonly chainId: ChainId;
  readonly height: Height;
  /** Milliseconds since the Unix epoch, chosen by the proposer, strictly increasing. */
  readonly time: number;
  readonly previousBlockHash: Hash;
  readonly proposer: Address;
  readonly txRoot: Hash;
  /** State root after executing block height-1 (the empty root at height 1). */
  readonly lastStateRoot: Hash;
  /** Receipts root of block height-1. */
  readonly lastReceiptsRoot: Hash;
  /** Hash of the commit for block height-1 carried in this block. */
  readonly lastCommitHash: Hash;
  /** Hash of the evidence list carried in this block. */
  readonly evidenceHash: Hash;
  readonly validatorsHash: Hash;
}

/** Proof that a validator signed two different votes of one type for one height and round. */
export interface Evidence {
  readonly first: SignedVote;
  readonly second: SignedVote;
}

export interface Block {
  readonly header: BlockHeader;
  /** Encoded signed transactions, in execution order. */
  readonly txs: readonly Uint8Array[];
  /** The commit that finalized block height-1; null at height 1. */
  readonly lastCommit: Commit | null;
  /** Double-sign evidence the proposer includes so that it is recorded on chain. */
  readonly evidence: readonly Evidence[];
}

export interface ContractEvent {
  readonly contract: string;
  readonly name: string;
  readonly data: CborValue;
}

export interface Receipt {
  readonly txHash: Hash;
  /** 'ok', or the stable error code of the failure. */
  readonly status: string;
  readonly error: string;
  readonly gasUsed: number;
  readonly events: readonly ContractEvent[];
  /** What a successful method returned (null when nothing). */
  readonly result: CborValue;
}

export const zeroHash = new Uint8Array(32) as Hash;

export function headerFields(header: BlockHeader): CborValue[] {
  return [header.chainId, header.height, header.time, header.previousBlockHash, header.proposer,
    header.txRoot, header.lastStateRoot, header.lastReceiptsRoot, header.lastCommitHash,
    header.evidenceHash, header.validatorsHash];
}

export function encodeHeader(header: BlockHeader): Uint8Array {
  return encode(['zw/header/1', ...headerFields(header)]);
}

export function blockHash(hash: HashFunction, header: BlockHeader): Hash {
  return hash(encodeHeader(header)) as Hash;
}

export function decodeHeader(bytes: Uint8Array): BlockHeader {
  return headerFromValue(decode(bytes));
}

function headerFromValue(value: CborValue): BlockHeader {
  const f = readArray(value, 12, 'header');
  if (f[0] !== 'zw/header/1') throw malformed('header tag');
  let chainId: ChainId;
  try {
    chainId = asChainId(readString(f[1], 'header chain id', 64));
  } catch {
    throw malformed('header chain id');
  }
  return {
    chainId,
    height: readUint(f[2], 'header height') as Height,
    time: readUint(f[3], 'header time'),
    previousBlockHash: readHash(f[4], 'header previous block hash'),
    proposer: readAddress(f[5], 'header proposer'),
    txRoot: readHash(f[6], 'header tx root'),
    lastStateRoot: readHash(f[7], 'header last state root'),
    lastReceiptsRoot: readHash(f[8], 'header last receipts root'),
    lastCommitHash: readHash(f[9], 'header last commit hash'),
    evidenceHash: readHash(f[10], 'header evidence hash'),
    validatorsHash: readHash(f[11], 'header validators hash'),
  };
}

export function commitToValue(commit: Commit): CborValue {
  return [commit.height, commit.round, commit.blockHash,
    commit.signatures.map((s) => [s.validator, s.signature])];
}

export function commitFromValue(value: CborValue): Commit {
  const f = readArray(value, 4, 'commit');
  const signatures = readList(f[3], 'commit signatures').map((entry) => {
    const pair = readArray(entry, 2, 'commit signature');
    return { validator: readAddress(pair[0], 'commit signer'),
      signature: readBytes(pair[1], 'commit signature') };
  });
  return {
    height: readUint(f[0], 'commit height') as Height,
    round: readUint(f[1], 'commit round') as Round,
    blockHash: readHash(f[2], 'commit block hash'),
    signatures,
  };
}

export function signedVoteToValue(vote: SignedVote): CborValue {
  return [vote.type, vote.height, vote.round, vote.blockHash, vote.validator, vote.signature];
}

export function signedVoteFromValue(value: CborValue): SignedVote {
  const f = readArray(value, 6, 'vote');
  const type = readUint(f[0], 'vote type');
  if (type !== VoteType.prevote && type !== VoteType.precommit) throw malformed('vote type');
  return {
    type,
    height: readUint(f[1], 'vote height') as Height,
    round: readUint(f[2], 'vote round') as Round,
    blockHash: f[3] === null ? null : readHash(f[3], 'vote block hash'),
    validator: readAddress(f[4], 'vote validator'),
    signature: readBytes(f[5], 'vote signature'),
  };
}

export function evidenceToValue(evidence: Evidence): CborValue {
  return [signedVoteToValue(evidence.first), signedVoteToValue(evidence.second)];
}

export function evidenceFromValue(value: CborValue): Evidence {
  const f = readArray(value, 2, 'evidence');
  return { first: signedVoteFromValue(f[0] as CborValue),
    second: signedVoteFromValue(f[1] as CborValue) };
}

export function evidenceHash(hash: HashFunction, evidence: readonly Evidence[]): Hash {
  return hash(encode(evidence.map(evidenceToValue))) as Hash;
}

export function encodeCommit(commit: Commit): Uint8Array {
  return encode(commitToValue(commit));
}

export function decodeCommit(bytes: Uint8Array): Commit {
  return commitFromValue(decode(bytes));
}

export function commitHash(hash: HashFunction, commit: Commit | null): Hash {
  return (commit === null ? zeroHash : hash(encodeCommit(commit))) as Hash;
}

export function encodeBlock(block: Block): Uint8Array {
  return encode(['zw/block/1', ['zw/header/1', ...headerFields(block.header)], [...block.txs],
    block.lastCommit === null ? null : commitToValue(block.lastCommit),
    block.evidence.map(evidenceToValue)]);
}

export function decodeBlock(bytes: Uint8Array): Block {
  if (bytes.length > limits.blockBytesMax) {
    throw new ZwError(ErrorCode.TOO_LARGE, `block exceeds ${limits.blockBytesMax} bytes`);
  }
  const f = readArray(decode(bytes), 5, 'block');
  if (f[0] !== 'zw/block/1') throw malformed('block tag');
  const txs = readList(f[2], 'block transactions').map((tx) => readBytes(tx, 'block transaction'));
  return {
    header: headerFromValue(f[1] as CborValue),
    txs,
    lastCommit: f[3] === null ? null : commitFromValue(f[3] as CborValue),
    evidence: readList(f[4], 'block evidence').map(evidenceFromValue),
  };
}

export function txRoot(hash: HashFunction, txs: readonly Uint8Array[]): Hash {
  return merkleRoot(hash, txs.map((tx) => hash(tx))) as Hash;
}

export function receiptToValue(receipt: Receipt): CborValue {
  return [receipt.txHash, receipt.status, receipt.error, receipt.gasUsed,
    receipt.events.map((e) => [e.contract, e.name, e.data]), receipt.result];
}

export function encodeReceipt(receipt: Receipt): Uint8Array {
  return encode(receiptToValue(receipt));
}

export function decodeReceipt(bytes: Uint8Array): Receipt {
  const f = readArray(decode(bytes), 6, 'receipt');
  return {
    txHash: readHash(f[0], 'receipt tx hash'),
    status: readString(f[1], 'receipt status', 64),
    error: readString(f[2], 'receipt error', 4096),
    gasUsed: readInt(f[3], 'receipt gas'),
    events: readList(f[4], 'receipt events').map((event) => {
      const e = readArray(event, 3, 'event');
      return { contract: readString(e[0], 'event contract', 64),
        name: readString(e[1], 'event name', 64), data: e[2] as CborValue };
    }),
    result: f[5] as CborValue,
  };
}

export function receiptsRoot(hash: HashFunction, receipts: readonly Receipt[]): Hash {
  return merkleRoot(hash, receipts.map(encodeReceipt)) as Hash;
}
