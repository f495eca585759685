// What the simulated nodes exchange, and the opaque values they agree on. A value id is a hash of
// (height, round, proposer); its first byte is the simulator's valid(v): 1 means valid. Values
// invented by byzantine nodes are valid unless they choose otherwise, so they can really win.
import { createHash } from 'node:crypto';
import { asChainId } from '../../src/core/index.js';
import type { Commit, Hash, SignedProposal, SignedVote } from '../../src/core/index.js';

export const chainId = asChainId('zw-sim');

/** What travels between simulated nodes. `commit` is the catch-up path (block sync). */
export type Wire =
  | { readonly kind: 'proposal'; readonly proposal: SignedProposal }
  | { readonly kind: 'vote'; readonly vote: SignedVote }
  | { readonly kind: 'status'; readonly height: number }
  | { readonly kind: 'commit'; readonly commit: Commit };

const validMark = 1;

function hashValue(...parts: (string | number)[]): Hash {
  const bytes = new Uint8Array(createHash('sha256').update(parts.join('/')).digest());
  bytes[0] = validMark;
  return bytes as Hash;
}

export function valueId(height: number, round: number, proposer: number): Hash {
  return hashValue('value', height, round, proposer);
}

export function evilValue(height: number, round: number, variant: number, valid = true): Hash {
  const value = hashValue('evil', height, round, variant);
  if (!valid) value[0] = 0;
  return value;
}

export function isValidValue(value: Uint8Array): boolean {
  return value[0] === validMark;
}

/** A fixed pseudo-random bit per (height, round, peer), the same for every colluder. */
export function colluderGroup(height: number, round: number, peer: number): number {
  const digest = createHash('sha256').update(`group/${height}/${round}/${peer}`).digest();
  return (digest[0] ?? 0) & 1;
}
