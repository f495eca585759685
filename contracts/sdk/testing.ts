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

export interface ContractTestChain {
  /** The contract's name on this chain. */
  readonly name: string;
  /** A new account. */
  account(): TestAccount;
  /** Deploys the contract with `init` arguments (done for you with null unless `deploy: false`). */
  deploy(init?: Value): TestReceipt;
  /** One transaction in its own block; fails nothing itself: check `status`. */
  call(from: TestAccount, method: string, args?: Value): TestReceipt;
  query(method: string, args?: Value): Value;
  /** Moves block time forward (milliseconds). */
  advanceTime(ms: number): void;
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
