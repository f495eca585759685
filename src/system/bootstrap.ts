// Agencies as they enter the chain: checked input for an agency (from genesis or from an approved
// add-agency proposal) and the genesis state writes of the identity and governance namespaces —
// each genesis agency with its root admin key, and the genesis validators as the first entry of
// the validator schedule.
import { ErrorCode, ZwError, compareBytes, encode, toHex } from '../core/index.js';
import type { CborValue } from '../core/index.js';
import type { CryptoSuite } from '../crypto/index.js';
import { badArguments, readBytes, readInteger, readRecord, readText } from './args.js';
import type { ArgRecord } from './args.js';
import type { AgencyNode, AgencyRecord, KeyUse, RootAdminRecord } from './identity.js';
import { recordValue } from './identity.js';
import {
  agencyKey, agencyListKey, governanceContractName, identityContractName, keyUseKey,
  nodeAddressKey, rootAdminKey, validatorScheduleEntryKey, validatorScheduleKey,
} from './keys.js';
import { governanceLimits } from './limits.js';
import { isAgencyId } from './policy.js';
import { scheduleEntryValue } from './schedule.js';
import type { ScheduledValidator } from './schedule.js';

/** An agency as proposed or listed at genesis; keys as bytes or hex strings. */
export interface AgencyInput {
  readonly id: string;
  readonly name: string;
  readonly caCert: string;
  /** The P-256 CA that anchors node TLS when caCert cannot (see identity.ts). */
  readonly tlsCaCert?: string;
  /** caCert's issuers up to a self-signed root (see identity.ts). */
  readonly caChain?: readonly string[];
  readonly adminKey: Uint8Array;
  readonly nodes: readonly AgencyNode[];
  readonly weight: number;
}

export function readAgencyId(value: CborValue | undefined, what = 'agency id'): string {
  if (typeof value !== 'string' || !isAgencyId(value)) {
    throw badArguments(`${what} must look like instance/memberClass/memberCode[/subsystem]`);
  }
  return value;
}

/** Checks an untrusted agency description (the add-agency payload). */
export function readAgencyInput(suite: CryptoSuite, value: CborValue | undefined): AgencyInput {
  const record = readRecord(value, 'agency', ['id', 'name', 'caCert', 'tlsCaCert', 'caChain',
    'adminKey', 'nodes', 'weight']);
  const nodes = record.nodes === undefined ? [] : readNodes(suite, record.nodes);
  return {
    id: readAgencyId(record.id),
    name: readText(record.name, 'name', governanceLimits.agencyNameBytesMax),
    ...readCaCerts(record),
    adminKey: readBytes(record.adminKey, 'adminKey', suite.publicKeyBytes),
    nodes,
    weight: record.weight === undefined ? 1
      : readInteger(record.weight, 'weight', 1, governanceLimits.agencyWeightMax),
  };
}

/** An agency's CA certificates as a record or proposal carries them. */
export interface CaCerts {
  readonly caCert: string;
  readonly tlsCaCert?: string;
  readonly caChain?: readonly string[];
}

/**
 * An agency's CA certificate and, optionally, the TLS CA it issued and its issuers up to a root,
 * each one PEM certificate. A form check only: X.509 is checked by the node
 * (src/node/agency-ca.ts) when it admits the proposal and when it builds its TLS trust, because
 * it needs the wall clock.
 */
export function readCaCerts(record: ArgRecord): CaCerts {
  const caCert = readPem(record.caCert, 'caCert');
  return {
    caCert,
    ...(record.tlsCaCert === undefined ? {}
      : { tlsCaCert: readPem(record.tlsCaCert, 'tlsCaCert') }),
    ...(record.caChain === undefined ? {} : { caChain: readChain(record.caChain) }),
  };
}

function readChain(value: CborValue): string[] {
  const max = governanceLimits.caChainCertificatesMax;
  if (!Array.isArray(value) || value.length === 0 || value.length > max) {
    throw badArguments(`caChain must list 1 to ${max} PEM certificates`);
  }
  return value.map((pem: CborValue, index: number) => readPem(pem, `caChain[${index}]`));
}

function readPem(value: CborValue | undefined, what: string): string {
  const pem = readText(value, what, governanceLimits.caCertBytesMax);
  if (!/^-----BEGIN CERTIFICATE-----\r?\n[\s\S]+-----END CERTIFICATE-----\s*$/.test(pem)) {
    throw badArguments(`${what} must be one PEM certificate`);
  }
  return pem;
}

function readNodes(suite: CryptoSuite, value: CborValue): AgencyNode[] {
  if (!Array.isArray(value) || value.length > governanceLimits.agencyNodesMax) {
    throw badArguments(`nodes must list at most ${governanceLimits.agencyNodesMax} nodes`);
  }
  return value.map((item: CborValue) => {
    const node = readRecord(item, 'node', ['name', 'publicKey', 'agency']);
    return {
      name: readText(node.name, 'node name', governanceLimits.nodeNameBytesMax),
      publicKey: readBytes(node.publicKey, 'node publicKey', suite.publicKeyBytes),
    };
  });
}

export function agencyRecord(input: AgencyInput, height: number): AgencyRecord {
  return { id: input.id, name: input.name, status: 'active', adminKey: input.adminKey,
    caCert: input.caCert, ...(input.tlsCaCert === undefined ? {} : { tlsCaCert: input.tlsCaCert }),
    ...(input.caChain === undefined ? {} : { caChain: input.caChain }),
    nodes: input.nodes, weight: input.weight, addedHeight: height, updatedHeight: height };
}

/** The genesis document's part that this module reads; the lead adds `adminKey` to agencies. */
export interface GenesisIdentityInput {
  readonly agencies: readonly {
    readonly id: string;
    readonly name: string;
    readonly caCert: string;
    readonly tlsCaCert?: string;
    readonly caChain?: readonly string[];
    /** Hex public key of the agency's root admin. */
    readonly adminKey: string;
    readonly weight?: number;
  }[];
  readonly nodes?: readonly { readonly agency: string; readonly name: string;
    readonly publicKey: string }[];
  readonly validators?: readonly { readonly agency: string; readonly publicKey: string;
    readonly power: number }[];
}

/** One write into a contract's namespace; the lead maps it to stateTreeKey(contract, key). */
export interface SystemStateWrite {
  readonly contract: string;
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

/**
 * The identity and governance state a chain starts with: each agency (active, at height 0) with
 * its root admin key and nodes, the agency list, the key index (identity `key/<address>`) of those
 * keys and the validators', and — when validators are given — the validator schedule's first
 * entry, effective from height 1. A key given twice (two agencies' admin, an admin that is also a
 * node, a validator key that is another agency's node) makes the genesis invalid. Sorted by
 * (contract, key) for determinism.
 */
export function genesisIdentityUpdates(
  input: GenesisIdentityInput, suite: CryptoSuite,
): SystemStateWrite[] {
  const writes: SystemStateWrite[] = [];
  const put = (key: Uint8Array, value: Uint8Array): void => {
    writes.push({ contract: governanceContractName, key, value });
  };
  const used = new Map<string, KeyUse>();
  const claim = (publicKey: Uint8Array, use: KeyUse['use'], agency: string): void => {
    const address = suite.address(publicKey);
    const hex = toHex(address);
    const other = used.get(hex);
    if (other !== undefined) {
      // A validator's key may be a node key of its own agency, as `zw init` makes them.
      if (use === 'validator' && other.use === 'node' && other.agency === agency) return;
      throw invalid(`key ${hex} of ${agency} (${use}) is already the ${other.use} key of ` +
        other.agency);
    }
    used.set(hex, { agency, use });
    writes.push({ contract: identityContractName, key: keyUseKey(address),
      value: recordValue({ agency, use } satisfies KeyUse) });
  };
  const ids = input.agencies.map((agency) => agency.id);
  if (new Set(ids).size !== ids.length) throw invalid('agency ids repeat');
  if (ids.length > governanceLimits.agenciesMax) throw invalid('too many agencies');
  for (const agency of input.agencies) {
    const nodes = (input.nodes ?? []).filter((node) => node.agency === agency.id)
      .map((node) => ({ name: node.name, publicKey: node.publicKey }));
    const checked = readAgencyInput(suite, { ...agency, nodes } as unknown as CborValue);
    put(agencyKey(checked.id), recordValue(agencyRecord(checked, 0)));
    const root: RootAdminRecord = { agency: checked.id, status: 'active' };
    const rootKey = rootAdminKey(suite.address(checked.adminKey));
    if (writes.some((write) => compareBytes(write.key, rootKey) === 0)) {
      throw invalid(`agency ${checked.id} shares its admin key with another agency`);
    }
    put(rootKey, recordValue(root));
    claim(checked.adminKey, 'admin', checked.id);
    for (const node of checked.nodes) {
      put(nodeAddressKey(suite.address(node.publicKey)), recordValue({ agency: checked.id }));
      claim(node.publicKey, 'node', checked.id);
    }
  }
  put(agencyListKey, encode([...ids].sort()));
  if (input.validators !== undefined) {
    const validators = genesisValidators(input, suite);
    for (const validator of validators) {
      claim(validator.publicKey, 'validator', validator.agency);
    }
    put(validatorScheduleEntryKey(0), scheduleEntryValue({ effectiveHeight: 1, validators }));
    put(validatorScheduleKey, encode(1));
  }
  return writes.sort((a, b) => a.contract === b.contract ? compareBytes(a.key, b.key)
    : a.contract < b.contract ? -1 : 1);
}

function genesisValidators(input: GenesisIdentityInput, suite: CryptoSuite):
  ScheduledValidator[] {
  return (input.validators ?? []).map((validator) => {
    if (!input.agencies.some((agency) => agency.id === validator.agency)) {
      throw invalid(`validator agency ${validator.agency} is not listed`);
    }
    const publicKey = readBytes(validator.publicKey, 'validator publicKey',
      suite.publicKeyBytes);
    return { address: suite.address(publicKey), publicKey, power: validator.power,
      agency: validator.agency };
  }).sort((a, b) => compareBytes(a.address, b.address));
}

function invalid(message: string): ZwError {
  return new ZwError(ErrorCode.INVALID_ARGUMENT, `genesis: ${message}`);
}
