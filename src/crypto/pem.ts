// PEM key files: PKCS#8 private keys and SPKI public keys for Ed25519, X25519 and SM2, laid
// out exactly as OpenSSL 3 writes them so that `openssl pkey`, `openssl pkeyutl` and our tools
// read each other's files. SM2 keys carry the id-ecPublicKey algorithm with the SM2 curve OID
// 1.2.156.10197.1.301. Importing tells which kind of key a file holds, which is how the CLI
// picks a suite. Browser-safe: no Node imports.
import {
  ErrorCode, ZwError, bytesEqual, fromBase64, toBase64,
} from '../core/index.js';
import {
  decodeBitString, decodeUnsignedInteger, derTag, encodeBitString, encodeElement,
  encodeOctetString, encodeSequence, encodeUnsignedInteger, readChildren, readSequence,
  readSingle,
} from './der.js';
import { sm2PrivateKeyBytes, sm2PublicKeyBytes } from './sm2-format.js';
import type { SuiteName } from './suite.js';

/** The three kinds of key a Zhengwu key file can hold. */
export type KeyKind = 'ed25519' | 'x25519' | 'sm2';

const oid = {
  ed25519: Uint8Array.of(0x06, 0x03, 0x2b, 0x65, 0x70),
  x25519: Uint8Array.of(0x06, 0x03, 0x2b, 0x65, 0x6e),
  ecPublicKey: Uint8Array.of(0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01),
  sm2Curve: Uint8Array.of(0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x82, 0x2d),
} as const;

const edwardsKeyBytes = 32;

/** Which suite signs (Ed25519, SM2) or encrypts (X25519, SM2) with a key of this kind. */
export function suiteOfKeyKind(kind: KeyKind): SuiteName {
  return kind === 'sm2' ? 'gm' : 'intl';
}

function algorithmIdentifier(kind: KeyKind): Uint8Array {
  return kind === 'sm2' ? encodeSequence(oid.ecPublicKey, oid.sm2Curve) : encodeSequence(oid[kind]);
}

function checkLength(bytes: Uint8Array, length: number, what: string): void {
  if (bytes.length !== length) {
    throw new ZwError(ErrorCode.BAD_KEY, `${what} must be ${length} bytes, got ${bytes.length}`);
  }
}

/** PKCS#8 DER of a raw private key. SM2 files also carry the public point when it is given. */
export function privateKeyToPkcs8(kind: KeyKind, privateKey: Uint8Array,
  publicKey?: Uint8Array): Uint8Array {
  if (kind !== 'sm2') {
    checkLength(privateKey, edwardsKeyBytes, `${kind} private key`);
    return encodeSequence(encodeUnsignedInteger(0n), algorithmIdentifier(kind),
      encodeOctetString(encodeOctetString(privateKey)));
  }
  checkLength(privateKey, sm2PrivateKeyBytes, 'SM2 private key');
  // RFC 5915 ECPrivateKey; the curve is named once, in the PKCS#8 algorithm identifier.
  const parts = [encodeUnsignedInteger(1n), encodeOctetString(privateKey)];
  if (publicKey !== undefined) {
    checkLength(publicKey, sm2PublicKeyBytes, 'SM2 public key');
    parts.push(encodeElement(derTag.contextConstructed1, encodeBitString(publicKey)));
  }
  return encodeSequence(encodeUnsignedInteger(0n), algorithmIdentifier(kind),
    encodeOctetString(encodeSequence(...parts)));
}

export function publicKeyToSpki(kind: KeyKind, publicKey: Uint8Array): Uint8Array {
  checkLength(publicKey, kind === 'sm2' ? sm2PublicKeyBytes : edwardsKeyBytes,
    `${kind} public key`);
  return encodeSequence(algorithmIdentifier(kind), encodeBitString(publicKey));
}

function kindOfAlgorithm(algorithm: Uint8Array): KeyKind {
  const parts = readChildren(readSingle(algorithm, derTag.sequence));
  const [first, second] = parts;
  const encoded = (element: typeof first): Uint8Array =>
    element === undefined ? new Uint8Array(0) : encodeElement(element.tag, element.content);
  if (parts.length === 1 && bytesEqual(encoded(first), oid.ed25519)) return 'ed25519';
  if (parts.length === 1 && bytesEqual(encoded(first), oid.x25519)) return 'x25519';
  if (parts.length === 2 && bytesEqual(encoded(first), oid.ecPublicKey)
    && bytesEqual(encoded(second), oid.sm2Curve)) {
    return 'sm2';
  }
  throw new ZwError(ErrorCode.UNSUPPORTED_KEY,
    'unsupported key algorithm (expected Ed25519, X25519 or SM2)');
}

export interface ParsedPrivateKey {
  readonly kind: KeyKind;
  readonly privateKey: Uint8Array;
  /** Present when the file carries it (SM2 files written by OpenSSL or by us). */
  readonly publicKey?: Uint8Array;
}

export function privateKeyFromPkcs8(der: Uint8Array): ParsedPrivateKey {
  const children = readChildren(readSingle(der, derTag.sequence));
  const [version, algorithm, wrapped] = children;
  // PKCS#8 v2 (RFC 5958) may append attributes and a public key; we ignore them.
  if (version?.tag !== derTag.integer || algorithm?.tag !== derTag.sequence
    || wrapped?.tag !== derTag.octetString || decodeUnsignedInteger(version.content) > 1n) {
    throw new ZwError(ErrorCode.BAD_KEY, 'not a PKCS#8 private key');
  }
  const kind = kindOfAlgorithm(encodeElement(algorithm.tag, algorithm.content));
  if (kind !== 'sm2') {
    const privateKey = readSingle(wrapped.content, derTag.octetString);
    checkLength(privateKey, edwardsKeyBytes, `${kind} private key`);
    return { kind, privateKey: privateKey.slice() };
  }
  return { kind, ...parseEcPrivateKey(wrapped.content) };
}

function parseEcPrivateKey(der: Uint8Array): { privateKey: Uint8Array; publicKey?: Uint8Array } {
  const [version, secret, ...rest] = readChildren(readSingle(der, derTag.sequence));
  if (version?.tag !== derTag.integer || decodeUnsignedInteger(version.content) !== 1n
    || secret?.tag !== derTag.octetString || secret.content.length > sm2PrivateKeyBytes) {
    throw new ZwError(ErrorCode.BAD_KEY, 'not an SM2 ECPrivateKey');
  }
  // RFC 5915 fixes the length at the order's size, but some writers drop leading zeros.
  const privateKey = new Uint8Array(sm2PrivateKeyBytes);
  privateKey.set(secret.content, sm2PrivateKeyBytes - secret.content.length);
  const tagged = rest.find((element) => element.tag === derTag.contextConstructed1);
  if (tagged === undefined) return { privateKey };
  const publicKey = decodeBitString(readSingle(tagged.content, derTag.bitString)).slice();
  checkLength(publicKey, sm2PublicKeyBytes, 'SM2 public key');
  return { privateKey, publicKey };
}

export interface ParsedPublicKey {
  readonly kind: KeyKind;
  readonly publicKey: Uint8Array;
}

export function publicKeyFromSpki(der: Uint8Array): ParsedPublicKey {
  const [algorithm, key] = readSequence(der, [derTag.sequence, derTag.bitString]) as
    [Uint8Array, Uint8Array];
  const kind = kindOfAlgorithm(encodeElement(derTag.sequence, algorithm));
  const publicKey = decodeBitString(key).slice();
  checkLength(publicKey, kind === 'sm2' ? sm2PublicKeyBytes : edwardsKeyBytes,
    `${kind} public key`);
  return { kind, publicKey };
}

const pemLineChars = 64;

export function toPem(label: string, der: Uint8Array): string {
  const body = toBase64(der);
  const lines: string[] = [];
  for (let i = 0; i < body.length; i += pemLineChars) lines.push(body.slice(i, i + pemLineChars));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The DER inside the first PEM block with this label; throws BAD_KEY if there is none. */
export function fromPem(label: string, pem: string): Uint8Array {
  const begin = `-----BEGIN ${label}-----`;
  const end = `-----END ${label}-----`;
  const start = pem.indexOf(begin);
  const stop = pem.indexOf(end, start + begin.length);
  if (start < 0 || stop < 0) throw new ZwError(ErrorCode.BAD_KEY, `no ${label} PEM block found`);
  const body = pem.slice(start + begin.length, stop).replace(/\s+/g, '');
  return fromBase64(body, `${label} PEM body`);
}

export function privateKeyToPem(kind: KeyKind, privateKey: Uint8Array,
  publicKey?: Uint8Array): string {
  return toPem('PRIVATE KEY', privateKeyToPkcs8(kind, privateKey, publicKey));
}

export function publicKeyToPem(kind: KeyKind, publicKey: Uint8Array): string {
  return toPem('PUBLIC KEY', publicKeyToSpki(kind, publicKey));
}

export function privateKeyFromPem(pem: string): ParsedPrivateKey {
  return privateKeyFromPkcs8(fromPem('PRIVATE KEY', pem));
}

export function publicKeyFromPem(pem: string): ParsedPublicKey {
  return publicKeyFromSpki(fromPem('PUBLIC KEY', pem));
}
