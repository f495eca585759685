// State key layouts of the identity and governance contracts, in one place, because three parties
// read them: the contracts themselves, the lead's execution and admission (resolveSender, the
// validator schedule, parameter overrides) and the VM's `contracts` deploy (approvals). A key is
// an ASCII prefix followed by raw bytes or a UTF-8 name; values are canonical CBOR maps.
import { concatBytes, utf8 } from '../core/index.js';

export const identityContractName = 'identity';
export const governanceContractName = 'governance';
export const contractsContractName = 'contracts';

/**
 * Reads one key of any contract's namespace. The ledger hashes (contract, key) into the tree key;
 * see stateTreeKey. System contracts receive one of these at construction for reading the OTHER
 * system namespace (their own namespace they always read through ctx.state).
 */
export type SystemStateRead = (contract: string, key: Uint8Array) => Uint8Array | undefined;

function prefixed(prefix: string, rest: Uint8Array): Uint8Array {
  return concatBytes(utf8(prefix), rest);
}

/** identity: `member/` + 20-byte address → Member record. */
export function memberKey(address: Uint8Array): Uint8Array {
  return prefixed('member/', address);
}

/**
 * identity: `key/` + 20-byte address → KeyUse { agency, use }: the one index of every key the
 * chain knows — members, agencies' root admins, nodes and validators — so no key ever serves two
 * of them (a node key registered as another agency's member would take over the node's
 * identity). Entries are never removed: a rotated-out or revoked key stays used. Governance
 * claims its keys through identity's `claimKeys`, so both contracts see one index, within a
 * block too.
 */
export function keyUseKey(address: Uint8Array): Uint8Array {
  return prefixed('key/', address);
}

/** identity: `members/` + agency id → sorted array of the agency's non-revoked addresses. */
export function agencyMembersKey(agency: string): Uint8Array {
  return prefixed('members/', utf8(agency));
}

/** governance: `agency/` + agency id → Agency record. */
export function agencyKey(agency: string): Uint8Array {
  return prefixed('agency/', utf8(agency));
}

/** governance: the sorted array of every agency id ever added (removed ones included). */
export const agencyListKey = utf8('agencies');

/**
 * governance: `root/` + 20-byte address → { agency, status: 'active' | 'revoked' }: the agency's
 * root admin key (set at genesis or by add-agency, replaced by rotate-agency-key).
 */
export function rootAdminKey(address: Uint8Array): Uint8Array {
  return prefixed('root/', address);
}

/**
 * governance: `node/` + 20-byte address → { agency, status?, rotatedTo? }: a node key of a member
 * agency (listed at genesis or by add-agency, replaced by rotate-node-key, after which the old
 * key's record says `status: 'revoked'`). A node signs its agency's data-exchange receipts with
 * it, so the sender resolution gives it the `node` and `exchange` roles of that agency.
 */
export function nodeAddressKey(address: Uint8Array): Uint8Array {
  return prefixed('node/', address);
}

/** governance: `proposal/` + 32-byte id → Proposal record. */
export function proposalKey(id: Uint8Array): Uint8Array {
  return prefixed('proposal/', id);
}

/** governance: how many proposals were ever created (the next sequence number). */
export const proposalCountKey = utf8('proposal-count');

/** governance: `proposal-seq/<n>` (decimal) → the id of the n-th proposal, from 0. */
export function proposalSequenceKey(sequence: number): Uint8Array {
  return utf8(`proposal-seq/${sequence}`);
}

/** governance: ids of the open proposals, oldest first. */
export const openProposalsKey = utf8('open-proposals');

/** governance: `policy/` + proposal kind → the Policy that replaced the default. */
export function policyKey(kind: string): Uint8Array {
  return prefixed('policy/', utf8(kind));
}

/** governance: how many validator schedule entries exist (see readValidatorSchedule). */
export const validatorScheduleKey = utf8('validator-schedule');

/** governance: `validator-schedule/<n>` (decimal, from 0) → the n-th ScheduleEntry. */
export function validatorScheduleEntryKey(index: number): Uint8Array {
  return utf8(`validator-schedule/${index}`);
}

/** governance: the chain parameter overrides (see readParamOverrides). */
export const paramOverridesKey = utf8('params');

/**
 * contracts: `c/` + contract name → the deployed contract's current record (DeployedContract);
 * governance reads it to check that an approved upgrade still replaces the deployed version.
 */
export function contractRecordKey(name: string): Uint8Array {
  return utf8(`c/${name}`);
}

/**
 * contracts: `used/` + 32-byte proposal id → { height, txHash, sender }: the deployment approval of
 * that proposal was used. The `contracts` contract cannot write governance's namespace, so it
 * records the use in its own; an approval is good for one deployment.
 */
export function approvalUseKey(proposalId: Uint8Array): Uint8Array {
  return prefixed('used/', proposalId);
}

/** governance: `deployment/` + contract name + `/` + 32-byte source hash → DeploymentApproval. */
export function deploymentKey(name: string, sourceHash: Uint8Array): Uint8Array {
  return concatBytes(utf8(`deployment/${name}/`), sourceHash);
}

/** governance: `contract-status/` + contract name → { frozen, proposalId, height }. */
export function contractStatusKey(name: string): Uint8Array {
  return prefixed('contract-status/', utf8(name));
}
