// The public types of the network module: its options (`Init`), its dependencies
// (`Components`), the `Network` it returns, and what it reports about peers.
import type { CryptoSuite, KeyPair } from '../crypto/index.js';
import type { NetworkLimits } from './limits.js';
import type { PeerMessage } from './messages.js';

/** Where to reach a persistent peer. */
export interface PeerEndpoint {
  readonly host: string;
  readonly port: number;
}

export interface Init {
  /** Address to listen on; port 0 picks a free port (read it back from `Network.port`). */
  readonly listen: PeerEndpoint;
  /** Peers this node dials at start and redials, with back-off, whenever the link is down. */
  readonly persistentPeers?: readonly PeerEndpoint[];
  readonly tls: {
    /** This node's TLS private key and certificate, issued by its agency's CA (PEM). */
    readonly keyPem: string;
    readonly certPem: string;
    /** The CA certificates of every member agency, from genesis: the only trusted roots. */
    readonly caPems: readonly string[];
  };
  /** The chain this node serves; a peer on another chain is refused at the hello. */
  readonly chainId: string;
  /** The chain's crypto suite, which signs and verifies the hello. */
  readonly suite: CryptoSuite;
  /** The node's chain key: its address is the node's identity towards peers. */
  readonly keyPair: KeyPair;
  /** Overrides of `networkDefaults`; see `NetworkLimits` for each bound and its unit. */
  readonly limits?: Partial<NetworkLimits>;
}

/** What the node learns about a peer before admitting it. */
export interface PeerCandidate {
  /** Hex chain address derived from the hello's public key. */
  readonly address: string;
  readonly publicKey: Uint8Array;
  /** The agency id named by the peer's TLS certificate (and by the CA that issued it). */
  readonly certificateAgency: string;
}

export type LogLevel = 'debug' | 'info' | 'warn';
export type LogFields = Readonly<Record<string, string | number | boolean>>;
/** Structured log sink; adapt it to pino as `(level, msg, fields) => log[level](fields, msg)`. */
export type NetworkLogger = (level: LogLevel, message: string, fields: LogFields) => void;

export interface Components {
  /**
   * Decides whether a peer that proved its chain key may stay connected: the node answers from
   * its member and validator sets and checks that the certificate's agency owns the address.
   * Must not throw; a throw counts as a refusal.
   */
  readonly authorizePeer: (peer: PeerCandidate) => boolean;
  /**
   * Whether an authorized peer must always find a slot (the node answers: it is a validator).
   * When the peer slots are full, such a peer displaces the newest peer that is neither this nor
   * a persistent peer. Persistent peers have priority without it. Must not throw.
   */
  readonly isPriorityPeer?: (peer: PeerCandidate) => boolean;
  /** Receives every refusal, disconnect and drop; defaults to discarding them. */
  readonly logger?: NetworkLogger;
}

export interface PeerInfo {
  /** Hex chain address of the peer. */
  readonly address: string;
  readonly publicKey: Uint8Array;
  readonly agency: string;
  /** Who dialed: 'outbound' when this node did. */
  readonly direction: 'inbound' | 'outbound';
  /** Wall-clock milliseconds since the epoch when the hello was accepted. */
  readonly connectedSince: number;
  readonly remoteHost: string;
  readonly remotePort: number;
}

export interface PeerChange {
  readonly kind: 'connected' | 'disconnected';
  readonly peer: PeerInfo;
  /** Why a peer was disconnected. */
  readonly reason?: string;
}

export type MessageHandler = (from: PeerInfo, message: PeerMessage) => void;
export type PeerChangeHandler = (change: PeerChange) => void;

/**
 * The authenticated peer transport. `start` listens and then dials the persistent peers; `stop`
 * stops redialing, closes every connection and the listener, and resolves when all are closed.
 * Handlers run synchronously on the event loop as messages arrive, so they MUST hand heavy work
 * (signature checks, block execution) elsewhere; a throwing handler is logged, not fatal.
 */
export interface Network {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Queues `message` to every connected peer except `except` (hex); returns how many took it. */
  broadcast(message: PeerMessage, options?: { readonly except?: string }): number;
  /** Queues `message` to one peer; false when it is not connected or its queue overflowed. */
  send(peerAddress: string, message: PeerMessage): boolean;
  /** Registers a handler; the returned function unregisters it. */
  onMessage(handler: MessageHandler): () => void;
  onPeerChange(handler: PeerChangeHandler): () => void;
  /** Connected peers, sorted by address. */
  peers(): PeerInfo[];
  /** Replaces the trusted agency CA certificates (PEM) for new handshakes. */
  setTrustedCas(caPems: readonly string[]): void;
  /** Adds a peer to dial and keep dialing. */
  addPersistentPeer(endpoint: PeerEndpoint): void;
  /** The listening port; valid after `start` resolves. */
  readonly port: number;
  /** This node's own hex chain address. */
  readonly address: string;
}
