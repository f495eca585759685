// The QuickJS side of the contract runtime: runtimes, contexts, the prelude, the step meter and
// the host functions' QuickJS half. It knows nothing of gas or state: every host function hands
// its arguments to a host callback (the ledger side in ./runtime.ts) and returns what that says.
// Keeping the split this narrow lets the same engine run in this thread (tests, the CLI) or in a
// dedicated worker thread with a large, fixed native stack (the node, src/node/vm-worker.ts),
// with only plain data crossing between the two halves.
//
// Two properties make execution independent of the host (ADR 0016):
//  - One stack budget per transaction, not per runtime. QuickJS measures its stack limit on the
//    module's shadow stack from where the runtime was created; nested contract calls each have
//    a runtime of their own, and all their WebAssembly frames share one native stack. Every
//    runtime here gets the same absolute limit (the shadow stack pointer at the top level minus
//    contractStackBytesMax), so a nested runtime has only what its callers left.
//  - A fault is never a result. If the engine itself fails (V8's native stack overflows inside
//    the module, a WebAssembly trap, an emscripten abort, a non-ZwError from the host side), the
//    engine is marked faulted: nothing of it is freed (freeing a half-unwound runtime is what
//    aborts the module), every later use throws EngineFault, and the ledger lets that error
//    stop the block instead of writing a receipt.
import type {
  QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule,
} from 'quickjs-emscripten-core';
import { ErrorCode, ZwError, isZwError, limits } from '../core/index.js';
import { ModuleHeap } from './heap.js';
import { meterName } from './instrument.js';
import { preludeSource } from './prelude.js';

export type MethodKind = 'tx' | 'query';

/**
 * The engine could not run contract code to a deterministic end. The node treats it as being
 * unable to execute the block: it never becomes a receipt.
 */
export class EngineFault extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineFault';
  }
}

export function isEngineFault(error: unknown): error is EngineFault {
  return error instanceof Error && error.name === 'EngineFault';
}

/** The step accounting of one call, kept in step on both sides of every crossing. */
export interface EngineFrame {
  /** Steps handed to the contract at the last crossing. */
  granted: number;
  /** Steps charged by interrupt polls since the last crossing. */
  interruptSteps: number;
  outOfGas: boolean;
}

export type HostFunctionName = 'get' | 'set' | 'del' | 'range' | 'emit' | 'call';

/** A host function call from contract code. */
export interface HostRequest {
  readonly session: number;
  readonly name: HostFunctionName;
  /** The contract's meter at the crossing (-1 when missing). */
  readonly left: number;
  readonly args: readonly string[];
  readonly frame: EngineFrame;
}

/** The host's answer: a value (or nothing), or an error the contract sees as an exception. */
export interface HostReply {
  readonly value?: string;
  readonly error?: { readonly message: string; readonly code: string };
  /** Steps to put on the meter; absent: leave it alone. */
  readonly left?: number;
  readonly frame: EngineFrame;
}

export type HostCallback = (request: HostRequest) => HostReply;

export interface CallRequest {
  readonly method: string;
  readonly args: string;
  readonly info: string;
  readonly frame: EngineFrame;
}

/** How a call ended inside QuickJS; the ledger side turns it into a result or a ZwError. */
export interface CallOutcome {
  readonly ok: boolean;
  /** The result text (ok) or the error's description. */
  readonly text: string;
  readonly stepsLeft: number;
  readonly frame: EngineFrame;
}

export interface OpenedSession {
  readonly id: number;
  readonly methods: readonly (readonly [string, MethodKind])[];
}

/** Where contract code runs: this thread (QuickJsEngine) or a worker (src/node/vm-worker.ts). */
export interface VmEngine {
  /** Creates a runtime and loads the code; throws ZwError(BAD_ARGUMENTS) if it does not load. */
  open(code: string): OpenedSession;
  call(id: number, request: CallRequest, host: HostCallback): CallOutcome;
  close(id: number): void;
  /** Puts the heap back as loaded; no session may be open. */
  restore(): void;
  /** Set once the engine faulted; it then runs nothing until reset. */
  readonly fault: string | undefined;
  /** Replaces a faulted engine with a fresh one, or throws EngineFault if it cannot. */
  reset(): void;
}

export function isVmEngine(value: unknown): value is VmEngine {
  return typeof value === 'object' && value !== null &&
    typeof (value as { open?: unknown }).open === 'function' &&
    typeof (value as { reset?: unknown }).reset === 'function';
}

/** How much step budget one interrupt poll costs (matches vmGasCosts: 2,000 / 10). */
export const interruptSteps = 200;

function wrapCode(code: string): string {
  return `(function (${meterName}, module, exports) {'use strict';\n${code}\n})`;
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 512);
  return String(error).slice(0, 512);
}

/**
 * Where QuickJS keeps a runtime's stack bookkeeping (rt->stack_size, rt->stack_limit), found
 * once per module by setting two sizes and seeing which words follow: the library does not
 * expose the shadow stack pointer, and this is how the absolute limit is computed.
 */
interface StackLayout {
  readonly sizeOffset: number;
  readonly limitOffset: number;
  /** rt->stack_top of a runtime created with no contract code running. */
  readonly topLevel: number;
}

function runtimePointer(runtime: QuickJSRuntime): number {
  return (runtime as unknown as { rt: { value: number } }).rt.value;
}

function probeStack(module: QuickJSWASMModule): StackLayout {
  const runtime = module.newRuntime();
  try {
    const pointer = runtimePointer(runtime);
    const words = (): Uint32Array =>
      new Uint32Array(module.getWasmMemory().buffer, pointer, 1024);
    const first = 0x0003_1234;
    const second = 0x0005_4321;
    runtime.setMaxStackSize(first);
    const before = Array.from(words());
    runtime.setMaxStackSize(second);
    const after = Array.from(words());
    const sizeIndex = before.findIndex((word, index) => word === first && after[index] === second);
    const limitIndex = before.findIndex((word, index) =>
      index !== sizeIndex && word - (after[index] ?? 0) === second - first);
    assertLayout(sizeIndex >= 0 && limitIndex >= 0, 'stack fields not found');
    const topLevel = (after[limitIndex] ?? 0) + second;
    assertLayout(topLevel > second && topLevel < module.getWasmMemory().buffer.byteLength,
      'implausible stack top');
    return { sizeOffset: sizeIndex * 4, limitOffset: limitIndex * 4, topLevel };
  } finally {
    runtime.dispose();
  }
}

function assertLayout(condition: boolean, what: string): asserts condition {
  if (!condition) {
    throw new EngineFault(`this QuickJS build is not the one the runtime knows: ${what}`);
  }
}

interface EngineSession {
  readonly id: number;
  readonly runtime: QuickJSRuntime;
  readonly context: QuickJSContext;
  meter: QuickJSHandle | undefined;
  control: QuickJSHandle | undefined;
  callFunction: QuickJSHandle | undefined;
  frame: EngineFrame | undefined;
  host: HostCallback | undefined;
  loadSteps: number;
}

/** The engine on the loaded module, in this thread. */
export class QuickJsEngine implements VmEngine {
  private readonly heap: ModuleHeap;
  private readonly stack: StackLayout;
  private readonly sessions = new Map<number, EngineSession>();
  private nextId = 1;
  private faultText: string | undefined;
  /** The first error that faulted the engine from the host side, rethrown as it was. */
  private hostError: unknown;

  constructor(private readonly module: QuickJSWASMModule) {
    this.heap = ModuleHeap.of(module);
    this.heap.opened();
    try {
      this.stack = probeStack(module);
    } finally {
      this.heap.closed();
    }
    this.heap.restore();
  }

  get fault(): string | undefined {
    return this.faultText;
  }

  reset(): void {
    // A new module instance can only be made asynchronously; in this thread a faulted engine
    // stays faulted (the node runs its engine in a worker, which it replaces instead).
    throw new EngineFault(`the contract engine faulted (${this.faultText ?? 'unknown'}) and ` +
      'cannot be reset in this thread');
  }

  private checkUsable(): void {
    if (this.faultText !== undefined) {
      throw new EngineFault(`the contract engine faulted: ${this.faultText}`);
    }
  }

  /** Marks the engine faulted; returns the error to throw. */
  private faulted(error: unknown): Error {
    this.faultText ??= describe(error);
    if (isEngineFault(error)) return error;
    return new EngineFault(`the contract engine faulted: ${this.faultText}`);
  }

  /** Runs engine work; anything but a ZwError from it faults the engine. */
  private guard<T>(work: () => T): T {
    this.checkUsable();
    let result: T;
    try {
      result = work();
    } catch (error) {
      if (isZwError(error) && this.faultText === undefined) throw error;
      throw this.faulted(this.hostError ?? error);
    }
    if (this.faultText !== undefined) throw this.faulted(this.hostError);
    return result;
  }

  open(code: string): OpenedSession {
    return this.guard(() => this.openSession(code));
  }

  private openSession(code: string): OpenedSession {
    this.heap.opened();
    const runtime = this.module.newRuntime();
    // The interrupt handler is set before the context exists, as QuickJS wants it.
    const holder: { session?: EngineSession } = {};
    let context: QuickJSContext;
    try {
      runtime.setMemoryLimit(limits.contractMemoryBytesMax);
      this.limitStack(runtime);
      runtime.setInterruptHandler(() =>
        holder.session !== undefined && this.onInterrupt(holder.session));
      context = runtime.newContext();
    } catch (error) {
      if (isZwError(error) && this.faultText === undefined) {
        runtime.dispose();
        this.heap.closed();
      }
      throw error;
    }
    const opened: EngineSession = { id: this.nextId++, runtime, context, meter: undefined,
      control: undefined, callFunction: undefined, frame: undefined, host: undefined,
      loadSteps: limits.contractLoadStepsMax };
    holder.session = opened;
    this.sessions.set(opened.id, opened);
    try {
      opened.meter = this.evaluate(opened,
        '({ left: 0, out() { throw new InternalError("out of gas"); } })');
      const host = this.hostObject(opened);
      const prelude = this.evaluate(opened, preludeSource);
      opened.control = context.unwrapResult(
        context.callFunction(prelude, context.undefined, host, opened.meter));
      prelude.dispose();
      host.dispose();
      opened.callFunction = context.getProp(opened.control, 'call');
      return { id: opened.id, methods: this.load(opened, code) };
    } catch (error) {
      // A module that does not load is a deterministic refusal; its runtime is freed as usual.
      if (isZwError(error) && this.faultText === undefined) this.close(opened.id);
      throw error;
    }
  }

  /** Gives the runtime the one absolute stack limit of the whole transaction (see the header). */
  private limitStack(runtime: QuickJSRuntime): void {
    const pointer = runtimePointer(runtime);
    const memory = new DataView(this.module.getWasmMemory().buffer);
    runtime.setMaxStackSize(1 << 20);
    const top = memory.getUint32(pointer + this.stack.limitOffset, true) +
      memory.getUint32(pointer + this.stack.sizeOffset, true);
    const limit = this.stack.topLevel - limits.contractStackBytesMax;
    // Size 0 would mean "no limit": a runtime created past the limit gets one byte.
    runtime.setMaxStackSize(Math.max(1, top - limit));
  }

  private evaluate(session: EngineSession, source: string): QuickJSHandle {
    const result = session.context.evalCode(source, 'contract.js', { strict: true });
    if (result.error !== undefined) {
      const message = this.errorText(session, result.error);
      result.error.dispose();
      throw new ZwError(ErrorCode.BAD_ARGUMENTS, `contract code does not load: ${message}`);
    }
    return result.value;
  }

  /** Runs the module's top level within a fixed step budget that no caller pays for. */
  private load(session: EngineSession, code: string): [string, MethodKind][] {
    const { context } = session;
    const control = session.control as QuickJSHandle;
    this.setLeft(session, limits.contractLoadStepsMax);
    session.loadSteps = limits.contractLoadStepsMax;
    const factory = this.evaluate(session, wrapCode(code));
    const load = context.getProp(control, 'load');
    const result = context.callFunction(load, control, factory);
    load.dispose();
    factory.dispose();
    if (result.error !== undefined) {
      const message = this.left(session) < 0 || session.loadSteps < 0
        ? 'module initialisation ran out of steps' : this.errorText(session, result.error);
      result.error.dispose();
      throw new ZwError(ErrorCode.BAD_ARGUMENTS, `contract module failed to load: ${message}`);
    }
    const found = JSON.parse(context.getString(result.value)) as Record<string, MethodKind>;
    result.value.dispose();
    if (this.left(session) < 0) {
      throw new ZwError(ErrorCode.BAD_ARGUMENTS, 'module initialisation ran out of steps');
    }
    return Object.keys(found).sort().map((name) => [name, found[name] as MethodKind]);
  }

  private errorText(session: EngineSession, handle: QuickJSHandle): string {
    try {
      const dumped = session.context.dump(handle) as
        { name?: unknown; message?: unknown } | null;
      if (dumped !== null && typeof dumped === 'object' && typeof dumped.message === 'string') {
        return `${String(dumped.name)}: ${dumped.message}`.slice(0, 1024);
      }
      return String(dumped).slice(0, 1024);
    } catch (error) {
      // QuickJS reports its own failures as values; an exception here is the engine's own.
      if (!isZwError(error)) this.faultText ??= describe(error);
      return 'unprintable error';
    }
  }

  private left(session: EngineSession): number {
    const handle = session.context.getProp(session.meter as QuickJSHandle, 'left');
    const value = session.context.getNumber(handle);
    handle.dispose();
    return value;
  }

  private setLeft(session: EngineSession, steps: number): void {
    const handle = session.context.newNumber(steps);
    session.context.setProp(session.meter as QuickJSHandle, 'left', handle);
    handle.dispose();
  }

  /** QuickJS polls this every few thousand bytecodes, in native code too (e.g. regexps). */
  private onInterrupt(session: EngineSession): boolean {
    // A faulted engine stops whatever runs as soon as QuickJS polls: interrupts are uncatchable.
    if (this.faultText !== undefined) return true;
    const frame = session.frame;
    if (frame === undefined) {
      session.loadSteps -= interruptSteps;
      return session.loadSteps < 0;
    }
    frame.interruptSteps += interruptSteps;
    if (frame.interruptSteps > frame.granted) frame.outOfGas = true;
    return frame.outOfGas;
  }

  call(id: number, request: CallRequest, host: HostCallback): CallOutcome {
    return this.guard(() => {
      const session = this.sessions.get(id);
      if (session === undefined) throw new EngineFault(`no open session ${id}`);
      if (session.frame !== undefined) throw new EngineFault('a session is called re-entrantly');
      session.frame = { ...request.frame };
      session.host = host;
      try {
        return this.invoke(session, request);
      } finally {
        session.frame = undefined;
        session.host = undefined;
      }
    });
  }

  private invoke(session: EngineSession, request: CallRequest): CallOutcome {
    const { context } = session;
    const handles = [context.newString(request.method), context.newString(request.args),
      context.newString(request.info)];
    this.setLeft(session, request.frame.granted);
    const result = context.callFunction(session.callFunction as QuickJSHandle,
      session.control as QuickJSHandle, ...handles);
    for (const handle of handles) handle.dispose();
    const stepsLeft = this.left(session);
    if (result.error !== undefined) {
      const text = this.errorText(session, result.error);
      result.error.dispose();
      return { ok: false, text, stepsLeft, frame: { ...session.frame as EngineFrame } };
    }
    const text = context.getString(result.value);
    result.value.dispose();
    return { ok: true, text, stepsLeft, frame: { ...session.frame as EngineFrame } };
  }

  /**
   * A host function: hands its arguments to the host callback and returns its answer. What the
   * callback throws (a fault, never a ZwError: the host side answers those as errors) faults
   * the engine; the contract then sees an error and is interrupted at the next poll.
   */
  private hostFunction(session: EngineSession, name: HostFunctionName): QuickJSHandle {
    const { context } = session;
    return context.newFunction(name, (...handles: QuickJSHandle[]) => {
      try {
        const frame = session.frame;
        const host = session.host;
        if (this.faultText !== undefined) return { error: this.errorHandle(session, 'faulted') };
        if (frame === undefined || host === undefined) {
          return { error: this.errorHandle(session, 'the host API is only available in a call') };
        }
        const [leftHandle, ...rest] = handles;
        const left = leftHandle === undefined ? -1 : context.getNumber(leftHandle);
        const args = rest.map((handle) => context.getString(handle));
        // The frame is lent, not copied: the host only reads it and answers with its own.
        const reply = host({ session: session.id, name, left, args, frame });
        Object.assign(frame, reply.frame);
        if (reply.left !== undefined) this.setLeft(session, reply.left);
        if (reply.error !== undefined) {
          return { error: this.errorHandle(session, reply.error.message, reply.error.code) };
        }
        return reply.value === undefined ? undefined : context.newString(reply.value);
      } catch (error) {
        this.faultText ??= describe(error);
        this.hostError ??= error;
        return { error: context.newError('faulted') };
      }
    });
  }

  private errorHandle(session: EngineSession, message: string,
    code: string = ErrorCode.CONTRACT_FAILED): QuickJSHandle {
    const handle = session.context.newError({ name: 'ZwError', message });
    const codeHandle = session.context.newString(code);
    session.context.setProp(handle, 'code', codeHandle);
    codeHandle.dispose();
    return handle;
  }

  private hostObject(session: EngineSession): QuickJSHandle {
    const host = session.context.newObject();
    const names: HostFunctionName[] = ['get', 'set', 'del', 'range', 'emit', 'call'];
    for (const name of names) {
      const handle = this.hostFunction(session, name);
      session.context.setProp(host, name, handle);
      handle.dispose();
    }
    return host;
  }

  close(id: number): void {
    const session = this.sessions.get(id);
    if (session === undefined) return;
    this.sessions.delete(id);
    // A faulted engine frees nothing: a runtime that did not unwind cleanly aborts the module
    // when freed. Its memory goes with the engine.
    if (this.faultText !== undefined) return;
    try {
      for (const handle of [session.callFunction, session.control, session.meter]) {
        if (handle?.alive === true) handle.dispose();
      }
      if (session.context.alive) session.context.dispose();
      if (session.runtime.alive) {
        session.runtime.dispose();
        this.heap.closed();
      }
    } catch (error) {
      throw this.faulted(error);
    }
  }

  restore(): void {
    this.checkUsable();
    try {
      this.heap.restore();
    } catch (error) {
      // A heap that cannot be put back (a runtime still open) would make the next block start
      // from different bytes on this node: that is a fault, not something to run on.
      throw this.faulted(error);
    }
  }
}
