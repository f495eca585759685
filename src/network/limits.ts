// Every bound the peer transport enforces, with its default and unit last. A node may tighten or
// loosen them through `Init.limits`; the frame size limits must stay at least as large as what
// honest peers send, which is why they are derived from the chain-wide limits in core.
import { limits } from '../core/index.js';

/** Room for a message's CBOR envelope and fixed fields around its largest byte string. */
const envelopeBytes = 4 * 1024;
/** A commit: one precommit signature (address + signature + framing) per validator. */
const commitBytes = 64 * 1024;

export interface NetworkLimits {
  /** Largest `tx` frame body, in bytes: one signed transaction plus its envelope. */
  readonly txBytesMax: number;
  /** Largest `proposal` frame body: a whole block plus the signed proposal. */
  readonly proposalBytesMax: number;
  /** Largest `vote` frame body; a vote is about 200 bytes with an SM2 signature. */
  readonly voteBytesMax: number;
  /** Largest `status` frame body. */
  readonly statusBytesMax: number;
  /** Largest `block-request` frame body. */
  readonly blockRequestBytesMax: number;
  /** Largest `block-response` frame body: a block and the commit that finalized it. */
  readonly blockResponseBytesMax: number;
  /** Largest `hello` frame body: chain id, public key and signature. */
  readonly helloBytesMax: number;
  /** Largest `proposal-parts` frame body: a signed proposal and its parts' count and root. */
  readonly proposalPartsBytesMax: number;
  /** Largest `block-part` frame body: one part, its index and its Merkle proof. */
  readonly blockPartBytesMax: number;
  /** Largest `data-request` frame body: a signed fetch request and an encryption key. */
  readonly dataRequestBytesMax: number;
  /** Largest `data-response` frame body: one encrypted page of records. */
  readonly dataResponseBytesMax: number;

  /** Sustained messages a peer may send per second; excess messages are dropped. */
  readonly messagesPerSecondMax: number;
  /** Messages a peer may send in a burst above the sustained rate. */
  readonly messagesBurstMax: number;
  /** Sustained frame bytes a peer may send per second; excess frames are dropped. */
  readonly bytesPerSecondMax: number;
  /** Bytes a peer may send in a burst; at least the largest frame, or that frame never passes. */
  readonly bytesBurstMax: number;
  /** Dropped messages within one `rateDropWindowMs` after which the peer is disconnected. */
  readonly rateDropsMax: number;
  /** The window over which dropped messages are counted, in milliseconds. */
  readonly rateDropWindowMs: number;

  /** Frames queued for one peer behind socket backpressure before the peer is disconnected. */
  readonly outboundQueueMessagesMax: number;
  /** Bytes queued for one peer behind socket backpressure before the peer is disconnected. */
  readonly outboundQueueBytesMax: number;

  /**
   * Time from TCP connect to a verified hello, in milliseconds, before the attempt is dropped.
   * A deadline, not an idle timer: a peer that trickles bytes cannot extend it.
   */
  readonly handshakeTimeoutMs: number;
  /**
   * Idle time before TCP keep-alive probes start, in milliseconds. A peer whose process died
   * leaves a half-open link; probes find it, so that its redial is not refused as a duplicate.
   */
  readonly keepAliveIdleMs: number;
  /**
   * Authenticated peers, inbound and outbound. Handshaking connections never count here; when
   * it is full, a priority peer (a validator or persistent peer) displaces another peer.
   */
  readonly peersMax: number;
  /**
   * Inbound connections still in the TLS or hello handshake from addresses where no authorized
   * peer was seen; when full, a newcomer evicts the oldest of the address holding the most.
   */
  readonly handshakesPendingMax: number;
  /** Inbound connections in the handshake from one remote address; more are refused at once. */
  readonly handshakesPerAddressMax: number;
  /**
   * Inbound connections in the handshake from known addresses (where an authorized peer was
   * seen, or a persistent peer's host), counted apart so strangers cannot take their room.
   */
  readonly handshakesKnownMax: number;
  /** Remote addresses remembered as known, most recently seen kept. */
  readonly knownAddressesMax: number;
  /** Sustained inbound connection attempts one remote address may make per second. */
  readonly connectsPerSecondMax: number;
  /** Inbound connection attempts one remote address may make in a burst. */
  readonly connectsBurstMax: number;
  /** Remote addresses whose connection attempts are metered, most recent kept. */
  readonly connectAddressesTrackedMax: number;

  /** First delay before redialing a persistent peer, in milliseconds. */
  readonly redialDelayMsMin: number;
  /** Cap of the exponentially growing redial delay; a connection that lived this long resets it. */
  readonly redialDelayMsMax: number;
}

export const networkDefaults: NetworkLimits = {
  txBytesMax: limits.txBytesMax + envelopeBytes,
  proposalBytesMax: limits.blockBytesMax + envelopeBytes,
  voteBytesMax: 1024,
  statusBytesMax: 256,
  blockRequestBytesMax: 256,
  blockResponseBytesMax: limits.blockBytesMax + commitBytes + envelopeBytes,
  helloBytesMax: 1024,
  proposalPartsBytesMax: 1024,
  blockPartBytesMax: limits.blockPartBytes + 64 * 40 + envelopeBytes,
  dataRequestBytesMax: limits.exchangeRequestBytesMax + envelopeBytes,
  dataResponseBytesMax: limits.exchangeResponseBytesMax + envelopeBytes,

  messagesPerSecondMax: 2_000,
  messagesBurstMax: 4_000,
  bytesPerSecondMax: 32 * 1024 * 1024,
  bytesBurstMax: 2 * (limits.blockBytesMax + commitBytes + envelopeBytes),
  rateDropsMax: 1_000,
  rateDropWindowMs: 10_000,

  outboundQueueMessagesMax: 4_096,
  outboundQueueBytesMax: 64 * 1024 * 1024,

  handshakeTimeoutMs: 10_000,
  keepAliveIdleMs: 10_000,
  peersMax: 64,
  handshakesPendingMax: 32,
  handshakesPerAddressMax: 4,
  handshakesKnownMax: 64,
  knownAddressesMax: 256,
  // A persistent peer redials at most every `redialDelayMsMin`, several peers may share a host.
  connectsPerSecondMax: 8,
  connectsBurstMax: 32,
  connectAddressesTrackedMax: 4_096,

  redialDelayMsMin: 250,
  redialDelayMsMax: 30_000,
};

/** Shape bounds of message fields, independent of configuration. */
export const messageShape = {
  /** Ed25519 signatures are 64 bytes, DER SM2 ones at most 72; leave room, refuse junk. */
  signatureBytesMax: 128,
  /** Ed25519 keys are 32 bytes, uncompressed SM2 keys 65. */
  publicKeyBytesMax: 128,
  /** A commit is opaque here; the ledger bounds it by the validator count. */
  commitBytesMax: commitBytes,
} as const;
