// Proves that the DER codec accepts exactly one encoding of each value (round trips for any
// integer, refusal of non-minimal, indefinite, truncated or trailing forms), and that PEM key
// files of every kind round-trip and announce their kind, while foreign algorithms are refused.
import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode, ZwError, fromHex } from '../../src/core/index.js';
import {
  decodeSm2Ciphertext, getSuite, privateKeyFromPem, privateKeyToPem, publicKeyFromPem,
  publicKeyToPem, suiteOfKeyKind,
} from '../../src/crypto/index.js';
import type { KeyKind } from '../../src/crypto/index.js';
import {
  decodeUnsignedInteger, derTag, encodeUnsignedInteger, readSingle,
} from '../../src/crypto/der.js';

function codeOf(action: () => unknown): string | undefined {
  return failureOf(action)?.code;
}

function failureOf(action: () => unknown): { code: string; message: string } | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return error instanceof ZwError ? { code: error.code, message: error.message }
      : { code: 'not a ZwError', message: String(error) };
  }
}

describe('DER', () => {
  it('round-trips every non-negative integer through its one encoding', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 600n) - 1n }), (value) => {
      const encoded = encodeUnsignedInteger(value);
      expect(decodeUnsignedInteger(readSingle(encoded, derTag.integer))).toBe(value);
    }));
  });

  it('refuses non-canonical and damaged encodings', () => {
    const refused = {
      nonMinimalInteger: '020200 7f'.replace(' ', ''),
      negativeInteger: '020180',
      emptyInteger: '0200',
      longFormShortLength: '02810101',
      indefiniteLength: '308002010100 00'.replace(' ', ''),
      truncated: '020501',
      trailing: '02010100',
    };
    for (const [name, hex] of Object.entries(refused)) {
      expect(codeOf(() => decodeUnsignedInteger(readSingle(fromHex(hex), derTag.integer))), name)
        .toBe(ErrorCode.MALFORMED);
    }
  });

  it('refuses an SM2 ciphertext with an empty body or a coordinate above p', () => {
    const p = 'fffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffff';
    const hash = `0420${'00'.repeat(32)}`;
    const aboveP = `30${(35 + 3 + 34 + 3).toString(16)}022100${p}020101${hash}040101`;
    expect(failureOf(() => decodeSm2Ciphertext(fromHex(aboveP))))
      .toEqual({ code: ErrorCode.MALFORMED, message: 'SM2 ciphertext point is out of range' });
    const emptyBody = `30${(3 + 3 + 34 + 2).toString(16)}020101020101${hash}0400`;
    expect(failureOf(() => decodeSm2Ciphertext(fromHex(emptyBody))))
      .toEqual({ code: ErrorCode.MALFORMED,
        message: 'SM2 ciphertext has a wrong hash or empty body' });
  });
});

describe('PEM key files', () => {
  const cases: readonly { kind: KeyKind; encryption: boolean }[] = [
    { kind: 'ed25519', encryption: false },
    { kind: 'x25519', encryption: true },
    { kind: 'sm2', encryption: false },
  ];

  for (const { kind, encryption } of cases) {
    it(`round-trips ${kind} keys and reports their kind and suite`, () => {
      const suite = getSuite(suiteOfKeyKind(kind));
      const pair = encryption ? suite.encryptionKeyPair() : suite.generateKeyPair();
      const privatePem = privateKeyToPem(kind, pair.privateKey, pair.publicKey);
      const parsed = privateKeyFromPem(`some text before\n${privatePem}`);
      expect(parsed.kind).toBe(kind);
      expect(parsed.privateKey).toEqual(pair.privateKey);
      const publicParsed = publicKeyFromPem(publicKeyToPem(kind, pair.publicKey));
      expect(publicParsed).toEqual({ kind, publicKey: pair.publicKey });
    });
  }

  it('refuses keys of other algorithms and files without a key', () => {
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = p256.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(codeOf(() => privateKeyFromPem(pem))).toBe(ErrorCode.UNSUPPORTED_KEY);
    const publicPem = p256.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(codeOf(() => publicKeyFromPem(publicPem))).toBe(ErrorCode.UNSUPPORTED_KEY);
    expect(codeOf(() => privateKeyFromPem('nothing here'))).toBe(ErrorCode.BAD_KEY);
    expect(codeOf(() => privateKeyToPem('sm2', new Uint8Array(31)))).toBe(ErrorCode.BAD_KEY);
  });
});
