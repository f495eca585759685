// `zhengwu/contract/testing`: what a contract's tests receive from `zw contract test`. Each test
// gets a fresh in-process chain with the contract (freshly built) deployed under its name; calls
// run through the real ledger and runtime, one block per call.
import type { Value } from './index.js';

/** A signing account of the test chain. */
export interface TestAccount {
  readonly address: string;
}

export interface TestReceipt {
  readonly status: string;
  readonly error: string;
  readonly gasUsed: number;
  readonly result: Value;
  readonly events: readonly { contract: string; name: string; data: Value }[];
}

/** Who an account is: the test chain's stand-in for the identity system contract. */
export interface TestIdentity {
  readonly agency: string;
  readonly roles: readonly string[];
}

export interface ContractTestChain {
  /** The contract's name on this chain. */
  readonly name: string;
  /**
   * A new account; with `identity`, a member of that agency holding those roles, so the
   * contract sees them in `ctx().agency` and `ctx().roles`. Without, a non-member.
   */
  account(identity?: TestIdentity): TestAccount;
  /** Deploys the contract with `init` arguments (done for you with null unless `deploy: false`). */
  deploy(init?: Value): TestReceipt;
  /**
   * Deploys another contract this one calls, under its own name: one listed in the project's
   * contract.json `"uses": { "<name>": "<project folder, relative>" }`, built before the tests.
   */
  deployContract(name: string, init?: Value): TestReceipt;
  /** One transaction in its own block; fails nothing itself: check `status`. */
  call(from: TestAccount, method: string, args?: Value): TestReceipt;
  query(method: string, args?: Value): Value;
  /** `call` and `query` on another deployed contract (see `deployContract`). */
  callContract(contract: string, from: TestAccount, method: string, args?: Value): TestReceipt;
  queryContract(contract: string, method: string, args?: Value): Value;
  /** Moves block time forward (milliseconds). */
  advanceTime(ms: number): void;
  /**
   * A data-exchange request signed by `from` for this chain (src/core/exchange-wire.ts), as a
   * member's client makes it; valid up to `expiryHeight` (default 30 blocks ahead).
   */
  exchangeRequest(from: TestAccount, action: 'upload' | 'fetch', body: Value,
    expiryHeight?: number): Uint8Array;
}

export interface ContractTest {
  /** Deploy before the test runs (default true); false to test init arguments. */
  readonly deploy?: boolean;
  readonly run: (chain: ContractTestChain) => void;
}

/** A contract's test file exports `tests` built with this. */
export function tests(cases: Record<string, ContractTest | ((chain: ContractTestChain) => void)>):
  Record<string, ContractTest> {
  const out: Record<string, ContractTest> = {};
  for (const [name, value] of Object.entries(cases)) {
    out[name] = typeof value === 'function' ? { run: value } : value;
  }
  return out;
}
