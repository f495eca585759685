// Proves the transaction format: signed transactions round-trip through the canonical encoding in
// both suites, and any single-byte change to an encoded signed transaction either fails to decode
// or fails signature verification — a signed object cannot be altered and still pass.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { asChainId, bytesEqual, isZwError, limits } from '../../src/core/index.js';
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

// A deployment carries its whole bundle in one transaction: a bundle of the largest size a
// build allows, with init arguments, must fit the argument and transaction limits (it did not
// while arguments were capped at 32 KiB), and arguments beyond their limit are refused.
describe('transaction size limits', () => {
  const suite = getSuite('intl');
  const key = suite.generateKeyPair();
  const deploy = (sourceChars: number): Uint8Array => encodeTx(signTx(suite, key.privateKey, {
    chainId: asChainId('test-chain'), sender: key.publicKey, nonce: 0, expiryHeight: 99 as Height,
    gasLimit: 50_000, contract: 'contracts', method: 'deploy',
    args: { name: 'sharing', version: '1.0.0', source: 'x'.repeat(sourceChars),
      init: { catalog: 'catalog', covertDelayBlocksMax: 20_000_000 } },
  }));

  it('takes a deployment of the largest bundle a build allows', () => {
    const bytes = deploy(limits.contractSourceBytesMax);
    expect(bytes.length).toBeLessThanOrEqual(limits.txBytesMax);
    expect(decodeTx(suite, bytes).tx.method).toBe('deploy');
  });

  it('refuses arguments over their limit', () => {
    expect(() => decodeTx(suite, deploy(limits.argsBytesMax))).toThrow(/TOO_LARGE|exceed/);
  });
});
