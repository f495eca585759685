// Adapters from the identity and governance contracts to the ledger's and chain's hooks, so the
// node wires them in a few lines: the sender resolver (ExecutionEnvironment.identify), genesis
// writes for block 1, the validator schedule by height, and cross-namespace reads over a
// tree-keyed StateReader.
import { ErrorCode, ZwError } from '../core/index.js';
import type { Address, HashFunction, PublicKey, Validator } from '../core/index.js';
import type { CryptoSuite } from '../crypto/index.js';
import { stateTreeKey } from '../ledger/index.js';
import type { IdentifySender, StateReader, StateUpdate } from '../ledger/index.js';
import { genesisIdentityUpdates } from './bootstrap.js';
import type { GenesisIdentityInput } from './bootstrap.js';
import { resolveSender } from './identity.js';
import type { SystemStateRead } from './keys.js';
import { readValidatorSchedule } from './schedule.js';

/** Reads any contract's namespace out of a StateReader keyed by tree key. */
export function treeReader(hash: HashFunction, state: StateReader): SystemStateRead {
  return (contract, key) => state.get(stateTreeKey(hash, contract, key));
}

/**
 * The ledger's sender hook: members resolve to (agency, roles); refused members (suspended,
 * revoked, expired, agency not active, rotated-out root key) are refused UNAUTHORIZED for every
 * contract; non-members may call only `publicContracts`. Execution passes the block's current
 * writes, so a revocation applies to the very next transaction; admission passes the latest
 * committed state with the next height.
 */
export function identifySender(hash: HashFunction, publicContracts: readonly string[]):
  IdentifySender {
  return (state, sender, contract, height) => {
    const who = resolveSender(treeReader(hash, state), sender, height);
    if (who === null) {
      return publicContracts.includes(contract) ? { agency: null, roles: [] }
        : new ZwError(ErrorCode.UNAUTHORIZED,
          `sender is not a member of any agency; contract ${contract} is not public`);
    }
    if ('refused' in who) return new ZwError(who.refused, who.reason);
    return { agency: who.agency, roles: who.roles };
  };
}

/** genesisIdentityUpdates as tree-keyed state updates for executeBlock's initialWrites. */
export function genesisStateUpdates(input: GenesisIdentityInput, suite: CryptoSuite):
  StateUpdate[] {
  return genesisIdentityUpdates(input, suite).map((write) => ({
    key: stateTreeKey(suite.hash, write.contract, write.key), value: write.value,
  }));
}

/** The validator schedule in the shape consensus uses (ValidatorSet validators). */
export function scheduledValidatorSets(hash: HashFunction, state: StateReader):
  { effectiveHeight: number; validators: Validator[] }[] {
  return readValidatorSchedule(treeReader(hash, state)).map((entry) => ({
    effectiveHeight: entry.effectiveHeight,
    validators: entry.validators.map((v) => ({ address: v.address as Address,
      publicKey: v.publicKey as PublicKey, power: v.power })),
  }));
}
