// The WebSocket send queues' bounds (issue 12, point 7), against sockets that never finish a
// write, as a subscriber that does not read leaves them once the kernel's buffers are full: a
// subscriber over its own byte budget is closed with 4008, when all subscribers together are
// over theirs the slowest is closed first, a cut subscriber frees its bytes at once, and the
// node's subscriber count is capped.
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { SubscriberQueues, subscriberTooSlowCloseCode } from '../../src/api/subscribers.js';

class StuckSocket {
  readonly sent: string[] = [];
  readonly pending: (() => void)[] = [];
  closedWith: number | undefined;
  private readonly onClose: (() => void)[] = [];

  send(text: string, done: () => void): void {
    this.sent.push(text);
    this.pending.push(done);
  }

  /** The kernel took everything: every pending write completes. */
  flush(): void {
    for (const done of this.pending.splice(0)) done();
  }

  close(code: number): void {
    this.closedWith = code;
  }

  terminate(): void {
    for (const listener of this.onClose) listener();
  }

  on(event: string, listener: () => void): void {
    if (event === 'close') this.onClose.push(listener);
  }
}

const asSocket = (socket: StuckSocket): WebSocket => socket as unknown as WebSocket;
const message = (bytes: number): string => 'x'.repeat(bytes);

describe('subscriber send queues', () => {
  it('closes a subscriber over its own budget with 4008 and frees its bytes', () => {
    const queues = new SubscriberQueues({ subscribersMax: 10, subscriberQueuedBytesMax: 1_000,
      subscribersQueuedBytesMax: 100_000 });
    const stuck = new StuckSocket();
    const reading = new StuckSocket();
    const slow = queues.join(asSocket(stuck));
    const fast = queues.join(asSocket(reading));
    for (let i = 0; i < 20; i++) {
      slow?.send(message(100));
      fast?.send(message(100));
      reading.flush();
    }
    expect(stuck.closedWith).toBe(subscriberTooSlowCloseCode);
    expect(stuck.sent).toHaveLength(10);
    expect(reading.closedWith).toBeUndefined();
    expect(reading.sent).toHaveLength(20);
    expect(queues.queuedBytes).toBe(0);
  });

  it('closes the slowest subscribers first when all together are over budget', () => {
    const queues = new SubscriberQueues({ subscribersMax: 100,
      subscriberQueuedBytesMax: 1_000_000, subscribersQueuedBytesMax: 10_000 });
    const sockets = Array.from({ length: 4 }, () => new StuckSocket());
    const subscribers = sockets.map((socket) => queues.join(asSocket(socket)));
    // Subscriber i has i+1 messages of 1,000 bytes queued: the last is the slowest.
    sockets.forEach((_, i) => {
      for (let k = 0; k <= i; k++) subscribers[i]?.send(message(1_000));
    });
    expect(queues.queuedBytes).toBe(10_000);
    expect(sockets[3]?.closedWith).toBeUndefined();
    subscribers[0]?.send(message(1_000));
    expect(sockets[3]?.closedWith).toBe(subscriberTooSlowCloseCode);
    expect(sockets.slice(0, 3).every((socket) => socket.closedWith === undefined)).toBe(true);
    expect(queues.queuedBytes).toBe(7_000);
    // However many messages follow, the total never goes over the budget.
    for (let i = 0; i < 1_000; i++) subscribers[i % 3]?.send(message(500));
    expect(queues.queuedBytes).toBeLessThanOrEqual(10_000);
  });

  it('refuses subscribers beyond the node\'s maximum', () => {
    const queues = new SubscriberQueues({ subscribersMax: 2, subscriberQueuedBytesMax: 1_000,
      subscribersQueuedBytesMax: 10_000 });
    const sockets = [new StuckSocket(), new StuckSocket(), new StuckSocket()];
    const joined = sockets.map((socket) => queues.join(asSocket(socket)));
    expect(joined.map((subscriber) => subscriber !== undefined)).toEqual([true, true, false]);
    expect(sockets[2]?.closedWith).toBe(1013);
    sockets[0]?.terminate();
    expect(queues.join(asSocket(new StuckSocket()))).toBeDefined();
  });
});
