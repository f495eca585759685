// Signature checks off the event loop. Submissions are gathered for a moment into batches (one
// message to a worker per batch, not per transaction) and spread over a pool of worker threads.
// With `threads: 0` checks run inline, which in-process tests and tiny deployments use.
import { Piscina } from 'piscina';
import { limits } from '../core/index.js';
import type { SuiteName } from '../crypto/index.js';
import verifyBatch from './verify-worker.js';

interface Pending {
  readonly bytes: Uint8Array;
  readonly resolve: (ok: boolean) => void;
  readonly reject: (error: Error) => void;
}

export interface VerifyPoolInit {
  readonly suite: SuiteName;
  readonly threads: number;
}

export class VerifyPool {
  private readonly pool: Piscina | undefined;
  private queue: Pending[] = [];
  private flushScheduled = false;

  constructor(private readonly init: VerifyPoolInit) {
    this.pool = init.threads > 0
      ? new Piscina({ filename: new URL('./verify-worker.js', import.meta.url).href,
        minThreads: init.threads, maxThreads: init.threads })
      : undefined;
  }

  verify(bytes: Uint8Array): Promise<boolean> {
    if (this.pool === undefined) {
      return Promise.resolve(verifyBatch({ suite: this.init.suite, txs: [bytes] })[0] === true);
    }
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ bytes, resolve, reject });
      if (this.queue.length >= limits.verifyBatchTxsMax) this.flush();
      else if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0 || this.pool === undefined) return;
    const task = { suite: this.init.suite, txs: batch.map((p) => p.bytes) };
    this.pool.run(task).then(
      (flags: boolean[]) => batch.forEach((p, i) => p.resolve(flags[i] === true)),
      (error: Error) => batch.forEach((p) => p.reject(error)),
    );
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
  }
}
