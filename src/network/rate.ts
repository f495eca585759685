// Per-peer inbound rate limiting: token buckets for messages and bytes, and a count of dropped
// messages per window so that a peer that keeps flooding is disconnected rather than merely
// throttled forever. Time comes in as an argument (monotonic milliseconds) so tests can drive it.
import { assert } from '../core/index.js';

/** A token bucket: `ratePerSecond` tokens refill continuously, up to `burst`. */
export class TokenBucket {
  private tokens: number;
  private updatedMs: number;

  constructor(private readonly ratePerSecond: number, private readonly burst: number,
    nowMs: number) {
    assert(ratePerSecond > 0 && burst > 0, 'token bucket rate and burst must be positive');
    this.tokens = burst;
    this.updatedMs = nowMs;
  }

  /** Whether `amount` tokens are available at `nowMs`, after refilling. */
  has(amount: number, nowMs: number): boolean {
    this.refill(nowMs);
    return this.tokens >= amount;
  }

  take(amount: number, nowMs: number): boolean {
    if (!this.has(amount, nowMs)) return false;
    this.tokens -= amount;
    return true;
  }

  private refill(nowMs: number): void {
    const elapsedMs = Math.max(0, nowMs - this.updatedMs);
    this.tokens = Math.min(this.burst, this.tokens + (elapsedMs * this.ratePerSecond) / 1000);
    this.updatedMs = nowMs;
  }
}

export interface RateLimiterOptions {
  readonly messagesPerSecondMax: number;
  readonly messagesBurstMax: number;
  readonly bytesPerSecondMax: number;
  readonly bytesBurstMax: number;
  readonly rateDropsMax: number;
  readonly rateDropWindowMs: number;
}

/** What to do with one inbound message. */
export type RateVerdict = 'accept' | 'drop' | 'disconnect';

export class RateLimiter {
  private readonly messages: TokenBucket;
  private readonly bytes: TokenBucket;
  private windowStartMs: number;
  private windowDrops = 0;

  constructor(private readonly options: RateLimiterOptions, nowMs: number) {
    this.messages = new TokenBucket(options.messagesPerSecondMax, options.messagesBurstMax, nowMs);
    this.bytes = new TokenBucket(options.bytesPerSecondMax, options.bytesBurstMax, nowMs);
    this.windowStartMs = nowMs;
  }

  /** Dropped messages in the current window, for logs and tests. */
  get drops(): number {
    return this.windowDrops;
  }

  /** Charges one message of `byteCount` bytes; both buckets must allow it or neither pays. */
  admit(byteCount: number, nowMs: number): RateVerdict {
    if (this.messages.has(1, nowMs) && this.bytes.has(byteCount, nowMs)) {
      this.messages.take(1, nowMs);
      this.bytes.take(byteCount, nowMs);
      return 'accept';
    }
    if (nowMs - this.windowStartMs >= this.options.rateDropWindowMs) {
      this.windowStartMs = nowMs;
      this.windowDrops = 0;
    }
    this.windowDrops++;
    return this.windowDrops > this.options.rateDropsMax ? 'disconnect' : 'drop';
  }
}
