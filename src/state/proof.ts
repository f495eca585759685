// State proofs: plain data, their canonical encoding, and the standalone verifier. The verifier
// depends only on core and the shared hashing rules, because it runs in browsers inside the SDK,
// and it never throws: a malformed proof from an untrusted node is simply not a proof.
//
// A proof is the binary sparse-Merkle path of a key: the sibling hashes met from the root down to
// where the key's path ends, and what it ends at. It ends at a leaf (the key's own leaf for
// inclusion, another key's leaf that shares the whole path for non-inclusion) or at an empty
// subtree (`leaf: null`, non-inclusion).
import { ErrorCode, ZwError, bytesEqual, decode, encode, hashBytes } from '../core/index.js';
import type { CborValue, HashFunction } from '../core/index.js';
import { NodeHasher, emptyRootHash, keyBit } from './hashing.js';

/** The leaf a proof's path ends at: its key hash and the hash of its value. */
export interface StateProofLeaf {
  readonly key: Uint8Array;
  readonly valueHash: Uint8Array;
}

export interface StateProof {
  /**
   * Sibling hashes from the root down: siblings[i] is the hash of the subtree beside the key's
   * path at bit depth i + 1, i.e. the other child of the node where bit i of the key decides.
   */
  readonly siblings: readonly Uint8Array[];
  readonly leaf: StateProofLeaf | null;
}

/** A path through a 256-bit key space has at most 256 siblings. */
export const proofSiblingsMax = 256;

/**
 * Checks that `proof` shows `key` holding `value` (inclusion) or, when `value` is undefined,
 * holding nothing (non-inclusion) in the tree with root `root`. Returns false, never throws, for
 * any proof that does not show it, however malformed.
 */
export function verifyStateProof(
  hash: HashFunction, root: Uint8Array, key: Uint8Array, value: Uint8Array | undefined,
  proof: StateProof,
): boolean {
  try {
    if (!isHash(root) || !isHash(key) || !isWellFormed(proof)) return false;
    if (value !== undefined && !(value instanceof Uint8Array)) return false;
    if (!leafMatches(hash, key, value, proof)) return false;
    return bytesEqual(rootOfPath(new NodeHasher(hash), key, proof), root);
  } catch {
    return false;
  }
}

function leafMatches(
  hash: HashFunction, key: Uint8Array, value: Uint8Array | undefined, proof: StateProof,
): boolean {
  const leaf = proof.leaf;
  if (value !== undefined) {
    return leaf !== null && bytesEqual(leaf.key, key) && bytesEqual(leaf.valueHash, hash(value));
  }
  if (leaf === null) return true;
  // Another key's leaf proves absence only if it sits where this key's path would lead: the two
  // keys must share every bit the siblings decide on.
  return !bytesEqual(leaf.key, key) && commonPrefixBits(leaf.key, key) >= proof.siblings.length;
}

function rootOfPath(hasher: NodeHasher, key: Uint8Array, proof: StateProof): Uint8Array {
  const leaf = proof.leaf;
  let current = leaf === null ? emptyRootHash : hasher.leaf(leaf.key, leaf.valueHash);
  for (let depth = proof.siblings.length - 1; depth >= 0; depth--) {
    const sibling = proof.siblings[depth] as Uint8Array;
    current = keyBit(key, depth) === 1
      ? hasher.internal(sibling, current) : hasher.internal(current, sibling);
  }
  return current;
}

function commonPrefixBits(a: Uint8Array, b: Uint8Array): number {
  for (let index = 0; index < a.length; index++) {
    const difference = (a[index] as number) ^ (b[index] as number);
    if (difference !== 0) return index * 8 + Math.clz32(difference) - 24;
  }
  return a.length * 8;
}

function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === hashBytes;
}

/** Shape check for proofs that may come from JSON or an untrusted peer. */
function isWellFormed(proof: unknown): proof is StateProof {
  if (typeof proof !== 'object' || proof === null) return false;
  const { siblings, leaf } = proof as { siblings?: unknown; leaf?: unknown };
  if (!Array.isArray(siblings) || siblings.length > proofSiblingsMax) return false;
  // A plain loop, not `every`, which would skip the holes of a sparse array.
  for (let index = 0; index < siblings.length; index++) {
    if (!isHash(siblings[index])) return false;
  }
  if (leaf === null) return true;
  if (typeof leaf !== 'object' || leaf === undefined) return false;
  const { key, valueHash } = leaf as { key?: unknown; valueHash?: unknown };
  return isHash(key) && isHash(valueHash);
}

/** Canonical CBOR: [siblings, leaf] with leaf = [keyHash, valueHash] or null. */
export function encodeProof(proof: StateProof): Uint8Array {
  const leaf: CborValue = proof.leaf === null ? null : [proof.leaf.key, proof.leaf.valueHash];
  return encode([proof.siblings, leaf]);
}

/**
 * Decodes a proof from canonical CBOR. Throws ZwError MALFORMED for bytes that are not canonical
 * CBOR and INVALID_PROOF for CBOR that is not a proof.
 */
export function decodeProof(bytes: Uint8Array): StateProof {
  let value: CborValue;
  try {
    value = decode(bytes);
  } catch (error) {
    const code = error instanceof ZwError ? error.code : ErrorCode.MALFORMED;
    throw new ZwError(ErrorCode.MALFORMED, `state proof is not canonical CBOR (${code})`);
  }
  if (!Array.isArray(value) || value.length !== 2) throw invalid('not a [siblings, leaf] pair');
  const [siblings, leaf] = value as readonly CborValue[];
  if (!Array.isArray(siblings) || siblings.length > proofSiblingsMax) {
    throw invalid(`siblings must be a list of at most ${proofSiblingsMax} hashes`);
  }
  if (!(siblings as readonly CborValue[]).every(isHash)) throw invalid('sibling is not a hash');
  return { siblings: siblings as readonly Uint8Array[], leaf: decodeLeaf(leaf) };
}

function decodeLeaf(leaf: CborValue | undefined): StateProofLeaf | null {
  if (leaf === null) return null;
  if (!Array.isArray(leaf) || leaf.length !== 2) throw invalid('leaf must be [key, valueHash]');
  const [key, valueHash] = leaf as readonly CborValue[];
  if (!isHash(key) || !isHash(valueHash)) throw invalid('leaf key and value hash are 32 bytes');
  return { key, valueHash };
}

function invalid(reason: string): ZwError {
  return new ZwError(ErrorCode.INVALID_PROOF, `invalid state proof: ${reason}`);
}
