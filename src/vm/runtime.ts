// The contract runtime: QuickJS compiled to WebAssembly, one runtime and context per contract per
// block (a "session"), with a memory limit, a stack limit, the prelude's hardened globals and
// the instrumented code's step counter. The host side of every crossing lives here: it turns
// steps into gas on the caller's meter, checks and converts values, and maps every failure to a
// ZwError for the receipt. Pure: the loaded WebAssembly module is passed in (see
// src/node/vm-loader.ts), and nothing here reads a clock, draws randomness or awaits.
import type {
  QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule,
} from 'quickjs-emscripten-core';
import { ErrorCode, ZwError, assert, decode, encode, isZwError, limits } from '../core/index.js';
import type { CborValue } from '../core/index.js';
import { ModuleHeap } from './heap.js';
import { KeyIndex, dataKey } from './key-index.js';
import type { RawState } from './key-index.js';
import { meterName } from './instrument.js';
import { preludeSource } from './prelude.js';
import { fromVmText, toVmText } from './values.js';

/** The loaded QuickJS WebAssembly module; load it once per process (async) and pass it in. */
export type VmModule = QuickJSWASMModule;

/** Gas charged by the runtime on top of the ledger's state and event charges. */
export const vmGasCosts = {
  /** One function entry or loop iteration of contract code. */
  step: 10,
  /** Each QuickJS interrupt poll (about every few thousand bytecodes, including native work). */
  interrupt: 2_000,
  /** Each call from the contract into the host. */
  hostCall: 100,
  /** Each byte of a value that crosses the boundary (arguments, results, events, calls). */
  valueByte: 1,
} as const;

export type MethodKind = 'tx' | 'query';

/** What a contract sees as `Zhengwu.ctx`. */
export interface CallInfo {
  readonly contract: string;
  /** The calling contract, or null when a transaction called this contract directly. */
  readonly caller: string | null;
  /** The transaction signer's address (hex); null in queries. */
  readonly sender: string | null;
  /** The signer's agency; null until governance records agencies of accounts. */
  readonly agency: string | null;
  /** The signer's roles; empty until governance records roles. */
  readonly roles: readonly string[];
  readonly txHash: string | null;
  readonly height: number;
  /** Block time from the header, in milliseconds. */
  readonly time: number;
}

/** The host services of one call; the ledger adapter (src/system) provides them. */
export interface ContractHost {
  readonly info: CallInfo;
  readonly readOnly: boolean;
  /** The contract's own namespace; metered by the ledger. */
  readonly state: RawState;
  gasRemaining(): number;
  chargeGas(amount: number): void;
  emit(name: string, data: CborValue): void;
  call(contract: string, method: string, args: CborValue): CborValue;
}

/** Error codes a contract may put in its receipt through `fail(message, code)`. */
const contractCodes: ReadonlySet<string> = new Set([ErrorCode.CONTRACT_FAILED,
  ErrorCode.BAD_ARGUMENTS, ErrorCode.UNAUTHORIZED, ErrorCode.NOT_FOUND, ErrorCode.ALREADY_EXISTS,
  ErrorCode.UNKNOWN_CONTRACT, ErrorCode.UNKNOWN_METHOD, ErrorCode.TOO_LARGE,
  ErrorCode.INVALID_ARGUMENT]);

interface Frame {
  readonly host: ContractHost;
  /** Steps handed to the contract at the last crossing. */
  granted: number;
  /** Steps charged by interrupt polls since the last crossing. */
  interruptSteps: number;
  outOfGas: boolean;
}

function wrapCode(code: string): string {
  return `(function (${meterName}, module, exports) {'use strict';\n${code}\n})`;
}

/** One contract's runtime and context. Dispose it when the block (or query) ends. */
export class ContractSession {
  private readonly heap: ModuleHeap;
  private readonly runtime: QuickJSRuntime;
  private readonly context: QuickJSContext;
  private readonly meter: QuickJSHandle;
  private readonly control: QuickJSHandle;
  private readonly callFunction: QuickJSHandle;
  private frame: Frame | undefined;
  private loadSteps: number = limits.contractLoadStepsMax;
  /** The methods the module exports, by kind. */
  readonly methods: ReadonlyMap<string, MethodKind>;
  /** Set when a call failed: the session may hold half-done module state and is not reused. */
  broken = false;

  /** True while a call into this contract is running (it is then on the call stack). */
  get busy(): boolean {
    return this.frame !== undefined;
  }

  constructor(module: VmModule, readonly name: string, code: string) {
    this.heap = ModuleHeap.of(module);
    this.heap.opened();
    this.runtime = module.newRuntime();
    this.runtime.setMemoryLimit(limits.contractMemoryBytesMax);
    this.runtime.setMaxStackSize(limits.contractStackBytesMax);
    this.runtime.setInterruptHandler(() => this.onInterrupt());
    this.context = this.runtime.newContext();
    try {
      this.meter = this.evaluate(
        '({ left: 0, out() { throw new InternalError("out of gas"); } })');
      const host = this.hostObject();
      const prelude = this.evaluate(preludeSource);
      this.control = this.context.unwrapResult(
        this.context.callFunction(prelude, this.context.undefined, host, this.meter));
      prelude.dispose();
      host.dispose();
      this.callFunction = this.context.getProp(this.control, 'call');
      this.methods = this.load(code);
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  private evaluate(source: string): QuickJSHandle {
    const result = this.context.evalCode(source, 'contract.js', { strict: true });
    if (result.error !== undefined) {
      const message = this.errorText(result.error);
      result.error.dispose();
      throw new ZwError(ErrorCode.BAD_ARGUMENTS, `contract code does not load: ${message}`);
    }
    return result.value;
  }

  /** Runs the module's top level within a fixed step budget that no caller pays for. */
  private load(code: string): ReadonlyMap<string, MethodKind> {
    this.setLeft(limits.contractLoadStepsMax);
    this.loadSteps = limits.contractLoadStepsMax;
    const factory = this.evaluate(wrapCode(code));
    const load = this.context.getProp(this.control, 'load');
    const result = this.context.callFunction(load, this.control, factory);
    load.dispose();
    factory.dispose();
    if (result.error !== undefined) {
      const message = this.left() < 0 || this.loadSteps < 0
        ? 'module initialisation ran out of steps' : this.errorText(result.error);
      result.error.dispose();
      throw new ZwError(ErrorCode.BAD_ARGUMENTS, `contract module failed to load: ${message}`);
    }
    const found = JSON.parse(this.context.getString(result.value)) as Record<string, MethodKind>;
    result.value.dispose();
    if (this.left() < 0) {
      throw new ZwError(ErrorCode.BAD_ARGUMENTS, 'module initialisation ran out of steps');
    }
    return new Map(Object.keys(found).sort().map((name) => [name, found[name] as MethodKind]));
  }

  private errorText(handle: QuickJSHandle): string {
    try {
      const dumped = this.context.dump(handle) as { name?: unknown; message?: unknown } | null;
      if (dumped !== null && typeof dumped === 'object' && typeof dumped.message === 'string') {
        return `${String(dumped.name)}: ${dumped.message}`.slice(0, 1024);
      }
      return String(dumped).slice(0, 1024);
    } catch {
      return 'unprintable error';
    }
  }

  private left(): number {
    const handle = this.context.getProp(this.meter, 'left');
    const value = this.context.getNumber(handle);
    handle.dispose();
    return value;
  }

  private setLeft(steps: number): void {
    const handle = this.context.newNumber(steps);
    this.context.setProp(this.meter, 'left', handle);
    handle.dispose();
  }

  /** QuickJS polls this every few thousand bytecodes, in native code too (e.g. regexps). */
  private onInterrupt(): boolean {
    const frame = this.frame;
    if (frame === undefined) {
      this.loadSteps -= vmGasCosts.interrupt / vmGasCosts.step;
      return this.loadSteps < 0;
    }
    frame.interruptSteps += vmGasCosts.interrupt / vmGasCosts.step;
    if (frame.interruptSteps > frame.granted) frame.outOfGas = true;
    // An interrupt is uncatchable inside QuickJS, so the contract cannot swallow it.
    return frame.outOfGas;
  }

  /** Charges the steps taken since the last crossing, then grants what the meter has left. */
  private settle(frame: Frame, stepsLeft: number): void {
    const used = frame.granted - stepsLeft + frame.interruptSteps;
    frame.interruptSteps = 0;
    frame.granted = 0;
    try {
      if (stepsLeft < 0 || frame.outOfGas) {
        frame.outOfGas = true;
        frame.host.chargeGas(frame.host.gasRemaining() + 1);
      }
      frame.host.chargeGas(Math.max(0, used) * vmGasCosts.step);
    } catch (error) {
      // Sticky: once out of gas, a contract that catches the error still fails at the end.
      if (isZwError(error) && error.code === ErrorCode.OUT_OF_GAS) frame.outOfGas = true;
      throw error;
    }
  }

  private grant(frame: Frame): number {
    frame.granted = Math.floor(frame.host.gasRemaining() / vmGasCosts.step);
    return frame.granted;
  }

  /**
   * Calls a method. Returns its result or throws a ZwError (OUT_OF_GAS, CONTRACT_FAILED, or the
   * code the contract failed with). Gas is charged on `host` either way.
   */
  call(method: string, args: CborValue, host: ContractHost): CborValue {
    assert(!this.broken, 'a broken session is not called again');
    if (this.frame !== undefined) {
      throw new ZwError(ErrorCode.CONTRACT_FAILED, `re-entrant call into ${this.name}`);
    }
    const frame: Frame = { host, granted: 0, interruptSteps: 0, outOfGas: false };
    this.frame = frame;
    try {
      return this.invoke(frame, method, args);
    } catch (error) {
      this.broken = true;
      throw error;
    } finally {
      this.frame = undefined;
    }
  }

  private invoke(frame: Frame, method: string, args: CborValue): CborValue {
    const argsText = toVmText(args);
    frame.host.chargeGas(vmGasCosts.valueByte * argsText.length);
    const handles = [this.context.newString(method), this.context.newString(argsText),
      this.context.newString(JSON.stringify(frame.host.info))];
    this.setLeft(this.grant(frame));
    const result = this.context.callFunction(this.callFunction, this.control, ...handles);
    for (const handle of handles) handle.dispose();
    const stepsLeft = this.left();
    if (result.error !== undefined) {
      const message = this.errorText(result.error);
      result.error.dispose();
      this.settle(frame, stepsLeft);
      if (frame.outOfGas) throw new ZwError(ErrorCode.OUT_OF_GAS, 'out of gas');
      throw new ZwError(ErrorCode.CONTRACT_FAILED, message);
    }
    const text = this.context.getString(result.value);
    result.value.dispose();
    this.settle(frame, stepsLeft);
    if (frame.outOfGas) throw new ZwError(ErrorCode.OUT_OF_GAS, 'out of gas');
    if (text.startsWith('0')) throw failure(text.slice(1));
    frame.host.chargeGas(vmGasCosts.valueByte * text.length);
    return fromVmText(text.slice(1), 'the result');
  }

  private currentFrame(): Frame {
    const frame = this.frame;
    if (frame === undefined) {
      throw new ZwError(ErrorCode.CONTRACT_FAILED, 'the host API is only available in a call');
    }
    return frame;
  }

  /**
   * Wraps a host service: settle steps, run, grant steps again. A ZwError becomes an exception in
   * the contract (with its code); any other error is a bug and propagates.
   */
  private hostFunction(name: string, body: (frame: Frame, args: QuickJSHandle[]) =>
    QuickJSHandle | undefined): QuickJSHandle {
    return this.context.newFunction(name, (...handles: QuickJSHandle[]) => {
      const [leftHandle, ...rest] = handles;
      let frame: Frame;
      try {
        frame = this.currentFrame();
        this.settle(frame, leftHandle === undefined ? -1 : this.context.getNumber(leftHandle));
        frame.host.chargeGas(vmGasCosts.hostCall);
      } catch (error) {
        return { error: this.vmError(error) };
      }
      try {
        const value = body(frame, rest);
        this.setLeft(this.grant(frame));
        return value;
      } catch (error) {
        if (isZwError(error) && error.code === ErrorCode.OUT_OF_GAS) frame.outOfGas = true;
        if (!frame.outOfGas) this.setLeft(this.grant(frame));
        return { error: this.vmError(error) };
      }
    });
  }

  private vmError(error: unknown): QuickJSHandle {
    if (!isZwError(error)) throw error;
    const handle = this.context.newError({ name: 'ZwError', message: error.message });
    const code = this.context.newString(error.code);
    this.context.setProp(handle, 'code', code);
    code.dispose();
    return handle;
  }

  private text(handle: QuickJSHandle | undefined, what: string): string {
    if (handle === undefined) throw new ZwError(ErrorCode.BAD_ARGUMENTS, `${what} is missing`);
    return this.context.getString(handle);
  }

  private hostObject(): QuickJSHandle {
    const host = this.context.newObject();
    const functions: [string, QuickJSHandle][] = [
      ['get', this.hostFunction('get', (frame, [key]) => {
        const stored = frame.host.state.get(dataKey(this.text(key, 'key')));
        if (stored === undefined) return undefined;
        return this.context.newString(toVmText(decode(stored)));
      })],
      ['set', this.hostFunction('set', (frame, [key, value]) => {
        writable(frame);
        const name = this.text(key, 'key');
        const bytes = encode(fromVmText(this.text(value, 'value'), 'a state value'));
        const raw = dataKey(name);
        if (frame.host.state.get(raw) === undefined) new KeyIndex(frame.host.state).insert(name);
        frame.host.state.set(raw, bytes);
        return undefined;
      })],
      ['del', this.hostFunction('del', (frame, [key]) => {
        writable(frame);
        const name = this.text(key, 'key');
        const raw = dataKey(name);
        if (frame.host.state.get(raw) === undefined) return undefined;
        new KeyIndex(frame.host.state).remove(name);
        frame.host.state.delete(raw);
        return undefined;
      })],
      ['range', this.hostFunction('range', (frame, [options]) =>
        this.context.newString(toVmText(range(frame.host.state,
          fromVmText(this.text(options, 'range options'), 'range options')))))],
      ['emit', this.hostFunction('emit', (frame, [name, data]) => {
        writable(frame);
        frame.host.emit(this.text(name, 'event name'),
          fromVmText(this.text(data, 'event data'), 'event data'));
        return undefined;
      })],
      ['call', this.hostFunction('call', (frame, [contract, method, args]) => {
        const argsText = this.text(args, 'call arguments');
        frame.host.chargeGas(vmGasCosts.valueByte * argsText.length);
        const result = frame.host.call(this.text(contract, 'contract'),
          this.text(method, 'method'), fromVmText(argsText, 'call arguments'));
        const text = toVmText(result);
        frame.host.chargeGas(vmGasCosts.valueByte * text.length);
        return this.context.newString(text);
      })],
    ];
    for (const [name, handle] of functions) {
      this.context.setProp(host, name, handle);
      handle.dispose();
    }
    return host;
  }

  dispose(): void {
    for (const handle of [this.callFunction, this.control, this.meter]) {
      if (handle?.alive === true) handle.dispose();
    }
    if (this.context.alive) this.context.dispose();
    if (this.runtime.alive) {
      this.runtime.dispose();
      this.heap.closed();
    }
  }
}

function writable(frame: Frame): void {
  if (frame.host.readOnly) {
    throw new ZwError(ErrorCode.UNAUTHORIZED, 'a query cannot write state or emit events');
  }
}

function failure(text: string): ZwError {
  const described = JSON.parse(text) as { name: string; message: string; code: string | null };
  const code = described.code !== null && contractCodes.has(described.code)
    ? described.code as ErrorCode : ErrorCode.CONTRACT_FAILED;
  const prefix = described.name === 'ContractFailure' || described.name === 'ZwError'
    ? '' : `${described.name}: `;
  return new ZwError(code, `${prefix}${described.message}`.slice(0, 1024));
}

function optionalString(record: Record<string, CborValue>, key: string): string | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new ZwError(ErrorCode.BAD_ARGUMENTS, `range option ${key} must be a string`);
  }
  return value;
}

/** State range: ordered [key, value] pairs of the contract's own namespace. */
function range(state: RawState, options: CborValue): CborValue {
  if (options === null || typeof options !== 'object' || Array.isArray(options) ||
      options instanceof Uint8Array) {
    throw new ZwError(ErrorCode.BAD_ARGUMENTS, 'range takes {prefix?, start?, end?, limit?}');
  }
  const record = options as Record<string, CborValue>;
  const limit = record.limit ?? limits.contractRangeEntriesMax;
  if (typeof limit !== 'number' || limit < 1 || limit > limits.contractRangeEntriesMax) {
    throw new ZwError(ErrorCode.BAD_ARGUMENTS,
      `range limit must be 1-${limits.contractRangeEntriesMax}`);
  }
  const prefix = optionalString(record, 'prefix');
  const start = optionalString(record, 'start');
  const end = optionalString(record, 'end');
  const keys = new KeyIndex(state).range({ limit, ...(prefix === undefined ? {} : { prefix }),
    ...(start === undefined ? {} : { start }), ...(end === undefined ? {} : { end }) });
  return keys.map((key) => {
    const stored = state.get(dataKey(key));
    assert(stored !== undefined, 'indexed keys have values');
    return [key, decode(stored)];
  });
}

/**
 * Sessions of one block: one per contract, created on first use, dropped when a call fails or
 * when the block ends. Which sessions exist depends only on the block's transactions, so every
 * node has the same ones in the same state.
 */
export class ContractVm {
  private readonly sessions = new Map<string, ContractSession>();

  private readonly heap: ModuleHeap;

  constructor(readonly module: VmModule) {
    this.heap = ModuleHeap.of(module);
  }

  /**
   * Ends the previous block's sessions and puts the module's heap back as loaded, so that the
   * block runs as on a new module instance; MUST be called BEFORE a block executes.
   */
  beginBlock(): void {
    this.endBlock();
    this.heap.restore();
  }

  endBlock(): void {
    for (const session of this.sessions.values()) session.dispose();
    this.sessions.clear();
  }

  /** The block's session for a contract version, created (from `code()`) on first use. */
  session(key: string, name: string, code: () => string): ContractSession {
    const existing = this.sessions.get(key);
    if (existing !== undefined && !existing.broken) {
      // Re-insert so that Map order is least recently used first: deterministic eviction.
      this.sessions.delete(key);
      this.sessions.set(key, existing);
      return existing;
    }
    existing?.dispose();
    this.sessions.delete(key);
    if (this.sessions.size >= limits.contractRuntimesPerBlockMax) this.evictOldest();
    const session = new ContractSession(this.module, name, code());
    this.sessions.set(key, session);
    return session;
  }

  private evictOldest(): void {
    for (const [key, session] of this.sessions) {
      // A session in the middle of a call (a caller of this one) is never evicted.
      if (session.busy) continue;
      session.dispose();
      this.sessions.delete(key);
      return;
    }
  }

  /** A throwaway session (deploy checks, queries); the caller disposes it. */
  scratch(name: string, code: string): ContractSession {
    return new ContractSession(this.module, name, code);
  }
}
