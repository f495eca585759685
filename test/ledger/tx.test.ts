// Proves the transaction format: signed transactions round-trip through the canonical encoding in
// both suites, and any single-byte change to an encoded signed transaction either fails to decode
// or fails signature verification — a signed object cannot be altered and still pass.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { asChainId, bytesEqual, isZwError } from '../../src/core/index.js';
import type { Height } from '../../src/core/index.js';
import { getSuite } from '../../src/crypto/index.js';
import type { SuiteName } from '../../src/crypto/index.js';
import { decodeTx, encodeTx, signTx, verifyTxSignature } from '../../src/ledger/index.js';

describe.each<SuiteName>(['intl', 'gm'])('signed transactions (%s)', (name) => {
  const suite = getSuite(name);
  const key = suite.generateKeyPair();
  const tx = signTx(suite, key.privateKey, {
    chainId: asChainId('test-chain'), sender: key.publicKey, nonce: 7, expiryHeight: 99 as Height,
    gasLimit: 50_000, contract: 'notary', method: 'put',
    args: { hash: new Uint8Array(32).fill(9), meta: { case: 'A-1' } },
  });
  const bytes = encodeTx(tx);

  it('round-trips and verifies', () => {
    const decoded = decodeTx(suite, bytes);
    expect(bytesEqual(encodeTx(decoded.tx), bytes)).toBe(true);
    expect(verifyTxSignature(suite, decoded.tx)).toBe(true);
  });

  it('breaks on any single-byte mutation', () => {
    fc.assert(fc.property(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }),
      (position, flip) => {
        const mutated = Uint8Array.from(bytes);
        mutated[position] = (mutated[position] as number) ^ flip;
        try {
          const decoded = decodeTx(suite, mutated);
          expect(verifyTxSignature(suite, decoded.tx)).toBe(false);
        } catch (error) {
          expect(isZwError(error)).toBe(true);
        }
      }), { numRuns: 400 });
  });
});
