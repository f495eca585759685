// The `identity` system contract: who a transaction's sender is. Members — people or systems of
// an agency — are registered, given roles, suspended, reinstated, revoked and re-keyed by an
// ACTIVE admin of the same ACTIVE agency. Agencies themselves are decided by the agencies together
// (governance.ts), so their records live in the governance namespace; an agency's root admin key
// is part of its agency record and acts as an admin member that only governance can re-key.
//
// Authorization uses the sender identity the ledger resolved before the call (ctx.senderAgency,
// ctx.senderRoles; see resolveSender). Cross-namespace reads: a contract sees only its own
// namespace through ctx.state, so identity reads agency records — for its queries and to keep a
// new member's address distinct from every root admin key — through the SystemStateRead given at
// construction, which reads the latest committed state (for a block being executed: the state it
// started from). Those uniqueness checks therefore see the other contract's changes from the next
// block on.
import { ErrorCode, ZwError, bytesEqual, compareBytes, decode, encode, toHex } from '../core/index.js';
import type { CborValue } from '../core/index.js';
import type { CryptoSuite } from '../crypto/index.js';
import type {
  CallContext, Contract, ContractState, MethodSpec, QueryContext,
} from '../ledger/index.js';
import {
  badArguments, readBytes, readInteger, readRecord, readText,
} from './args.js';
import type { ArgRecord } from './args.js';
import {
  agencyKey, agencyListKey, agencyMembersKey, governanceContractName, identityContractName,
  keyUseKey, memberKey, nodeAddressKey, rootAdminKey,
} from './keys.js';
import type { SystemStateRead } from './keys.js';
import { governanceLimits } from './limits.js';
import type { ScheduledValidator } from './schedule.js';

/** What the identity and governance contracts need from the chain they run on. */
export interface SystemComponents {
  readonly suite: CryptoSuite;
  /** Reads another system namespace in the block's starting state (see the header). */
  readonly read: SystemStateRead;
}

export const standardRoles = ['admin', 'operator', 'staff', 'auditor', 'validator-operator'] as const;
/** Standard roles and custom ones (e.g. `data-authority`) share one form. */
const rolePattern = /^[a-z][a-z0-9-]{1,31}$/;

export type MemberStatus = 'active' | 'suspended' | 'revoked';
export type AgencyStatus = 'active' | 'suspended' | 'removed';

/** identity `member/<address>`. Heights, never wall-clock time, bound its validity. */
export interface MemberRecord {
  readonly address: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly agency: string;
  /** Sorted, unique. */
  readonly roles: readonly string[];
  /** First and last height (inclusive) at which the member may act; null: no end. */
  readonly validFrom: number;
  readonly validUntil: number | null;
  readonly officialId: string | null;
  readonly status: MemberStatus;
  readonly registeredHeight: number;
  readonly updatedHeight: number;
  /** Set when the member was revoked by a key rotation: the address that replaced it. */
  readonly rotatedTo: Uint8Array | null;
}

export interface AgencyNode {
  readonly name: string;
  readonly publicKey: Uint8Array;
}

/** governance `agency/<id>`. */
export interface AgencyRecord {
  readonly id: string;
  readonly name: string;
  readonly status: AgencyStatus;
  /** The root admin's public key; its address acts as an admin member of the agency. */
  readonly adminKey: Uint8Array;
  /**
   * The agency's identity CA (PEM), made by `zw init` or brought from a government PKI (SM2,
   * Ed25519 or P-256). The add-agency or rotate-agency-key proposal that carried it binds it to
   * the agency.
   */
  readonly caCert: string;
  /** caCert's issuers up to a self-signed root, when caCert is not self-signed (ADR 0009). */
  readonly caChain?: readonly string[];
  /**
   * Present when caCert cannot anchor node TLS (not P-256, or not naming the agency): a P-256 CA
   * certificate issued by caCert and naming the agency, which peers trust for its nodes.
   */
  readonly tlsCaCert?: string;
  readonly nodes: readonly AgencyNode[];
  /**
   * While the agency is suspended: its validators as they were in the set when it was suspended
   * (they left the set then); reinstatement brings them back.
   */
  readonly suspendedValidators?: readonly ScheduledValidator[];
  /** Voting weight under weighted policies. */
  readonly weight: number;
  readonly addedHeight: number;
  readonly updatedHeight: number;
}

/** governance `root/<address>`. */
export interface RootAdminRecord {
  readonly agency: string;
  readonly status: 'active' | 'revoked';
}

/**
 * governance `node/<address>`: a node key of an agency. A key replaced by rotate-node-key stays
 * recorded as revoked (it is refused, never a stranger), naming the key that replaced it.
 */
export interface NodeKeyRecord {
  readonly agency: string;
  readonly status?: 'revoked';
  readonly rotatedTo?: Uint8Array;
}

export function decodeNodeKey(bytes: Uint8Array): NodeKeyRecord {
  return decode(bytes) as unknown as NodeKeyRecord;
}

/** What a key is used for; see keyUseKey. */
export type KeyUseKind = 'member' | 'admin' | 'node' | 'validator';

/** identity `key/<address>`. */
export interface KeyUse {
  readonly agency: string;
  readonly use: KeyUseKind;
}

export function decodeKeyUse(bytes: Uint8Array): KeyUse {
  return decode(bytes) as unknown as KeyUse;
}

export function decodeMember(bytes: Uint8Array): MemberRecord {
  return decode(bytes) as unknown as MemberRecord;
}

export function decodeAgency(bytes: Uint8Array): AgencyRecord {
  return decode(bytes) as unknown as AgencyRecord;
}

export function decodeRootAdmin(bytes: Uint8Array): RootAdminRecord {
  return decode(bytes) as unknown as RootAdminRecord;
}

export function recordValue(record: object): Uint8Array {
  return encode(record as unknown as CborValue);
}

export type SenderIdentity = { readonly agency: string; readonly roles: readonly string[] };
export type SenderResolution =
  | SenderIdentity
  | { readonly refused: ErrorCode; readonly reason: string }
  | null;

function refused(reason: string): SenderResolution {
  return { refused: ErrorCode.UNAUTHORIZED, reason };
}

/**
 * Who `address` is at `height`: its agency and roles; a refusal (code UNAUTHORIZED) for a member
 * that is suspended, revoked, outside its validFrom..validUntil heights, or whose agency is not
 * active, and for a root admin or node key replaced by rotation; null when the address is no
 * member. Pure: `get` reads the identity and governance namespaces of one state.
 *
 * The keys governance decides (root admins, nodes) resolve before member records: keys are
 * unique across all of them (keyUseKey), and should a record ever collide anyway, an agency admin
 * must not be able to take over another agency's node or admin by registering its public key.
 */
export function resolveSender(
  get: SystemStateRead, address: Uint8Array, height: number,
): SenderResolution {
  const root = get(governanceContractName, rootAdminKey(address));
  const node = root === undefined ? get(governanceContractName, nodeAddressKey(address))
    : undefined;
  let identity: SenderIdentity;
  if (root !== undefined) {
    const record = decodeRootAdmin(root);
    if (record.status !== 'active') return refused('root admin key was rotated out');
    identity = { agency: record.agency, roles: ['admin'] };
  } else if (node !== undefined) {
    const record = decodeNodeKey(node);
    if (record.status === 'revoked') return refused('node key was rotated out');
    // A member agency's node acts for its agency in the data exchange, nothing more.
    identity = { agency: record.agency, roles: ['node', 'exchange'] };
  } else {
    const stored = get(identityContractName, memberKey(address));
    if (stored === undefined) return null;
    const member = decodeMember(stored);
    if (member.status !== 'active') return refused(`member is ${member.status}`);
    if (height < member.validFrom) return refused(`member is valid from height ${member.validFrom}`);
    if (member.validUntil !== null && height > member.validUntil) {
      return refused(`member expired at height ${member.validUntil}`);
    }
    identity = { agency: member.agency, roles: member.roles };
  }
  const agency = get(governanceContractName, agencyKey(identity.agency));
  if (agency === undefined) return refused(`agency ${identity.agency} is unknown`);
  const status = decodeAgency(agency).status;
  if (status !== 'active') return refused(`agency ${identity.agency} is ${status}`);
  return identity;
}

function unauthorized(message: string): ZwError {
  return new ZwError(ErrorCode.UNAUTHORIZED, message);
}

/**
 * The caller's agency if the caller is an admin; else UNAUTHORIZED. The ledger resolved the
 * sender (ExecutionEnvironment.identify, built on resolveSender over the block's current state)
 * BEFORE the call and refused suspended, revoked and expired members and members of inactive
 * agencies; without that hook every sender arrives with no agency and is refused here.
 */
export function requireAdmin(ctx: CallContext): string {
  if (ctx.senderAgency === null) {
    throw unauthorized(`sender ${toHex(ctx.sender)} is not a member`);
  }
  if (!ctx.senderRoles.includes('admin')) throw unauthorized('only an agency admin may do this');
  return ctx.senderAgency;
}

/** Reads the contract's own namespace through ctx.state and the other one through `read`. */
function overlay(own: string, state: Pick<ContractState, 'get'>, read: SystemStateRead):
  SystemStateRead {
  return (contract, key) => (contract === own ? state.get(key) : read(contract, key));
}

export function readRoles(value: CborValue | undefined): string[] {
  if (!Array.isArray(value) || value.length === 0 ||
      value.length > governanceLimits.roleNamesPerMemberMax) {
    throw badArguments(`roles must list 1-${governanceLimits.roleNamesPerMemberMax} roles`);
  }
  const roles = value.map((role: CborValue) => {
    if (typeof role !== 'string' || !rolePattern.test(role)) {
      throw badArguments('a role is 2-32 characters of a-z, 0-9 and "-", starting with a letter');
    }
    return role;
  }).sort();
  if (new Set(roles).size !== roles.length) throw badArguments('roles repeat');
  return roles;
}

interface RegisterArgs {
  readonly publicKey: Uint8Array;
  readonly roles: string[];
  readonly validFrom: number | undefined;
  readonly validUntil: number | null;
  readonly officialId: string | null;
}

const heightMax = Number.MAX_SAFE_INTEGER;

function readRegisterArgs(suite: CryptoSuite, args: CborValue): RegisterArgs {
  const record = readRecord(args, 'registerMember arguments',
    ['publicKey', 'roles', 'validFrom', 'validUntil', 'officialId']);
  const validFrom = record.validFrom === undefined ? undefined
    : readInteger(record.validFrom, 'validFrom', 0, heightMax);
  const validUntil = record.validUntil === undefined || record.validUntil === null ? null
    : readInteger(record.validUntil, 'validUntil', validFrom ?? 0, heightMax);
  return {
    publicKey: readBytes(record.publicKey, 'publicKey', suite.publicKeyBytes),
    roles: readRoles(record.roles),
    validFrom, validUntil,
    officialId: record.officialId === undefined || record.officialId === null ? null
      : readText(record.officialId, 'officialId', governanceLimits.officialIdBytesMax),
  };
}

function readAddressArgs(args: CborValue, method: string, extra: readonly string[] = []):
  { address: Uint8Array; record: ArgRecord } {
  const record = readRecord(args, `${method} arguments`, ['address', ...extra]);
  return { address: readBytes(record.address, 'address', 20), record };
}

/** Fixed cost of an identity change on top of its state reads and writes. */
const changeGas = 2_000;

function addToIndex(state: ContractState, agency: string, address: Uint8Array): void {
  const stored = state.get(agencyMembersKey(agency));
  const list = stored === undefined ? [] : (decode(stored) as Uint8Array[]);
  if (list.length >= governanceLimits.membersPerAgencyMax) {
    throw new ZwError(ErrorCode.TOO_LARGE,
      `agency ${agency} already has ${governanceLimits.membersPerAgencyMax} members`);
  }
  const next = [...list, address].sort(compareBytes);
  state.set(agencyMembersKey(agency), encode(next));
}

function removeFromIndex(state: ContractState, agency: string, address: Uint8Array): void {
  const stored = state.get(agencyMembersKey(agency));
  const list = stored === undefined ? [] : (decode(stored) as Uint8Array[]);
  state.set(agencyMembersKey(agency),
    encode(list.filter((item) => !bytesEqual(item, address))));
}

/**
 * Why `address` cannot be used as `use` of `agency`, or null when it can. A validator key may be
 * a node key of the validator's own agency (the node signs blocks with it) or return to the set
 * after it left; every other reuse is refused. The records written before the key index existed
 * are checked too.
 */
function keyConflict(get: SystemStateRead, address: Uint8Array, use: KeyUseKind,
  agency: string): string | null {
  const reusable = (other: KeyUse): boolean => use === 'validator' && other.agency === agency &&
    (other.use === 'node' || other.use === 'validator');
  const stored = get(identityContractName, keyUseKey(address));
  if (stored !== undefined) {
    const other = decodeKeyUse(stored);
    return reusable(other) ? null : `is already a ${other.use} key of ${other.agency}`;
  }
  if (get(identityContractName, memberKey(address)) !== undefined) return 'is already a member';
  if (get(governanceContractName, rootAdminKey(address)) !== undefined) {
    return 'is already a root admin key';
  }
  const node = get(governanceContractName, nodeAddressKey(address));
  if (node !== undefined && !reusable({ agency: decodeNodeKey(node).agency, use: 'node' })) {
    return 'is already a node key';
  }
  return null;
}

/**
 * Records `address` as `use` of `agency` in the key index, or throws KEY_IN_USE. `get` reads this
 * namespace as the call sees it (its own writes included) and the other in the block's start.
 */
function claimKey(state: ContractState, get: SystemStateRead, address: Uint8Array,
  use: KeyUseKind, agency: string): void {
  const conflict = keyConflict(get, address, use, agency);
  if (conflict !== null) {
    throw new ZwError(ErrorCode.KEY_IN_USE, `key ${toHex(address)} ${conflict}`);
  }
  if (state.get(keyUseKey(address)) === undefined) {
    state.set(keyUseKey(address), recordValue({ agency, use } satisfies KeyUse));
  }
}

const keyUses: readonly KeyUseKind[] = ['member', 'admin', 'node', 'validator'];

/** claimKeys arguments: {keys: [{publicKey, use, agency}]}, from the governance contract. */
function readClaims(suite: CryptoSuite, args: CborValue):
  { address: Uint8Array; use: KeyUseKind; agency: string }[] {
  const keys = readRecord(args, 'claimKeys arguments', ['keys']).keys;
  if (!Array.isArray(keys) || keys.length === 0 ||
      keys.length > governanceLimits.agencyNodesMax + 1) {
    throw badArguments(`keys must list 1-${governanceLimits.agencyNodesMax + 1} keys`);
  }
  return keys.map((item: CborValue) => {
    const claim = readRecord(item, 'key claim', ['publicKey', 'use', 'agency']);
    if (!keyUses.includes(claim.use as KeyUseKind)) throw badArguments('use is not a key use');
    return { address: suite.address(readBytes(claim.publicKey, 'publicKey',
      suite.publicKeyBytes)), use: claim.use as KeyUseKind,
    agency: readText(claim.agency, 'agency', governanceLimits.agencyIdBytesMax) };
  });
}

/** The target member, which must belong to the caller's agency. */
function targetMember(ctx: CallContext, agency: string, address: Uint8Array): MemberRecord {
  const stored = ctx.state.get(memberKey(address));
  if (stored === undefined) {
    throw new ZwError(ErrorCode.NOT_FOUND, `no member ${toHex(address)}`);
  }
  const member = decodeMember(stored);
  if (member.agency !== agency) throw unauthorized('the member belongs to another agency');
  return member;
}

function saveMember(ctx: CallContext, member: MemberRecord): void {
  ctx.state.set(memberKey(member.address), recordValue(member));
}

type TxBody = (ctx: CallContext, args: CborValue) => CborValue;

function methods(components: SystemComponents): Map<string, MethodSpec> {
  const { suite, read } = components;
  const admin = requireAdmin;

  const register: TxBody = (ctx, args) => {
    const input = readRegisterArgs(suite, args);
    const agency = admin(ctx);
    ctx.chargeGas(changeGas);
    const address = suite.address(input.publicKey);
    claimKey(ctx.state, overlay(identityContractName, ctx.state, read), address, 'member',
      agency);
    const member: MemberRecord = {
      address, publicKey: input.publicKey, agency, roles: input.roles,
      validFrom: input.validFrom ?? ctx.height, validUntil: input.validUntil,
      officialId: input.officialId, status: 'active', registeredHeight: ctx.height,
      updatedHeight: ctx.height, rotatedTo: null,
    };
    saveMember(ctx, member);
    addToIndex(ctx.state, agency, address);
    ctx.emit('MemberRegistered', { address, agency, roles: member.roles, by: ctx.sender });
    return member as unknown as CborValue;
  };

  const setRoles: TxBody = (ctx, args) => {
    const { address, record } = readAddressArgs(args, 'setRoles', ['roles']);
    const roles = readRoles(record.roles);
    const agency = admin(ctx);
    ctx.chargeGas(changeGas);
    const member = targetMember(ctx, agency, address);
    if (member.status === 'revoked') throw badArguments('a revoked member cannot change');
    saveMember(ctx, { ...member, roles, updatedHeight: ctx.height });
    ctx.emit('MemberRolesChanged', { address, agency, roles, by: ctx.sender });
    return null;
  };

  const transition = (method: string, from: MemberStatus, to: MemberStatus, event: string):
    MethodSpec => ({
    kind: 'tx',
    checkArgs: (args) => { readAddressArgs(args, method); },
    run: (ctx, args) => {
      const { address } = readAddressArgs(args, method);
      const agency = admin(ctx);
      ctx.chargeGas(changeGas);
      const member = targetMember(ctx, agency, address);
      if (member.status !== from && !(to === 'revoked' && member.status === 'suspended')) {
        throw badArguments(`member is ${member.status}, not ${from}`);
      }
      saveMember(ctx, { ...member, status: to, updatedHeight: ctx.height });
      if (to === 'revoked') removeFromIndex(ctx.state, agency, address);
      ctx.emit(event, { address, agency, by: ctx.sender });
      return null;
    },
  });

  const rotate: TxBody = (ctx, args) => {
    const { address, record } = readAddressArgs(args, 'rotateMemberKey', ['newPublicKey']);
    const newKey = readBytes(record.newPublicKey, 'newPublicKey', suite.publicKeyBytes);
    const agency = admin(ctx);
    ctx.chargeGas(changeGas);
    const member = targetMember(ctx, agency, address);
    if (member.status === 'revoked') throw badArguments('a revoked member cannot be re-keyed');
    const newAddress = suite.address(newKey);
    claimKey(ctx.state, overlay(identityContractName, ctx.state, read), newAddress, 'member',
      agency);
    saveMember(ctx, { ...member, status: 'revoked', updatedHeight: ctx.height,
      rotatedTo: newAddress });
    saveMember(ctx, { ...member, address: newAddress, publicKey: newKey,
      registeredHeight: ctx.height, updatedHeight: ctx.height });
    removeFromIndex(ctx.state, agency, address);
    addToIndex(ctx.state, agency, newAddress);
    ctx.emit('MemberKeyRotated', { address, newAddress, agency, by: ctx.sender });
    return { address: newAddress };
  };

  // Governance claims the keys its proposals bring (root admins, nodes, validators) here, as the
  // last step of planning the effect, so that one index in one namespace sees every key at once.
  const claimKeys: TxBody = (ctx, args) => {
    if (ctx.caller !== governanceContractName) {
      throw unauthorized('only the governance contract claims keys');
    }
    const claims = readClaims(suite, args);
    ctx.chargeGas(changeGas);
    const get = overlay(identityContractName, ctx.state, read);
    for (const claim of claims) claimKey(ctx.state, get, claim.address, claim.use, claim.agency);
    return null;
  };

  const tx = (body: TxBody, check: (args: CborValue) => void): MethodSpec =>
    ({ kind: 'tx', run: body, checkArgs: check });
  return new Map<string, MethodSpec>([
    ['registerMember', tx(register, (args) => { readRegisterArgs(suite, args); })],
    ['setRoles', tx(setRoles, (args) => {
      readRoles(readAddressArgs(args, 'setRoles', ['roles']).record.roles);
    })],
    ['suspendMember', transition('suspendMember', 'active', 'suspended', 'MemberSuspended')],
    ['reinstateMember',
      transition('reinstateMember', 'suspended', 'active', 'MemberReinstated')],
    ['revokeMember', transition('revokeMember', 'active', 'revoked', 'MemberRevoked')],
    ['claimKeys', tx(claimKeys, (args) => { readClaims(suite, args); })],
    ['rotateMemberKey', tx(rotate, (args) => {
      readBytes(readAddressArgs(args, 'rotateMemberKey', ['newPublicKey']).record.newPublicKey,
        'newPublicKey', suite.publicKeyBytes);
    })],
    ...queries(read),
  ]);
}

function queries(read: SystemStateRead): [string, MethodSpec][] {
  const agency: MethodSpec = { kind: 'query', run: (_ctx, args) => {
    const id = readRecord(args, 'agency arguments', ['id']).id;
    if (typeof id !== 'string') throw badArguments('agency takes {id: string}');
    const stored = read(governanceContractName, agencyKey(id));
    return stored === undefined ? null : decode(stored);
  } };
  const agencies: MethodSpec = { kind: 'query', run: () => listAgencies(read) };
  const member: MethodSpec = { kind: 'query', run: (ctx, args) => {
    const address = readBytes(readRecord(args, 'member arguments', ['address']).address,
      'address', 20);
    return memberView(ctx, read, address);
  } };
  const members: MethodSpec = { kind: 'query', run: (ctx, args) => {
    const id = readRecord(args, 'members arguments', ['agency']).agency;
    if (typeof id !== 'string') throw badArguments('members takes {agency: string}');
    const stored = ctx.state.get(agencyMembersKey(id));
    const addresses = stored === undefined ? [] : (decode(stored) as Uint8Array[]);
    return addresses.map((address) => memberView(ctx, read, address));
  } };
  return [['agency', agency], ['agencies', agencies], ['member', member], ['members', members]];
}

export function listAgencies(read: SystemStateRead): CborValue {
  const list = read(governanceContractName, agencyListKey);
  const ids = list === undefined ? [] : (decode(list) as string[]);
  return ids.map((id) => {
    const stored = read(governanceContractName, agencyKey(id));
    return stored === undefined ? null : decode(stored);
  });
}

/**
 * A member record, or the virtual record of an agency's root admin or node key, resolved in the
 * order resolveSender uses.
 */
function memberView(ctx: QueryContext, read: SystemStateRead, address: Uint8Array): CborValue {
  const root = read(governanceContractName, rootAdminKey(address));
  if (root !== undefined) {
    const record = decodeRootAdmin(root);
    return { address, agency: record.agency, roles: ['admin'], root: true,
      status: record.status === 'active' ? 'active' : 'revoked' };
  }
  const node = read(governanceContractName, nodeAddressKey(address));
  if (node !== undefined) {
    const record = decodeNodeKey(node);
    return { address, agency: record.agency, roles: ['node', 'exchange'], node: true,
      status: record.status ?? 'active' };
  }
  const stored = ctx.state.get(memberKey(address));
  return stored === undefined ? null : decode(stored);
}

/** The `identity` contract; see the header for what `components.read` must read. */
export function identityContract(components: SystemComponents): Contract {
  return { name: identityContractName, methods: methods(components) };
}
