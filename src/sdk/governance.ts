// Governance and membership for clients: propose, vote, and read proposals, agencies and members
// through a node. Shared by the CLI and the portal; values come back as the contracts store them
// (byte strings as Uint8Array).
import { ErrorCode, ZwError, fromHex, fromJsonValue } from '../core/index.js';
import type { CborValue } from '../core/index.js';
import type { Account, SendOptions } from './account.js';
import type { TxView, ZhengwuClient } from './client.js';

export const identityContractName = 'identity';
export const governanceContractName = 'governance';

export type ProposalStatusFilter = 'open' | 'approved' | 'rejected' | 'expired' | 'executed';

/** The decided result of a governance or identity transaction, or its error as a ZwError. */
export function receiptResult(view: TxView): CborValue {
  if (view.status !== 'committed') throw new ZwError(ErrorCode.INTERNAL, 'not committed');
  if (view.receipt.status !== 'ok') {
    throw new ZwError(view.receipt.status as ErrorCode, view.receipt.error);
  }
  // The API carries results in their JSON form; give callers the canonical values back.
  return fromJsonValue(view.receipt.result);
}

function idBytes(id: string | Uint8Array): Uint8Array {
  return typeof id === 'string' ? fromHex(id, 'proposal id') : id;
}

/** Proposes a change; the proposing agency's yes vote is recorded with it. */
export function propose(
  account: Account, kind: string, payload: CborValue, reason: string, legalBasis: string,
  deadlineBlocks: number, options: SendOptions = {},
): Promise<TxView> {
  return account.sendAndWait(governanceContractName, 'propose',
    { kind, payload, reason, legalBasis, deadlineBlocks }, options);
}

/** Casts (or changes) the account's agency vote on an open proposal. */
export function vote(account: Account, proposalId: string | Uint8Array, choice: 'yes' | 'no',
  options: SendOptions = {}): Promise<TxView> {
  return account.sendAndWait(governanceContractName, 'vote',
    { id: idBytes(proposalId), vote: choice }, options);
}

export function proposal(client: ZhengwuClient, id: string | Uint8Array): Promise<CborValue> {
  return client.query(governanceContractName, 'proposal', { id: idBytes(id) });
}

export function proposals(client: ZhengwuClient, status?: ProposalStatusFilter):
  Promise<CborValue> {
  return client.query(governanceContractName, 'proposals', status === undefined ? {}
    : { status });
}

export function agency(client: ZhengwuClient, id: string): Promise<CborValue> {
  return client.query(identityContractName, 'agency', { id });
}

export function agencies(client: ZhengwuClient): Promise<CborValue> {
  return client.query(identityContractName, 'agencies', {});
}

export function member(client: ZhengwuClient, address: string | Uint8Array): Promise<CborValue> {
  return client.query(identityContractName, 'member',
    { address: typeof address === 'string' ? fromHex(address, 'address') : address });
}

export function members(client: ZhengwuClient, agencyId: string): Promise<CborValue> {
  return client.query(identityContractName, 'members', { agency: agencyId });
}

/** Runs an identity method (registerMember, setRoles, ...) as the account, an agency admin. */
export function identityCall(account: Account, method: string, args: CborValue,
  options: SendOptions = {}): Promise<TxView> {
  return account.sendAndWait(identityContractName, method, args, options);
}
