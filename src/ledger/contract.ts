// What the ledger needs to know about a contract: its name and methods. Built-in system contracts
// (src/system) and, later, TypeScript contracts in the VM both implement this interface, so block
// execution treats them alike. A method sees only its own contract's namespace of the state.
import { ErrorCode, ZwError } from '../core/index.js';
import type { Address, CborValue, ChainId, Hash, Height, PublicKey } from '../core/index.js';

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
}

export interface QueryContext {
  readonly chainId: ChainId;
  readonly height: Height;
  readonly state: Pick<ContractState, 'get'>;
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

export class ContractRegistry {
  private readonly contracts = new Map<string, Contract>();

  constructor(contracts: readonly Contract[]) {
    for (const contract of contracts) this.contracts.set(contract.name, contract);
  }

  get(name: string): Contract | undefined {
    return this.contracts.get(name);
  }

  /**
   * Refuses a transaction at admission whose contract, method or argument form is wrong, so the
   * client learns at once. Execution checks again: a contract may change before inclusion.
   */
  checkCall(contractName: string, method: string, args: CborValue): void {
    const contract = this.contracts.get(contractName);
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
