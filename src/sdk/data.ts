// Data sharing for clients: catalog search, sharing requests, access receipts, the citizen's
// usage log (all served by a node's data index), and evidence bundles that an auditor verifies
// offline: the receipt is believed only when a state proof links it to a header signed by more
// than 2/3 of the validators trusted from the genesis file, following every proven
// validator-set change in between. Nothing in a bundle is taken on faith.
import {
  ErrorCode, ZwError, bytesEqual, decode, encode, fromHex, fromJsonValue, toBase64, toJsonValue,
  utf8,
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
  /** Only for a reader who may see it (see `receipts`). */
  readonly purpose?: string;
  readonly subjects?: readonly string[];
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
  /** Needs a reader who may read purposes (an auditor, or a party naming its own agency). */
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
  /**
   * For a reader who may see them: the receipt's personal fields (`rx/<id>`), proven at the
   * same height.
   */
  readonly personal?: { readonly key: string; readonly value: string;
    readonly personal: JsonValue; readonly proof: ProofView };
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
  /** The personal fields as proven, when the bundle carries them; else null. */
  readonly personal: Readonly<Record<string, JsonValue>> | null;
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

/** The header a receipt reader proof travels in (ADR 0010). */
export const receiptReaderHeader = 'zw-reader-proof';

/** Who reads receipts' personal fields: a member whose account signs a fresh reader proof. */
export interface ReceiptReaderAccount {
  receiptReaderProof(validForBlocks?: number): Promise<Uint8Array>;
}

async function readerHeaders(reader: ReceiptReaderAccount | undefined):
  Promise<Record<string, string>> {
  return reader === undefined ? {}
    : { [receiptReaderHeader]: toBase64(await reader.receiptReaderProof()) };
}

/**
 * Access receipts by agency, entry and time range. Without `reader`, without their personal
 * fields (purpose, subjects) and without the purpose filter; with a reader's proof, with them
 * where the reader may read them: auditors and the data authority, or the receipt's parties.
 */
export async function receipts(client: ZhengwuClient, options: ReceiptSearchOptions = {},
  reader?: ReceiptReaderAccount): Promise<Page<AccessReceiptView>> {
  return client.get('/v1/receipts', { ...options }, await readerHeaders(reader));
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

/** The evidence of one receipt; with a `reader` entitled to them, of its personal fields too. */
export async function evidenceBundle(client: ZhengwuClient, receiptId: string,
  reader?: ReceiptReaderAccount): Promise<EvidenceBundle> {
  if (!receiptIdPattern.test(receiptId)) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, `${receiptId} is not a receipt id`);
  }
  return client.get(`/v1/receipts/${receiptId}/evidence`, {}, await readerHeaders(reader));
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
  return { receipt, personal: verifyPersonal(bundle, signers), height: proven.height,
    header: proven.header, validatorCount: signers.validatorSet.validators.length };
}

/** The bundle's personal fields, proven under the same header as the receipt. */
function verifyPersonal(bundle: EvidenceBundle, signers: TrustedChain):
  Readonly<Record<string, JsonValue>> | null {
  if (bundle.personal === undefined) return null;
  const proven = verifyStateView(signers,
    stateView(sharingContract, bundle.height, bundle.personal.value, bundle.personal.proof),
    sharingContract, contractValueKey(`rx/${bundle.receiptId}`));
  if (proven.value === undefined) throw invalid('the personal fields are not proven');
  let shown: Uint8Array;
  try {
    shown = encode(fromJsonValue(bundle.personal.personal));
  } catch {
    throw invalid('the bundle\'s personal fields are not a canonical value');
  }
  if (!bytesEqual(shown, proven.value)) {
    throw invalid('the bundle\'s personal fields differ from the proven value');
  }
  const personal = toJsonValue(decode(proven.value));
  if (!isRecord(personal) || personal.id !== bundle.receiptId) {
    throw invalid(`the proven personal fields are not those of receipt ${bundle.receiptId}`);
  }
  return personal;
}
