// Public entry of `state`: the authenticated, versioned state tree (a Jellyfish-style sparse
// Merkle tree over 256-bit key hashes), its proofs, and the node stores it reads from. The tree
// returns the nodes it creates and never writes; the disk format belongs to storage.
export { StateTree, hashCacheNodesDefault } from './tree.js';
export type { StateTreeInit, ValueWithProof } from './tree.js';
export type { TreeUpdate, UpdateResult } from './update.js';
export { MemoryNodeStore, OverlayNodeReader } from './store.js';
export type { NodeReader, NodeEntries } from './store.js';
export { verifyStateProof, encodeProof, decodeProof, proofSiblingsMax } from './proof.js';
export type { StateProof, StateProofLeaf } from './proof.js';
export { emptyRootHash, leafPrefix, internalPrefix } from './hashing.js';
export { rootNodeKey, nodeKeyVersion, nibblesMax } from './node.js';
