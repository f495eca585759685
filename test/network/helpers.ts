// Test helpers for the peer transport: agencies with their CAs, node certificates and chain
// keys; nodes on 127.0.0.1 port 0 that record their messages, peer changes and logs; a raw TLS
// client that speaks the wire protocol by hand to play a misbehaving peer; a flood of idle raw
// TCP sockets from other loopback addresses; and polling waits.
import { connect as connectTcp } from 'node:net';
import type { Socket } from 'node:net';
import { connect } from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { asChainId, toHex } from '../../src/core/index.js';
import { getSuite } from '../../src/crypto/index.js';
import type { CryptoSuite, KeyPair, SuiteName } from '../../src/crypto/index.js';
import {
  createAgencyCa, createNetwork, encodeFrame, encodeMessage, helloSignBytes, issueNodeCertificate,
  sessionBindingBytes, sessionBindingLabel,
} from '../../src/network/index.js';
import type {
  CertificateKeyPair, LogLevel, Network, NetworkLimits, PeerChange, PeerInfo, PeerMessage,
} from '../../src/network/index.js';

export const chainId = 'zw-network-test';

export interface Member {
  readonly agencyId: string;
  readonly ca: CertificateKeyPair;
  readonly tls: CertificateKeyPair;
  readonly key: KeyPair;
  readonly address: string;
}

/** `count` agencies of one chain, each with a CA, one node certificate and a chain key. */
export function makeMembers(suite: CryptoSuite, count: number): Member[] {
  return Array.from({ length: count }, (_, i) => {
    const agencyId = `CN-BJ/GOV/test-${i}/agency,${i}`;
    const ca = createAgencyCa(agencyId, `测试机构 ${i}`);
    const tls = issueNodeCertificate(ca, { agencyId, nodeName: `node-${i}` });
    const key = suite.generateKeyPair();
    return { agencyId, ca, tls, key, address: toHex(suite.address(key.publicKey)) };
  });
}

export interface LogEntry {
  readonly level: LogLevel;
  readonly message: string;
  readonly fields: Readonly<Record<string, string | number | boolean>>;
}

export interface TestNode {
  readonly member: Member;
  readonly network: Network;
  readonly received: { from: PeerInfo; message: PeerMessage }[];
  readonly changes: PeerChange[];
  readonly logs: LogEntry[];
}

export interface NodeOptions {
  readonly suite: CryptoSuite;
  readonly member: Member;
  /** Members whose CAs are trusted and whose addresses are authorized. */
  readonly members: readonly Member[];
  readonly peers?: readonly { host: string; port: number }[];
  readonly port?: number;
  readonly limits?: Partial<NetworkLimits>;
  readonly chainId?: string;
  /** Overrides the default rule: a member's address with its own agency's certificate. */
  readonly authorized?: (address: string, agency: string) => boolean;
  /** Which peers the node treats as priority peers (validators); none by default. */
  readonly priority?: (address: string) => boolean;
}

/** A started node; the caller stops it (see `stopAll`). */
export async function startNode(options: NodeOptions): Promise<TestNode> {
  const agencyOf = new Map(options.members.map((m) => [m.address, m.agencyId]));
  const received: TestNode['received'] = [];
  const changes: PeerChange[] = [];
  const logs: LogEntry[] = [];
  const network = createNetwork({
    listen: { host: '127.0.0.1', port: options.port ?? 0 },
    persistentPeers: options.peers ?? [],
    tls: { keyPem: options.member.tls.keyPem, certPem: options.member.tls.certPem,
      caPems: options.members.map((m) => m.ca.certPem) },
    chainId: options.chainId ?? chainId,
    suite: options.suite,
    keyPair: options.member.key,
    limits: { redialDelayMsMin: 50, redialDelayMsMax: 400, handshakeTimeoutMs: 3_000,
      ...options.limits },
  }, {
    authorizePeer: ({ address, certificateAgency }) => options.authorized !== undefined
      ? options.authorized(address, certificateAgency)
      : agencyOf.get(address) === certificateAgency,
    ...(options.priority === undefined ? {} : {
      isPriorityPeer: ({ address }: { address: string }) => options.priority?.(address) ?? false,
    }),
    logger: (level, message, fields) => logs.push({ level, message, fields }),
  });
  network.onMessage((from, message) => received.push({ from, message }));
  network.onPeerChange((change) => changes.push(change));
  await network.start();
  return { member: options.member, network, received, changes, logs };
}

export async function stopAll(nodes: readonly TestNode[]): Promise<void> {
  await Promise.all(nodes.map((node) => node.network.stop()));
}

/** Polls `condition` every 10 ms; throws with `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string,
  timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function connectedTo(node: TestNode, address: string): boolean {
  return node.network.peers().some((peer) => peer.address === address);
}

export function suiteOf(name: SuiteName): CryptoSuite {
  return getSuite(name);
}

/** A hand-driven TLS client that plays a peer: it sends whatever frames a test wants. */
export interface RawPeer {
  readonly socket: TLSSocket;
  /** Bytes received so far (the node's hello first). */
  readonly received: Uint8Array[];
  readonly closed: Promise<void>;
  isClosed(): boolean;
  binding(): Uint8Array;
  /** A hello signed by `key` for this session (or for `binding`, to forge a replay). */
  hello(suite: CryptoSuite, key: KeyPair, options?: { chain?: string; binding?: Uint8Array }):
    Uint8Array;
  write(bytes: Uint8Array): void;
}

export async function rawPeer(member: Member, port: number,
  caPems: readonly string[]): Promise<RawPeer> {
  const received: Uint8Array[] = [];
  let closedFlag = false;
  const socket = connect({ host: '127.0.0.1', port, key: member.tls.keyPem,
    cert: member.tls.certPem, ca: [...caPems], minVersion: 'TLSv1.3',
    checkServerIdentity: () => undefined });
  const closed = new Promise<void>((resolve) => socket.on('close', () => {
    closedFlag = true;
    resolve();
  }));
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => received.push(new Uint8Array(chunk)));
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', () => resolve());
    socket.once('close', () => reject(new Error('raw peer closed before TLS completed')));
  });
  const binding = (): Uint8Array => new Uint8Array(socket.exportKeyingMaterial(
    sessionBindingBytes, sessionBindingLabel, Buffer.alloc(0)));
  return {
    socket, received, closed, isClosed: () => closedFlag, binding,
    hello: (suite, key, options = {}) => {
      const chain = asChainId(options.chain ?? chainId);
      const signBytes = helloSignBytes(chain, options.binding ?? binding());
      return encodeFrame(encodeMessage({ type: 'hello', chainId: chain,
        publicKey: key.publicKey, signature: suite.sign(key.privateKey, signBytes) }));
    },
    write: (bytes) => {
      socket.write(bytes);
    },
  };
}

export interface FloodOptions {
  /** Sockets to keep open, spread evenly over `hosts`. */
  readonly count: number;
  /** Loopback source addresses the sockets come from (Linux routes all of 127/8 to lo). */
  readonly hosts: readonly string[];
  /**
   * Reopen a socket this long after it closed (omit: never reopen); one the server held longer
   * than this is reopened at once, as an attacker keeps its held slots filled.
   */
  readonly refillDelayMs?: number;
  /** Connection attempts in all, initial and reopened; bounds the flood's cost. */
  readonly attemptsMax?: number;
  /** Bytes each socket sends right after connecting (e.g. the start of a TLS record). */
  readonly greeting?: Uint8Array;
}

/** Idle TCP sockets to one port, as an attacker who holds connections open would. */
export interface Flood {
  /** Sockets connected and not closed now. */
  open(): number;
  /** Sockets the server closed (or that failed) so far. */
  closed(): number;
  attempts(): number;
  /** The sockets in the order they were opened (first round only), for per-socket checks. */
  readonly first: Socket[];
  stop(): void;
}

export function flood(port: number, options: FloodOptions): Flood {
  const attemptsMax = options.attemptsMax ?? options.count;
  const live = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const first: Socket[] = [];
  let attempts = 0;
  let closedCount = 0;
  let stopped = false;
  const open = (slot: number): void => {
    if (stopped || attempts >= attemptsMax) return;
    attempts++;
    const host = options.hosts[slot % options.hosts.length] ?? '127.0.0.2';
    const socket = connectTcp({ host: '127.0.0.1', port, localAddress: host });
    // Flowing, so that the server's end of the stream is seen and the socket closes.
    socket.resume();
    if (first.length < options.count) first.push(socket);
    let connected = false;
    let connectedMs = 0;
    socket.on('connect', () => {
      connected = true;
      connectedMs = Date.now();
      live.add(socket);
      if (options.greeting !== undefined) socket.write(options.greeting);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (connected) live.delete(socket);
      closedCount++;
      const delayMs = options.refillDelayMs;
      if (stopped || delayMs === undefined) return;
      const heldLong = connected && Date.now() - connectedMs > delayMs;
      const timer = setTimeout(() => {
        timers.delete(timer);
        open(slot);
      }, heldLong ? 0 : delayMs);
      timers.add(timer);
    });
  };
  for (let slot = 0; slot < options.count; slot++) open(slot);
  return {
    open: () => live.size, closed: () => closedCount, attempts: () => attempts, first,
    stop: () => {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      for (const socket of first) socket.destroy();
      for (const socket of live) socket.destroy();
    },
  };
}

/** Opens `count` idle sockets from `host` one after another, each connected before the next. */
export async function idleSockets(port: number, host: string, count: number):
  Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i++) {
    const socket = connectTcp({ host: '127.0.0.1', port, localAddress: host });
    socket.resume();
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => {
      socket.once('connect', () => resolve());
      socket.once('close', () => resolve());
    });
    sockets.push(socket);
  }
  return sockets;
}

/** Whether the server closed `socket` (the client sees the end of the stream). */
export function isClosedByServer(socket: Socket): boolean {
  return socket.destroyed || socket.readableEnded;
}
