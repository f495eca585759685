// Wire formats that consensus produces and that the ledger, block sync and the SDK all verify:
// validator sets, votes, proposals and commits. They live in core (not in consensus) because a
// light client in a browser must check a commit without loading the consensus engine.
// Every signed object is signed over a canonical CBOR array that starts with a domain tag and the
// chain id, so a signature can never be replayed on another chain or as another kind of message.
import { encode } from './codec.js';
import { bytesEqual, compareBytes, toHex } from './bytes.js';
import { ErrorCode, ZwError } from './errors.js';
import type { Address, ChainId, Hash, HashFunction, Height, PublicKey, Round } from './types.js';

export const VoteType = { prevote: 1, precommit: 2 } as const;
export type VoteType = (typeof VoteType)[keyof typeof VoteType];

export interface Validator {
  readonly address: Address;
  readonly publicKey: PublicKey;
  /** Voting power; a positive safe integer. */
  readonly power: number;
}

/** Validators sorted by address, no duplicates. */
export interface ValidatorSet {
  readonly validators: readonly Validator[];
}

export interface Vote {
  readonly type: VoteType;
  readonly height: Height;
  readonly round: Round;
  /** The block voted for, or null for a nil vote. */
  readonly blockHash: Hash | null;
  readonly validator: Address;
}

export interface SignedVote extends Vote {
  readonly signature: Uint8Array;
}

export interface Proposal {
  readonly height: Height;
  readonly round: Round;
  /** The round of the polka that justifies re-proposing a value, or -1. */
  readonly polRound: number;
  readonly blockHash: Hash;
  readonly proposer: Address;
}

export interface SignedProposal extends Proposal {
  readonly signature: Uint8Array;
}

export interface CommitSignature {
  readonly validator: Address;
  readonly signature: Uint8Array;
}

/** Precommits for one block from validators holding more than 2/3 of the voting power. */
export interface Commit {
  readonly height: Height;
  readonly round: Round;
  readonly blockHash: Hash;
  readonly signatures: readonly CommitSignature[];
}

export function voteSignBytes(chainId: ChainId, vote: Vote): Uint8Array {
  return encode(['zw/vote/1', chainId, vote.type, vote.height, vote.round, vote.blockHash,
    vote.validator]);
}

export function proposalSignBytes(chainId: ChainId, proposal: Proposal): Uint8Array {
  return encode(['zw/proposal/1', chainId, proposal.height, proposal.round, proposal.polRound,
    proposal.blockHash, proposal.proposer]);
}

export function totalPower(set: ValidatorSet): number {
  let total = 0;
  for (const validator of set.validators) total += validator.power;
  return total;
}

/** True when power is strictly more than two thirds of total, in integer arithmetic. */
export function isSupermajority(power: number, total: number): boolean {
  return power * 3 > total * 2;
}

export function validatorSetHash(hash: HashFunction, set: ValidatorSet): Uint8Array {
  return hash(encode(set.validators.map((v) => [v.address, v.publicKey, v.power])));
}

export function findValidator(set: ValidatorSet, address: Uint8Array): Validator | undefined {
  return set.validators.find((validator) => bytesEqual(validator.address, address));
}

/** Checks the set is sorted by address, has no duplicates and only positive integer powers. */
export function checkValidatorSet(set: ValidatorSet): void {
  if (set.validators.length === 0) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'validator set is empty');
  }
  let total = 0;
  for (let i = 0; i < set.validators.length; i++) {
    const validator = set.validators[i] as Validator;
    if (!Number.isSafeInteger(validator.power) || validator.power <= 0) {
      throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'validator power must be a positive integer');
    }
    total += validator.power;
    const previous = set.validators[i - 1];
    if (previous !== undefined && compareBytes(previous.address, validator.address) >= 0) {
      throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'validators must be sorted by address');
    }
  }
  if (!Number.isSafeInteger(total * 3)) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'total voting power is too large');
  }
}

export type VerifySignature =
  (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean;

/**
 * Verifies that a commit finalizes `blockHash` at `height` under `set`: every signature is a valid
 * precommit from a distinct member, and their power is more than 2/3 of the total.
 * Throws INVALID_COMMIT with the reason otherwise.
 */
export function verifyCommit(
  chainId: ChainId, set: ValidatorSet, commit: Commit,
  expected: { height: Height; blockHash: Hash }, verify: VerifySignature,
): void {
  const fail = (reason: string): never => {
    throw new ZwError(ErrorCode.INVALID_COMMIT, `commit at height ${commit.height}: ${reason}`);
  };
  if (commit.height !== expected.height) fail(`expected height ${expected.height}`);
  if (!bytesEqual(commit.blockHash, expected.blockHash)) fail('is for a different block');
  const seen = new Set<string>();
  let power = 0;
  for (const entry of commit.signatures) {
    const key = toHex(entry.validator);
    if (seen.has(key)) fail(`validator ${key} signed twice`);
    seen.add(key);
    const validator = findValidator(set, entry.validator);
    if (validator === undefined) fail(`signer ${key} is not a validator`);
    const vote: Vote = { type: VoteType.precommit, height: commit.height, round: commit.round,
      blockHash: commit.blockHash, validator: entry.validator };
    const signBytes = voteSignBytes(chainId, vote);
    if (!verify((validator as Validator).publicKey, signBytes, entry.signature)) {
      fail(`bad signature from ${key}`);
    }
    power += (validator as Validator).power;
  }
  if (!isSupermajority(power, totalPower(set))) fail('signers hold 2/3 or less of the power');
}
