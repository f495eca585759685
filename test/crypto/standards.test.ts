// Proves that both implementations of both suites reproduce the published examples of their
// standards: SM3, SM4 (including the million-fold iteration), SM2 signing and encryption on the
// recommended curve with the default user id (Z_A, e, r, s and the ciphertext), Ed25519 from
// RFC 8032 and X25519 from RFC 7748.
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sm2, sm4 } from 'sm-crypto-v2';
import { concatBytes, fromHex, toHex, utf8 } from '../../src/core/index.js';
import {
  encodeSm2Ciphertext, encodeSm2Signature, getPortableSuite, getSuite, sm2UserHash, sm3, sm4Ctr,
} from '../../src/crypto/index.js';
import { sm4Ctr as nativeSm4Ctr } from '../../src/crypto/node-gm.js';
import { x25519Shared as nativeX25519 } from '../../src/crypto/node-intl.js';
import { x25519Shared as portableX25519 } from '../../src/crypto/portable-intl.js';
import {
  ed25519Vectors, sm2EncryptionVector, sm2SignatureVector, sm3Vectors, sm4Vector, x25519Vectors,
} from './vectors.js';

const implementations = [
  { name: 'native', suite: getSuite },
  { name: 'portable', suite: getPortableSuite },
] as const;

describe('SM3 (GB/T 32905-2016 Appendix A)', () => {
  for (const { name, suite } of implementations) {
    it(`${name} hashes the standard's two examples`, () => {
      for (const vector of sm3Vectors) {
        expect(toHex(suite('gm').hash(utf8(vector.message)))).toBe(vector.digest);
      }
    });
  }
});

describe('SM4 (GB/T 32907-2016 Appendix A)', () => {
  const key = fromHex(sm4Vector.key);
  const block = fromHex(sm4Vector.plaintext);

  // CTR with the plaintext as counter block and a zero input yields E_K(plaintext) exactly,
  // which checks the block cipher through the same code path that sealing uses.
  it('native and portable SM4-CTR reduce to the standard block encryption', () => {
    const zeros = new Uint8Array(16);
    expect(toHex(nativeSm4Ctr(key, block, zeros))).toBe(sm4Vector.ciphertext);
    expect(toHex(sm4Ctr(key, block, zeros))).toBe(sm4Vector.ciphertext);
  });

  it('native SM4 encrypts the example 1,000,000 times to the published value', () => {
    const cipher = createCipheriv('sm4-ecb', key, null).setAutoPadding(false);
    let state: Uint8Array = block;
    for (let i = 0; i < 1_000_000; i++) state = cipher.update(state);
    expect(toHex(state)).toBe(sm4Vector.millionTimes);
  });

  it('portable SM4 (sm-crypto-v2) encrypts the example 1,000,000 times likewise', () => {
    let state: Uint8Array = block;
    for (let i = 0; i < 1_000_000; i++) {
      state = sm4.encrypt(state, key, { mode: 'ecb', padding: 'none', output: 'array' });
    }
    expect(toHex(state)).toBe(sm4Vector.millionTimes);
  });
});

describe('SM2 signature (GB/T 32918.5 example, recommended curve, default id)', () => {
  const v = sm2SignatureVector;
  const publicKey = fromHex(v.publicKey);
  const message = utf8(v.message);
  const signature = encodeSm2Signature({ r: BigInt(`0x${v.r}`), s: BigInt(`0x${v.s}`) });

  it('computes Z_A with the default user id, and e = SM3(Z_A || M)', () => {
    expect(v.userId).toBe('1234567812345678');
    const za = sm2UserHash(publicKey);
    expect(toHex(za)).toBe(v.za);
    expect(toHex(sm3(concatBytes(za, message)))).toBe(v.e);
  });

  for (const { name, suite } of implementations) {
    it(`${name} derives the example public key and accepts the example signature`, () => {
      expect(toHex(suite('gm').publicKeyOf(fromHex(v.privateKey)))).toBe(v.publicKey);
      expect(suite('gm').verify(publicKey, message, signature)).toBe(true);
      expect(suite('gm').verify(publicKey, utf8('message digesT'), signature)).toBe(false);
    });
  }

  // The library signs with a caller-supplied (k, x1) pair when given one, which lets the
  // standard's fixed k reproduce r and s exactly.
  it('portable signing with the example k reproduces r and s', () => {
    const kPoint = fromHex(sm2.getPublicKeyFromPrivateKey(v.k));
    const x1 = BigInt(`0x${toHex(kPoint.subarray(1, 33))}`);
    const rs = sm2.doSignature(message, v.privateKey, {
      hash: true, der: false, publicKey: v.publicKey, userId: v.userId,
      pointPool: [{ k: BigInt(`0x${v.k}`), x1 }],
    });
    expect(rs).toBe(v.r + v.s);
  });
});

describe('SM2 encryption (GB/T 32918.5 example, C1C3C2)', () => {
  const v = sm2EncryptionVector;
  const asn1 = encodeSm2Ciphertext({ c1: fromHex(v.c1), c3: fromHex(v.c3), c2: fromHex(v.c2) });

  for (const { name, suite } of implementations) {
    it(`${name} decrypts the standard's ciphertext`, () => {
      const plaintext = suite('gm').decrypt(fromHex(v.privateKey), asn1);
      expect(new TextDecoder().decode(plaintext)).toBe(v.plaintext);
    });
  }
});

describe('Ed25519 (RFC 8032 §7.1)', () => {
  for (const { name, suite } of implementations) {
    it(`${name} derives, signs (deterministically) and verifies each test vector`, () => {
      for (const vector of ed25519Vectors) {
        const secret = fromHex(vector.secret);
        const message = fromHex(vector.message);
        expect(toHex(suite('intl').publicKeyOf(secret)), vector.name).toBe(vector.public);
        expect(toHex(suite('intl').sign(secret, message)), vector.name).toBe(vector.signature);
        expect(suite('intl').verify(fromHex(vector.public), message, fromHex(vector.signature)))
          .toBe(true);
      }
    });
  }
});

describe('X25519 (RFC 7748)', () => {
  const v = x25519Vectors;
  for (const [name, shared] of [['native', nativeX25519], ['portable', portableX25519]] as const) {
    it(`${name} computes the §5.2 scalar multiplication and the §6.1 exchange`, () => {
      const suite = name === 'native' ? getSuite('intl') : getPortableSuite('intl');
      expect(toHex(shared(fromHex(v.scalarMult.scalar), fromHex(v.scalarMult.u))))
        .toBe(v.scalarMult.output);
      expect(toHex(suite.encryptionPublicKeyOf(fromHex(v.alicePrivate)))).toBe(v.alicePublic);
      expect(toHex(suite.encryptionPublicKeyOf(fromHex(v.bobPrivate)))).toBe(v.bobPublic);
      expect(toHex(shared(fromHex(v.alicePrivate), fromHex(v.bobPublic)))).toBe(v.shared);
      expect(toHex(shared(fromHex(v.bobPrivate), fromHex(v.alicePublic)))).toBe(v.shared);
    });
  }
});
