// Data sharing for clients: catalog search, sharing requests, access receipts, the citizen's
// usage log (all served by a node's data index), and evidence bundles that an auditor verifies
// offline: the receipt is believed only when a state proof links it to a header signed by more
// than 2/3 of the validators trusted from the genesis file, following every proven
// validator-set change in between. Nothing in a bundle is taken on faith.
import {
  ErrorCode, ZwError, bytesEqual, decode, encode, fromHex, fromJsonValue, toJsonValue, utf8,
} from '../core/index.js';
import type { JsonValue } from '../core/index.js';
import type { BlockHeader } from '../ledger/index.js';
import type { ProofView, StateView, ZhengwuClient } from './client.js';
import { trustAfterScheduleEntry } from './validators.js';
import { verifyStateView } from './verify.js';
import type { TrustedChain } from './verify.js';

import { usageProof, usageProofHeader } from './subjects.js';
import type { UsageReader } from './subjects.js';

export { normalizePersonalId } from '../crypto/index.js';

export const evidenceFormat = 'zhengwu-evidence/1';
const sharingContract = 'sharing';
const governanceContract = 'governance';
const receiptIdPattern = /^\d{14}-\d{8}$/;

export interface Page<T> {
  readonly items: readonly T[];
  /** Pass as `after` for the next page; null at the end. */
  readonly next: string | null;
}

export interface CatalogEntryView {
  readonly code: string;
  readonly provider: string;
  readonly category: string;
  readonly sharingType: string;
  readonly name: string;
  readonly abstract: string;
  readonly itemNames: readonly string[];
  readonly status: string;
  readonly version: number;
  readonly height: number;
}

export interface SharingRequestView {
  readonly id: string;
  readonly requester: string;
  readonly provider: string;
  readonly entry: string;
  readonly status: string;
  readonly deadline: number | null;
  readonly height: number;
}

export interface AccessReceiptView {
  readonly id: string;
  readonly requester: string;
  readonly provider: string;
  readonly entry: string;
  readonly purpose: string;
  readonly system: string;
  readonly items: readonly string[];
  readonly time: number;
  readonly height: number;
  readonly outcome: string;
  readonly disclosureHeight: number | null;
}

/** One access in the citizen's log; a covert one not yet disclosed shows only when it will be. */
export type UsageItem =
  | { readonly id: string; readonly covert: true; readonly disclosureHeight: number }
  | { readonly id: string; readonly covert: false; readonly time: number;
    readonly agency: string; readonly system: string; readonly purpose: string;
    readonly entry: string; readonly items: readonly string[]; readonly outcome: string };

export interface UsagePage extends Page<UsageItem> {
  readonly subject: string;
  /** The node's height when it answered (covert accesses are judged against it). */
  readonly height: number;
}

export interface PageOptions {
  readonly after?: string;
  readonly limit?: number;
}

export interface CatalogSearchOptions extends PageOptions {
  readonly provider?: string;
  /** A class digit (`3`) or class and item (`301`). */
  readonly category?: string;
  readonly sharingType?: 'UNCONDITIONAL' | 'CONDITIONAL' | 'NOT_SHARED';
  readonly status?: 'published' | 'disabled';
  /** Keyword in the name, abstract or item names. */
  readonly q?: string;
}

export interface RequestSearchOptions extends PageOptions {
  readonly agency: string;
  readonly side: 'requester' | 'provider';
  readonly status?: string;
}

export interface ReceiptSearchOptions extends PageOptions {
  readonly requester?: string;
  readonly provider?: string;
  readonly entry?: string;
  /** Block time range [from, to), ms. */
  readonly from?: number;
  readonly to?: number;
  readonly purpose?: string;
}

export interface EvidenceBundle {
  readonly format: string;
  readonly chainId: string;
  readonly receiptId: string;
  readonly contract: string;
  readonly key: string;
  /** The height whose state holds the receipt; the header of height + 1 signs it. */
  readonly height: number;
  /** Canonical CBOR of the receipt, hex: the proven value. */
  readonly value: string;
  /** The same receipt as JSON, for people to read. */
  readonly receipt: JsonValue;
  readonly proof: ProofView;
  /** Proven validator schedule entries 1..n that took effect by height + 1. */
  readonly validatorChanges: readonly { readonly index: number; readonly height: number;
    readonly value: string; readonly proof: ProofView }[];
  /** The set that signs the header, for information: the verifier derives its own. */
  readonly validators: readonly { readonly address: string; readonly publicKey: string;
    readonly power: number }[];
}

export interface VerifiedEvidence {
  /** The receipt exactly as proven, as JSON. */
  readonly receipt: Readonly<Record<string, JsonValue>>;
  readonly height: number;
  readonly header: BlockHeader;
  /** Validators in the set that signed the header (more than 2/3 of its power signed). */
  readonly validatorCount: number;
}

export function searchCatalog(client: ZhengwuClient, options: CatalogSearchOptions = {}):
  Promise<Page<CatalogEntryView>> {
  return client.get('/v1/catalog/entries', { ...options });
}

export function sharingRequests(client: ZhengwuClient, options: RequestSearchOptions):
  Promise<Page<SharingRequestView>> {
  return client.get('/v1/sharing/requests', { ...options });
}

export function receipts(client: ZhengwuClient, options: ReceiptSearchOptions = {}):
  Promise<Page<AccessReceiptView>> {
  return client.get('/v1/receipts', { ...options });
}

/**
 * A subject's usage log, read with a fresh proof signed by `reader`: the citizen's key with the
 * credential that names it, or an auditor's member key (ADR 0013).
 */
export async function usage(client: ZhengwuClient, subject: string, reader: UsageReader,
  options: PageOptions = {}): Promise<UsagePage> {
  const proof = await usageProof(client, reader, subject);
  return client.get(`/v1/usage/${encodeURIComponent(subject)}`, { ...options },
    { [usageProofHeader]: proof });
}

export function evidenceBundle(client: ZhengwuClient, receiptId: string):
  Promise<EvidenceBundle> {
  if (!receiptIdPattern.test(receiptId)) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, `${receiptId} is not a receipt id`);
  }
  return client.get(`/v1/receipts/${receiptId}/evidence`);
}

function invalid(message: string): ZwError {
  return new ZwError(ErrorCode.INVALID_PROOF, message);
}

/** A contract's raw state key for its string key (the VM's format, src/vm/key-index.ts). */
function contractValueKey(key: string): Uint8Array {
  return Uint8Array.from([0x64, ...utf8(key)]);
}

function stateView(contract: string, height: number, value: string, proof: ProofView):
  StateView {
  return { contract, key: '', height, treeKey: '', value, decoded: null, proof };
}

/** The trust that signs results of `bundle.height`, from the genesis trust and the changes. */
function signerTrust(bundle: EvidenceBundle, trust: TrustedChain): TrustedChain {
  let current = trust;
  bundle.validatorChanges.forEach((change, position) => {
    if (change.index !== position + 1) {
      throw invalid(`validator change ${position + 1} is missing (found entry ${change.index})`);
    }
    const next = trustAfterScheduleEntry(current,
      change.index, stateView(governanceContract, change.height, change.value, change.proof));
    if (next.effectiveHeight > bundle.height + 1) {
      throw invalid(`validator change ${change.index} takes effect after the signed header`);
    }
    current = next.trust;
  });
  return current;
}

function isRecord(value: JsonValue): value is Readonly<Record<string, JsonValue>> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Verifies an evidence bundle offline against trust from a genesis file (`trustFromGenesis`).
 * Throws INVALID_PROOF or INVALID_COMMIT, saying what does not hold, for a tampered receipt, a
 * wrong proof, a forged or short commit, a header of another chain, or a missing set change.
 */
export function verifyEvidenceBundle(bundle: EvidenceBundle, trust: TrustedChain):
  VerifiedEvidence {
  if (bundle.format !== evidenceFormat) throw invalid(`not an evidence bundle (${bundle.format})`);
  if (bundle.chainId !== trust.chainId) {
    throw invalid(`bundle is for chain ${bundle.chainId}, the genesis is ${trust.chainId}`);
  }
  if (!receiptIdPattern.test(bundle.receiptId) || bundle.contract !== sharingContract) {
    throw invalid('bundle names no access receipt of the sharing contract');
  }
  const signers = signerTrust(bundle, trust);
  // The key is derived here from the receipt id: a bundle cannot point the proof elsewhere.
  const key = contractValueKey(`rc/${bundle.receiptId}`);
  const proven = verifyStateView(signers,
    stateView(sharingContract, bundle.height, bundle.value, bundle.proof),
    sharingContract, key);
  if (proven.value === undefined) throw invalid(`receipt ${bundle.receiptId} is not proven`);
  // Canonical encoding makes equal values equal bytes, whatever order the JSON fields are in.
  let shown: Uint8Array;
  try {
    shown = encode(fromJsonValue(bundle.receipt));
  } catch {
    throw invalid('the bundle\'s receipt is not a canonical value');
  }
  if (!bytesEqual(shown, fromHex(bundle.value, 'value'))) {
    throw invalid('the bundle\'s receipt differs from the proven value');
  }
  const receipt = toJsonValue(decode(proven.value));
  if (!isRecord(receipt) || receipt.id !== bundle.receiptId) {
    throw invalid(`the proven value is not receipt ${bundle.receiptId}`);
  }
  return { receipt, height: proven.height, header: proven.header,
    validatorCount: signers.validatorSet.validators.length };
}
