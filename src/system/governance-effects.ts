// What an approved proposal does, kind by kind, and how its payload is checked. Each effect is
// planned in two steps: `plan` reads state and throws a ZwError if the change cannot apply now
// (the agency already exists, the validator set would be empty, ...), and only then the returned
// `apply` writes. So a failing effect leaves no partial writes, and the proposal is recorded as
// `approved` with the error instead of executed.
import { ErrorCode, ZwError, bytesEqual, decode, encode, toHex } from '../core/index.js';
import type { CborValue } from '../core/index.js';
import type { CryptoSuite } from '../crypto/index.js';
import type { CallContext, ChainParams } from '../ledger/index.js';
import { badArguments, readBytes, readInteger, readRecord } from './args.js';
import { agencyRecord, readAgencyId, readAgencyInput, readCaCerts } from './bootstrap.js';
import type { AgencyInput } from './bootstrap.js';
import { decodeAgency, decodeNodeKey, decodeRootAdmin, recordValue } from './identity.js';
import type { AgencyRecord, AgencyStatus, KeyUseKind } from './identity.js';
import {
  agencyKey, agencyListKey, contractRecordKey, contractStatusKey, contractsContractName,
  deploymentKey, governanceContractName, identityContractName, nodeAddressKey,
  paramOverridesKey, policyKey, rootAdminKey,
} from './keys.js';
import type { SystemStateRead } from './keys.js';
import { governanceLimits } from './limits.js';
import { isProposalKind, readPolicy } from './policy.js';
import type { ProposalKind } from './policy.js';
import { appendSchedule, latestScheduleEntry } from './schedule.js';
import type { ScheduledValidator } from './schedule.js';

/** Everything an effect may use: the call, this namespace, the other one, the suite. */
export interface EffectContext {
  readonly ctx: CallContext;
  /** The identity namespace in the block's starting state (see identity.ts). */
  readonly read: SystemStateRead;
  readonly suite: CryptoSuite;
  readonly proposalId: Uint8Array;
  /** The agency that made the proposal (the one that may use a deployment approval). */
  readonly proposer: string;
}

type Apply = () => void;

/** Checks a proposal's payload for its kind; returns it in the form the proposal stores. */
export function readPayload(suite: CryptoSuite, kind: ProposalKind, payload: CborValue):
  CborValue {
  switch (kind) {
    case 'add-agency': return agencyInputValue(readAgencyInput(suite, payload));
    case 'suspend-agency': case 'reinstate-agency': case 'remove-agency':
      return { id: readAgencyId(readRecord(payload, kind, ['id']).id) };
    case 'rotate-agency-key': return readRotation(suite, payload);
    case 'rotate-node-key': return readNodeRotation(suite, payload);
    case 'add-validator': {
      const record = readRecord(payload, kind, ['publicKey', 'power', 'agency']);
      return { publicKey: readBytes(record.publicKey, 'publicKey', suite.publicKeyBytes),
        power: readPower(record.power), agency: readAgencyId(record.agency) };
    }
    case 'remove-validator':
      return { address: readBytes(readRecord(payload, kind, ['address']).address, 'address', 20) };
    case 'set-validator-power': {
      const record = readRecord(payload, kind, ['address', 'power']);
      return { address: readBytes(record.address, 'address', 20), power: readPower(record.power) };
    }
    case 'set-params': return readParams(payload);
    case 'deploy-contract': case 'upgrade-contract': return readDeployment(suite, kind, payload);
    case 'freeze-contract': case 'unfreeze-contract': return readContractName(payload);
    case 'set-policy': return readSetPolicy(payload);
  }
}

/**
 * rotate-agency-key: {agency, newAdminKey?, caCert?, tlsCaCert?, caChain?} replaces the root
 * admin key, the agency's CA certificates, or both; a tlsCaCert or caChain comes only with the
 * caCert it belongs to.
 */
function readRotation(suite: CryptoSuite, payload: CborValue): CborValue {
  const record = readRecord(payload, 'rotate-agency-key',
    ['agency', 'newAdminKey', 'caCert', 'tlsCaCert', 'caChain']);
  if (record.caCert === undefined && record.tlsCaCert !== undefined) {
    throw badArguments('tlsCaCert comes only with the caCert that issued it');
  }
  if (record.caCert === undefined && record.caChain !== undefined) {
    throw badArguments('caChain comes only with the caCert it certifies');
  }
  if (record.newAdminKey === undefined && record.caCert === undefined) {
    throw badArguments('rotate-agency-key needs newAdminKey, caCert or both');
  }
  return {
    agency: readAgencyId(record.agency),
    ...(record.newAdminKey === undefined ? {}
      : { newAdminKey: readBytes(record.newAdminKey, 'newAdminKey', suite.publicKeyBytes) }),
    ...(record.caCert === undefined ? {} : readCaCerts(record)),
  };
}

/**
 * rotate-node-key: {agency, publicKey, newPublicKey} moves one of the agency's nodes to a new key;
 * the old key is refused from then on, and if it was a validator the new key takes its place.
 */
function readNodeRotation(suite: CryptoSuite, payload: CborValue): CborValue {
  const record = readRecord(payload, 'rotate-node-key', ['agency', 'publicKey', 'newPublicKey']);
  const publicKey = readBytes(record.publicKey, 'publicKey', suite.publicKeyBytes);
  const newPublicKey = readBytes(record.newPublicKey, 'newPublicKey', suite.publicKeyBytes);
  if (bytesEqual(publicKey, newPublicKey)) throw badArguments('newPublicKey is the same key');
  return { agency: readAgencyId(record.agency), publicKey, newPublicKey };
}

function agencyInputValue(input: AgencyInput): CborValue {
  return input as unknown as CborValue;
}

function readPower(value: CborValue | undefined): number {
  return readInteger(value, 'power', 1, governanceLimits.validatorPowerMax);
}

type NumericParam = Exclude<keyof ChainParams, 'publicContracts' | 'contractDeployers'>;

/** Upper bounds of each numeric chain parameter a proposal may set. */
const paramMax: Readonly<Record<NumericParam, number>> = {
  blockTxsMax: 100_000,
  blockBytesMax: 64 * 1024 * 1024,
  txGasMax: 1_000_000_000,
  timeoutProposeMs: 600_000,
  timeoutPrevoteMs: 600_000,
  timeoutPrecommitMs: 600_000,
  timeoutDeltaMs: 600_000,
  timeoutCommitMs: 600_000,
  emptyBlockIntervalMs: 3_600_000,
};

const listParamEntriesMax = 32;

function readParams(payload: CborValue): CborValue {
  const numeric = Object.keys(paramMax) as NumericParam[];
  const record = readRecord(payload, 'set-params',
    [...numeric, 'publicContracts', 'contractDeployers']);
  if (Object.keys(record).length === 0) throw badArguments('set-params changes nothing');
  const out: Record<string, CborValue> = {};
  for (const name of numeric) {
    if (record[name] !== undefined) out[name] = readInteger(record[name], name, 1, paramMax[name]);
  }
  if (record.publicContracts !== undefined) {
    out.publicContracts = readNameList(record.publicContracts, 'publicContracts',
      contractNamePattern);
  }
  if (record.contractDeployers !== undefined) {
    out.contractDeployers = readNameList(record.contractDeployers, 'contractDeployers',
      /^[0-9a-f]{40}$/);
  }
  return out;
}

function readNameList(value: CborValue, what: string, pattern: RegExp): string[] {
  if (!Array.isArray(value) || value.length > listParamEntriesMax ||
      !value.every((item: CborValue) => typeof item === 'string' && pattern.test(item))) {
    throw badArguments(`${what} must list at most ${listParamEntriesMax} valid names`);
  }
  return [...new Set(value as string[])].sort();
}

const contractNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** The names and versions the `contracts` contract deploys under (see contracts.ts). */
export const deployNamePattern = /^[a-z][a-z0-9-]{1,47}$/;
export const deployVersionPattern = /^[0-9A-Za-z.+-]{1,32}$/;

/** The hash a deployment approval binds the init arguments by: of their canonical CBOR. */
export function initArgumentsHash(suite: Pick<CryptoSuite, 'hash'>, init: CborValue):
  Uint8Array {
  return suite.hash(encode(init));
}

function readDeployName(value: CborValue | undefined): string {
  if (typeof value !== 'string' || !deployNamePattern.test(value)) {
    throw badArguments('name must be 2-48 characters: a-z, 0-9 and -, starting with a letter');
  }
  return value;
}

function readVersion(value: CborValue | undefined, what: string): string {
  if (typeof value !== 'string' || !deployVersionPattern.test(value)) {
    throw badArguments(`${what} must be 1-32 characters: letters, digits, . + -`);
  }
  return value;
}

/**
 * What a deployment approval names, exactly, so that it can be used for that one deployment and
 * nothing else:
 * - deploy-contract {name, version, sourceHash, init? | initHash?}: the init arguments, given
 *   as they are (so the voters read them) or as the hash of their canonical CBOR; neither means
 *   no init arguments (null).
 * - upgrade-contract {name, version, sourceHash, replacesVersion}: the version it replaces, which
 *   must still be the deployed one when the upgrade is made (an upgrade runs no init).
 */
function readDeployment(suite: CryptoSuite, kind: 'deploy-contract' | 'upgrade-contract',
  payload: CborValue): CborValue {
  const upgrade = kind === 'upgrade-contract';
  const record = readRecord(payload, kind, upgrade
    ? ['name', 'version', 'sourceHash', 'replacesVersion']
    : ['name', 'version', 'sourceHash', 'init', 'initHash']);
  const common = { name: readDeployName(record.name), version: readVersion(record.version,
    'version'), sourceHash: readBytes(record.sourceHash, 'sourceHash', 32) };
  if (upgrade) {
    return { ...common, replacesVersion: readVersion(record.replacesVersion, 'replacesVersion') };
  }
  if (record.init !== undefined && record.initHash !== undefined) {
    throw badArguments('give init or initHash, not both');
  }
  if (record.init !== undefined) {
    return { ...common, init: record.init, initHash: initArgumentsHash(suite, record.init) };
  }
  return { ...common, initHash: record.initHash === undefined ? initArgumentsHash(suite, null)
    : readBytes(record.initHash, 'initHash', 32) };
}

/** freeze/unfreeze: {name}. */
function readContractName(payload: CborValue): CborValue {
  const record = readRecord(payload, 'contract payload', ['name']);
  if (typeof record.name !== 'string' || !contractNamePattern.test(record.name)) {
    throw badArguments('name must be a contract name of 1-64 characters');
  }
  return { name: record.name };
}

function readSetPolicy(payload: CborValue): CborValue {
  const record = readRecord(payload, 'set-policy', ['kind', 'policy']);
  if (!isProposalKind(record.kind)) throw badArguments('set-policy kind is not a proposal kind');
  const policy = readPolicy(record.policy);
  if (record.kind === 'set-policy' && policy.type === 'ANY') {
    throw badArguments('the policy of set-policy itself may not be ANY');
  }
  return { kind: record.kind, policy: policy as unknown as CborValue };
}

function failed(message: string): ZwError {
  return new ZwError(ErrorCode.CONTRACT_FAILED, message);
}

function loadAgency(e: EffectContext, id: string): AgencyRecord {
  const stored = e.ctx.state.get(agencyKey(id));
  if (stored === undefined) throw new ZwError(ErrorCode.NOT_FOUND, `no agency ${id}`);
  return decodeAgency(stored);
}

function saveAgency(e: EffectContext, agency: AgencyRecord): void {
  e.ctx.state.set(agencyKey(agency.id), recordValue(agency));
}

interface KeyClaim {
  readonly publicKey: Uint8Array;
  readonly use: KeyUseKind;
  readonly agency: string;
}

/**
 * Records the keys an effect brings in the one key index (identity `key/<address>`), or throws
 * KEY_IN_USE and records none. It writes, so a plan calls it LAST, once nothing else can fail.
 */
function claimKeys(e: EffectContext, keys: readonly KeyClaim[]): void {
  e.ctx.call(identityContractName, 'claimKeys', { keys: keys.map((key) => ({
    publicKey: key.publicKey, use: key.use, agency: key.agency })) });
}

/** Plans the effect of an approved proposal; throws if it cannot apply now. */
export function planEffect(e: EffectContext, kind: ProposalKind, payload: CborValue): Apply {
  const record = payload as Readonly<Record<string, CborValue>>;
  switch (kind) {
    case 'add-agency': return planAddAgency(e, record as unknown as AgencyInput);
    case 'suspend-agency': return planSuspend(e, record.id as string);
    case 'reinstate-agency': return planReinstate(e, record.id as string);
    case 'remove-agency': return planRemoveAgency(e, record.id as string);
    case 'rotate-agency-key': return planRotation(e, record);
    case 'rotate-node-key': return planNodeRotation(e, record);
    case 'add-validator': case 'remove-validator': case 'set-validator-power':
      return planValidators(e, kind, record);
    case 'set-params': return planParams(e, record);
    case 'deploy-contract': case 'upgrade-contract': return planDeployment(e, kind, record);
    case 'freeze-contract': case 'unfreeze-contract':
      return planFreeze(e, kind === 'freeze-contract', record.name as string);
    case 'set-policy': return () => {
      e.ctx.state.set(policyKey(record.kind as string), encode(record.policy as CborValue));
      e.ctx.emit('PolicyChanged', { kind: record.kind as string, policy: record.policy as
        CborValue, proposal: e.proposalId });
    };
  }
}

function planAddAgency(e: EffectContext, input: AgencyInput): Apply {
  if (e.ctx.state.get(agencyKey(input.id)) !== undefined) {
    throw failed(`agency ${input.id} already exists`);
  }
  const stored = e.ctx.state.get(agencyListKey);
  const ids = stored === undefined ? [] : (decode(stored) as string[]);
  if (ids.length >= governanceLimits.agenciesMax) throw failed('the agency list is full');
  const address = e.suite.address(input.adminKey);
  claimKeys(e, [{ publicKey: input.adminKey, use: 'admin', agency: input.id },
    ...input.nodes.map((node) => ({ publicKey: node.publicKey, use: 'node' as const,
      agency: input.id }))]);
  return () => {
    saveAgency(e, agencyRecord(input, e.ctx.height));
    e.ctx.state.set(rootAdminKey(address), recordValue({ agency: input.id, status: 'active' }));
    for (const node of input.nodes) {
      e.ctx.state.set(nodeAddressKey(e.suite.address(node.publicKey)),
        recordValue({ agency: input.id }));
    }
    e.ctx.state.set(agencyListKey, encode([...ids, input.id].sort()));
    e.ctx.emit('AgencyAdded', { id: input.id, name: input.name, adminAddress: address,
      proposal: e.proposalId });
  };
}

function requireStatus(agency: AgencyRecord, from: readonly AgencyStatus[]): void {
  if (!from.includes(agency.status)) throw failed(`agency ${agency.id} is ${agency.status}`);
}

/** The agency record without the validators parked by its suspension. */
function unparked(agency: AgencyRecord): AgencyRecord {
  const { suspendedValidators, ...rest } = agency;
  return suspendedValidators === undefined ? agency : rest;
}

/**
 * Suspension parks the agency's validators: they leave the newest scheduled set, so the set
 * without them signs from height + 2, and the agency record keeps them (with their power) for
 * reinstatement. Refused if the set would be left empty.
 */
function planSuspend(e: EffectContext, id: string): Apply {
  const agency = loadAgency(e, id);
  requireStatus(agency, ['active']);
  const current = scheduledValidators(e);
  const parked = current.filter((validator) => validator.agency === id);
  const schedule = parked.length === 0 ? undefined
    : planSchedule(e, current.filter((validator) => validator.agency !== id));
  return () => {
    saveAgency(e, { ...agency, status: 'suspended', updatedHeight: e.ctx.height,
      ...(parked.length === 0 ? {} : { suspendedValidators: parked }) });
    e.ctx.emit('AgencySuspended', { id, validatorsParked: parked.length,
      proposal: e.proposalId });
    schedule?.();
  };
}

/**
 * Reinstatement brings the parked validators back with the power they had, from height + 2;
 * one whose key has meanwhile joined the set otherwise stays out.
 */
function planReinstate(e: EffectContext, id: string): Apply {
  const agency = loadAgency(e, id);
  requireStatus(agency, ['suspended']);
  const current = scheduledValidators(e);
  const returning = (agency.suspendedValidators ?? []).filter((parked) =>
    !current.some((validator) => bytesEqual(validator.address, parked.address)));
  const schedule = returning.length === 0 ? undefined
    : planSchedule(e, [...current, ...returning]);
  return () => {
    saveAgency(e, { ...unparked(agency), status: 'active', updatedHeight: e.ctx.height });
    e.ctx.emit('AgencyReinstated', { id, validatorsReturned: returning.length,
      proposal: e.proposalId });
    schedule?.();
  };
}

/** Removal is final; the agency's validators leave the set with it, and parked ones are gone. */
function planRemoveAgency(e: EffectContext, id: string): Apply {
  const agency = loadAgency(e, id);
  requireStatus(agency, ['active', 'suspended']);
  const current = scheduledValidators(e);
  const remaining = current.filter((validator) => validator.agency !== id);
  const schedule = remaining.length === current.length ? undefined : planSchedule(e, remaining);
  return () => {
    saveAgency(e, { ...unparked(agency), status: 'removed', updatedHeight: e.ctx.height });
    e.ctx.emit('AgencyRemoved', { id, proposal: e.proposalId });
    schedule?.();
  };
}

/** Replaces the root admin key, the CA certificates, or both (see readRotation). */
function planRotation(e: EffectContext, record: Readonly<Record<string, CborValue>>): Apply {
  const id = record.agency as string;
  const agency = loadAgency(e, id);
  requireStatus(agency, ['active', 'suspended']);
  const newKey = record.newAdminKey as Uint8Array | undefined;
  const rekey = newKey === undefined ? undefined : planRekey(e, agency, newKey);
  const caCert = record.caCert as string | undefined;
  const tlsCaCert = record.tlsCaCert as string | undefined;
  const caChain = record.caChain as string[] | undefined;
  return () => {
    const certified = caCert === undefined ? agency
      : { ...withoutPkiCertificates(agency), caCert,
        ...(tlsCaCert === undefined ? {} : { tlsCaCert }),
        ...(caChain === undefined ? {} : { caChain }) };
    saveAgency(e, { ...certified, adminKey: newKey ?? agency.adminKey,
      updatedHeight: e.ctx.height });
    rekey?.();
    if (caCert !== undefined) {
      e.ctx.emit('AgencyCaRotated', { id, tlsCa: tlsCaCert !== undefined,
        proposal: e.proposalId });
    }
  };
}

/** The agency record without a TLS CA or chain, before a new CA replaces the old one's. */
function withoutPkiCertificates(agency: AgencyRecord): AgencyRecord {
  const { tlsCaCert, caChain, ...rest } = agency;
  return tlsCaCert === undefined && caChain === undefined ? agency : rest;
}

/** Moves the agency's root admin role to `newKey`; the old key is revoked. */
function planRekey(e: EffectContext, agency: AgencyRecord, newKey: Uint8Array): Apply {
  const address = e.suite.address(newKey);
  const oldAddress = e.suite.address(agency.adminKey);
  claimKeys(e, [{ publicKey: newKey, use: 'admin', agency: agency.id }]);
  return () => {
    const old = e.ctx.state.get(rootAdminKey(oldAddress));
    if (old !== undefined && decodeRootAdmin(old).agency === agency.id) {
      e.ctx.state.set(rootAdminKey(oldAddress),
        recordValue({ agency: agency.id, status: 'revoked' }));
    }
    e.ctx.state.set(rootAdminKey(address), recordValue({ agency: agency.id, status: 'active' }));
    e.ctx.emit('AgencyKeyRotated', { id: agency.id, oldAddress, newAddress: address,
      proposal: e.proposalId });
  };
}

/**
 * Moves one node of the agency to a new key. The old key's node record is kept as revoked, so it
 * is refused rather than becoming a stranger; peers accept the node with the new key from then
 * on (they read the agency's nodes); a validator with the old key is replaced by the new key
 * with the same power from height + 2, like every validator change, and so is one parked by a
 * suspension.
 */
function planNodeRotation(e: EffectContext, record: Readonly<Record<string, CborValue>>):
  Apply {
  const id = record.agency as string;
  const oldKey = record.publicKey as Uint8Array;
  const newKey = record.newPublicKey as Uint8Array;
  const agency = loadAgency(e, id);
  requireStatus(agency, ['active', 'suspended']);
  const index = agency.nodes.findIndex((node) => bytesEqual(node.publicKey, oldKey));
  const node = agency.nodes[index];
  if (node === undefined) {
    throw new ZwError(ErrorCode.NOT_FOUND, `agency ${id} has no node with key ` +
      toHex(e.suite.address(oldKey)));
  }
  const oldAddress = e.suite.address(oldKey);
  const newAddress = e.suite.address(newKey);
  const swap = (validator: ScheduledValidator): ScheduledValidator =>
    bytesEqual(validator.address, oldAddress)
      ? { ...validator, address: newAddress, publicKey: newKey } : validator;
  const current = scheduledValidators(e);
  const validator = current.some((v) => bytesEqual(v.address, oldAddress));
  const schedule = validator ? planSchedule(e, current.map(swap)) : undefined;
  const parked = agency.suspendedValidators;
  claimKeys(e, [{ publicKey: newKey, use: 'node', agency: id }]);
  return () => {
    saveAgency(e, { ...agency, updatedHeight: e.ctx.height,
      nodes: agency.nodes.map((item, i) => (i === index ? { ...item, publicKey: newKey } : item)),
      ...(parked === undefined ? {} : { suspendedValidators: parked.map(swap) }) });
    e.ctx.state.set(nodeAddressKey(oldAddress), recordValue({ agency: id, status: 'revoked',
      rotatedTo: newAddress }));
    e.ctx.state.set(nodeAddressKey(newAddress), recordValue({ agency: id }));
    e.ctx.emit('NodeKeyRotated', { agency: id, name: node.name, oldAddress, newAddress,
      validator, proposal: e.proposalId });
    schedule?.();
  };
}

/** The newest scheduled set (possibly not yet in effect): changes build on it. */
function latestValidators(e: EffectContext): readonly ScheduledValidator[] {
  const latest = latestScheduleEntry(e.ctx.state);
  if (latest === undefined) throw failed('no validator schedule: genesis wrote none');
  return latest.entry.validators;
}

/** The newest scheduled set, or none on a chain whose genesis scheduled no validators. */
function scheduledValidators(e: EffectContext): readonly ScheduledValidator[] {
  return latestScheduleEntry(e.ctx.state)?.entry.validators ?? [];
}

function planValidators(e: EffectContext, kind: ProposalKind,
  record: Readonly<Record<string, CborValue>>): Apply {
  const current = latestValidators(e);
  if (kind === 'add-validator') {
    const publicKey = record.publicKey as Uint8Array;
    const address = e.suite.address(publicKey);
    const agency = loadAgency(e, record.agency as string);
    if (agency.status !== 'active') throw failed(`agency ${agency.id} is ${agency.status}`);
    if (current.some((v) => bytesEqual(v.address, address))) {
      throw failed(`validator ${toHex(address)} is already in the set`);
    }
    const node = e.ctx.state.get(nodeAddressKey(address));
    if (node !== undefined && decodeNodeKey(node).status === 'revoked') {
      throw failed(`key ${toHex(address)} is a rotated-out node key`);
    }
    const schedule = planSchedule(e, [...current,
      { address, publicKey, power: record.power as number, agency: agency.id }]);
    claimKeys(e, [{ publicKey, use: 'validator', agency: agency.id }]);
    return schedule;
  }
  const address = record.address as Uint8Array;
  if (!current.some((v) => bytesEqual(v.address, address))) {
    throw new ZwError(ErrorCode.NOT_FOUND, `validator ${toHex(address)} is not in the set`);
  }
  if (kind === 'remove-validator') {
    return planSchedule(e, current.filter((v) => !bytesEqual(v.address, address)));
  }
  return planSchedule(e, current.map((v) => (bytesEqual(v.address, address)
    ? { ...v, power: record.power as number } : v)));
}

/** Checks the new set is usable by consensus and schedules it at height + delay. */
function planSchedule(e: EffectContext, validators: readonly ScheduledValidator[]): Apply {
  if (validators.length === 0) throw failed('the validator set would be empty');
  if (validators.length > governanceLimits.validatorsMax) throw failed('too many validators');
  const total = validators.reduce((sum, v) => sum + v.power, 0);
  if (!Number.isSafeInteger(total * 3)) throw failed('total voting power is too large');
  const effectiveHeight = e.ctx.height + governanceLimits.validatorDelayHeights;
  return () => {
    appendSchedule(e.ctx.state, effectiveHeight, validators);
    e.ctx.emit('ValidatorSetScheduled', { effectiveHeight, validators: validators.length,
      totalPower: total, proposal: e.proposalId });
  };
}

function planParams(e: EffectContext, record: Readonly<Record<string, CborValue>>): Apply {
  return () => {
    const merged = { ...readParamOverrides((_contract, key) => e.ctx.state.get(key)),
      ...record };
    e.ctx.state.set(paramOverridesKey, encode(merged as unknown as CborValue));
    e.ctx.emit('ParamsChanged', { params: record, proposal: e.proposalId });
  };
}

/**
 * Records the approval of one exact deployment (see DeploymentApproval). Checked against the
 * deployed contracts as the block started: a deploy of a name that exists, or an upgrade that no
 * longer replaces the deployed version, is not approved (the `contracts` contract checks again
 * when the approval is used).
 */
function planDeployment(e: EffectContext, kind: 'deploy-contract' | 'upgrade-contract',
  record: Readonly<Record<string, CborValue>>): Apply {
  const name = record.name as string;
  const sourceHash = record.sourceHash as Uint8Array;
  const version = record.version as string;
  const upgrade = kind === 'upgrade-contract';
  const stored = e.read(contractsContractName, contractRecordKey(name));
  const deployed = stored === undefined ? undefined
    : decode(stored) as { version: string; versions: string[] };
  if (!upgrade && deployed !== undefined) {
    throw failed(`contract ${name} is deployed; propose an upgrade-contract`);
  }
  if (upgrade) {
    const replaces = record.replacesVersion as string;
    if (deployed === undefined) throw new ZwError(ErrorCode.NOT_FOUND, `no contract ${name}`);
    if (deployed.version !== replaces) {
      throw new ZwError(ErrorCode.APPROVAL_MISMATCH, `the upgrade replaces ${name} ` +
        `${replaces}, but ${deployed.version} is deployed`);
    }
  }
  if (deployed?.versions.includes(version) === true) {
    throw failed(`${name} already had a version ${version}`);
  }
  const approval: DeploymentApproval = {
    name, sourceHash, action: upgrade ? 'upgrade' : 'deploy', version,
    initHash: upgrade ? null : record.initHash as Uint8Array,
    replacesVersion: upgrade ? record.replacesVersion as string : null,
    agency: e.proposer, proposalId: e.proposalId, approvedHeight: e.ctx.height,
  };
  return () => {
    e.ctx.state.set(deploymentKey(name, sourceHash), recordValue(approval));
    e.ctx.emit('ContractDeploymentApproved', { name, sourceHash, action: approval.action,
      version, agency: e.proposer, proposal: e.proposalId });
  };
}

function planFreeze(e: EffectContext, frozen: boolean, name: string): Apply {
  const stored = e.ctx.state.get(contractStatusKey(name));
  const wasFrozen = stored !== undefined && (decode(stored) as { frozen: boolean }).frozen;
  if (wasFrozen === frozen) throw failed(`contract ${name} is ${frozen ? '' : 'not '}frozen`);
  return () => {
    e.ctx.state.set(contractStatusKey(name), recordValue({ name, frozen,
      proposalId: e.proposalId, height: e.ctx.height }));
    e.ctx.emit(frozen ? 'ContractFrozen' : 'ContractUnfrozen', { name, proposal: e.proposalId });
  };
}

/**
 * The chain parameter overrides governance has set, merged over time (a later set-params wins
 * per parameter): governance state `params`, a CBOR map from ChainParams names to values
 * (integers; publicContracts and contractDeployers as sorted string arrays).
 * The node MUST apply them over the genesis params for blocks after the one that set them.
 */
export function readParamOverrides(get: SystemStateRead): Partial<ChainParams> {
  const stored = get(governanceContractName, paramOverridesKey);
  return stored === undefined ? {} : (decode(stored) as Partial<ChainParams>);
}

/**
 * governance `deployment/<name>/<sourceHash>`: an approved deploy or upgrade of contract `name`
 * with exactly the source whose (chain-suite) hash is `sourceHash`, as exactly `version`, with
 * exactly the init arguments whose hash is `initHash` (deploys) or replacing exactly
 * `replacesVersion` (upgrades). Only a member of `agency`, the proposing agency, may use it, in
 * a transaction of its own, and only once: the `contracts` contract records the use under
 * `used/<proposalId>` in its namespace (approvalUseKey). A later approval of the same source
 * replaces this record.
 */
export interface DeploymentApproval {
  readonly name: string;
  readonly sourceHash: Uint8Array;
  readonly action: 'deploy' | 'upgrade';
  readonly version: string;
  readonly initHash: Uint8Array | null;
  readonly replacesVersion: string | null;
  readonly agency: string;
  readonly proposalId: Uint8Array;
  readonly approvedHeight: number;
}

export function readDeploymentApproval(get: SystemStateRead, name: string,
  sourceHash: Uint8Array): DeploymentApproval | undefined {
  if (!contractNamePattern.test(name) || sourceHash.length !== 32) return undefined;
  const stored = get(governanceContractName, deploymentKey(name, sourceHash));
  return stored === undefined ? undefined : (decode(stored) as unknown as DeploymentApproval);
}

/** Whether governance approved deploying (or, with action, specifically deploy/upgrade) it. */
export function isDeploymentApproved(get: SystemStateRead, name: string,
  sourceHash: Uint8Array, action?: 'deploy' | 'upgrade'): boolean {
  const approval = readDeploymentApproval(get, name, sourceHash);
  return approval !== undefined && (action === undefined || approval.action === action);
}

/** governance `contract-status/<name>`: frozen contracts refuse transactions (VM enforces). */
export function isContractFrozen(get: SystemStateRead, name: string): boolean {
  if (!contractNamePattern.test(name)) return false;
  const stored = get(governanceContractName, contractStatusKey(name));
  return stored !== undefined && (decode(stored) as { frozen: boolean }).frozen;
}
