// One TLS connection to a peer: reads frames, admits only a hello until the owner has accepted
// the peer, rate-limits and decodes what follows, and writes queued frames while respecting
// socket backpressure. Any protocol violation closes the connection; nothing a peer sends can
// throw out of here. The owner (network.ts) verifies the hello and decides who stays.
import type { TLSSocket } from 'node:tls';
import { assert, isZwError } from '../core/index.js';
import { FrameReader, frameHeaderBytes } from './frame.js';
import type { Frame } from './frame.js';
import type { NetworkLimits } from './limits.js';
import { decodeMessage } from './messages.js';
import type { HelloMessage, NetworkMessage, PeerMessage } from './messages.js';
import { RateLimiter } from './rate.js';
import type { LogLevel, NetworkLogger, PeerInfo } from './types.js';

/** Label of the TLS exporter (RFC 8446 §7.5) that binds a hello to one session. */
export const sessionBindingLabel = 'zw-peer-binding';
export const sessionBindingBytes = 32;

export interface ConnectionEvents {
  /** The peer's hello arrived; the owner MUST call `open` or `close` before returning. */
  hello(connection: Connection, hello: HelloMessage): void;
  message(connection: Connection, message: PeerMessage): void;
  closed(connection: Connection, reason: string): void;
}

export type ConnectionState = 'connecting' | 'handshake' | 'open' | 'closed';

export class Connection {
  state: ConnectionState = 'connecting';
  /** Set by `open`, once the peer is accepted. */
  peer: PeerInfo | undefined;
  /** The agency the peer's certificate and its issuing CA agree on, set by the owner. */
  certificateAgency = '';
  openedAtMs = 0;
  private readonly reader: FrameReader;
  private readonly rate: RateLimiter;
  private readonly queue: Uint8Array[] = [];
  private queuedBytes = 0;
  private waitingForDrain = false;
  private readonly handshakeTimer: NodeJS.Timeout;

  constructor(
    readonly socket: TLSSocket,
    readonly direction: 'inbound' | 'outbound',
    private readonly bounds: NetworkLimits,
    private readonly events: ConnectionEvents,
    private readonly log: NetworkLogger,
    private readonly nowMs: () => number,
  ) {
    this.reader = new FrameReader(bounds);
    this.rate = new RateLimiter(bounds, nowMs());
    // The timer covers TLS and the hello together, so a silent peer cannot hold a slot.
    this.handshakeTimer = setTimeout(() => this.close('handshake timed out', 'warn'),
      bounds.handshakeTimeoutMs);
    // Votes are small and latency bound: Nagle's algorithm would hold them back.
    socket.setNoDelay(true);
    socket.setKeepAlive(true, bounds.keepAliveIdleMs);
    socket.on('error', (error) => this.close(`socket error: ${error.message}`, 'info'));
    socket.on('close', () => this.close('connection closed by peer', 'info'));
    socket.on('drain', () => {
      this.waitingForDrain = false;
      this.flush();
    });
  }

  /** Called once TLS is up: sends our hello and starts reading the peer's frames. */
  begin(helloFrame: Uint8Array): void {
    if (this.state !== 'connecting') return;
    this.state = 'handshake';
    this.socket.on('data', (chunk: Buffer) => this.receive(chunk));
    this.socket.write(helloFrame);
  }

  /** The TLS exporter value both ends of this session share and no other session has. */
  sessionBinding(): Uint8Array {
    // TLS 1.3 exporters treat an absent context as an empty one (RFC 8446 §7.5).
    return new Uint8Array(this.socket.exportKeyingMaterial(sessionBindingBytes,
      sessionBindingLabel, Buffer.alloc(0)));
  }

  open(peer: PeerInfo): void {
    assert(this.state === 'handshake', 'open a connection only from the handshake');
    clearTimeout(this.handshakeTimer);
    this.peer = peer;
    this.state = 'open';
    this.openedAtMs = this.nowMs();
  }

  /**
   * Queues one encoded frame. When the queue would pass its bound, the peer is too slow to keep
   * up: it is disconnected (and will resynchronize) rather than let its queue grow without end.
   */
  send(frame: Uint8Array): boolean {
    if (this.state !== 'open') return false;
    if (this.queue.length + 1 > this.bounds.outboundQueueMessagesMax
      || this.queuedBytes + frame.length > this.bounds.outboundQueueBytesMax) {
      this.close('outbound queue overflow', 'warn');
      return false;
    }
    this.queue.push(frame);
    this.queuedBytes += frame.length;
    this.flush();
    return true;
  }

  /** Closes once; later calls and socket events after the first are ignored. */
  close(reason: string, level: LogLevel): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.handshakeTimer);
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.socket.destroy();
    const peer = this.peer === undefined ? {} : { peer: this.peer.address };
    this.log(level, 'peer connection closed',
      { reason, direction: this.direction, remote: this.remoteLabel(), ...peer });
    this.events.closed(this, reason);
  }

  remoteLabel(): string {
    return `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? 0}`;
  }

  private flush(): void {
    while (!this.waitingForDrain && this.queue.length > 0 && this.state === 'open') {
      const frame = this.queue.shift() as Uint8Array;
      this.queuedBytes -= frame.length;
      // write() keeps the frame even when it returns false; false only says "stop for now".
      if (!this.socket.write(frame)) this.waitingForDrain = true;
    }
  }

  private receive(chunk: Buffer): void {
    if (this.state === 'closed') return;
    this.reader.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
    while (this.state === 'handshake' || this.state === 'open') {
      let frame: Frame | undefined;
      try {
        frame = this.reader.next();
      } catch (error) {
        this.close(`bad frame: ${describe(error)}`, 'warn');
        return;
      }
      if (frame === undefined) return;
      this.handle(frame);
    }
  }

  private handle(frame: Frame): void {
    if (this.state === 'handshake') {
      if (frame.type !== 'hello') {
        this.close(`expected hello, got ${frame.type}`, 'warn');
        return;
      }
      const hello = this.decode(frame);
      if (hello?.type !== 'hello') return;
      this.events.hello(this, hello);
      assert(this.state !== 'handshake', 'the owner opens or closes after a hello');
      return;
    }
    if (frame.type === 'hello') {
      this.close('second hello', 'warn');
      return;
    }
    const verdict = this.rate.admit(frame.body.length + frameHeaderBytes, this.nowMs());
    if (verdict === 'disconnect') {
      this.close('rate limit exceeded persistently', 'warn');
      return;
    }
    if (verdict === 'drop') {
      // One log line per drop window keeps a flooding peer from flooding the log too.
      if (this.rate.drops === 1) {
        this.log('warn', 'peer over its rate limit; dropping messages',
          { peer: this.peer?.address ?? '', type: frame.type });
      }
      return;
    }
    const message = this.decode(frame);
    if (message !== undefined && message.type !== 'hello') this.events.message(this, message);
  }

  private decode(frame: Frame): NetworkMessage | undefined {
    try {
      const message = decodeMessage(frame.body);
      if (message.type === frame.type) return message;
      this.close('frame type does not match its message', 'warn');
    } catch (error) {
      this.close(`bad message: ${describe(error)}`, 'warn');
    }
    return undefined;
  }
}

function describe(error: unknown): string {
  if (isZwError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
