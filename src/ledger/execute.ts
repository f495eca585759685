// Deterministic block execution: a pure function of (previous state, block) to (state updates,
// receipts). Every node runs it on every committed block and must get identical results, so it
// reads no clock (block time comes from the header), iterates nothing in arrival order, and treats
// a bad transaction inside a committed block as a failed receipt, never as an exception.
import {
  ErrorCode, ZwError, addressBytes, encode, decode, isZwError, limits, toHex, assert,
} from '../core/index.js';
import type {
  Address, CborValue, ChainId, Hash, Height, PublicKey,
} from '../core/index.js';
import type { CryptoSuite } from '../crypto/index.js';
import type { CallContext, ContractRegistry, ContractState } from './contract.js';
import { evidenceToValue } from './block.js';
import type { ContractEvent, Evidence, Receipt } from './block.js';
import { evidenceId } from './validate.js';
import { accountContract, stateTreeKey } from './state-keys.js';
import { decodeTx, verifyTxSignature } from './tx.js';
import type { SignedTx, TxEnvelope } from './tx.js';
import { EngineFault, isEngineFault } from '../vm/index.js';

/** Gas schedule: fixed costs that every node charges identically. */
export const gasCosts = {
  txBase: 1_000,
  txByte: 10,
  stateReadByte: 1,
  stateWriteByte: 20,
  stateWrite: 500,
  eventByte: 5,
} as const;

/** Read access to the latest committed state by tree key. */
export interface StateReader {
  get(treeKey: Uint8Array): Uint8Array | undefined;
}

export interface StateUpdate {
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
}

export interface BlockContext {
  readonly chainId: ChainId;
  readonly height: Height;
  readonly time: number;
}

/** Who a sender is, as the identity system contract records it. */
export interface SenderIdentity {
  readonly agency: string | null;
  readonly roles: readonly string[];
}

/**
 * Resolves a sender for a call to `contract` at `height`, or refuses it with a ZwError
 * (UNAUTHORIZED). The node builds it from the identity contract; the ledger stays generic.
 */
export type IdentifySender = (
  state: StateReader, sender: Uint8Array, contract: string, height: number,
) => SenderIdentity | ZwError;

const nobody: SenderIdentity = { agency: null, roles: [] };

export interface ExecutionEnvironment {
  /** Absent: every sender is accepted with no agency and no roles (tests, tools). */
  readonly identify?: IdentifySender;
  readonly suite: CryptoSuite;
  readonly contracts: ContractRegistry;
  readonly state: StateReader;
  /** The chain's per-transaction gas ceiling; a transaction asking for more fails. */
  readonly txGasMax: number;
  /**
   * Transactions (by hash) whose signatures were already checked, e.g. on the worker pool at
   * admission. The hash covers the signature, so skipping the check for them cannot change any
   * result: this is a cache of a pure function, not a trust decision.
   */
  readonly verified?: { has(txHash: Hash): boolean };
}

export interface BlockResult {
  readonly receipts: readonly Receipt[];
  /** Evidence recorded on chain by this block (already-recorded evidence is skipped). */
  readonly evidence: readonly { readonly id: Uint8Array; readonly evidence: Evidence }[];
  /** Every changed tree key, sorted by key so that the result is independent of map order. */
  readonly updates: readonly StateUpdate[];
}

/** Pending writes over a reader (the block's starting state, or another WriteSet), by hex key. */
class WriteSet {
  readonly writes = new Map<string, StateUpdate>();
  /**
   * Values this WriteSet read from the block's starting state (null: absent), kept by the
   * block's own WriteSet only. That state does not change while the block executes, so a key
   * read again (a contract's deployment record by every call, a balance read by the contract and
   * again by the key index's existence check) gives the same bytes without a storage read. Gas
   * is charged on the value returned, which is the same either way.
   */
  private readonly reads: Map<string, Uint8Array | null> | undefined;

  constructor(private readonly base: StateReader, cacheReads = false) {
    this.reads = cacheReads ? new Map() : undefined;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.lookup(key, toHex(key));
  }

  private lookup(key: Uint8Array, hex: string): Uint8Array | undefined {
    const pending = this.writes.get(hex);
    if (pending !== undefined) return pending.value ?? undefined;
    if (this.base instanceof WriteSet) return this.base.lookup(key, hex);
    if (this.reads === undefined) return this.base.get(key);
    const cached = this.reads.get(hex);
    if (cached !== undefined) return cached ?? undefined;
    const value = this.base.get(key);
    this.reads.set(hex, value ?? null);
    return value;
  }

  put(key: Uint8Array, value: Uint8Array | null): void {
    this.writes.set(toHex(key), { key, value });
  }

  mergeInto(parent: WriteSet): void {
    for (const [hex, update] of this.writes) parent.writes.set(hex, update);
  }
}

/** A call the ledger makes itself, not from a transaction: the genesis deployments. */
export interface SystemCall {
  readonly contract: string;
  readonly method: string;
  readonly args: CborValue;
}

export function executeBlock(
  env: ExecutionEnvironment, block: BlockContext, txs: readonly Uint8Array[],
  evidence: readonly Evidence[] = [], initialWrites: readonly StateUpdate[] = [],
  systemCalls: readonly SystemCall[] = [],
): BlockResult {
  const blockWrites = new WriteSet(env.state, true);
  // Genesis state (e.g. each agency's first administrator) is written at the start of block 1,
  // before its transactions, so that header 2 signs it like any other result.
  for (const update of initialWrites) blockWrites.put(update.key, update.value);
  const recorded = recordEvidence(env.suite, block, blockWrites, evidence);
  // Contract runtimes live for one block: nothing a contract keeps in memory outlives it.
  env.contracts.beginBlock();
  let receipts: Receipt[];
  try {
    systemCalls.forEach((call, index) => runSystemCall(env, block, blockWrites, call, index));
    receipts = txs.map((bytes) => executeTx(env, block, blockWrites, bytes));
  } finally {
    env.contracts.endBlock();
  }
  const updates = [...blockWrites.writes.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, update]) => update);
  return { receipts, updates, evidence: recorded };
}

/**
 * Runs one genesis call with the chain's per-transaction gas ceiling. It has no transaction, so
 * it has no receipt: its effects are its state writes, which header 2 signs. A genesis whose
 * call fails describes a chain that cannot start, so the failure throws (every node fails block
 * 1 the same way, and says why) instead of quietly starting without the contract.
 */
function runSystemCall(
  env: ExecutionEnvironment, block: BlockContext, blockWrites: WriteSet, call: SystemCall,
  index: number,
): void {
  const contract = env.contracts.get(call.contract, blockWrites);
  const method = contract?.methods.get(call.method);
  if (method === undefined || method.kind !== 'tx') {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT,
      `genesis call ${index}: no transaction method ${call.contract}.${call.method}`);
  }
  const meter = new GasMeter(env.txGasMax);
  const writes = new WriteSet(blockWrites);
  const events: ContractEvent[] = [];
  const ctx: CallContext = {
    chainId: block.chainId, height: block.height, time: block.time,
    txHash: env.suite.hash(encode(['zw/genesis-call', index])) as Hash,
    sender: new Uint8Array(addressBytes) as Address,
    senderKey: new Uint8Array(env.suite.publicKeyBytes) as PublicKey,
    senderAgency: null, senderRoles: [], genesis: true,
    state: meteredState(env.suite, call.contract, writes, meter),
    emit: emitter(events, call.contract, meter),
    chargeGas: (amount) => meter.charge(amount),
    gasRemaining: () => meter.remaining,
    caller: null,
    call: (name, methodName, args) => callNested(
      { env, parent: ctx, caller: call.contract, writes, events, meter, depth: 1 },
      name, methodName, args),
  };
  try {
    method.run(ctx, call.args);
  } catch (error) {
    const fault = asFault(error);
    if (fault !== undefined) throw fault;
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, `genesis call ${index} ` +
      `(${call.contract}.${call.method}) failed: ${(error as Error).message}`);
  }
  writes.mergeInto(blockWrites);
}

/** The built-in namespace where double-sign evidence is recorded, keyed by evidence id. */
export const evidenceContract = 'evidence';

function recordEvidence(
  suite: CryptoSuite, block: BlockContext, writes: WriteSet, evidence: readonly Evidence[],
): { id: Uint8Array; evidence: Evidence }[] {
  const recorded: { id: Uint8Array; evidence: Evidence }[] = [];
  for (const item of evidence) {
    const id = evidenceId(suite, item);
    const key = stateTreeKey(suite.hash, evidenceContract, id);
    if (writes.get(key) !== undefined) continue;
    writes.put(key, encode([block.height, evidenceToValue(item)]));
    recorded.push({ id, evidence: item });
  }
  return recorded;
}

/**
 * Errors that say the node could not run a transaction to its deterministic end, rather than
 * anything about the transaction: the contract engine faulted, or this process ran out of native
 * stack (V8's RangeError, which depends on how deep the host was) or hit a WebAssembly trap.
 * Writing a receipt for one would record one node's accident as the chain's result, so they
 * stop the block instead (the node then stops at that height; see ADR 0016). Other errors keep
 * becoming failed receipts: a ZwError is a result, and a plain Error from a bug in host code
 * happens alike on every node.
 */
function asFault(error: unknown): EngineFault | undefined {
  if (isEngineFault(error)) return error;
  const nativeStack = error instanceof RangeError && /call stack/i.test(error.message);
  const trap = error instanceof Error && error.name === 'RuntimeError';
  if (!nativeStack && !trap) return undefined;
  return new EngineFault(`execution failed outside the contract's control: ` +
    `${(error as Error).name}: ${(error as Error).message}`);
}

function failedReceipt(txHash: Hash, error: unknown, gasUsed: number): Receipt {
  const known = isZwError(error);
  if (!known && !(error instanceof Error)) {
    return { txHash, status: ErrorCode.CONTRACT_FAILED, error: String(error), gasUsed,
      events: [], result: null };
  }
  return {
    txHash,
    status: known ? error.code : ErrorCode.CONTRACT_FAILED,
    error: (error as Error).message.slice(0, 1024),
    gasUsed,
    events: [],
    result: null,
  };
}

function executeTx(
  env: ExecutionEnvironment, block: BlockContext, blockWrites: WriteSet, bytes: Uint8Array,
): Receipt {
  let envelope: TxEnvelope;
  try {
    envelope = decodeTx(env.suite, bytes);
  } catch (error) {
    return failedReceipt(env.suite.hash(bytes) as Hash, error, 0);
  }
  const { tx, hash } = envelope;
  // The sender's address is a hash of its key: computed once for the checks and the call.
  const sender = env.suite.address(tx.sender);
  const precheck = admissible(env, block, blockWrites, tx, hash, sender);
  if (precheck instanceof ZwError) return failedReceipt(hash, precheck, 0);
  // From here the transaction is valid for this block: its nonce is consumed and gas charged
  // whether or not the call succeeds, so a failing call cannot be replayed for free.
  const nonceKey = stateTreeKey(env.suite.hash, accountContract, sender);
  blockWrites.put(nonceKey, encode(tx.nonce + 1));
  const meter = new GasMeter(tx.gasLimit);
  const txWrites = new WriteSet(blockWrites);
  const events: ContractEvent[] = [];
  try {
    meter.charge(gasCosts.txBase + gasCosts.txByte * bytes.length);
    const result = runMethod(env, block, { tx, hash, sender }, txWrites, events, meter,
      precheck);
    txWrites.mergeInto(blockWrites);
    return { txHash: hash, status: 'ok', error: '', gasUsed: meter.used, events, result };
  } catch (error) {
    const fault = asFault(error);
    if (fault !== undefined) throw fault;
    if (!isZwError(error) && !(error instanceof Error)) throw error;
    return failedReceipt(hash, error, meter.used);
  }
}

/**
 * Checks a transaction may execute in this block and says who sent it; returns the error instead
 * of throwing. A refused transaction changes nothing, not even its sender's nonce.
 */
function admissible(
  env: ExecutionEnvironment, block: BlockContext, writes: WriteSet, tx: SignedTx, hash: Hash,
  sender: Address,
): ZwError | SenderIdentity {
  if (tx.chainId !== block.chainId) {
    return new ZwError(ErrorCode.WRONG_CHAIN, `transaction is for chain ${tx.chainId}`);
  }
  if (tx.gasLimit > env.txGasMax) {
    return new ZwError(ErrorCode.INVALID_ARGUMENT,
      `gas limit ${tx.gasLimit} exceeds the chain's ${env.txGasMax}`);
  }
  if (tx.expiryHeight < block.height) {
    return new ZwError(ErrorCode.EXPIRED, `transaction expired at height ${tx.expiryHeight}`);
  }
  if (!(env.verified?.has(hash) ?? false) && !verifyTxSignature(env.suite, tx)) {
    return new ZwError(ErrorCode.BAD_SIGNATURE, 'transaction signature does not verify');
  }
  const expected = accountNonce(env.suite, writes, sender);
  if (tx.nonce !== expected) {
    return new ZwError(tx.nonce < expected ? ErrorCode.NONCE_TOO_LOW : ErrorCode.NONCE_TOO_HIGH,
      `nonce ${tx.nonce} but the account expects ${expected}`);
  }
  return env.identify?.(writes, sender, tx.contract, block.height) ?? nobody;
}

export function accountNonce(suite: CryptoSuite, state: StateReader, address: Uint8Array): number {
  const stored = state.get(stateTreeKey(suite.hash, accountContract, address));
  if (stored === undefined) return 0;
  const value = decode(stored);
  assert(typeof value === 'number', 'stored nonce must be an integer');
  return value;
}

class GasMeter {
  used = 0;
  constructor(private readonly limit: number) {}

  get remaining(): number {
    return this.limit - this.used;
  }

  charge(amount: number): void {
    assert(Number.isSafeInteger(amount) && amount >= 0, 'gas charge must be a whole number');
    this.used += amount;
    if (this.used > this.limit) {
      this.used = this.limit;
      throw new ZwError(ErrorCode.OUT_OF_GAS, `out of gas: limit ${this.limit}`);
    }
  }
}

/** A transaction being executed, with its hash and its sender's address. */
interface RunningTx {
  readonly tx: SignedTx;
  readonly hash: Hash;
  readonly sender: Address;
}

function runMethod(
  env: ExecutionEnvironment, block: BlockContext, { tx, hash, sender }: RunningTx,
  writes: WriteSet, events: ContractEvent[], meter: GasMeter, who: SenderIdentity,
): CborValue {
  const contract = env.contracts.get(tx.contract, writes);
  if (contract === undefined || tx.contract === accountContract) {
    throw new ZwError(ErrorCode.UNKNOWN_CONTRACT, `no contract named ${tx.contract}`);
  }
  const method = contract.methods.get(tx.method);
  if (method === undefined || method.kind !== 'tx') {
    throw new ZwError(ErrorCode.UNKNOWN_METHOD,
      `contract ${tx.contract} has no transaction method ${tx.method}`);
  }
  const ctx: CallContext = {
    chainId: block.chainId, height: block.height, time: block.time, txHash: hash,
    sender, senderKey: tx.sender,
    senderAgency: who.agency, senderRoles: who.roles,
    state: meteredState(env.suite, tx.contract, writes, meter),
    emit: emitter(events, tx.contract, meter),
    chargeGas: (amount) => meter.charge(amount),
    gasRemaining: () => meter.remaining,
    caller: null,
    call: (name, methodName, args) => callNested(
      { env, parent: ctx, caller: tx.contract, writes, events, meter, depth: 1 },
      name, methodName, args),
  };
  return method.run(ctx, tx.args);
}

function emitter(
  events: ContractEvent[], contract: string, meter: GasMeter,
): (name: string, data: CborValue) => void {
  return (name, data) => {
    const size = encode(data).length;
    if (events.length >= limits.eventsPerTxMax || size > limits.eventBytesMax) {
      throw new ZwError(ErrorCode.TOO_LARGE, 'too many or too large events');
    }
    meter.charge(gasCosts.eventByte * size);
    events.push({ contract, name, data });
  };
}

interface CallFrame {
  readonly env: ExecutionEnvironment;
  readonly parent: CallContext;
  readonly caller: string;
  readonly writes: WriteSet;
  readonly events: ContractEvent[];
  readonly meter: GasMeter;
  readonly depth: number;
}

/**
 * A contract-to-contract call: the callee runs on its own overlay of the caller's writes and its
 * own event list, merged into the caller's only when it returns, so a failed callee leaves no
 * trace and a callee's effects revert with a caller that fails later. Gas is the one meter of
 * the transaction; the sender stays the transaction's signer and `caller` names the contract.
 */
function callNested(frame: CallFrame, name: string, methodName: string, args: CborValue):
  CborValue {
  if (frame.depth > limits.contractCallDepthMax) {
    throw new ZwError(ErrorCode.CONTRACT_FAILED,
      `contract calls nest deeper than ${limits.contractCallDepthMax}`);
  }
  frame.meter.charge(gasCosts.txBase);
  const contract = frame.env.contracts.get(name, frame.writes);
  const method = contract?.methods.get(methodName);
  if (contract === undefined || name === accountContract) {
    throw new ZwError(ErrorCode.UNKNOWN_CONTRACT, `no contract named ${name}`);
  }
  if (method === undefined || method.kind !== 'tx') {
    throw new ZwError(ErrorCode.UNKNOWN_METHOD, `contract ${name} has no transaction method ${methodName}`);
  }
  const writes = new WriteSet(frame.writes);
  const events: ContractEvent[] = [];
  const ctx: CallContext = {
    ...frame.parent,
    state: meteredState(frame.env.suite, name, writes, frame.meter),
    emit: emitter(events, name, frame.meter),
    caller: frame.caller,
    call: (next, nextMethod, nextArgs) => callNested({ ...frame, parent: ctx, caller: name,
      writes, events, depth: frame.depth + 1 }, next, nextMethod, nextArgs),
  };
  const result = method.run(ctx, args);
  if (frame.events.length + events.length > limits.eventsPerTxMax) {
    throw new ZwError(ErrorCode.TOO_LARGE, 'too many events');
  }
  writes.mergeInto(frame.writes);
  frame.events.push(...events);
  return result;
}

function meteredState(
  suite: CryptoSuite, contract: string, writes: WriteSet, meter: GasMeter,
): ContractState {
  // A call often reads a key, checks that it exists and writes it (the contract runtime's key
  // index does): the tree key, a hash, is computed once per key for this call's view.
  const treeKeys = new Map<string, Uint8Array>();
  const treeKey = (key: Uint8Array): Uint8Array => {
    if (key.length === 0 || key.length > limits.stateKeyBytesMax) {
      throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'state key must be 1-256 bytes');
    }
    const hex = toHex(key);
    const known = treeKeys.get(hex);
    if (known !== undefined) return known;
    const computed = stateTreeKey(suite.hash, contract, key);
    treeKeys.set(hex, computed);
    return computed;
  };
  return {
    get(key) {
      const value = writes.get(treeKey(key));
      meter.charge(gasCosts.stateReadByte * (key.length + (value?.length ?? 0)));
      return value;
    },
    set(key, value) {
      if (value.length > limits.stateValueBytesMax) {
        throw new ZwError(ErrorCode.TOO_LARGE, 'state value exceeds 64 KiB');
      }
      meter.charge(gasCosts.stateWrite + gasCosts.stateWriteByte * (key.length + value.length));
      writes.put(treeKey(key), value);
    },
    delete(key) {
      meter.charge(gasCosts.stateWrite);
      writes.put(treeKey(key), null);
    },
  };
}
