// The messages peers exchange, as a discriminated union, and their canonical wire encoding.
// Each message is a canonical CBOR array whose first element is its type tag, so a receiver can
// read the tag from the first bytes of a frame and apply that type's size limit before decoding
// the rest. Decoding is strict: exact array lengths, exact field types and sizes, canonical
// bytes only. Consensus objects reuse core's wire types, each encoded as an array of its fields
// in declaration order.
import {
  ErrorCode, ZwError, asAddress, asChainId, asHash, asHeight, asRound, decode, encode, limits,
  fromUtf8,
} from '../core/index.js';
import type {
  CborValue, ChainId, Height, Round, SignedProposal, SignedVote, VoteType,
} from '../core/index.js';
import { messageShape } from './limits.js';
import type { NetworkLimits } from './limits.js';

/** A transaction to gossip: its canonical signed encoding, opaque to the network. */
export interface TxMessage { readonly type: 'tx'; readonly tx: Uint8Array }
/** A signed proposal and the encoded block it proposes. */
export interface ProposalMessage {
  readonly type: 'proposal';
  readonly proposal: SignedProposal;
  readonly block: Uint8Array;
}
export interface VoteMessage { readonly type: 'vote'; readonly vote: SignedVote }
/** Where the sender is: its committed height and, for validators, its current round. */
export interface StatusMessage {
  readonly type: 'status';
  readonly height: Height;
  readonly round?: Round;
}
export interface BlockRequestMessage { readonly type: 'block-request'; readonly height: Height }
/** A committed block and the commit that finalized it, both in their canonical encodings. */
export interface BlockResponseMessage {
  readonly type: 'block-response';
  readonly height: Height;
  readonly block: Uint8Array;
  readonly commit: Uint8Array;
}
/**
 * A signed proposal whose block follows as `block-part` messages (for blocks over
 * limits.blockPartBytes): `total` parts under the Merkle root `root` (core's block tree).
 */
export interface ProposalPartsMessage {
  readonly type: 'proposal-parts';
  readonly proposal: SignedProposal;
  readonly total: number;
  readonly root: Uint8Array;
}
/** One part of a proposed block with its Merkle proof against the parts' root. */
export interface BlockPartMessage {
  readonly type: 'block-part';
  readonly height: Height;
  readonly round: Round;
  readonly root: Uint8Array;
  readonly index: number;
  readonly total: number;
  readonly bytes: Uint8Array;
  readonly path: readonly Uint8Array[];
}
/**
 * Data exchange: a member's signed fetch request (opaque here; the exchange module checks it)
 * forwarded by the requester's node with a one-time encryption key for the answer, and the
 * provider node's answer under the same correlation id.
 */
export interface DataRequestMessage {
  readonly type: 'data-request';
  readonly id: Uint8Array;
  readonly request: Uint8Array;
  readonly encryptionKey: Uint8Array;
}
export interface DataResponseMessage {
  readonly type: 'data-response';
  readonly id: Uint8Array;
  readonly body: Uint8Array;
}
/**
 * Subject ids (ADR 0013): a member's node asks a subject-key agency's node to evaluate blinded
 * personal ids (points that reveal nothing about them), and the answer under the same id: the
 * evaluated points and a DLEQ proof, or an error (canonical CBOR, read by src/node).
 */
export interface SubjectEvalRequestMessage {
  readonly type: 'subject-eval-request';
  readonly id: Uint8Array;
  readonly blinded: readonly Uint8Array[];
}
export interface SubjectEvalResponseMessage {
  readonly type: 'subject-eval-response';
  readonly id: Uint8Array;
  readonly body: Uint8Array;
}
/** The handshake's first message; the transport consumes it and never delivers it. */
export interface HelloMessage {
  readonly type: 'hello';
  readonly chainId: ChainId;
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
}

/** Messages the node sends and receives. */
export type PeerMessage =
  | TxMessage | ProposalMessage | VoteMessage | StatusMessage | BlockRequestMessage
  | BlockResponseMessage | ProposalPartsMessage | BlockPartMessage | DataRequestMessage
  | DataResponseMessage | SubjectEvalRequestMessage | SubjectEvalResponseMessage;
/** Everything that travels in a frame. */
export type NetworkMessage = PeerMessage | HelloMessage;
export type MessageType = NetworkMessage['type'];

export const messageTypes: readonly MessageType[] = [
  'tx', 'proposal', 'vote', 'status', 'block-request', 'block-response', 'hello',
  'proposal-parts', 'block-part', 'data-request', 'data-response',
  'subject-eval-request', 'subject-eval-response',
];

/** The size limit that applies to a frame of the given type. */
export function frameBytesMaxOf(type: MessageType, bounds: NetworkLimits): number {
  switch (type) {
    case 'tx': return bounds.txBytesMax;
    case 'proposal': return bounds.proposalBytesMax;
    case 'vote': return bounds.voteBytesMax;
    case 'status': return bounds.statusBytesMax;
    case 'block-request': return bounds.blockRequestBytesMax;
    case 'block-response': return bounds.blockResponseBytesMax;
    case 'hello': return bounds.helloBytesMax;
    case 'proposal-parts': return bounds.proposalPartsBytesMax;
    case 'block-part': return bounds.blockPartBytesMax;
    case 'data-request': return bounds.dataRequestBytesMax;
    case 'data-response': return bounds.dataResponseBytesMax;
    // A batch of 32-byte points, well inside a fetch request's bound.
    case 'subject-eval-request': return bounds.dataRequestBytesMax;
    case 'subject-eval-response': return bounds.dataRequestBytesMax;
  }
}

/** The bytes a hello signs: bound to the chain and to one TLS session's exported key. */
export function helloSignBytes(chainId: ChainId, sessionBinding: Uint8Array): Uint8Array {
  return encode(['zw/hello/1', chainId, sessionBinding]);
}

export function encodeMessage(message: NetworkMessage): Uint8Array {
  return encode(toWire(message));
}

function toWire(message: NetworkMessage): CborValue {
  switch (message.type) {
    case 'tx': return ['tx', message.tx];
    case 'proposal': {
      const p = message.proposal;
      return ['proposal', [p.height, p.round, p.polRound, p.blockHash, p.proposer, p.signature],
        message.block];
    }
    case 'vote': {
      const v = message.vote;
      return ['vote', [v.type, v.height, v.round, v.blockHash, v.validator, v.signature]];
    }
    case 'status': return ['status', message.height, message.round ?? null];
    case 'block-request': return ['block-request', message.height];
    case 'block-response':
      return ['block-response', message.height, message.block, message.commit];
    case 'hello': return ['hello', message.chainId, message.publicKey, message.signature];
    case 'proposal-parts': {
      const p = message.proposal;
      return ['proposal-parts',
        [p.height, p.round, p.polRound, p.blockHash, p.proposer, p.signature],
        message.total, message.root];
    }
    case 'block-part':
      return ['block-part', message.height, message.round, message.root, message.index,
        message.total, message.bytes, [...message.path]];
    case 'data-request':
      return ['data-request', message.id, message.request, message.encryptionKey];
    case 'data-response': return ['data-response', message.id, message.body];
    case 'subject-eval-request':
      return ['subject-eval-request', message.id, [...message.blinded]];
    case 'subject-eval-response': return ['subject-eval-response', message.id, message.body];
  }
}

/**
 * The type tag at the start of a frame body, read without decoding the rest: the body must open
 * with a short CBOR array header and a short text string. Returns undefined when `head` is too
 * short to tell yet; throws MALFORMED for anything that is not a known tag.
 */
export function peekMessageType(head: Uint8Array): MessageType | undefined {
  const arrayHeader = head[0];
  const textHeader = head[1];
  if (arrayHeader === undefined) return undefined;
  if (arrayHeader >> 5 !== 4 || (arrayHeader & 0x1f) >= 24) throw malformed('not a message');
  if (textHeader === undefined) return undefined;
  if (textHeader >> 5 !== 3 || (textHeader & 0x1f) >= 24) throw malformed('no type tag');
  const length = textHeader & 0x1f;
  if (head.length < 2 + length) return undefined;
  let tag: string;
  try {
    tag = fromUtf8(head.subarray(2, 2 + length));
  } catch {
    throw malformed('type tag is not UTF-8');
  }
  const type = messageTypes.find((known) => known === tag);
  if (type === undefined) throw malformed(`unknown message type ${JSON.stringify(tag)}`);
  return type;
}

/** Bytes of a frame body that `peekMessageType` may need. */
export const messageTypePeekBytes = 2 + 23;

/**
 * Decodes and shape-checks one message. Throws ZwError MALFORMED (not CBOR, wrong shape, unknown
 * type) or NON_CANONICAL; never anything else for any input bytes.
 */
export function decodeMessage(bytes: Uint8Array): NetworkMessage {
  const value = decode(bytes);
  if (!Array.isArray(value)) throw malformed('message must be an array');
  const fields = value as readonly CborValue[];
  const tag = fields[0];
  switch (tag) {
    case 'tx': {
      expectLength(fields, 2);
      return { type: 'tx', tx: bytesField(fields[1], 'tx', 1, limits.txBytesMax) };
    }
    case 'proposal': {
      expectLength(fields, 3);
      return { type: 'proposal', proposal: proposalOf(fields[1]),
        block: bytesField(fields[2], 'block', 1, limits.blockBytesMax) };
    }
    case 'vote': {
      expectLength(fields, 2);
      return { type: 'vote', vote: voteOf(fields[1]) };
    }
    case 'status': return statusOf(fields);
    case 'block-request': {
      expectLength(fields, 2);
      return { type: 'block-request', height: heightField(fields[1]) };
    }
    case 'block-response': {
      expectLength(fields, 4);
      return { type: 'block-response', height: heightField(fields[1]),
        block: bytesField(fields[2], 'block', 1, limits.blockBytesMax),
        commit: bytesField(fields[3], 'commit', 1, messageShape.commitBytesMax) };
    }
    case 'hello': return helloOf(fields);
    case 'proposal-parts': {
      expectLength(fields, 4);
      return { type: 'proposal-parts', proposal: proposalOf(fields[1]),
        total: partCountField(fields[2]), root: bytesField(fields[3], 'parts root', 32, 32) };
    }
    case 'block-part': return blockPartOf(fields);
    case 'data-request': {
      expectLength(fields, 4);
      return { type: 'data-request', id: bytesField(fields[1], 'request id', 16, 16),
        request: bytesField(fields[2], 'request', 1, limits.exchangeRequestBytesMax),
        encryptionKey: bytesField(fields[3], 'encryption key', 1, messageShape.publicKeyBytesMax) };
    }
    case 'data-response': {
      expectLength(fields, 3);
      return { type: 'data-response', id: bytesField(fields[1], 'request id', 16, 16),
        body: bytesField(fields[2], 'response', 1, limits.exchangeResponseBytesMax) };
    }
    case 'subject-eval-request': return subjectEvalRequestOf(fields);
    case 'subject-eval-response': {
      expectLength(fields, 3);
      return { type: 'subject-eval-response', id: bytesField(fields[1], 'request id', 16, 16),
        body: bytesField(fields[2], 'evaluation', 1, limits.exchangeRequestBytesMax) };
    }
    default: throw malformed('unknown message type');
  }
}

function subjectEvalRequestOf(fields: readonly CborValue[]): SubjectEvalRequestMessage {
  expectLength(fields, 3);
  const blinded = fields[2];
  if (!Array.isArray(blinded) || blinded.length < 1 ||
      blinded.length > limits.subjectEvalBatchMax) {
    throw malformed(`an evaluation names 1-${limits.subjectEvalBatchMax} elements`);
  }
  return { type: 'subject-eval-request', id: bytesField(fields[1], 'request id', 16, 16),
    blinded: (blinded as readonly CborValue[]).map((element) =>
      bytesField(element, 'blinded element', 32, 32)) };
}

function partCountField(value: CborValue | undefined): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 ||
      value > limits.blockPartsMax) {
    throw malformed(`part count must be 1-${limits.blockPartsMax}`);
  }
  return value;
}

function blockPartOf(fields: readonly CborValue[]): BlockPartMessage {
  expectLength(fields, 8);
  const total = partCountField(fields[5]);
  const index = fields[4];
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0 || index >= total) {
    throw malformed('part index out of range');
  }
  const path = fields[7];
  if (!Array.isArray(path) || path.length > 40) throw malformed('part proof too long');
  return { type: 'block-part', height: heightField(fields[1]), round: roundField(fields[2]),
    root: bytesField(fields[3], 'parts root', 32, 32), index, total,
    bytes: bytesField(fields[6], 'part', 1, limits.blockPartBytes),
    path: (path as readonly CborValue[]).map((hash) => bytesField(hash, 'proof hash', 32, 32)) };
}

function statusOf(fields: readonly CborValue[]): StatusMessage {
  expectLength(fields, 3);
  const height = heightField(fields[1]);
  return fields[2] === null
    ? { type: 'status', height }
    : { type: 'status', height, round: roundField(fields[2]) };
}

function helloOf(fields: readonly CborValue[]): HelloMessage {
  expectLength(fields, 4);
  const chainId = fields[1];
  if (typeof chainId !== 'string') throw malformed('chain id must be text');
  let checked: ChainId;
  try {
    checked = asChainId(chainId);
  } catch {
    throw malformed('chain id is not a valid chain id');
  }
  return { type: 'hello', chainId: checked,
    publicKey: bytesField(fields[2], 'public key', 1, messageShape.publicKeyBytesMax),
    signature: bytesField(fields[3], 'signature', 1, messageShape.signatureBytesMax) };
}

function voteOf(value: CborValue | undefined): SignedVote {
  const fields = arrayField(value, 'vote', 6);
  const type = fields[0];
  if (type !== 1 && type !== 2) throw malformed('vote type must be 1 or 2');
  const blockHash = fields[3] === null ? null : asHash(bytesField(fields[3], 'block hash', 32, 32));
  return {
    type: type as VoteType,
    height: heightField(fields[1]),
    round: roundField(fields[2]),
    blockHash,
    validator: asAddress(bytesField(fields[4], 'validator', 20, 20)),
    signature: bytesField(fields[5], 'signature', 1, messageShape.signatureBytesMax),
  };
}

function proposalOf(value: CborValue | undefined): SignedProposal {
  const fields = arrayField(value, 'proposal', 6);
  const polRound = fields[2];
  if (typeof polRound !== 'number' || !Number.isSafeInteger(polRound) || polRound < -1) {
    throw malformed('proof-of-lock round must be an integer of at least -1');
  }
  return {
    height: heightField(fields[0]),
    round: roundField(fields[1]),
    polRound,
    blockHash: asHash(bytesField(fields[3], 'block hash', 32, 32)),
    proposer: asAddress(bytesField(fields[4], 'proposer', 20, 20)),
    signature: bytesField(fields[5], 'signature', 1, messageShape.signatureBytesMax),
  };
}

function expectLength(fields: readonly CborValue[], length: number): void {
  if (fields.length !== length) {
    throw malformed(`${String(fields[0])} message must have ${length} fields`);
  }
}

function arrayField(value: CborValue | undefined, what: string, length: number):
  readonly CborValue[] {
  if (!Array.isArray(value)) throw malformed(`${what} must be an array`);
  const fields = value as readonly CborValue[];
  if (fields.length !== length) throw malformed(`${what} must have ${length} fields`);
  return fields;
}

function bytesField(value: CborValue | undefined, what: string, minBytes: number,
  maxBytes: number): Uint8Array {
  if (!(value instanceof Uint8Array)) throw malformed(`${what} must be bytes`);
  if (value.length < minBytes || value.length > maxBytes) {
    throw malformed(`${what} must be ${minBytes} to ${maxBytes} bytes`);
  }
  return value;
}

function heightField(value: CborValue | undefined): Height {
  if (typeof value !== 'number') throw malformed('height must be an integer');
  try {
    return asHeight(value);
  } catch {
    throw malformed('height must be a non-negative safe integer');
  }
}

function roundField(value: CborValue | undefined): Round {
  if (typeof value !== 'number') throw malformed('round must be an integer');
  try {
    return asRound(value);
  } catch {
    throw malformed('round must be a non-negative safe integer');
  }
}

function malformed(reason: string): ZwError {
  return new ZwError(ErrorCode.MALFORMED, `malformed peer message: ${reason}`);
}
