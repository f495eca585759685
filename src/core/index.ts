// Public entry of `core`: canonical encoding, byte helpers, branded types, errors, limits,
// assertions and the block-level Merkle tree. Core does no I/O and runs in browsers.
export { assert, unreachable, AssertionError } from './assert.js';
export { ErrorCode, ZwError, isZwError } from './errors.js';
export {
  toHex, fromHex, toBase64, fromBase64, bytesEqual, compareBytes, concatBytes, utf8, fromUtf8,
} from './bytes.js';
export { encode, decode } from './codec.js';
export type { CborValue } from './codec.js';
export { limits } from './limits.js';
export type { Limits } from './limits.js';
export {
  asHeight, asRound, asHash, asAddress, asChainId, hashBytes, addressBytes,
} from './types.js';
export type {
  Brand, Height, Round, Hash, Address, PublicKey, ChainId, HashFunction,
} from './types.js';
export { merkleRoot, merkleProof, verifyMerkleProof, merkleLeafHash } from './merkle.js';
export type { MerkleProof } from './merkle.js';
export {
  VoteType, voteSignBytes, proposalSignBytes, totalPower, isSupermajority, validatorSetHash,
  findValidator, checkValidatorSet, verifyCommit,
} from './consensus-wire.js';
export type {
  Validator, ValidatorSet, Vote, SignedVote, Proposal, SignedProposal, CommitSignature, Commit,
  VerifySignature,
} from './consensus-wire.js';
export { toJsonValue, fromJsonValue } from './json.js';
export type { JsonValue } from './json.js';
export {
  exchangeRequestSignBytes, encodeExchangeRequest, decodeExchangeRequest, exchangeRequestShape,
} from './exchange-wire.js';
export type {
  ExchangeAction, ExchangeRequest, SignedExchangeRequest,
} from './exchange-wire.js';
export {
  receiptReaderSignBytes, encodeReceiptReaderProof, decodeReceiptReaderProof, receiptReaderShape,
} from './receipt-reader.js';
export type { ReceiptReaderProof, SignedReceiptReaderProof } from './receipt-reader.js';
