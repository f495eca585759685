// Read-only contract queries against a state snapshot (the latest state or a past height).
// Queries never write and are not metered by consensus; their cost is bounded by one gas budget
// per client query, shared by the query methods of other contracts that it calls.
import { ErrorCode, ZwError, limits } from '../core/index.js';
import type { CborValue, ChainId, Height, HashFunction } from '../core/index.js';
import type { ContractRegistry, QueryContext } from './contract.js';
import type { StateReader } from './execute.js';
import { accountContract, stateTreeKey } from './state-keys.js';

export function runQuery(
  hash: HashFunction, contracts: ContractRegistry, state: StateReader,
  at: { chainId: ChainId; height: Height; time?: number }, contractName: string, method: string,
  args: CborValue,
): CborValue {
  const budget = { remaining: limits.contractQueryGasMax };
  const query: QueryRun = { hash, contracts, state, at, budget };
  return runQueryMethod(query, contractName, method, args, null, 0);
}

/** What every query method of one client query shares: the snapshot and the gas budget. */
interface QueryRun {
  readonly hash: HashFunction;
  readonly contracts: ContractRegistry;
  readonly state: StateReader;
  readonly at: { chainId: ChainId; height: Height; time?: number };
  readonly budget: { remaining: number };
}

function runQueryMethod(
  query: QueryRun, contractName: string, method: string, args: CborValue, caller: string | null,
  depth: number,
): CborValue {
  const contract = query.contracts.get(contractName, query.state);
  if (contract === undefined || contractName === accountContract) {
    throw new ZwError(ErrorCode.UNKNOWN_CONTRACT, `no contract named ${contractName}`);
  }
  const spec = contract.methods.get(method);
  if (spec === undefined || spec.kind !== 'query') {
    throw new ZwError(ErrorCode.UNKNOWN_METHOD,
      `contract ${contractName} has no query method ${method}`);
  }
  const { budget } = query;
  const ctx: QueryContext = {
    chainId: query.at.chainId,
    height: query.at.height,
    time: query.at.time ?? 0,
    caller,
    state: {
      get(key) {
        if (key.length === 0 || key.length > limits.stateKeyBytesMax) {
          throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'state key must be 1-256 bytes');
        }
        return query.state.get(stateTreeKey(query.hash, contractName, key));
      },
    },
    gasRemaining: () => budget.remaining,
    chargeGas(amount) {
      budget.remaining -= amount;
      if (budget.remaining < 0) {
        budget.remaining = 0;
        throw new ZwError(ErrorCode.OUT_OF_GAS, `query exceeded ${limits.contractQueryGasMax} gas`);
      }
    },
    call(callee, calleeMethod, calleeArgs) {
      if (depth >= limits.contractCallDepthMax) {
        throw new ZwError(ErrorCode.CONTRACT_FAILED,
          `contract calls nest deeper than ${limits.contractCallDepthMax}`);
      }
      return runQueryMethod(query, callee, calleeMethod, calleeArgs, contractName, depth + 1);
    },
  };
  return spec.run(ctx, args);
}
