// What the ledger needs to know about a contract: its name and methods. Built-in system contracts
// (src/system) and, later, TypeScript contracts in the VM both implement this interface, so block
// execution treats them alike. A method sees only its own contract's namespace of the state.
import { ErrorCode, ZwError } from '../core/index.js';
import type { Address, CborValue, ChainId, Hash, Height, PublicKey } from '../core/index.js';
import type { StateReader } from './execute.js';

/** The key-value view of one contract's namespace. */
export interface ContractState {
  get(key: Uint8Array): Uint8Array | undefined;
  set(key: Uint8Array, value: Uint8Array): void;
  delete(key: Uint8Array): void;
}

export interface CallContext {
  readonly chainId: ChainId;
  readonly height: Height;
  /** Block time from the header, in milliseconds; never the local clock. */
  readonly time: number;
  readonly txHash: Hash;
  readonly sender: Address;
  readonly senderKey: PublicKey;
  /** The sender's agency, or null for a non-member calling a public contract. */
  readonly senderAgency: string | null;
  /** The sender's roles in its agency (admin, operator, staff, auditor, ...). */
  readonly senderRoles: readonly string[];
  readonly state: ContractState;
  emit(name: string, data: CborValue): void;
  /** Charges gas; throws OUT_OF_GAS past the transaction's limit. */
  chargeGas(amount: number): void;
  /** Gas left before the transaction's limit (contract runtimes meter their steps against it). */
  gasRemaining(): number;
  /** The contract that called this one, or null when the transaction called it directly. */
  readonly caller: string | null;
  /**
   * Set only on the calls the ledger makes itself at the start of block 1 from the genesis
   * document (its contract deployments); no transaction can produce it.
   */
  readonly genesis?: true;
  /**
   * Calls another contract's transaction method, at most `limits.contractCallDepthMax` deep. The
   * callee's writes and events join this call's only when it succeeds, and are reverted with
   * this call if this one later fails. A failure reaches the caller as a thrown ZwError.
   */
  call(contract: string, method: string, args: CborValue): CborValue;
}

export interface QueryContext {
  readonly chainId: ChainId;
  /** The latest committed block's height and time (milliseconds; 0 before any block). */
  readonly height: Height;
  readonly time: number;
  readonly state: Pick<ContractState, 'get'>;
  /** The contract whose query called this one, or null for the query the client asked. */
  readonly caller: string | null;
  /** The query's one gas budget, shared with the queries it calls (bounded, never charged). */
  gasRemaining(): number;
  /** Charges the budget; throws OUT_OF_GAS past `limits.contractQueryGasMax`. */
  chargeGas(amount: number): void;
  /**
   * Calls another contract's query method, at most `limits.contractCallDepthMax` deep. It sees
   * the same height and time and can write nothing: queries have no write path at all.
   */
  call(contract: string, method: string, args: CborValue): CborValue;
}

export type MethodSpec =
  | { readonly kind: 'tx'; readonly run: (ctx: CallContext, args: CborValue) => CborValue;
    /** Optional cheap check of the arguments' form, run at admission; throws BAD_ARGUMENTS. */
    readonly checkArgs?: (args: CborValue) => void }
  | { readonly kind: 'query'; readonly run: (ctx: QueryContext, args: CborValue) => CborValue };

export interface Contract {
  readonly name: string;
  readonly methods: ReadonlyMap<string, MethodSpec>;
}

/**
 * Finds contracts that are not built in: those deployed on chain (see src/system/contracts.ts).
 * It MUST decide from `state` alone, so that every node resolves the same name to the same code.
 */
export interface ContractResolver {
  resolve(name: string, state: StateReader): Contract | undefined;
  /** Called BEFORE a block executes and after it, to start and drop per-block runtimes. */
  beginBlock?(): void;
  endBlock?(): void;
}

export class ContractRegistry {
  private readonly contracts = new Map<string, Contract>();

  constructor(contracts: readonly Contract[], private readonly resolver?: ContractResolver) {
    for (const contract of contracts) this.contracts.set(contract.name, contract);
  }

  /**
   * A built-in contract, else a deployed one as `state` records it. Without `state` only the
   * built-in contracts are found.
   */
  get(name: string, state?: StateReader): Contract | undefined {
    const builtIn = this.contracts.get(name);
    if (builtIn !== undefined || state === undefined) return builtIn;
    return this.resolver?.resolve(name, state);
  }

  /** True for the names of built-in contracts, which no deployment may take. */
  isBuiltIn(name: string): boolean {
    return this.contracts.has(name);
  }

  beginBlock(): void {
    this.resolver?.beginBlock?.();
  }

  endBlock(): void {
    this.resolver?.endBlock?.();
  }

  /**
   * Refuses a transaction at admission whose contract, method or argument form is wrong, so the
   * client learns at once. Execution checks again: a contract may change before inclusion.
   */
  checkCall(contractName: string, method: string, args: CborValue, state?: StateReader): void {
    const contract = this.get(contractName, state);
    if (contract === undefined) {
      throw new ZwError(ErrorCode.UNKNOWN_CONTRACT, `no contract named ${contractName}`);
    }
    const spec = contract.methods.get(method);
    if (spec === undefined || spec.kind !== 'tx') {
      throw new ZwError(ErrorCode.UNKNOWN_METHOD,
        `contract ${contractName} has no transaction method ${method}`);
    }
    spec.checkArgs?.(args);
  }

  names(): string[] {
    return [...this.contracts.keys()].sort();
  }
}
