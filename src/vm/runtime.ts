// The contract runtime's ledger side: one session per contract per block, over an engine that
// runs QuickJS (./engine.ts, in this thread or in a worker). Every crossing lands here: steps
// become gas on the caller's meter, values are checked and converted, state and events go
// through the host, and every failure becomes a ZwError for the receipt, except a fault of the
// engine itself (EngineFault), which no receipt may record (see ADR 0016). Pure: the engine or
// the loaded WebAssembly module is passed in (see src/node/vm-loader.ts and vm-worker.ts), and
// nothing here reads a clock, draws randomness or awaits.
import type { QuickJSWASMModule } from 'quickjs-emscripten-core';
import { ErrorCode, ZwError, assert, decode, encode, isZwError, limits } from '../core/index.js';
import type { CborValue } from '../core/index.js';
import { QuickJsEngine, interruptSteps, isVmEngine } from './engine.js';
import type {
  EngineFrame, HostReply, HostRequest, MethodKind, VmEngine,
} from './engine.js';
import { KeyIndex, dataKey } from './key-index.js';
import type { RawState } from './key-index.js';
import { fromVmText, toVmText } from './values.js';

export type { MethodKind } from './engine.js';

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

interface Frame extends EngineFrame {
  readonly host: ContractHost;
}

function snapshot(frame: Frame): EngineFrame {
  return { granted: frame.granted, interruptSteps: frame.interruptSteps,
    outOfGas: frame.outOfGas };
}

function adopt(frame: Frame, from: EngineFrame): void {
  frame.granted = from.granted;
  frame.interruptSteps = from.interruptSteps;
  frame.outOfGas = from.outOfGas;
}

/** A ZwError as the contract sees it; anything else is a fault and propagates. */
function contractError(error: unknown): { message: string; code: string } {
  if (!isZwError(error)) throw error;
  return { message: error.message, code: error.code };
}

/** One contract's runtime and context. Dispose it when the block (or query) ends. */
export class ContractSession {
  private readonly id: number;
  private frame: Frame | undefined;
  private disposed = false;
  /** The methods the module exports, by kind. */
  readonly methods: ReadonlyMap<string, MethodKind>;
  /** Set when a call failed: the session may hold half-done module state and is not reused. */
  broken = false;

  /** True while a call into this contract is running (it is then on the call stack). */
  get busy(): boolean {
    return this.frame !== undefined;
  }

  constructor(private readonly engine: VmEngine, readonly name: string, code: string) {
    const opened = engine.open(code);
    this.id = opened.id;
    this.methods = new Map(opened.methods);
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
   * code the contract failed with), or EngineFault. Gas is charged on `host` either way.
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
    const info = JSON.stringify(frame.host.info);
    this.grant(frame);
    const outcome = this.engine.call(this.id,
      { method, args: argsText, info, frame: snapshot(frame) },
      (request) => this.onHost(frame, request));
    adopt(frame, outcome.frame);
    this.settle(frame, outcome.stepsLeft);
    if (frame.outOfGas) throw new ZwError(ErrorCode.OUT_OF_GAS, 'out of gas');
    if (!outcome.ok) throw new ZwError(ErrorCode.CONTRACT_FAILED, outcome.text);
    const text = outcome.text;
    if (text.startsWith('0')) throw failure(text.slice(1));
    frame.host.chargeGas(vmGasCosts.valueByte * text.length);
    return fromVmText(text.slice(1), 'the result');
  }

  /**
   * A host service: settle steps, run, grant steps again. A ZwError becomes an exception in the
   * contract (with its code); any other error is a fault and propagates to the engine.
   */
  private onHost(frame: Frame, request: HostRequest): HostReply {
    assert(request.session === this.id && this.frame === frame, 'host call of the running call');
    adopt(frame, request.frame);
    try {
      this.settle(frame, request.left);
      frame.host.chargeGas(vmGasCosts.hostCall);
    } catch (error) {
      return { error: contractError(error), frame: snapshot(frame) };
    }
    try {
      const value = this.serve(frame, request);
      const left = this.grant(frame);
      return value === undefined ? { left, frame: snapshot(frame) }
        : { value, left, frame: snapshot(frame) };
    } catch (error) {
      if (isZwError(error) && error.code === ErrorCode.OUT_OF_GAS) frame.outOfGas = true;
      const left = frame.outOfGas ? undefined : this.grant(frame);
      const described = contractError(error);
      return { error: described, ...(left === undefined ? {} : { left }),
        frame: snapshot(frame) };
    }
  }

  private serve(frame: Frame, request: HostRequest): string | undefined {
    const [first, second, third] = request.args;
    switch (request.name) {
      case 'get': {
        const stored = frame.host.state.get(dataKey(text(first, 'key')));
        return stored === undefined ? undefined : toVmText(decode(stored));
      }
      case 'set': {
        writable(frame);
        const name = text(first, 'key');
        const bytes = encode(fromVmText(text(second, 'value'), 'a state value'));
        const raw = dataKey(name);
        if (frame.host.state.get(raw) === undefined) new KeyIndex(frame.host.state).insert(name);
        frame.host.state.set(raw, bytes);
        return undefined;
      }
      case 'del': {
        writable(frame);
        const name = text(first, 'key');
        const raw = dataKey(name);
        if (frame.host.state.get(raw) === undefined) return undefined;
        new KeyIndex(frame.host.state).remove(name);
        frame.host.state.delete(raw);
        return undefined;
      }
      case 'range':
        return toVmText(range(frame.host.state,
          fromVmText(text(first, 'range options'), 'range options')));
      case 'emit':
        writable(frame);
        frame.host.emit(text(first, 'event name'),
          fromVmText(text(second, 'event data'), 'event data'));
        return undefined;
      case 'call': {
        const argsText = text(third, 'call arguments');
        frame.host.chargeGas(vmGasCosts.valueByte * argsText.length);
        const result = frame.host.call(text(first, 'contract'), text(second, 'method'),
          fromVmText(argsText, 'call arguments'));
        const resultText = toVmText(result);
        frame.host.chargeGas(vmGasCosts.valueByte * resultText.length);
        return resultText;
      }
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // A faulted engine frees nothing (see ./engine.ts); its sessions are simply dropped.
    if (this.engine.fault === undefined) this.engine.close(this.id);
  }
}

function text(value: string | undefined, what: string): string {
  if (value === undefined) throw new ZwError(ErrorCode.BAD_ARGUMENTS, `${what} is missing`);
  return value;
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
  private inBlock = false;
  /** Where contract code runs: given, or QuickJS on the given module in this thread. */
  readonly engine: VmEngine;

  constructor(source: VmModule | VmEngine) {
    this.engine = isVmEngine(source) ? source : new QuickJsEngine(source);
  }

  /**
   * Ends the previous block's sessions and puts the module's heap back as loaded, so that the
   * block runs as on a new module instance; MUST be called BEFORE a block executes. A faulted
   * engine is replaced first (or, when it cannot be, this throws EngineFault).
   */
  beginBlock(): void {
    this.endBlock();
    if (this.engine.fault !== undefined) this.engine.reset();
    this.engine.restore();
    this.inBlock = true;
  }

  endBlock(): void {
    this.inBlock = false;
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
    const session = new ContractSession(this.engine, name, code());
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
    // Outside a block (queries), a fault of an earlier query is repaired here; inside one, the
    // block is already lost and the fault propagates.
    if (!this.inBlock && this.engine.fault !== undefined) this.engine.reset();
    return new ContractSession(this.engine, name, code);
  }
}

// The engine counts interrupt polls in steps; the two schedules must agree.
assert(vmGasCosts.interrupt / vmGasCosts.step === interruptSteps, 'interrupt steps agree');
