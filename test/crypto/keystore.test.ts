// Proves that keystores round-trip on both suites, that a file written in Node opens with the
// portable (browser) code and the reverse, that a wrong passphrase is BAD_PASSPHRASE, and that
// a file whose public key, address or KDF parameters were edited is refused.
import { describe, expect, it } from 'vitest';
import { ErrorCode, ZwError, toHex } from '../../src/core/index.js';
import {
  createKeystore, createKeystoreAsync, getPortableSuite, getSuite, openKeystore,
  openKeystoreAsync, parseKeystore,
} from '../../src/crypto/index.js';
import type { KeystoreFile, SuiteName } from '../../src/crypto/index.js';
import { keystoreFunctions } from '../../src/crypto/keystore.js';
import { portableBackend } from '../../src/crypto/portable.js';

// A low scrypt cost keeps the test fast; the default (2^17) is exercised once below.
const fast = { scryptN: 2 ** 12 };
const portable = keystoreFunctions(portableBackend);

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return error instanceof ZwError ? error.code : 'not a ZwError';
  }
}

function edited(json: string, change: (file: Record<string, unknown>) => void): string {
  const file = JSON.parse(json) as Record<string, unknown>;
  change(file);
  return JSON.stringify(file);
}

for (const name of ['intl', 'gm'] as const satisfies readonly SuiteName[]) {
  describe(`${name} keystore`, () => {
    const suite = getSuite(name);
    const pair = suite.generateKeyPair();
    const json = createKeystore(suite, pair, 'correct horse battery staple', fast);

    it('writes the documented fields and no secret', () => {
      const file = JSON.parse(json) as KeystoreFile;
      expect(file).toMatchObject({
        version: 1, suite: name, purpose: 'signing', address: toHex(suite.address(pair.publicKey)),
        publicKey: toHex(pair.publicKey),
        kdf: { name: 'scrypt', n: 2 ** 12, r: 8, p: 1, dkLen: 32 },
        cipher: { name: name === 'intl' ? 'aes-256-gcm' : 'sm4-ctr-hmac-sm3' },
      });
      expect(json).not.toContain(toHex(pair.privateKey));
      expect(parseKeystore(json)).toEqual(file);
    });

    it('opens with the right passphrase, natively and in the portable code', () => {
      for (const open of [openKeystore, portable.openKeystore]) {
        const opened = open(json, 'correct horse battery staple');
        expect(opened.privateKey).toEqual(pair.privateKey);
        expect(opened.publicKey).toEqual(pair.publicKey);
        expect(opened.suite).toBe(name);
        expect(opened.address).toEqual(suite.address(pair.publicKey));
      }
    });

    it('opens in Node what the portable code wrote', async () => {
      const written = await portable.createKeystoreAsync(getPortableSuite(name), pair, 'pw', fast);
      expect((await openKeystoreAsync(written, 'pw')).privateKey).toEqual(pair.privateKey);
    });

    it('reports a wrong passphrase as BAD_PASSPHRASE', () => {
      expect(codeOf(() => openKeystore(json, 'correct horse battery stapler')))
        .toBe(ErrorCode.BAD_PASSPHRASE);
      expect(codeOf(() => portable.openKeystore(json, ''))).toBe(ErrorCode.BAD_PASSPHRASE);
    });

    it('refuses edited public keys, addresses and KDF parameters', () => {
      const other = toHex(suite.generateKeyPair().publicKey);
      const pw = 'correct horse battery staple';
      expect(codeOf(() => openKeystore(edited(json, (f) => { f.publicKey = other; }), pw)))
        .toBe(ErrorCode.BAD_PASSPHRASE);
      expect(codeOf(() => openKeystore(edited(json, (f) => { f.address = '00'.repeat(20); }),
        pw))).toBe(ErrorCode.BAD_PASSPHRASE);
      expect(codeOf(() => openKeystore(edited(json, (f) => {
        f.kdf = { ...(f.kdf as object), n: 2 ** 30 };
      }), pw))).toBe(ErrorCode.MALFORMED);
      expect(codeOf(() => openKeystore(edited(json, (f) => { f.cipher = 'x'; }), pw)))
        .toBe(ErrorCode.MALFORMED);
      expect(codeOf(() => openKeystore('{not json', pw))).toBe(ErrorCode.MALFORMED);
    });

    it('keeps encryption keys too, checked against their own derivation', () => {
      const encryption = suite.encryptionKeyPair();
      const file = createKeystore(suite, encryption, 'pw', { ...fast, purpose: 'encryption' });
      expect(openKeystore(file, 'pw').publicKey).toEqual(encryption.publicKey);
      expect(codeOf(() => createKeystore(suite, { ...encryption, publicKey: pair.publicKey },
        'pw', fast))).toBe(ErrorCode.BAD_KEY);
    });
  });
}

it('uses scrypt N = 2^17 by default, and Node and the portable code derive the same key', async () => {
  const suite = getSuite('gm');
  const pair = suite.generateKeyPair();
  const json = await createKeystoreAsync(suite, pair, '口令 passphrase');
  expect((JSON.parse(json) as KeystoreFile).kdf.n).toBe(2 ** 17);
  expect((await portable.openKeystoreAsync(json, '口令 passphrase')).privateKey)
    .toEqual(pair.privateKey);
});
