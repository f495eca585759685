// Public entry of `system`: the built-in system contracts every chain starts with.
import { ContractRegistry } from '../ledger/index.js';
import { notaryContract } from './notary.js';

export { notaryContract, notaryContractName, decodeNotaryRecord } from './notary.js';
export type { NotaryRecord } from './notary.js';

export function systemContracts(): ContractRegistry {
  return new ContractRegistry([notaryContract()]);
}
