// What the governance page and the session read from the node, through the SDK's governance
// helpers: agencies with their nodes, members, and proposals with their votes. The contracts'
// CBOR values are turned into plain view types here, once, so the pages stay free of casts.
import { toHex, toJsonValue } from '../../src/core/index.js';
import type { CborValue, JsonValue } from '../../src/core/index.js';
import {
  agencies as queryAgencies, member as queryMember, proposals as queryProposals,
} from '../../src/sdk/index.js';
import { client } from './node.js';

/** Every proposal kind the governance contract accepts, in the order the form lists them. */
export const proposalKinds = [
  'set-params', 'add-agency', 'suspend-agency', 'reinstate-agency', 'remove-agency',
  'rotate-agency-key', 'rotate-node-key', 'add-validator', 'remove-validator',
  'set-validator-power',
  'deploy-contract', 'upgrade-contract', 'freeze-contract', 'unfreeze-contract', 'set-policy',
] as const;

export type ProposalKind = (typeof proposalKinds)[number];

/** An example payload per kind, shown in the propose form as a starting point. */
export const payloadExamples: Readonly<Record<ProposalKind, string>> = {
  'set-params': '{ "timeoutCommitMs": 1000 }',
  'add-agency': '{ "id": "CN-BJ/GOV/…/edu", "name": "…", "caCert": "-----BEGIN CERTIFICATE-----…",'
    + ' "adminKey": "<hex>", "nodes": [{ "name": "edu", "publicKey": "<hex>" }] }',
  'suspend-agency': '{ "id": "CN-BJ/GOV/…" }',
  'reinstate-agency': '{ "id": "CN-BJ/GOV/…" }',
  'remove-agency': '{ "id": "CN-BJ/GOV/…" }',
  'rotate-agency-key': '{ "agency": "CN-BJ/GOV/…", "newAdminKey": "<hex>",'
    + ' "caCert": "-----BEGIN CERTIFICATE-----…", "tlsCaCert": "-----BEGIN CERTIFICATE-----…",'
    + ' "caChain": ["-----BEGIN CERTIFICATE-----…"] }',
  'rotate-node-key': '{ "agency": "CN-BJ/GOV/…", "publicKey": "<hex>", "newPublicKey": "<hex>" }',
  'add-validator': '{ "publicKey": "<hex>", "power": 10, "agency": "CN-BJ/GOV/…" }',
  'remove-validator': '{ "address": "<hex>" }',
  'set-validator-power': '{ "address": "<hex>", "power": 10 }',
  'deploy-contract': '{ "name": "registry", "version": "1.0.0", "sourceHash": "<hex>",'
    + ' "init": { … } }',
  'upgrade-contract': '{ "name": "registry", "version": "1.1.0", "sourceHash": "<hex>",'
    + ' "replacesVersion": "1.0.0" }',
  'freeze-contract': '{ "name": "registry" }',
  'unfreeze-contract': '{ "name": "registry" }',
  'set-policy': '{ "kind": "set-params", "policy": { "type": "MAJORITY" } }',
};

/** Bounds the contract enforces on a proposal's texts and window (src/system/limits.ts). */
export const proposalLimits = {
  reasonBytesMax: 2 * 1024,
  legalBasisBytesMax: 2 * 1024,
  deadlineBlocksMin: 1,
  deadlineBlocksMax: 200_000,
  deadlineBlocksDefault: 10_000,
} as const;

export interface AgencyNodeView { readonly name: string; readonly publicKey: string }

export interface AgencyView {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly weight: number;
  readonly nodes: readonly AgencyNodeView[];
  readonly addedHeight: number;
}

export interface MemberView {
  readonly address: string;
  readonly agency: string;
  readonly roles: readonly string[];
  readonly status: string;
  /** The agency's root admin key, which only governance can re-key. */
  readonly root: boolean;
}

export interface VoteView { readonly yes: boolean; readonly voter: string; readonly height: number }

export type PolicyView =
  | { readonly type: 'ALL' | 'MAJORITY' | 'ANY'; readonly weighted?: boolean }
  | { readonly type: 'N_OF'; readonly n: number; readonly weighted?: boolean }
  | { readonly type: 'FRACTION'; readonly numerator: number; readonly denominator: number;
    readonly weighted?: boolean }
  | { readonly type: 'LIST'; readonly agencies: readonly string[]; readonly all: boolean;
    readonly weighted?: boolean };

export interface ProposalView {
  readonly id: string;
  readonly kind: string;
  readonly payload: JsonValue;
  readonly reason: string;
  readonly legalBasis: string;
  readonly proposer: string;
  readonly createdHeight: number;
  readonly deadlineHeight: number;
  readonly policy: PolicyView;
  readonly status: string;
  readonly votes: Readonly<Record<string, VoteView>>;
  readonly closedHeight: number | null;
  readonly executedHeight: number | null;
  readonly executionError: string | null;
}

type CborRecord = Record<string, CborValue>;

function hex(value: CborValue | undefined): string {
  return value instanceof Uint8Array ? toHex(value) : String(value ?? '');
}

function numberOr(value: CborValue | undefined, fallback: number): number {
  return typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : fallback;
}

function agencyView(value: CborRecord): AgencyView {
  const nodes = Array.isArray(value.nodes) ? value.nodes as CborRecord[] : [];
  return {
    id: String(value.id), name: String(value.name), status: String(value.status),
    weight: numberOr(value.weight, 1), addedHeight: numberOr(value.addedHeight, 0),
    nodes: nodes.map((node) => ({ name: String(node.name), publicKey: hex(node.publicKey) })),
  };
}

function proposalView(value: CborRecord): ProposalView {
  const votes: Record<string, VoteView> = {};
  for (const [agency, vote] of Object.entries((value.votes ?? {}) as Record<string, CborRecord>)) {
    votes[agency] = { yes: vote.yes === true, voter: hex(vote.voter),
      height: numberOr(vote.height, 0) };
  }
  const optional = (field: CborValue | undefined) => (typeof field === 'number' ? field : null);
  return {
    id: hex(value.id), kind: String(value.kind), payload: toJsonValue(value.payload ?? null),
    reason: String(value.reason), legalBasis: String(value.legalBasis),
    proposer: String(value.proposer), createdHeight: numberOr(value.createdHeight, 0),
    deadlineHeight: numberOr(value.deadlineHeight, 0),
    policy: value.policy as unknown as PolicyView, status: String(value.status), votes,
    closedHeight: optional(value.closedHeight), executedHeight: optional(value.executedHeight),
    executionError: typeof value.executionError === 'string' ? value.executionError : null,
  };
}

export async function loadAgencies(): Promise<AgencyView[]> {
  const list = await queryAgencies(client);
  return (Array.isArray(list) ? list : [])
    .filter((item): item is CborRecord => item !== null && typeof item === 'object')
    .map(agencyView);
}

/** The newest proposals first (the contract lists at most 100). */
export async function loadProposals(): Promise<ProposalView[]> {
  const list = await queryProposals(client);
  return (Array.isArray(list) ? list as CborRecord[] : []).map(proposalView);
}

/** The member record of an address, or null when the address belongs to no agency. */
export async function loadMember(address: string): Promise<MemberView | null> {
  const value = await queryMember(client, address) as CborRecord | null;
  if (value === null) return null;
  return {
    address, agency: String(value.agency), status: String(value.status),
    roles: Array.isArray(value.roles) ? value.roles.map(String) : [], root: value.root === true,
  };
}

/** Whether this member may propose and vote: an active admin. */
export function isActiveAdmin(member: MemberView | null): boolean {
  return member !== null && member.status === 'active' && member.roles.includes('admin');
}
