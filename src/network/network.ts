// The peer transport: a TLS 1.3 listener and dialer with mutual certificate authentication
// against the member agencies' CAs, a hello that binds each TLS session to the peer's chain key,
// one connection per peer address, and redialing of persistent peers with bounded, jittered
// exponential back-off.
//
// Admission order, each step a disconnect when it fails:
//  0. Before TLS (admission.ts): the remote address's connect rate, its handshaking sockets, and
//     the anonymous or known handshake pool; the whole handshake (TLS and hello) has a deadline
//     from TCP accept. Handshaking sockets never take an authenticated peer's slot.
//  1. TLS: the peer's certificate chains to a member agency's CA (Node's OpenSSL checks this).
//  2. The certificate names the same agency as the CA that issued it, so no agency's CA can
//     speak for another agency.
//  3. The hello: our chain id, and a signature by the chain key over the session's exported
//     keying material, so a hello recorded from one session is worthless in any other.
//  4. The node's `authorizePeer` accepts the address, key and agency.
//  5. No better connection to the same address exists (see `keepIncoming`).
//  6. A peer slot is free, or the peer has priority (validator, persistent peer) and displaces
//     the newest peer that has none.
import { X509Certificate } from 'node:crypto';
import { connect, createServer } from 'node:tls';
import type { ConnectionOptions, Server, TLSSocket, TlsOptions } from 'node:tls';
import { isIP } from 'node:net';
import type { Socket } from 'node:net';
import {
  ErrorCode, ZwError, asChainId, bytesEqual, compareBytes, fromHex, toHex,
} from '../core/index.js';
import type { ChainId } from '../core/index.js';
import { HandshakeSlots, normalizeHost } from './admission.js';
import type { PendingEntry } from './admission.js';
import { Connection } from './connection.js';
import type { ConnectionEvents } from './connection.js';
import { encodeFrame, largestFrameBytes } from './frame.js';
import { networkDefaults } from './limits.js';
import type { NetworkLimits } from './limits.js';
import { encodeMessage, frameBytesMaxOf, helloSignBytes } from './messages.js';
import type { HelloMessage, PeerMessage } from './messages.js';
import { certificateAgency } from './pki.js';
import type {
  Components, Init, MessageHandler, Network, NetworkLogger, PeerCandidate, PeerChangeHandler,
  PeerEndpoint, PeerInfo,
} from './types.js';

/** An inbound socket from TCP accept until its hello is accepted (or it closes). */
interface Inbound extends PendingEntry {
  readonly key: string;
  readonly raw: Socket;
  timer: NodeJS.Timeout | undefined;
  connection: Connection | undefined;
}

/** A persistent peer and the state of dialing it. */
interface Dialer {
  readonly endpoint: PeerEndpoint;
  /** The peer's address once a dial reached it, so an inbound link to it counts as up. */
  address: string | undefined;
  connection: Connection | undefined;
  timer: NodeJS.Timeout | undefined;
  /** Failed or short-lived dials in a row; drives the back-off. */
  attempts: number;
  /** Set when the endpoint turned out to be this node itself. */
  disabled: boolean;
}

/** TLS settings both the listener and the dialer use: TLS 1.3 only, member CAs only. */
interface CommonTlsOptions {
  readonly key: string;
  readonly cert: string;
  readonly ca: string[];
  readonly minVersion: 'TLSv1.3';
  readonly maxVersion: 'TLSv1.3';
  readonly rejectUnauthorized: true;
}

interface TrustedCa {
  readonly certificate: X509Certificate;
  readonly agency: string;
}

const monotonicMs = (): number => performance.now();
const silent: NetworkLogger = () => undefined;
const selfRefusal = 'connected to itself';
/** Refusals before TLS are logged at most once per this interval, with a count of the rest. */
const refusalLogIntervalMs = 1_000;

export function createNetwork(init: Init, components: Components): Network {
  return new PeerNetwork(init, components);
}

class PeerNetwork implements Network, ConnectionEvents {
  readonly address: string;
  private readonly bounds: NetworkLimits;
  private readonly chainId: ChainId;
  private readonly log: NetworkLogger;
  private trusted: readonly TrustedCa[];
  private tlsOptions: CommonTlsOptions;
  private readonly helloPublicKey: Uint8Array;
  private readonly connections = new Set<Connection>();
  private readonly sockets = new Set<Socket>();
  private readonly peersByAddress = new Map<string, Connection>();
  private readonly slots: HandshakeSlots<Inbound>;
  private readonly inboundByKey = new Map<string, Inbound>();
  private readonly inboundByConnection = new Map<Connection, Inbound>();
  /** Per log message: when it was last logged and how many were not logged since. */
  private readonly refusalLogs = new Map<string, { loggedMs: number; unlogged: number }>();
  private readonly dialers: Dialer[];
  private readonly messageHandlers = new Set<MessageHandler>();
  private readonly peerHandlers = new Set<PeerChangeHandler>();
  private server: Server | undefined;
  private listeningPort = 0;
  private phase: 'new' | 'running' | 'stopped' = 'new';

  constructor(private readonly init: Init, private readonly components: Components) {
    this.bounds = { ...networkDefaults, ...init.limits };
    checkLimits(this.bounds);
    this.chainId = asChainId(init.chainId);
    this.log = components.logger ?? silent;
    this.helloPublicKey = init.keyPair.publicKey;
    this.address = toHex(init.suite.address(init.keyPair.publicKey));
    if (init.tls.caPems.length === 0) {
      throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'the trust list holds no agency CA');
    }
    this.trusted = init.tls.caPems.map((pem) => {
      const certificate = new X509Certificate(pem);
      return { certificate, agency: certificateAgency(certificate) };
    });
    this.tlsOptions = {
      key: init.tls.keyPem, cert: init.tls.certPem, ca: [...init.tls.caPems],
      minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', rejectUnauthorized: true,
    };
    this.dialers = (init.persistentPeers ?? []).map((endpoint) => ({
      endpoint, address: undefined, connection: undefined, timer: undefined, attempts: 0,
      disabled: false }));
    this.slots = new HandshakeSlots(this.bounds);
    // A restarted node has seen no peer yet; its persistent peers' hosts are known from config.
    for (const endpoint of this.dialers) this.rememberHost(endpoint.endpoint.host);
  }

  get port(): number {
    return this.listeningPort;
  }

  async start(): Promise<void> {
    if (this.phase !== 'new') {
      throw new ZwError(ErrorCode.UNAVAILABLE, 'a network starts once; create a new one');
    }
    this.phase = 'running';
    const options: TlsOptions = { ...this.tlsOptions, requestCert: true,
      handshakeTimeout: this.bounds.handshakeTimeoutMs };
    const server = createServer(options);
    this.server = server;
    // No `maxConnections`: it counted idle sockets and peers alike, so idle sockets could fill
    // it and lock validators out. Inbound sockets are admitted one by one in `admitSocket`.
    server.on('connection', (socket: Socket) => this.admitSocket(socket));
    server.on('secureConnection', (socket: TLSSocket) => this.accept(socket));
    server.on('tlsClientError', (error, socket) => {
      // The socket is torn down by now, so its address may be gone.
      this.refused('inbound TLS handshake refused', error.message,
        normalizeHost(socket.remoteAddress));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) => reject(new ZwError(ErrorCode.UNAVAILABLE,
        `cannot listen on ${this.init.listen.host}:${this.init.listen.port}: ${error.message}`)));
      server.listen(this.init.listen.port, this.init.listen.host, () => resolve());
    });
    server.on('error', (error) => this.log('warn', 'listener error', { reason: error.message }));
    const bound = server.address();
    this.listeningPort = typeof bound === 'object' && bound !== null ? bound.port : 0;
    this.log('info', 'network listening', { host: this.init.listen.host, port: this.port,
      address: this.address });
    for (const dialer of this.dialers) this.maintain(dialer);
  }

  /**
   * Replaces the trusted agency CAs, e.g. after governance admits or removes an agency. New
   * handshakes use the new list at once; established links are not re-checked here (the node
   * disconnects peers it no longer authorizes).
   */
  setTrustedCas(caPems: readonly string[]): void {
    if (caPems.length === 0) {
      throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'the trust list holds no agency CA');
    }
    this.trusted = caPems.map((pem) => {
      const certificate = new X509Certificate(pem);
      return { certificate, agency: certificateAgency(certificate) };
    });
    this.tlsOptions = { ...this.tlsOptions, ca: [...caPems] };
    this.server?.setSecureContext({ key: this.init.tls.keyPem, cert: this.init.tls.certPem,
      ca: [...caPems], minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' });
  }

  /** Adds a persistent peer to dial (and redial), e.g. a newly admitted agency's node. */
  addPersistentPeer(endpoint: PeerEndpoint): void {
    if (this.dialers.some((d) => d.endpoint.host === endpoint.host &&
        d.endpoint.port === endpoint.port)) return;
    const dialer: Dialer = { endpoint, address: undefined, connection: undefined,
      timer: undefined, attempts: 0, disabled: false };
    this.dialers.push(dialer);
    this.rememberHost(endpoint.host);
    if (this.phase === 'running') this.dial(dialer);
  }

  async stop(): Promise<void> {
    if (this.phase === 'stopped') return;
    this.phase = 'stopped';
    for (const dialer of this.dialers) {
      clearTimeout(dialer.timer);
      dialer.timer = undefined;
    }
    for (const connection of [...this.connections]) connection.close('node stopping', 'info');
    for (const entry of this.slots.held()) this.releaseInbound(entry);
    // Sockets still in the TLS handshake are not connections yet, but hold the server open.
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  broadcast(message: PeerMessage, options: { readonly except?: string } = {}): number {
    const frame = this.frameOf(message);
    let count = 0;
    for (const [address, connection] of this.peersByAddress) {
      if (address !== options.except && connection.send(frame)) count++;
    }
    return count;
  }

  send(peerAddress: string, message: PeerMessage): boolean {
    const connection = this.peersByAddress.get(peerAddress.toLowerCase());
    return connection === undefined ? false : connection.send(this.frameOf(message));
  }

  onMessage(handler: MessageHandler): () => void {
    this.messageHandlers.add(handler);
    return () => this.messageHandlers.delete(handler);
  }

  onPeerChange(handler: PeerChangeHandler): () => void {
    this.peerHandlers.add(handler);
    return () => this.peerHandlers.delete(handler);
  }

  peers(): PeerInfo[] {
    const list: PeerInfo[] = [];
    for (const connection of this.peersByAddress.values()) {
      if (connection.peer !== undefined) list.push(connection.peer);
    }
    return list.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  }

  // ConnectionEvents: called by connections as their peers act.

  hello(connection: Connection, hello: HelloMessage): void {
    const refusal = this.checkHello(connection, hello);
    if (refusal === selfRefusal) {
      // A persistent peer entry that points at this node itself is dropped, not redialed.
      const self = this.dialers.find((entry) => entry.connection === connection);
      if (self !== undefined) self.disabled = true;
    }
    if (refusal !== undefined) {
      connection.close(refusal, 'warn');
      return;
    }
    const address = toHex(this.init.suite.address(hello.publicKey));
    // The dialer learns whom it reached before the duplicate check, so that a dial that loses
    // the tie-break is not retried while the other link to the same peer is up.
    const dialer = this.dialers.find((entry) => entry.connection === connection);
    if (dialer !== undefined) dialer.address = address;
    const existing = this.peersByAddress.get(address);
    if (existing !== undefined && !this.keepIncoming(existing, connection, address)) {
      connection.close('duplicate connection to the same peer', 'info');
      return;
    }
    const priority = this.hasPriority({ address, publicKey: hello.publicKey,
      certificateAgency: connection.certificateAgency });
    if (existing === undefined && this.peersByAddress.size >= this.bounds.peersMax) {
      const victim = priority ? this.displaceable() : undefined;
      if (victim === undefined) {
        connection.close('too many peers', 'warn');
        return;
      }
      victim.close('displaced by a priority peer: too many peers', 'info');
    }
    existing?.close('replaced by a newer connection to the same peer', 'info');
    const peer: PeerInfo = { address, publicKey: hello.publicKey,
      agency: connection.certificateAgency, direction: connection.direction,
      connectedSince: Date.now(), remoteHost: connection.socket.remoteAddress ?? '',
      remotePort: connection.socket.remotePort ?? 0 };
    connection.open(peer);
    this.authenticated(connection, priority);
    this.peersByAddress.set(address, connection);
    this.log('info', 'peer connected', { peer: address, agency: peer.agency,
      direction: peer.direction });
    this.emitPeerChange({ kind: 'connected', peer });
  }

  message(connection: Connection, message: PeerMessage): void {
    const from = connection.peer;
    if (from === undefined) return;
    for (const handler of this.messageHandlers) {
      try {
        handler(from, message);
      } catch (error) {
        this.log('warn', 'message handler threw', { peer: from.address, type: message.type,
          reason: describe(error) });
      }
    }
  }

  closed(connection: Connection, reason: string): void {
    this.connections.delete(connection);
    const inbound = this.inboundByConnection.get(connection);
    if (inbound !== undefined) this.releaseInbound(inbound);
    const peer = connection.peer;
    if (peer !== undefined && this.peersByAddress.get(peer.address) === connection) {
      this.peersByAddress.delete(peer.address);
      this.emitPeerChange({ kind: 'disconnected', peer, reason });
    }
    const dialer = this.dialers.find((entry) => entry.connection === connection);
    if (dialer !== undefined) {
      dialer.connection = undefined;
      // Only a link that stayed up for a while resets the back-off; one that a peer keeps
      // accepting and then dropping must not be redialed at full speed.
      const livedMs = connection.peer === undefined ? 0 : monotonicMs() - connection.openedAtMs;
      dialer.attempts = livedMs >= this.bounds.redialDelayMsMax ? 0 : dialer.attempts;
    }
    for (const entry of this.dialers) this.maintain(entry);
  }

  // Admission.

  /** Steps 3 and 4 of the admission order; returns why the peer is refused, if it is. */
  private checkHello(connection: Connection, hello: HelloMessage): string | undefined {
    if (hello.chainId !== this.chainId) return `peer is on chain ${hello.chainId}`;
    if (hello.publicKey.length !== this.init.suite.publicKeyBytes) {
      return 'hello key has the wrong length for this chain suite';
    }
    let valid = false;
    try {
      const signBytes = helloSignBytes(this.chainId, connection.sessionBinding());
      valid = this.init.suite.verify(hello.publicKey, signBytes, hello.signature);
    } catch (error) {
      return `cannot verify hello: ${describe(error)}`;
    }
    if (!valid) return 'hello signature is not valid for this session';
    if (bytesEqual(hello.publicKey, this.helloPublicKey)) return selfRefusal;
    const address = toHex(this.init.suite.address(hello.publicKey));
    let authorized = false;
    try {
      authorized = this.components.authorizePeer({ address, publicKey: hello.publicKey,
        certificateAgency: connection.certificateAgency });
    } catch (error) {
      this.log('warn', 'authorizePeer threw', { peer: address,
        reason: describe(error) });
    }
    return authorized ? undefined : `peer ${address} is not authorized`;
  }

  /**
   * Whether a newly verified connection replaces the one already open to the same peer. Both
   * ends decide alike: keep the link dialed by the lower address; if both links were dialed by
   * the same side, that side dialed again because it lost the old one, so keep the new one.
   */
  private keepIncoming(existing: Connection, incoming: Connection, peerAddress: string): boolean {
    const dialerOf = (connection: Connection): string =>
      connection.direction === 'outbound' ? this.address : peerAddress;
    if (dialerOf(existing) === dialerOf(incoming)) return true;
    const lower = compareBytes(fromHex(this.address), fromHex(peerAddress)) < 0
      ? this.address : peerAddress;
    return dialerOf(incoming) === lower;
  }

  /** Step 2: the certificate and the CA that issued it name the same agency. */
  private certificateCheck(socket: TLSSocket): string | { agency: string } {
    const leaf = socket.getPeerX509Certificate();
    if (leaf === undefined) return 'peer presented no certificate';
    const issuer = this.trusted.find((ca) => leaf.checkIssued(ca.certificate)
      && leaf.verify(ca.certificate.publicKey));
    if (issuer === undefined) return 'peer certificate was not issued by a member CA';
    let agency: string;
    try {
      agency = certificateAgency(leaf);
    } catch {
      return 'peer certificate names no agency';
    }
    if (agency !== issuer.agency) return `certificate for ${agency} issued by ${issuer.agency}`;
    return { agency };
  }

  /** Whether an authorized peer must find a slot: a persistent peer, or a validator. */
  private hasPriority(peer: PeerCandidate): boolean {
    if (this.dialers.some((dialer) => dialer.address === peer.address)) return true;
    try {
      return this.components.isPriorityPeer?.(peer) ?? false;
    } catch (error) {
      this.log('warn', 'isPriorityPeer threw', { peer: peer.address, reason: describe(error) });
      return false;
    }
  }

  /** The newest connected peer without priority, which a priority peer may displace. */
  private displaceable(): Connection | undefined {
    let newest: Connection | undefined;
    for (const connection of this.peersByAddress.values()) {
      const peer = connection.peer;
      if (peer === undefined || this.hasPriority({ address: peer.address,
        publicKey: peer.publicKey, certificateAgency: peer.agency })) continue;
      if (newest === undefined || connection.openedAtMs > newest.openedAtMs) newest = connection;
    }
    return newest;
  }

  // Connections.

  /** Step 0: a TCP connection arrived; admit it to a handshake slot or close it at once. */
  private admitSocket(raw: Socket): void {
    this.sockets.add(raw);
    raw.once('close', () => this.sockets.delete(raw));
    const host = normalizeHost(raw.remoteAddress);
    const nowMs = monotonicMs();
    const verdict = this.phase === 'running' ? this.slots.admit(host, nowMs)
      : { admitted: false as const, reason: 'node stopping' };
    if (!verdict.admitted) {
      raw.destroy();
      this.refused('inbound connection refused', verdict.reason, host);
      return;
    }
    if (verdict.evict !== undefined) {
      this.dropInbound(verdict.evict, 'evicted: too many handshakes', 'info');
    }
    const entry: Inbound = { key: `${host}|${raw.remotePort ?? 0}`, host, known: verdict.known,
      acceptedMs: nowMs, secured: false, raw, timer: undefined, connection: undefined };
    // A deadline for TLS and the hello together, from accept: trickled bytes do not extend it.
    entry.timer = setTimeout(() => this.dropInbound(entry, 'handshake timed out', 'warn'),
      this.bounds.handshakeTimeoutMs);
    this.slots.add(entry);
    this.inboundByKey.set(entry.key, entry);
    raw.once('close', () => this.releaseInbound(entry));
  }

  private accept(socket: TLSSocket): void {
    const entry = this.inboundByKey.get(
      `${normalizeHost(socket.remoteAddress)}|${socket.remotePort ?? 0}`);
    // A socket that lost its slot (evicted, timed out) while TLS finished goes no further.
    if (this.phase !== 'running' || entry === undefined || entry.raw.destroyed) {
      socket.destroy();
      return;
    }
    const connection = this.connect(socket, 'inbound');
    entry.secured = true;
    entry.connection = connection;
    this.inboundByConnection.set(connection, entry);
    this.secured(connection);
  }

  /** Closes a handshaking inbound socket and frees its slot now. */
  private dropInbound(entry: Inbound, reason: string, level: 'info' | 'warn'): void {
    this.releaseInbound(entry);
    if (entry.connection !== undefined) {
      entry.connection.close(reason, level);
      return;
    }
    entry.raw.destroy();
    this.log(level, 'inbound connection closed before TLS completed', { reason,
      remote: `${entry.host}:${entry.raw.remotePort ?? 0}` });
  }

  private releaseInbound(entry: Inbound): void {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    this.slots.release(entry);
    if (this.inboundByKey.get(entry.key) === entry) this.inboundByKey.delete(entry.key);
    if (entry.connection !== undefined) this.inboundByConnection.delete(entry.connection);
  }

  /** The hello was accepted: the socket leaves its handshake slot and its host becomes known. */
  private authenticated(connection: Connection, priority: boolean): void {
    const inbound = this.inboundByConnection.get(connection);
    if (inbound !== undefined) this.releaseInbound(inbound);
    this.slots.remember(normalizeHost(connection.socket.remoteAddress), priority);
  }

  private rememberHost(host: string): void {
    // Host names are not resolved here; the address is learned when the peer authenticates.
    if (isIP(normalizeHost(host)) !== 0) this.slots.remember(host, true);
  }

  /** Logs refusals before TLS at a bounded rate, so a flood of connects cannot flood the log. */
  private refused(message: string, reason: string, host: string): void {
    const nowMs = monotonicMs();
    const last = this.refusalLogs.get(message);
    if (last !== undefined && nowMs - last.loggedMs < refusalLogIntervalMs) {
      last.unlogged++;
      return;
    }
    this.log('warn', message, { reason, remote: host, unloggedSinceLast: last?.unlogged ?? 0 });
    this.refusalLogs.set(message, { loggedMs: nowMs, unlogged: 0 });
  }

  private connect(socket: TLSSocket, direction: 'inbound' | 'outbound'): Connection {
    const connection = new Connection(socket, direction, this.bounds, this, this.log, monotonicMs);
    this.connections.add(connection);
    return connection;
  }

  /** TLS is up on `connection`: check the certificate's agency, then send our hello. */
  private secured(connection: Connection): void {
    if (connection.state === 'closed') return;
    const check = this.certificateCheck(connection.socket);
    if (typeof check === 'string') {
      connection.close(check, 'warn');
      return;
    }
    connection.certificateAgency = check.agency;
    let helloFrame: Uint8Array;
    try {
      // The exporter throws if the socket was torn down between the event and this call.
      const signBytes = helloSignBytes(this.chainId, connection.sessionBinding());
      const hello: HelloMessage = { type: 'hello', chainId: this.chainId,
        publicKey: this.helloPublicKey,
        signature: this.init.suite.sign(this.init.keyPair.privateKey, signBytes) };
      helloFrame = encodeFrame(encodeMessage(hello));
    } catch (error) {
      connection.close(`cannot send hello: ${describe(error)}`, 'warn');
      return;
    }
    connection.begin(helloFrame);
  }

  // Persistent peers.

  /** Arms a dial for `dialer` unless it is dialing, waiting, or its peer is connected. */
  private maintain(dialer: Dialer): void {
    if (this.phase !== 'running' || dialer.disabled) return;
    if (dialer.connection !== undefined || dialer.timer !== undefined) return;
    if (dialer.address !== undefined && this.peersByAddress.has(dialer.address)) return;
    const delayMs = dialer.attempts === 0 ? 0 : redialDelayMs(dialer.attempts, this.bounds);
    dialer.timer = setTimeout(() => {
      dialer.timer = undefined;
      this.dial(dialer);
    }, delayMs);
  }

  private dial(dialer: Dialer): void {
    if (this.phase !== 'running') return;
    if (dialer.address !== undefined && this.peersByAddress.has(dialer.address)) return;
    dialer.attempts++;
    this.log('debug', 'dialing peer', { host: dialer.endpoint.host, port: dialer.endpoint.port,
      attempt: dialer.attempts });
    const options: ConnectionOptions = { ...this.tlsOptions, host: dialer.endpoint.host,
      port: dialer.endpoint.port,
      // Peers are named by chain address and agency, not by host name: the certificate check
      // and the hello replace the host name check.
      checkServerIdentity: () => undefined };
    const socket = connect(options);
    const connection = this.connect(socket, 'outbound');
    dialer.connection = connection;
    socket.once('secureConnect', () => this.secured(connection));
  }

  private frameOf(message: PeerMessage): Uint8Array {
    const body = encodeMessage(message);
    const limit = frameBytesMaxOf(message.type, this.bounds);
    if (body.length > limit) {
      throw new ZwError(ErrorCode.TOO_LARGE,
        `${message.type} message of ${body.length} bytes exceeds its frame limit of ${limit}`);
    }
    return encodeFrame(body);
  }

  private emitPeerChange(change: Parameters<PeerChangeHandler>[0]): void {
    for (const handler of this.peerHandlers) {
      try {
        handler(change);
      } catch (error) {
        this.log('warn', 'peer change handler threw',
          { reason: describe(error) });
      }
    }
  }
}

/** Exponential back-off from the minimum, capped, with jitter so peers do not redial in step. */
export function redialDelayMs(attempts: number, bounds: NetworkLimits,
  random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  const cappedMs = Math.min(bounds.redialDelayMsMax, bounds.redialDelayMsMin * 2 ** exponent);
  return Math.round(cappedMs * (0.5 + random() / 2));
}

function checkLimits(bounds: NetworkLimits): void {
  for (const [name, value] of Object.entries(bounds)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new ZwError(ErrorCode.INVALID_ARGUMENT, `network limit ${name} must be positive`);
    }
  }
  if (bounds.bytesBurstMax < largestFrameBytes(bounds)) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT,
      'bytesBurstMax must admit the largest frame, or such frames are always dropped');
  }
  if (bounds.redialDelayMsMin > bounds.redialDelayMsMax) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'redialDelayMsMin exceeds redialDelayMsMax');
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
