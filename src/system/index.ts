// Public entry of `system`: the built-in system contracts every chain starts with.
import { ContractRegistry } from '../ledger/index.js';
import type { HashFunction } from '../core/index.js';
import type { ContractVm } from '../vm/index.js';
import { ContractsSystem } from './contracts.js';
import { notaryContract } from './notary.js';
import { governedSignatures, signaturesContract } from './signatures.js';
import type { SignaturesComponents } from './signatures.js';
import type { Contract } from '../ledger/index.js';
import { governanceContract } from './governance.js';
import { identityContract } from './identity.js';
import type { SystemComponents } from './identity.js';

export { notaryContract, notaryContractName, decodeNotaryRecord } from './notary.js';
export type { NotaryRecord } from './notary.js';
export { ContractsSystem, contractsContractName } from './contracts.js';
export type { ContractsInit, DeployedContract } from './contracts.js';
export { signaturesContract, signaturesContractName } from './signatures.js';
export type { SignaturesComponents, SignerIdentify } from './signatures.js';

export interface SystemOptions {
  readonly hash: HashFunction;
  /** The contract runtime; without it deployed contracts are unknown and deploys are refused. */
  readonly vm?: ContractVm;
  /** Hex addresses that may deploy contracts (genesis `contractDeployers`). */
  readonly deployers?: readonly string[];
  /** With these, the identity and governance contracts join the registry. */
  readonly governance?: SystemComponents;
  /** The `signatures` contract's suite and signer lookup; with `governance`, derived from it. */
  readonly signatures?: SignaturesComponents;
}

/**
 * The registry of built-in contracts, and with `options` the `contracts` system contract and the
 * resolver of contracts deployed through it.
 */
export function systemContracts(options?: SystemOptions): ContractRegistry {
  if (options === undefined) return new ContractRegistry([notaryContract()]);
  const builtInNames = new Set(['notary', 'contracts', 'identity', 'governance', 'signatures']);
  const system = new ContractsSystem({ hash: options.hash, vm: options.vm,
    deployers: (options.deployers ?? []).map((address) => address.toLowerCase()),
    builtIn: (name) => builtInNames.has(name),
    ...(options.governance === undefined ? {} : { read: options.governance.read }) });
  const governed = options.governance === undefined ? []
    : [identityContract(options.governance), governanceContract(options.governance)];
  const signatures = options.signatures ?? (options.governance === undefined ? undefined
    : governedSignatures(options.governance.suite, options.governance.read));
  return new ContractRegistry([notaryContract(), system.contract(), ...governed,
    ...(signatures === undefined ? [] : [signaturesContract(signatures)])], system);
}

// Identity, membership and governance (issue 5). The lead wires them into the registry with
// `governedSystemContracts`, calls resolveSender at admission and execution, seeds genesis with
// genesisIdentityUpdates, and reads the validator schedule and parameter overrides.
export {
  identityContract, resolveSender, requireAdmin, standardRoles, decodeMember, decodeAgency,
  decodeRootAdmin, decodeNodeKey, decodeKeyUse,
} from './identity.js';
export type {
  SystemComponents, MemberRecord, AgencyRecord, AgencyNode, RootAdminRecord, MemberStatus,
  AgencyStatus, SenderIdentity, SenderResolution, NodeKeyRecord, KeyUse, KeyUseKind,
} from './identity.js';
export { genesisIdentityUpdates, readAgencyInput } from './bootstrap.js';
export type { GenesisIdentityInput, SystemStateWrite, AgencyInput } from './bootstrap.js';
export { governanceContract, decodeProposal, policyFor, proposalAt } from './governance.js';
export type { Proposal, ProposalStatus, ProposalVote } from './governance.js';
export {
  readParamOverrides, readDeploymentApproval, isDeploymentApproved, isContractFrozen,
  initArgumentsHash,
} from './governance-effects.js';
export type { DeploymentApproval } from './governance-effects.js';
export {
  evaluatePolicy, readPolicy, defaultPolicy, proposalKinds, isProposalKind, isAgencyId,
} from './policy.js';
export type { Policy, ProposalKind, Voter, Outcome } from './policy.js';
export { readValidatorSchedule, validatorSetAt } from './schedule.js';
export type { ScheduleEntry, ScheduledValidator } from './schedule.js';
export {
  identityContractName, governanceContractName, memberKey, agencyMembersKey, agencyKey,
  agencyListKey, rootAdminKey, proposalKey, proposalCountKey, proposalSequenceKey,
  openProposalsKey, policyKey, validatorScheduleKey, validatorScheduleEntryKey, paramOverridesKey,
  deploymentKey, contractStatusKey, keyUseKey, nodeAddressKey, approvalUseKey, contractRecordKey,
} from './keys.js';
export type { SystemStateRead } from './keys.js';
export { governanceLimits } from './limits.js';

/** The identity and governance contracts over one chain's suite and cross-namespace reader. */
export function governedSystemContracts(components: SystemComponents): Contract[] {
  return [identityContract(components), governanceContract(components)];
}
export {
  treeReader, identifySender, genesisStateUpdates, scheduledValidatorSets,
} from './hooks.js';
