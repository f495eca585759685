// Test helpers for the peer transport: agencies with their CAs, node certificates and chain
// keys; nodes on 127.0.0.1 port 0 that record their messages, peer changes and logs; a raw TLS
// client that speaks the wire protocol by hand to play a misbehaving peer; and polling waits.
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
