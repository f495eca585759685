// Proves that the native suites (OpenSSL) and the portable suites (pure JavaScript, for
// browsers) are interchangeable in both directions: a signature, ciphertext or sealed value
// made by one is accepted by the other, and hashes, public keys and addresses agree.
import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../src/core/index.js';
import { backendKind, getPortableSuite, getSuite, sm4Ctr } from '../../src/crypto/index.js';
import type { SuiteName } from '../../src/crypto/index.js';
import { sm4Ctr as nativeSm4Ctr } from '../../src/crypto/node-gm.js';

const suiteNames: readonly SuiteName[] = ['intl', 'gm'];
const messages = [new Uint8Array(0), utf8('a'), utf8('区块 12345 的预投票'),
  new Uint8Array(4096).map((_, i) => i & 0xff)];

it('runs the native backend under Node', () => {
  expect(backendKind).toBe('native');
});

for (const name of suiteNames) {
  const native = getSuite(name);
  const portable = getPortableSuite(name);
  const pairs = [
    ['native', native, 'portable', portable],
    ['portable', portable, 'native', native],
  ] as const;

  describe(`${name}: native and portable agree`, () => {
    it('on hashes, public keys and addresses', () => {
      for (const message of messages) expect(native.hash(message)).toEqual(portable.hash(message));
      const pair = native.generateKeyPair();
      expect(portable.publicKeyOf(pair.privateKey)).toEqual(pair.publicKey);
      expect(portable.address(pair.publicKey)).toEqual(native.address(pair.publicKey));
      const encryption = portable.encryptionKeyPair();
      expect(native.encryptionPublicKeyOf(encryption.privateKey)).toEqual(encryption.publicKey);
    });

    for (const [signerName, signer, verifierName, verifier] of pairs) {
      it(`${signerName} signs, ${verifierName} verifies`, () => {
        const pair = signer.generateKeyPair();
        for (const message of messages) {
          const signature = signer.sign(pair.privateKey, message);
          expect(verifier.verify(pair.publicKey, message, signature)).toBe(true);
          expect(verifier.verify(pair.publicKey, utf8('other'), signature)).toBe(false);
        }
      });

      it(`${signerName} encrypts, ${verifierName} decrypts (public key and symmetric)`, () => {
        const pair = verifier.encryptionKeyPair();
        const key = native.hash(utf8('symmetric key for the test'));
        const aad = utf8('request 7');
        for (const message of messages.filter((m) => m.length > 0)) {
          const ciphertext = signer.encrypt(pair.publicKey, message);
          expect(verifier.decrypt(pair.privateKey, ciphertext)).toEqual(message);
          const sealed = signer.sealSymmetric(key, message, aad);
          expect(verifier.openSymmetric(key, sealed, aad)).toEqual(message);
          expect(() => verifier.openSymmetric(key, sealed, utf8('request 8'))).toThrow();
        }
        const empty = signer.sealSymmetric(key, new Uint8Array(0));
        expect(verifier.openSymmetric(key, empty)).toEqual(new Uint8Array(0));
      });
    }
  });
}

describe('SM4-CTR counter arithmetic', () => {
  // A counter block ending in ff..ff must carry into the higher bytes, in both implementations.
  it('matches between native and portable at every carry boundary', () => {
    const key = getSuite('gm').hash(utf8('k')).subarray(0, 16);
    const input = new Uint8Array(5 * 16 + 7).map((_, i) => (i * 7) & 0xff);
    for (const tail of ['00', 'fe', 'ffff', 'ffffffffffffffff', 'ff'.repeat(16)]) {
      const counter = new Uint8Array(16).fill(0x5a);
      const tailBytes = Uint8Array.from(tail.match(/../g) ?? [], (h) => parseInt(h, 16));
      counter.set(tailBytes, 16 - tailBytes.length);
      expect(toHex(sm4Ctr(key, counter, input)), tail)
        .toBe(toHex(nativeSm4Ctr(key, counter, input)));
    }
  });
});
