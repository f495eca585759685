// How contract keys map into the one authenticated state tree: the tree key is the suite hash of
// the canonical pair (contract, key), so namespaces can never collide and every contract's data is
// provable with the same proof format.
import { encode } from '../core/index.js';
import type { HashFunction } from '../core/index.js';

export function stateTreeKey(hash: HashFunction, contract: string, key: Uint8Array): Uint8Array {
  return hash(encode(['zw/key/1', contract, key]));
}

/** The built-in namespace holding each account's next nonce. */
export const accountContract = 'account';
