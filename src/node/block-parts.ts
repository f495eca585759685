// Block parts: a proposed block over limits.blockPartBytes travels as a signed `proposal-parts`
// header (part count and Merkle root over the parts' hashes) followed by `block-part` messages,
// each proven against that root, so a receiver checks every piece as it arrives and never has to
// take a multi-megabyte frame on trust. The root is not signed: a peer could announce a bogus
// one, so part sets are kept per (proposal, root), bounded, and the assembled block must still
// hash to what the proposer signed.
import {
  ErrorCode, ZwError, concatBytes, limits, merkleProof, merkleRoot, toHex, verifyMerkleProof,
} from '../core/index.js';
import type { HashFunction, SignedProposal } from '../core/index.js';
import type { BlockPartMessage, PeerMessage, ProposalPartsMessage } from '../network/index.js';

/** Part sets being assembled at once; the oldest is dropped beyond this. */
const partSetsMax = 16;

/** The messages that carry one proposal: the proposal itself, or its header and parts. */
export function proposalMessages(
  hash: HashFunction, proposal: SignedProposal, block: Uint8Array,
): PeerMessage[] {
  if (block.length <= limits.blockPartBytes) return [{ type: 'proposal', proposal, block }];
  const parts: Uint8Array[] = [];
  for (let offset = 0; offset < block.length; offset += limits.blockPartBytes) {
    parts.push(block.subarray(offset, offset + limits.blockPartBytes));
  }
  if (parts.length > limits.blockPartsMax) {
    throw new ZwError(ErrorCode.TOO_LARGE, `block needs ${parts.length} parts`);
  }
  const leaves = parts.map((part) => hash(part));
  const root = merkleRoot(hash, leaves);
  const header: ProposalPartsMessage = { type: 'proposal-parts', proposal, total: parts.length,
    root };
  return [header, ...parts.map((bytes, index): BlockPartMessage => ({
    type: 'block-part', height: proposal.height, round: proposal.round, root, index,
    total: parts.length, bytes, path: merkleProof(hash, leaves, index).path }))];
}

interface PartSet {
  readonly proposal: SignedProposal;
  readonly total: number;
  readonly root: Uint8Array;
  readonly parts: (Uint8Array | undefined)[];
  received: number;
}

export class PartSetAssembler {
  private readonly sets = new Map<string, PartSet>();

  constructor(private readonly hash: HashFunction) {}

  private static key(height: number, round: number, root: Uint8Array): string {
    return `${height}/${round}/${toHex(root)}`;
  }

  /** Starts a part set for a proposal whose signature the caller has checked. */
  begin(message: ProposalPartsMessage): void {
    const key = PartSetAssembler.key(message.proposal.height, message.proposal.round,
      message.root);
    if (this.sets.has(key)) return;
    if (this.sets.size >= partSetsMax) {
      const oldest = this.sets.keys().next().value;
      if (oldest !== undefined) this.sets.delete(oldest);
    }
    this.sets.set(key, { proposal: message.proposal, total: message.total, root: message.root,
      parts: new Array<Uint8Array | undefined>(message.total).fill(undefined), received: 0 });
  }

  /**
   * Adds a part; returns the proposal and the whole block once every part is in. Parts with a
   * bad proof, of no known set, or already held are ignored.
   */
  add(message: BlockPartMessage): { proposal: SignedProposal; block: Uint8Array } | undefined {
    const key = PartSetAssembler.key(message.height, message.round, message.root);
    const set = this.sets.get(key);
    if (set === undefined || set.total !== message.total) return undefined;
    if (set.parts[message.index] !== undefined) return undefined;
    const proven = verifyMerkleProof(this.hash, set.root, this.hash(message.bytes),
      { index: message.index, total: message.total, path: message.path });
    if (!proven) return undefined;
    set.parts[message.index] = message.bytes;
    set.received += 1;
    if (set.received < set.total) return undefined;
    this.sets.delete(key);
    return { proposal: set.proposal, block: concatBytes(...(set.parts as Uint8Array[])) };
  }

  /** Forgets every set below `height` (called when a height is decided). */
  clearBelow(height: number): void {
    for (const [key, set] of this.sets) {
      if (set.proposal.height < height) this.sets.delete(key);
    }
  }
}
