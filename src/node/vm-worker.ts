// The node's contract engine: QuickJS in a dedicated worker thread with a large native stack,
// behind the same synchronous VmEngine interface as the in-thread engine, so the ledger keeps
// executing blocks synchronously. Contract code then always starts at the same depth of a stack
// far larger than the most any contract can use (ADR 0016): whether a call fails no longer
// depends on how deep the main thread happened to be when it executed the block.
//
// Each crossing is one message each way (../node/vm-channel.ts); a host function called by a
// contract comes back here, runs on this thread (state, gas, nested calls) and is answered. A
// fault of the worker (it overflowed anyway, trapped, stopped answering) never becomes a result:
// the engine is marked faulted, nothing in it is freed, and the next block (or query) starts a
// new worker. An answer that does not come within answerTimeoutMs is a fault too.
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { ErrorCode, ZwError } from '../core/index.js';
import { EngineFault, isEngineFault } from '../vm/index.js';
import type {
  CallOutcome, CallRequest, HostCallback, OpenedSession, VmEngine,
} from '../vm/index.js';
import { Channel } from './vm-channel.js';
import type { ToMain, ToWorker } from './vm-channel.js';

/**
 * The worker's native stack. Contract code can use at most contractStackBytesMax of QuickJS's
 * shadow stack per transaction, and the worst native bytes per shadow byte measured over the
 * adversarial suite (test/vm/host-stack.test.ts; ADR 0016) puts that far below this. The stack
 * is reserved, not committed: pages the engine never touches cost nothing.
 */
export const vmWorkerStackMb = 64;

export interface VmWorkerOptions {
  /** The worker's native stack (tests shrink it to force a fault). */
  readonly stackSizeMb?: number;
  /** How long one answer may take before the engine counts as faulted. */
  readonly answerTimeoutMs?: number;
}

const startTimeoutMs = 60_000;
/** Session ids of different workers never meet: each worker's are offset by its generation. */
const generationIds = 1_000_000_000;

function threadScript(): URL {
  // Tests import this file from src/ as TypeScript; the thread always runs the compiled build.
  return import.meta.url.endsWith('.ts')
    ? new URL('../../dist/node/vm-worker-thread.js', import.meta.url)
    : new URL('./vm-worker-thread.js', import.meta.url);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export class WorkerEngine implements VmEngine {
  private worker: Worker | undefined;
  private channel: Channel<ToWorker, ToMain> | undefined;
  private faultText: string | undefined;
  private hostError: unknown;
  private generation = 0;
  private readonly stackSizeMb: number;
  private readonly answerTimeoutMs: number;

  /** Starts the worker and waits (synchronously) until its module is loaded. */
  constructor(options: VmWorkerOptions = {}) {
    this.stackSizeMb = options.stackSizeMb ?? vmWorkerStackMb;
    this.answerTimeoutMs = options.answerTimeoutMs ?? 60_000;
    this.spawn();
  }

  get fault(): string | undefined {
    return this.faultText;
  }

  private spawn(): void {
    const { port1, port2 } = new MessageChannel();
    const signal = new SharedArrayBuffer(8);
    const worker = new Worker(threadScript(), {
      workerData: { port: port2, signal }, transferList: [port2],
      resourceLimits: { stackSizeMb: this.stackSizeMb },
    });
    // The worker never keeps the process alive, and its errors arrive as faults, not events.
    worker.unref();
    worker.on('error', () => undefined);
    this.worker = worker;
    this.channel = new Channel<ToWorker, ToMain>(port1, signal, 0, 1, receiveMessageOnPort);
    this.generation += 1;
    const ready = this.channel.tryReceive(startTimeoutMs);
    if (ready?.t !== 'ready') {
      this.stopWorker();
      throw new EngineFault(ready?.t === 'fault' ? ready.message
        : 'the contract engine worker did not start');
    }
    this.faultText = undefined;
    this.hostError = undefined;
  }

  private stopWorker(): void {
    const worker = this.worker;
    this.worker = undefined;
    this.channel?.close();
    this.channel = undefined;
    if (worker !== undefined) void worker.terminate();
  }

  /** Replaces a faulted worker with a new one (synchronously). */
  reset(): void {
    this.stopWorker();
    this.spawn();
  }

  /** Stops the worker for good (node shutdown). */
  shutdown(): void {
    this.channel?.send({ t: 'exit' });
    this.stopWorker();
    this.faultText ??= 'the contract engine was shut down';
  }

  close(id: number): void {
    if (this.faultText !== undefined || Math.floor(id / generationIds) !== this.generation) return;
    this.usable().send({ t: 'close', id: id % generationIds });
  }

  private usable(): Channel<ToWorker, ToMain> {
    if (this.faultText !== undefined || this.channel === undefined) {
      throw new EngineFault(`the contract engine faulted: ${this.faultText ?? 'stopped'}`);
    }
    return this.channel;
  }

  private faulted(message: string): Error {
    this.faultText ??= message;
    // The worker may be anywhere (overflowed, trapped, looping): it is dropped, not asked.
    this.stopWorker();
    if (isEngineFault(this.hostError)) return this.hostError;
    if (this.hostError !== undefined) {
      return new EngineFault(`the contract engine faulted: ${describe(this.hostError)}`);
    }
    return new EngineFault(`the contract engine faulted: ${message}`);
  }

  private next(channel: Channel<ToWorker, ToMain>): ToMain {
    if (this.channel !== channel) throw this.faulted('the worker was dropped');
    const message = channel.tryReceive(this.answerTimeoutMs);
    if (message === undefined) {
      throw this.faulted(`no answer within ${this.answerTimeoutMs} ms`);
    }
    if (message.t === 'fault') throw this.faulted(message.message);
    return message;
  }

  open(code: string): OpenedSession {
    const channel = this.usable();
    channel.send({ t: 'open', code });
    const answer = this.next(channel);
    if (answer.t === 'opened') {
      return { id: answer.session.id + this.generation * generationIds,
        methods: answer.session.methods };
    }
    if (answer.t === 'refused') throw new ZwError(answer.code as ErrorCode, answer.message);
    throw this.faulted(`unexpected answer ${answer.t} to open`);
  }

  call(id: number, request: CallRequest, host: HostCallback): CallOutcome {
    const channel = this.usable();
    if (Math.floor(id / generationIds) !== this.generation) {
      throw new EngineFault('a session of an earlier contract engine was called');
    }
    channel.send({ t: 'call', id: id % generationIds, request });
    for (;;) {
      const message = this.next(channel);
      if (message.t === 'result') return message.outcome;
      if (message.t !== 'host') throw this.faulted(`unexpected answer ${message.t} to call`);
      let reply;
      try {
        reply = host({ ...message.request,
          session: message.request.session + this.generation * generationIds });
      } catch (error) {
        // Not a result (the host side answers ZwErrors itself): the worker is told, unwinds
        // the contract without running anything more, and reports the fault.
        this.hostError ??= error;
        // A nested call that faulted has already dropped the worker: nothing will answer.
        if (this.channel !== channel) throw this.faulted(describe(error));
        channel.send({ t: 'reply', fault: describe(error) });
        continue;
      }
      channel.send({ t: 'reply', reply });
    }
  }

  restore(): void {
    this.usable().send({ t: 'restore' });
  }
}
