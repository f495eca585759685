// Proves interoperability with the OpenSSL command line in both directions: SM2 signatures
// (our native and portable signatures verify under `openssl pkeyutl -rawin -digest sm3 -pkeyopt
// distid:1234567812345678`, and OpenSSL's verify with ours), SM2 encryption (C1C3C2 ASN.1),
// our PEM files read by openssl and openssl's read by us, SM4-CTR + HMAC-SM3 sealing rebuilt
// from `openssl enc -sm4-ctr` and `openssl dgst -sm3 -hmac`, Ed25519 signatures and X25519.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { concatBytes, fromHex, toHex, utf8 } from '../../src/core/index.js';
import {
  getPortableSuite, getSuite, privateKeyFromPem, privateKeyToPem, publicKeyFromPem,
  publicKeyToPem,
} from '../../src/crypto/index.js';
import type { CryptoSuite, KeyKind } from '../../src/crypto/index.js';
import { x25519Shared } from '../../src/crypto/node-intl.js';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'zw-openssl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCounter = 0;
function file(contents?: string | Uint8Array): string {
  const path = join(dir, `f${fileCounter++}`);
  if (contents !== undefined) writeFileSync(path, contents);
  return path;
}

function openssl(...args: string[]): Buffer {
  return execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** True when openssl exits 0; its verify commands exit 1 for a bad signature. */
function opensslSucceeds(...args: string[]): boolean {
  try {
    openssl(...args);
    return true;
  } catch {
    return false;
  }
}

const sm2Digest = ['-rawin', '-digest', 'sm3', '-pkeyopt', 'distid:1234567812345678'];

function keyFiles(kind: KeyKind, suite: CryptoSuite, encryption = false): {
  privateKey: Uint8Array; publicKey: Uint8Array; keyPem: string; pubPem: string;
} {
  const pair = encryption ? suite.encryptionKeyPair() : suite.generateKeyPair();
  return {
    ...pair,
    keyPem: file(privateKeyToPem(kind, pair.privateKey, pair.publicKey)),
    pubPem: file(publicKeyToPem(kind, pair.publicKey)),
  };
}

const implementations = [
  { name: 'native', suite: getSuite },
  { name: 'portable', suite: getPortableSuite },
] as const;

describe.skipIf(!hasOpenssl())('OpenSSL command-line interoperability', () => {
  describe('SM2 keys', () => {
    it('openssl reads our PEM files and derives the same public key', () => {
      const ours = keyFiles('sm2', getSuite('gm'));
      const derived = openssl('pkey', '-in', ours.keyPem, '-pubout').toString();
      expect(publicKeyFromPem(derived).publicKey).toEqual(ours.publicKey);
      expect(openssl('pkey', '-pubin', '-in', ours.pubPem, '-text_pub', '-noout').toString())
        .toMatch(/SM2/);
    });

    it('we read the PEM files of `openssl genpkey -algorithm SM2`', () => {
      const keyPem = file(openssl('genpkey', '-algorithm', 'SM2'));
      const parsed = privateKeyFromPem(readFileSync(keyPem, 'utf8'));
      const pub = publicKeyFromPem(openssl('pkey', '-in', keyPem, '-pubout').toString());
      expect(parsed.kind).toBe('sm2');
      expect(pub.kind).toBe('sm2');
      expect(parsed.publicKey).toEqual(pub.publicKey);
      expect(getSuite('gm').publicKeyOf(parsed.privateKey)).toEqual(pub.publicKey);
    });
  });

  for (const { name, suite } of implementations) {
    describe(`SM2 signatures, ${name}`, () => {
      it('our signatures verify with openssl pkeyutl (distid 1234567812345678)', () => {
        const key = keyFiles('sm2', suite('gm'));
        for (const text of ['', 'a', 'government data sharing receipt #42']) {
          const message = file(utf8(text));
          const sig = file(suite('gm').sign(key.privateKey, utf8(text)));
          expect(opensslSucceeds('pkeyutl', '-verify', ...sm2Digest, '-pubin', '-inkey',
            key.pubPem, '-sigfile', sig, '-in', message), text).toBe(true);
          const other = file(utf8(`${text}!`));
          expect(opensslSucceeds('pkeyutl', '-verify', ...sm2Digest, '-pubin', '-inkey',
            key.pubPem, '-sigfile', sig, '-in', other)).toBe(false);
        }
      });

      it("openssl's signatures verify with ours", () => {
        const keyPem = file(openssl('genpkey', '-algorithm', 'SM2'));
        const pub = publicKeyFromPem(openssl('pkey', '-in', keyPem, '-pubout').toString());
        const text = 'signed by openssl';
        const signature = new Uint8Array(openssl('pkeyutl', '-sign', ...sm2Digest, '-inkey',
          keyPem, '-in', file(utf8(text))));
        expect(suite('gm').verify(pub.publicKey, utf8(text), signature)).toBe(true);
        expect(suite('gm').verify(pub.publicKey, utf8(`${text}.`), signature)).toBe(false);
      });
    });

    describe(`SM2 encryption, ${name}`, () => {
      it('openssl decrypts what we encrypt, and we decrypt what openssl encrypts', () => {
        const key = keyFiles('sm2', suite('gm'));
        const plaintext = utf8('data item: 身份证号 (personal)');
        const ours = file(suite('gm').encrypt(key.publicKey, plaintext));
        expect(new Uint8Array(openssl('pkeyutl', '-decrypt', '-inkey', key.keyPem, '-in', ours)))
          .toEqual(plaintext);
        const theirs = new Uint8Array(openssl('pkeyutl', '-encrypt', '-pubin', '-inkey',
          key.pubPem, '-in', file(plaintext)));
        expect(suite('gm').decrypt(key.privateKey, theirs)).toEqual(plaintext);
      });
    });

    describe(`SM4-CTR + HMAC-SM3 sealing, ${name}`, () => {
      it('rebuilds from openssl enc -sm4-ctr and openssl dgst -sm3 -hmac', () => {
        const key = fromHex('00112233445566778899aabbccddeeff'
          + '0f1e2d3c4b5a69788796a5b4c3d2e1f0');
        const aad = utf8('keystore header');
        const plaintext = utf8('x'.repeat(100));
        const sealed = suite('gm').sealSymmetric(key, plaintext, aad);
        const nonce = sealed.subarray(0, 16);
        const body = sealed.subarray(16, sealed.length - 32);
        const tag = sealed.subarray(sealed.length - 32);
        const decrypted = openssl('enc', '-d', '-sm4-ctr', '-K', toHex(key.subarray(16)),
          '-iv', toHex(nonce), '-in', file(body));
        expect(new Uint8Array(decrypted)).toEqual(plaintext);
        const lengthBits = new Uint8Array(8);
        lengthBits[7] = aad.length * 8;
        const macInput = file(concatBytes(aad, nonce, body, lengthBits));
        const mac = openssl('dgst', '-sm3', '-mac', 'HMAC', '-macopt',
          `hexkey:${toHex(key.subarray(0, 16))}`, '-binary', macInput);
        expect(new Uint8Array(mac)).toEqual(tag);
      });

      it('SM4-CTR carries across the whole 128-bit counter as OpenSSL does', () => {
        const key = fromHex('0123456789abcdeffedcba9876543210'.repeat(2));
        const sealed = suite('gm').sealSymmetric(key, new Uint8Array(80));
        const nonce = sealed.subarray(0, 16);
        const body = sealed.subarray(16, sealed.length - 32);
        const ours = suite('gm').openSymmetric(key, sealed);
        expect(ours).toEqual(new Uint8Array(80));
        const theirs = openssl('enc', '-sm4-ctr', '-K', toHex(key.subarray(16)), '-iv',
          toHex(nonce), '-in', file(new Uint8Array(80)));
        expect(new Uint8Array(theirs)).toEqual(body);
      });
    });

    describe(`Ed25519, ${name}`, () => {
      it('openssl signs identically and verifies our signature; we read its keys', () => {
        const key = keyFiles('ed25519', suite('intl'));
        const message = utf8('vote for block 7');
        const theirs = new Uint8Array(openssl('pkeyutl', '-sign', '-rawin', '-inkey', key.keyPem,
          '-in', file(message)));
        expect(theirs).toEqual(suite('intl').sign(key.privateKey, message));
        expect(opensslSucceeds('pkeyutl', '-verify', '-rawin', '-pubin', '-inkey', key.pubPem,
          '-sigfile', file(theirs), '-in', file(message))).toBe(true);
        const keyPem = openssl('genpkey', '-algorithm', 'ED25519').toString();
        const parsed = privateKeyFromPem(keyPem);
        expect(parsed.kind).toBe('ed25519');
        const pub = publicKeyFromPem(openssl('pkey', '-in', file(keyPem), '-pubout').toString());
        expect(suite('intl').publicKeyOf(parsed.privateKey)).toEqual(pub.publicKey);
      });
    });
  }

  describe('X25519', () => {
    it('openssl derives the same shared secret from our PEM files', () => {
      const alice = keyFiles('x25519', getSuite('intl'), true);
      const bob = keyFiles('x25519', getPortableSuite('intl'), true);
      const theirs = openssl('pkeyutl', '-derive', '-inkey', alice.keyPem, '-peerkey', bob.pubPem);
      expect(new Uint8Array(theirs)).toEqual(x25519Shared(alice.privateKey, bob.publicKey));
      expect(privateKeyFromPem(readFileSync(alice.keyPem, 'utf8')).kind).toBe('x25519');
    });
  });
});
