// Read-only contract queries against a state snapshot (the latest state or a past height).
// Queries never write and are not metered by consensus; their cost is bounded by the API instead.
import { ErrorCode, ZwError, limits } from '../core/index.js';
import type { CborValue, ChainId, Height, HashFunction } from '../core/index.js';
import type { ContractRegistry, QueryContext } from './contract.js';
import type { StateReader } from './execute.js';
import { accountContract, stateTreeKey } from './state-keys.js';

export function runQuery(
  hash: HashFunction, contracts: ContractRegistry, state: StateReader,
  at: { chainId: ChainId; height: Height }, contractName: string, method: string,
  args: CborValue,
): CborValue {
  const contract = contracts.get(contractName, state);
  if (contract === undefined || contractName === accountContract) {
    throw new ZwError(ErrorCode.UNKNOWN_CONTRACT, `no contract named ${contractName}`);
  }
  const spec = contract.methods.get(method);
  if (spec === undefined || spec.kind !== 'query') {
    throw new ZwError(ErrorCode.UNKNOWN_METHOD,
      `contract ${contractName} has no query method ${method}`);
  }
  const ctx: QueryContext = {
    chainId: at.chainId,
    height: at.height,
    state: {
      get(key) {
        if (key.length === 0 || key.length > limits.stateKeyBytesMax) {
          throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'state key must be 1-256 bytes');
        }
        return state.get(stateTreeKey(hash, contractName, key));
      },
    },
  };
  return spec.run(ctx, args);
}
