// Public entry of `network`: the authenticated peer transport between agency nodes (TLS 1.3
// with mutual certificate authentication, a hello binding each session to the peer's chain key,
// length-prefixed canonical CBOR frames with per-type size limits, per-peer rate limits and
// bounded queues), the per-agency PKI that issues its certificates, and the message codec.
//
// Start/stop order: `start` listens first and only then dials persistent peers, so a peer that
// dials back finds the listener up; `stop` stops redialing, closes every connection (each
// reported to onPeerChange as disconnected) and then the listener.
export { createNetwork, redialDelayMs } from './network.js';
export type {
  Init, Components, Network, PeerEndpoint, PeerCandidate, PeerInfo, PeerChange, MessageHandler,
  PeerChangeHandler, NetworkLogger, LogLevel, LogFields,
} from './types.js';
export { networkDefaults, messageShape } from './limits.js';
export type { NetworkLimits } from './limits.js';
export {
  encodeMessage, decodeMessage, helloSignBytes, messageTypes, frameBytesMaxOf,
} from './messages.js';
export type {
  NetworkMessage, PeerMessage, MessageType, TxMessage, ProposalMessage, VoteMessage,
  StatusMessage, BlockRequestMessage, BlockResponseMessage, HelloMessage, ProposalPartsMessage,
  BlockPartMessage, DataRequestMessage, DataResponseMessage, SubjectEvalRequestMessage,
  SubjectEvalResponseMessage,
} from './messages.js';
export { encodeFrame, frameHeaderBytes } from './frame.js';
export { createAgencyCa, issueNodeCertificate, certificateAgency, pkiDefaults } from './pki.js';
export type { CertificateKeyPair, CertificateOptions } from './pki.js';
export { sessionBindingLabel, sessionBindingBytes } from './connection.js';
