// `zhengwu/contract`: the API a Zhengwu contract imports. `zw contract build` bundles this file
// into the contract, where it wraps the `Zhengwu` object that the runtime's prelude installs in
// every fresh contract context. Values that cross into the chain are canonical data: null,
// booleans, safe integers, bigint, strings, Uint8Array, arrays and plain objects; no floats.

/** A value that can be stored, emitted, passed or returned. */
export type Value =
  | null | boolean | number | bigint | string | Uint8Array | readonly Value[]
  | { readonly [key: string]: Value };

/** What a contract knows about the call it is running in. */
export interface CallContext {
  /** This contract's name. */
  readonly contract: string;
  /** The contract that called this one, or null when a transaction called it directly. */
  readonly caller: string | null;
  /** The transaction signer's address (hex); null in queries. */
  readonly sender: string | null;
  /** The signer's agency, as the identity contract records it; null for non-members. */
  readonly agency: string | null;
  /** The signer's roles in that agency (admin, operator, staff, auditor, custom ones). */
  readonly roles: readonly string[];
  readonly txHash: string | null;
  readonly height: number;
  /**
   * Block time in milliseconds, from the block header (never a clock); in a query, the latest
   * committed block's.
   */
  readonly time: number;
}

export interface RangeOptions {
  readonly prefix?: string;
  readonly start?: string;
  readonly end?: string;
  /** At most 100 (the default). */
  readonly limit?: number;
}

/** Receipt codes a contract may fail with; anything else reads CONTRACT_FAILED. */
export type FailureCode = 'CONTRACT_FAILED' | 'BAD_ARGUMENTS' | 'UNAUTHORIZED' | 'NOT_FOUND' |
  'ALREADY_EXISTS' | 'INVALID_ARGUMENT';

interface HostApi {
  readonly state: {
    get(key: string): Value | undefined;
    has(key: string): boolean;
    set(key: string, value: Value): void;
    delete(key: string): void;
    range(options: RangeOptions): [string, Value][];
  };
  readonly ctx: CallContext;
  emit(name: string, data: Value): void;
  call(contract: string, method: string, args: Value): Value;
  fail(message: string, code?: FailureCode): never;
  require(condition: unknown, message: string, code?: FailureCode): asserts condition;
}

declare const Zhengwu: HostApi;

/** A transaction method: may write state and emit events; runs on every node. */
export interface TxMethod<A, R> {
  readonly kind: 'tx';
  readonly run: (args: A) => R;
}

/** A read-only query method: runs on one node, may not write. */
export interface QueryMethod<A, R> {
  readonly kind: 'query';
  readonly run: (args: A) => R;
}

/** What a method declares about who may call it. */
export interface MethodOptions {
  /** The signer must hold at least one of these roles in its agency. */
  readonly roles?: readonly string[];
  /** The signer's agency must be one of these agency ids. */
  readonly agencies?: readonly string[];
}

/**
 * Wraps `run` with the declared access rule, checked in the sandbox before the method body runs,
 * identically on every node. A refusal fails the call with UNAUTHORIZED and changes nothing.
 */
function guarded<A, R>(run: (args: A) => R, options: MethodOptions | undefined): (args: A) => R {
  if (options === undefined) return run;
  return (args: A) => {
    const context = Zhengwu.ctx;
    const roles = options.roles;
    if (roles !== undefined && !roles.some((role) => context.roles.includes(role))) {
      Zhengwu.fail(`this method needs one of the roles ${roles.join(', ')}`, 'UNAUTHORIZED');
    }
    const agencies = options.agencies;
    if (agencies !== undefined && (context.agency === null || !agencies.includes(context.agency))) {
      Zhengwu.fail('this method is reserved to listed agencies', 'UNAUTHORIZED');
    }
    return run(args);
  };
}

export function tx<A = Value, R = Value | undefined>(
  run: (args: A) => R, options?: MethodOptions,
): TxMethod<A, R> {
  return { kind: 'tx', run: guarded(run, options) };
}

export function query<A = Value, R = Value>(
  run: (args: A) => R, options?: MethodOptions,
): QueryMethod<A, R> {
  return { kind: 'query', run: guarded(run, options) };
}

/** A policy over agencies' approvals: `n` distinct agencies out of `of`. */
export interface ApprovalPolicy {
  readonly n: number;
  readonly of: readonly string[];
}

/**
 * Approvals by agencies for one subject (e.g. a workflow step), kept under `<name>/<subject>`:
 * each approval records the signer's agency once; `met` says whether the policy holds, e.g.
 * "2 of {market regulation, tax, public security} before this step completes".
 */
export class Approvals {
  constructor(private readonly name: string, private readonly policy: ApprovalPolicy) {}

  private key(subject: string): string {
    return `${this.name}/${subject}`;
  }

  /** Records the signer's agency's approval; fails unless it is one of the policy's agencies. */
  approve(subject: string): readonly string[] {
    const agency = Zhengwu.ctx.agency;
    if (agency === null || !this.policy.of.includes(agency)) {
      Zhengwu.fail('only the agencies of this approval policy may approve', 'UNAUTHORIZED');
    }
    const given = this.list(subject);
    if (given.includes(agency)) return given;
    const next = [...given, agency].sort();
    Zhengwu.state.set(this.key(subject), next);
    return next;
  }

  list(subject: string): readonly string[] {
    return (Zhengwu.state.get(this.key(subject)) as readonly string[] | undefined) ?? [];
  }

  met(subject: string): boolean {
    return this.list(subject).filter((agency) => this.policy.of.includes(agency)).length >=
      this.policy.n;
  }
}

/** The contract's own key-value namespace; keys are strings, ordered by `range`. */
export const state = {
  get<T extends Value = Value>(key: string): T | undefined {
    return Zhengwu.state.get(key) as T | undefined;
  },
  has(key: string): boolean {
    return Zhengwu.state.has(key);
  },
  set(key: string, value: Value): void {
    Zhengwu.state.set(key, value);
  },
  delete(key: string): void {
    Zhengwu.state.delete(key);
  },
  range<T extends Value = Value>(options: RangeOptions = {}): [string, T][] {
    return Zhengwu.state.range(options) as [string, T][];
  },
};

/** A typed map over the keys `<name>/<id>`. */
export class StateMap<V extends Value> {
  constructor(private readonly name: string) {}
  private key(id: string): string {
    return `${this.name}/${id}`;
  }
  get(id: string): V | undefined {
    return state.get<V>(this.key(id));
  }
  has(id: string): boolean {
    return state.has(this.key(id));
  }
  set(id: string, value: V): void {
    state.set(this.key(id), value);
  }
  delete(id: string): void {
    state.delete(this.key(id));
  }
  /** Entries in id order, after `after` when given. */
  list(options: { after?: string; limit?: number } = {}): [string, V][] {
    const prefix = `${this.name}/`;
    const entries = state.range<V>({ prefix, limit: options.limit ?? 100,
      ...(options.after === undefined ? {} : { start: `${prefix}${options.after}\u0000` }) });
    return entries.map(([key, value]) => [key.slice(prefix.length), value]);
  }
}

/** An integer counter stored under one key. */
export class Counter {
  constructor(private readonly key: string) {}
  get(): number {
    return state.get<number>(this.key) ?? 0;
  }
  add(amount = 1): number {
    const next = this.get() + amount;
    state.set(this.key, next);
    return next;
  }
}

/** The current call's context (sender, height, time, ...). */
export function ctx(): CallContext {
  return Zhengwu.ctx;
}

export function emit(name: string, data: Value = null): void {
  Zhengwu.emit(name, data);
}

/**
 * Calls another contract's method: a transaction method from a transaction, a query method from
 * a query (read-only, in the same block). Its failure fails this call unless caught.
 */
export function call<R extends Value = Value>(contract: string, method: string, args: Value = null):
  R {
  return Zhengwu.call(contract, method, args) as R;
}

/** Fails the call: its writes and events revert, the message goes into the receipt. */
export function fail(message: string, code?: FailureCode): never {
  return Zhengwu.fail(message, code);
}

export function require(condition: unknown, message: string, code?: FailureCode):
  asserts condition {
  if (!condition) Zhengwu.fail(message, code);
}
