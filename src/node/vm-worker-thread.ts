// The contract engine's thread (see ./vm-worker.ts): loads the QuickJS module and serves the
// main thread's requests synchronously, calling back for every host function. It runs with the
// large native stack the node gave it and is always entered at the same depth (this loop), so
// how deep the main thread was never matters to contract code.
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { isZwError } from '../core/index.js';
import { EngineFault, QuickJsEngine, isEngineFault } from '../vm/index.js';
import type { HostReply, HostRequest } from '../vm/index.js';
import { loadVm } from './vm-loader.js';
import { Channel } from './vm-channel.js';
import type { ToMain, ToWorker } from './vm-channel.js';

interface ThreadData {
  readonly port: MessagePort;
  readonly signal: SharedArrayBuffer;
}

const data = workerData as ThreadData;
const channel = new Channel<ToMain, ToWorker>(data.port, data.signal, 1, 0, receiveMessageOnPort);

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function faultOf(error: unknown): ToMain {
  return { t: 'fault', message: isEngineFault(error) ? error.message : describe(error) };
}

let engine: QuickJsEngine;

function host(request: HostRequest): HostReply {
  channel.send({ t: 'host', request });
  for (;;) {
    const message = channel.receive();
    if (message.t === 'reply') {
      if (message.fault !== undefined) throw new EngineFault(message.fault);
      return message.reply as HostReply;
    }
    // A nested call (or a session it opens) arrives while this call waits for its host.
    handle(message);
  }
}

function handle(message: ToWorker): void {
  switch (message.t) {
    case 'open':
      try {
        channel.send({ t: 'opened', session: engine.open(message.code) });
      } catch (error) {
        channel.send(isZwError(error) && engine.fault === undefined
          ? { t: 'refused', code: error.code, message: error.message } : faultOf(error));
      }
      return;
    case 'call':
      try {
        channel.send({ t: 'result', outcome: engine.call(message.id, message.request, host) });
      } catch (error) {
        channel.send(faultOf(error));
      }
      return;
    case 'close':
      try {
        engine.close(message.id);
      } catch {
        // The fault is kept by the engine and reported by the next request.
      }
      return;
    case 'restore':
      try {
        engine.restore();
      } catch {
        // As for close.
      }
      return;
    case 'reply':
      // A reply with no call waiting for it: only after a fault; nothing to do.
      return;
    case 'exit':
      return;
  }
}

async function main(): Promise<void> {
  engine = new QuickJsEngine(await loadVm());
  channel.send({ t: 'ready' });
  for (;;) {
    const message = channel.receive();
    if (message.t === 'exit') return;
    handle(message);
  }
}

main().catch((error: unknown) => {
  channel.send({ t: 'fault', message: `the contract engine did not start: ${describe(error)}` });
});
