// The send queues of WebSocket subscribers, bounded in messages and bytes per subscriber and in
// bytes across all of them. A message counts from the moment it is handed to the socket until
// the socket has written it out; a subscriber that does not read keeps its bytes queued, so it
// is the one that runs over and is cut off (close code 4008), the slowest first when the total
// is over. The cut socket is destroyed shortly after, which frees what it still held.
import type { WebSocket } from 'ws';
import { ErrorCode, limits } from '../core/index.js';

/** WebSocket close code of a subscriber cut off for not reading fast enough. */
export const subscriberTooSlowCloseCode = 4008;
/** WebSocket close code when the node already has as many subscribers as it allows. */
export const subscribersFullCloseCode = 1013;

/** How long a cut subscriber has to take its close frame before its socket is destroyed. */
const closeGraceMs = 1_000;

export interface SubscriberBounds {
  readonly subscribersMax: number;
  readonly subscriberQueuedBytesMax: number;
  readonly subscribersQueuedBytesMax: number;
}

export class Subscriber {
  queuedBytes = 0;
  queuedMessages = 0;
  closed = false;

  constructor(private readonly queues: SubscriberQueues, readonly socket: WebSocket) {}

  send(text: string): void {
    if (this.closed) return;
    const bytes = Buffer.byteLength(text);
    if (!this.queues.admit(this, bytes)) return;
    this.queuedBytes += bytes;
    this.queuedMessages += 1;
    this.socket.send(text, () => {
      if (this.closed) return;
      this.queuedBytes -= bytes;
      this.queuedMessages -= 1;
      this.queues.released(bytes);
    });
  }
}

export class SubscriberQueues {
  private readonly subscribers = new Set<Subscriber>();
  private totalBytes = 0;

  constructor(private readonly bounds: SubscriberBounds) {}

  get queuedBytes(): number {
    return this.totalBytes;
  }

  /** A new subscriber, or undefined (and the socket closed) when the node has enough. */
  join(socket: WebSocket): Subscriber | undefined {
    if (this.subscribers.size >= this.bounds.subscribersMax) {
      socket.close(subscribersFullCloseCode, ErrorCode.TOO_MANY_CONNECTIONS);
      return undefined;
    }
    const subscriber = new Subscriber(this, socket);
    this.subscribers.add(subscriber);
    socket.on('close', () => this.leave(subscriber));
    return subscriber;
  }

  /** Whether `bytes` more may be queued for `subscriber`; cuts off whoever must go. */
  admit(subscriber: Subscriber, bytes: number): boolean {
    if (subscriber.queuedBytes + bytes > this.bounds.subscriberQueuedBytesMax ||
        subscriber.queuedMessages >= limits.subscriberQueueMessagesMax) {
      this.cut(subscriber);
      return false;
    }
    while (this.totalBytes + bytes > this.bounds.subscribersQueuedBytesMax) {
      let slowest = subscriber;
      for (const other of this.subscribers) {
        if (other.queuedBytes > slowest.queuedBytes) slowest = other;
      }
      this.cut(slowest);
      if (slowest === subscriber) return false;
    }
    this.totalBytes += bytes;
    return true;
  }

  released(bytes: number): void {
    this.totalBytes -= bytes;
  }

  private cut(subscriber: Subscriber): void {
    if (subscriber.closed) return;
    this.leave(subscriber);
    subscriber.socket.close(subscriberTooSlowCloseCode, 'SUBSCRIBER_TOO_SLOW');
    setTimeout(() => subscriber.socket.terminate(), closeGraceMs).unref();
  }

  private leave(subscriber: Subscriber): void {
    if (subscriber.closed) return;
    subscriber.closed = true;
    this.subscribers.delete(subscriber);
    this.totalBytes -= subscriber.queuedBytes;
    subscriber.queuedBytes = 0;
    subscriber.queuedMessages = 0;
  }
}
