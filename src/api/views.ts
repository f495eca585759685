// JSON views of ledger objects for the HTTP API: bytes as lowercase hex, canonical values through
// core's tagged JSON mapping. The same shapes are documented in the OpenAPI document and parsed by
// the SDK, so a field here is an interface: rename nothing.
import { toBase64, toHex, toJsonValue } from '../core/index.js';
import type { Commit, JsonValue } from '../core/index.js';
import type { BlockHeader, Receipt } from '../ledger/index.js';

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

export function receiptView(receipt: Receipt): Record<string, JsonValue> {
  return {
    txHash: toHex(receipt.txHash),
    status: receipt.status,
    error: receipt.error,
    gasUsed: receipt.gasUsed,
    events: receipt.events.map((e) => ({
      contract: e.contract, name: e.name, data: toJsonValue(e.data),
    })),
    result: toJsonValue(receipt.result),
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
