// Governance and membership for clients: propose, vote, and read proposals, agencies and members
// through a node; the exact payloads of contract deployment and node re-key proposals, and the
// state of a deployment approval. Shared by the CLI and the portal; values come back as the
// contracts store them (byte strings as Uint8Array).
import {
  ErrorCode, ZwError, concatBytes, decode, encode, fromHex, fromJsonValue, utf8,
} from '../core/index.js';
import type { CborValue } from '../core/index.js';
import type { CryptoSuite } from '../crypto/index.js';
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

/** What a deploy-contract proposal names: exactly this source, version and init arguments. */
export interface DeploymentSpec {
  readonly name: string;
  readonly version: string;
  /** The built JS bundle, as `contracts.deploy` will receive it. */
  readonly source: string;
  /** The init arguments (null or absent: none). */
  readonly init?: CborValue;
}

/** The hash by which an approval binds init arguments: of their canonical CBOR. */
export function initArgumentsHash(suite: Pick<CryptoSuite, 'hash'>, init: CborValue): Uint8Array {
  return suite.hash(encode(init));
}

/**
 * The deploy-contract payload for `spec`: {name, version, sourceHash, init?}. The init arguments
 * travel as they are, so the voters read them (the contract stores their hash).
 */
export function deployPayload(suite: Pick<CryptoSuite, 'hash'>, spec: DeploymentSpec):
  CborValue {
  const init = spec.init ?? null;
  return { name: spec.name, version: spec.version, sourceHash: suite.hash(utf8(spec.source)),
    ...(init === null ? {} : { init }) };
}

/** The upgrade-contract payload: {name, version, sourceHash, replacesVersion}. */
export function upgradePayload(suite: Pick<CryptoSuite, 'hash'>,
  spec: Omit<DeploymentSpec, 'init'> & { readonly replacesVersion: string }): CborValue {
  return { name: spec.name, version: spec.version, sourceHash: suite.hash(utf8(spec.source)),
    replacesVersion: spec.replacesVersion };
}

/** A governance approval of one deployment, as the chain records it (see src/system). */
export interface DeploymentApprovalView {
  readonly name: string;
  readonly sourceHash: Uint8Array;
  readonly action: 'deploy' | 'upgrade';
  readonly version: string;
  readonly initHash: Uint8Array | null;
  readonly replacesVersion: string | null;
  /** The proposing agency: only its members may use the approval. */
  readonly agency: string;
  readonly proposalId: Uint8Array;
  readonly approvedHeight: number;
  /** Whether it was used: each approval is good for one deployment. */
  readonly used: boolean;
}

/**
 * The approval of deploying `sourceHash` as contract `name`, or null when governance approved
 * none. Reads governance `deployment/<name>/<sourceHash>` and contracts `used/<proposal id>`.
 */
export async function deploymentApproval(client: ZhengwuClient, name: string,
  sourceHash: Uint8Array): Promise<DeploymentApprovalView | null> {
  const stored = await client.state(governanceContractName,
    concatBytes(utf8(`deployment/${name}/`), sourceHash));
  if (stored.value === null) return null;
  const approval = decode(fromHex(stored.value, 'approval')) as unknown as
    Omit<DeploymentApprovalView, 'used'>;
  const use = await client.state('contracts', concatBytes(utf8('used/'), approval.proposalId));
  return { ...approval, used: use.value !== null };
}

/** What a rotate-node-key proposal names: the agency's node key and the key that replaces it. */
export interface NodeRekey {
  readonly agency: string;
  readonly publicKey: Uint8Array;
  readonly newPublicKey: Uint8Array;
}

/**
 * Proposes moving one of an agency's nodes to a new key. Once executed the old key is refused,
 * peers accept the node under the new key, and a validator with the old key is replaced by the
 * new one (same power) two heights after the proposal executes: restart the node with the new
 * keystore.
 */
export function proposeNodeRekey(account: Account, rekey: NodeRekey, reason: string,
  legalBasis: string, deadlineBlocks: number, options: SendOptions = {}): Promise<TxView> {
  return propose(account, 'rotate-node-key', { agency: rekey.agency,
    publicKey: rekey.publicKey, newPublicKey: rekey.newPublicKey }, reason, legalBasis,
  deadlineBlocks, options);
}
