// Proves, by property tests over random inputs, that verification is unforgiving and never
// throws: any single-bit change to a message or a signature fails it, arbitrary bytes as a key
// or signature give false, non-canonical SM2 DER is refused by both implementations alike, and
// any single-bit change to a sealed value or ciphertext makes decryption fail.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../src/core/index.js';
import {
  decodeSm2Signature, encodeSm2Signature, getPortableSuite, getSuite, sm2Order,
} from '../../src/crypto/index.js';
import type { CryptoSuite } from '../../src/crypto/index.js';

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = bytes.slice();
  const index = Math.floor(bit / 8) % copy.length;
  copy[index] = (copy[index] as number) ^ (1 << (bit % 8));
  return copy;
}

const implementations: readonly { label: string; suite: CryptoSuite; runs: number }[] = [
  { label: 'native intl', suite: getSuite('intl'), runs: 200 },
  { label: 'native gm', suite: getSuite('gm'), runs: 200 },
  { label: 'portable intl', suite: getPortableSuite('intl'), runs: 50 },
  // The pure-JavaScript SM2 is the slowest thing here; fewer runs keep the suite quick.
  { label: 'portable gm', suite: getPortableSuite('gm'), runs: 25 },
];

for (const { label, suite, runs } of implementations) {
  describe(`${label}: verification`, () => {
    const pair = suite.generateKeyPair();
    const message = fc.uint8Array({ minLength: 1, maxLength: 300 });

    it('rejects any single-bit mutation of the message', () => {
      fc.assert(fc.property(message, fc.nat(), (bytes, bit) => {
        const signature = suite.sign(pair.privateKey, bytes);
        expect(suite.verify(pair.publicKey, bytes, signature)).toBe(true);
        expect(suite.verify(pair.publicKey, flipBit(bytes, bit), signature)).toBe(false);
      }), { numRuns: runs });
    });

    it('rejects any single-bit mutation of the signature', () => {
      fc.assert(fc.property(message, fc.nat(), (bytes, bit) => {
        const signature = suite.sign(pair.privateKey, bytes);
        expect(suite.verify(pair.publicKey, bytes, flipBit(signature, bit))).toBe(false);
      }), { numRuns: runs });
    });

    it('answers false, never throws, for arbitrary keys and signatures', () => {
      const bytes = fc.uint8Array({ maxLength: 100 });
      fc.assert(fc.property(bytes, bytes, bytes, (publicKey, data, signature) => {
        expect(suite.verify(publicKey, data, signature)).toBe(false);
      }), { numRuns: runs });
      const signature = suite.sign(pair.privateKey, new Uint8Array(1));
      const badKeys = [new Uint8Array(0), pair.publicKey.subarray(1),
        new Uint8Array(suite.publicKeyBytes), new Uint8Array(suite.publicKeyBytes).fill(0xff)];
      for (const badKey of badKeys) {
        expect(suite.verify(badKey, new Uint8Array(1), signature)).toBe(false);
      }
      expect(suite.verify(pair.publicKey, new Uint8Array(1), signature.subarray(1))).toBe(false);
    });
  });

  describe(`${label}: authenticated encryption`, () => {
    const key = fromHex('42'.repeat(32));
    const recipient = suite.encryptionKeyPair();

    it('fails to open a sealed value after any single-bit change', () => {
      fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), (plaintext, bit) => {
        const sealed = suite.sealSymmetric(key, plaintext);
        expect(() => suite.openSymmetric(key, flipBit(sealed, bit))).toThrow();
      }), { numRuns: runs });
    });

    it('fails to decrypt a public-key ciphertext after any single-bit change', () => {
      fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat(),
        (plaintext, bit) => {
          const ciphertext = suite.encrypt(recipient.publicKey, plaintext);
          expect(() => suite.decrypt(recipient.privateKey, flipBit(ciphertext, bit))).toThrow();
        }), { numRuns: Math.min(runs, 50) });
    });
  });
}

describe('SM2 signature encoding is strict in both implementations', () => {
  const native = getSuite('gm');
  const portable = getPortableSuite('gm');
  const pair = native.generateKeyPair();
  const message = new Uint8Array([1, 2, 3]);

  it('refuses non-canonical DER and out-of-range s for the same signature', () => {
    const signature = native.sign(pair.privateKey, message);
    const decoded = decodeSm2Signature(signature);
    expect(decoded).toBeDefined();
    if (decoded === undefined) return;
    const rBytes = signature.subarray(2, 4 + (signature[3] as number));
    const sPart = signature.subarray(4 + (signature[3] as number));
    const paddedR = Uint8Array.of(0x02, (rBytes[1] as number) + 1, 0, ...rBytes.subarray(2));
    const variants = {
      trailingByte: Uint8Array.of(...signature, 0),
      longFormLength: Uint8Array.of(0x30, 0x81, signature[1] as number, ...signature.subarray(2)),
      paddedInteger: Uint8Array.of(0x30, (signature[1] as number) + 1, ...paddedR, ...sPart),
      sPlusOrder: encodeSm2Signature({ r: decoded.r, s: decoded.s + sm2Order }),
      zeroR: encodeSm2Signature({ r: 0n, s: decoded.s }),
    };
    expect(native.verify(pair.publicKey, message, signature)).toBe(true);
    expect(portable.verify(pair.publicKey, message, signature)).toBe(true);
    for (const [name, variant] of Object.entries(variants)) {
      expect(native.verify(pair.publicKey, message, variant), `native ${name}`).toBe(false);
      expect(portable.verify(pair.publicKey, message, variant), `portable ${name}`).toBe(false);
    }
  });
});
