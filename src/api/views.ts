// JSON views of ledger objects for the HTTP API: bytes as lowercase hex, canonical values through
// core's tagged JSON mapping. The same shapes are documented in the OpenAPI document and parsed by
// the SDK, so a field here is an interface: rename nothing.
import { toBase64, toHex, toJsonValue } from '../core/index.js';
import type { Commit, JsonValue } from '../core/index.js';
import type { BlockHeader, Receipt } from '../ledger/index.js';
import { eventView, hasPersonalEvents } from './personal.js';

export function headerView(header: BlockHeader): Record<string, JsonValue> {
  return {
    chainId: header.chainId,
    height: header.height,
    time: header.time,
    previousBlockHash: toHex(header.previousBlockHash),
    proposer: toHex(header.proposer),
    txRoot: toHex(header.txRoot),
    lastStateRoot: toHex(header.lastStateRoot),
    lastReceiptsRoot: toHex(header.lastReceiptsRoot),
    lastCommitHash: toHex(header.lastCommitHash),
    evidenceHash: toHex(header.evidenceHash),
    validatorsHash: toHex(header.validatorsHash),
  };
}

export function commitView(commit: Commit): Record<string, JsonValue> {
  return {
    height: commit.height,
    round: commit.round,
    blockHash: toHex(commit.blockHash),
    signatures: commit.signatures.map((s) => ({
      validator: toHex(s.validator), signature: toHex(s.signature),
    })),
  };
}

/**
 * A receipt as the public sees it: a personal event (./personal) keeps only its public fields,
 * and the receipt then says `redacted: true`; its proof cannot be checked from the redacted view
 * (the receipts root covers the whole encoding), which the portal shows as withheld.
 */
export function receiptView(receipt: Receipt): Record<string, JsonValue> {
  const redacted = hasPersonalEvents(receipt.events);
  return {
    txHash: toHex(receipt.txHash),
    status: receipt.status,
    error: receipt.error,
    gasUsed: receipt.gasUsed,
    events: receipt.events.map((e) => ({ ...eventView(e.contract, e.name, e.data) })),
    result: toJsonValue(receipt.result),
    ...(redacted ? { redacted: true } : {}),
  };
}

/** The material a client needs to check a value against a quorum-signed header. */
export interface ProofMaterial {
  /** Encoded header of the block that carries the root (base64 canonical CBOR). */
  readonly header: Uint8Array;
  /** Encoded commit for that header (base64 canonical CBOR). */
  readonly commit: Uint8Array;
  /** The encoded proof against the root (state proof or Merkle proof), base64. */
  readonly proof: Uint8Array;
}

export function proofView(material: ProofMaterial): Record<string, JsonValue> {
  return {
    header: toBase64(material.header),
    commit: toBase64(material.commit),
    proof: toBase64(material.proof),
  };
}
