// Per-agency PKI for the peer transport: each agency holds a self-signed CA, and that CA issues
// one TLS certificate per node for both client and server authentication. Genesis lists every
// member agency's CA certificate, and that list is the transport's trust store.
//
// Keys are ECDSA P-256 with SHA-256 signatures: every TLS 1.3 stack accepts
// ecdsa_secp256r1_sha256, while Ed25519 certificates still fail with some peers and tools. The
// chain's own keys (Ed25519 or SM2) are separate; the hello handshake binds them to a session.
//
// Certificates are built in-process as DER and signed with node:crypto, so no openssl command
// line and no asynchronous WebCrypto are needed. The agency id sits in the subject's O attribute
// for people and, percent-encoded, in a subjectAltName URI `urn:zhengwu:agency:<id>` for
// programs; `certificateAgency` reads the URI back from the DER, never from Node's text rendering.
import { X509Certificate, createHash, createPrivateKey, createPublicKey, generateKeyPairSync,
  randomBytes, sign } from 'node:crypto';
import { ErrorCode, ZwError, bytesEqual, fromUtf8 } from '../core/index.js';
import {
  asciiBytes, derBitString, derBoolean, derBytes, derExplicit, derNamedBits,
  derObjectIdentifier, derOctetString, derSequence, derSet, derSmallInteger, derTag, derTime,
  derUnsignedInteger, derUtf8String, derValue, readDer, readDerChildren,
} from './der.js';
import type { DerElement } from './der.js';

/** A private key and its certificate, both PEM. */
export interface CertificateKeyPair {
  readonly keyPem: string;
  readonly certPem: string;
}

export interface CertificateOptions {
  /** How long the certificate is valid, in days. */
  readonly validityDays?: number;
  /** Milliseconds since the epoch to issue at; defaults to now. */
  readonly nowMs?: number;
}

export const pkiDefaults = {
  /** An agency CA outlives many node certificates; rotating it needs a governance vote. */
  caValidityDays: 3650,
  /** Node certificates are reissued by the agency itself, so they can be shorter lived. */
  nodeValidityDays: 825,
  /** notBefore is set this far in the past so that a peer's slightly slow clock accepts it. */
  clockSkewMs: 60 * 60 * 1000,
  /** Upper bound on agency ids and node names, in UTF-8 bytes, to keep certificates small. */
  nameBytesMax: 256,
} as const;

const oid = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extendedKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

const keyUsageBit = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 } as const;
const agencyUriPrefix = 'urn:zhengwu:agency:';
const nodeUriPrefix = 'urn:zhengwu:node:';
const dayMs = 24 * 60 * 60 * 1000;
/** GeneralName [6] uniformResourceIdentifier, IMPLICIT IA5String. */
const uriNameTag = 0x86;
/** AuthorityKeyIdentifier keyIdentifier [0], IMPLICIT OCTET STRING. */
const keyIdentifierTag = 0x80;

/** Creates an agency's self-signed CA: subject CN=name, O=agencyId; 10 years by default. */
export function createAgencyCa(
  agencyId: string, name: string, options: CertificateOptions = {},
): CertificateKeyPair {
  checkName('agency id', agencyId);
  checkName('agency name', name);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  const subject = distinguishedName([[oid.commonName, name], [oid.organization, agencyId]]);
  const keyId = subjectKeyIdentifier(spki);
  const extensions = [
    extension(oid.basicConstraints, true, derSequence(derBoolean(true), derSmallInteger(0))),
    extension(oid.keyUsage, true,
      derNamedBits([keyUsageBit.digitalSignature, keyUsageBit.keyCertSign, keyUsageBit.cRLSign])),
    extension(oid.subjectKeyIdentifier, false, derOctetString(keyId)),
    extension(oid.subjectAltName, false, derSequence(uriName(agencyUri(agencyId)))),
  ];
  const validity = validityOf(options, pkiDefaults.caValidityDays);
  const tbs = toBeSigned({ issuer: subject, subject, spki, validity, extensions });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { keyPem, certPem: toPem(signCertificate(tbs, keyPem)) };
}

/**
 * Issues a node's TLS certificate (client and server authentication) from its agency's CA:
 * subject CN=nodeName, O=agencyId, subjectAltName URIs naming the agency and the node. Throws
 * INVALID_ARGUMENT if the CA key does not match its certificate, or the CA is another agency's.
 */
export function issueNodeCertificate(
  ca: CertificateKeyPair, node: { readonly agencyId: string; readonly nodeName: string },
  options: CertificateOptions = {},
): CertificateKeyPair {
  checkName('agency id', node.agencyId);
  checkName('node name', node.nodeName);
  const caCertificate = new X509Certificate(ca.certPem);
  const caFields = certificateFields(new Uint8Array(caCertificate.raw));
  checkIssuer(ca, caCertificate, caFields, node.agencyId);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  const subject = distinguishedName([[oid.commonName, node.nodeName],
    [oid.organization, node.agencyId]]);
  const names = derSequence(uriName(agencyUri(node.agencyId)),
    uriName(`${nodeUriPrefix}${encodeURIComponent(node.agencyId)}/` +
      encodeURIComponent(node.nodeName)));
  const extensions = [
    extension(oid.basicConstraints, true, derSequence()),
    extension(oid.keyUsage, true, derNamedBits([keyUsageBit.digitalSignature])),
    extension(oid.extendedKeyUsage, false,
      derSequence(derObjectIdentifier(oid.serverAuth), derObjectIdentifier(oid.clientAuth))),
    extension(oid.subjectKeyIdentifier, false, derOctetString(subjectKeyIdentifier(spki))),
    extension(oid.authorityKeyIdentifier, false,
      derSequence(derValue(keyIdentifierTag, subjectKeyIdentifier(caFields.spki)))),
    extension(oid.subjectAltName, false, names),
  ];
  const validity = validityOf(options, pkiDefaults.nodeValidityDays);
  const caNotAfterMs = Date.parse(caCertificate.validTo);
  const clipped = { notBeforeMs: validity.notBeforeMs,
    notAfterMs: Math.min(validity.notAfterMs, caNotAfterMs) };
  const tbs = toBeSigned({ issuer: caFields.subject, subject, spki, validity: clipped,
    extensions });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { keyPem, certPem: toPem(signCertificate(tbs, ca.keyPem)) };
}

/**
 * The agency id a certificate names in its `urn:zhengwu:agency:` subjectAltName URI. Throws
 * BAD_KEY when the certificate names none, or more than one.
 */
export function certificateAgency(certificate: string | X509Certificate): string {
  const parsed = typeof certificate === 'string' ? new X509Certificate(certificate) : certificate;
  const found: string[] = [];
  for (const uri of subjectAltNameUris(new Uint8Array(parsed.raw))) {
    if (!uri.startsWith(agencyUriPrefix)) continue;
    try {
      found.push(decodeURIComponent(uri.slice(agencyUriPrefix.length)));
    } catch {
      throw new ZwError(ErrorCode.BAD_KEY, 'certificate agency URI is not valid percent-encoding');
    }
  }
  if (found.length !== 1 || found[0] === undefined || found[0] === '') {
    throw new ZwError(ErrorCode.BAD_KEY, 'certificate must name exactly one agency');
  }
  return found[0];
}

interface CertificateFields {
  readonly subject: Uint8Array;
  readonly spki: Uint8Array;
  readonly extensions: readonly DerElement[];
}

/** Picks the subject, public key and extensions out of a certificate's DER. */
function certificateFields(der: Uint8Array): CertificateFields {
  const certificate = readDer(der);
  const [tbs] = readDerChildren(certificate);
  if (tbs === undefined) throw new ZwError(ErrorCode.MALFORMED, 'certificate has no body');
  const fields = readDerChildren(tbs);
  // Field 0 is the explicit version of a v3 certificate; a v1 one has no extensions at all.
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
  const subject = fields[offset + 4];
  const spki = fields[offset + 5];
  if (subject === undefined || spki === undefined) {
    throw new ZwError(ErrorCode.MALFORMED, 'certificate body is incomplete');
  }
  const wrapped = fields.slice(offset + 6).find((field) => field.tag === 0xa3);
  const extensionList = wrapped === undefined ? [] : readDerChildren(wrapped);
  const extensions = extensionList[0] === undefined ? [] : readDerChildren(extensionList[0]);
  return { subject: derBytes(tbs.contents, subject), spki: derBytes(tbs.contents, spki),
    extensions };
}

function subjectAltNameUris(der: Uint8Array): string[] {
  const uris: string[] = [];
  const san = derObjectIdentifier(oid.subjectAltName);
  for (const entry of certificateFields(der).extensions) {
    const parts = readDerChildren(entry);
    const [id] = parts;
    const value = parts[parts.length - 1];
    if (id === undefined || value === undefined) continue;
    if (!bytesEqual(derBytes(entry.contents, id), san)) continue;
    for (const name of readDerChildren(readDer(value.contents))) {
      if (name.tag === uriNameTag) uris.push(fromUtf8(name.contents));
    }
  }
  return uris;
}

function checkIssuer(ca: CertificateKeyPair, certificate: X509Certificate,
  fields: CertificateFields, agencyId: string): void {
  if (!certificate.ca) throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'issuer is not a CA');
  const derived = createPublicKey(createPrivateKey(ca.keyPem))
    .export({ type: 'spki', format: 'der' });
  if (!bytesEqual(new Uint8Array(derived), fields.spki)) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'CA key does not match the CA certificate');
  }
  if (certificateAgency(certificate) !== agencyId) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT,
      `CA belongs to another agency than ${agencyId}`);
  }
}

function checkName(what: string, value: string): void {
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes === 0 || bytes > pkiDefaults.nameBytesMax) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT,
      `${what} must be 1 to ${pkiDefaults.nameBytesMax} bytes`);
  }
  // Lone surrogates cannot be written as UTF-8 or percent-encoded, so they would not read back.
  try {
    encodeURIComponent(value);
  } catch {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, `${what} is not well-formed Unicode`);
  }
}

function validityOf(options: CertificateOptions, defaultDays: number):
  { notBeforeMs: number; notAfterMs: number } {
  const days = options.validityDays ?? defaultDays;
  if (!Number.isSafeInteger(days) || days < 1) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'validityDays must be a positive integer');
  }
  const nowMs = options.nowMs ?? Date.now();
  return { notBeforeMs: nowMs - pkiDefaults.clockSkewMs, notAfterMs: nowMs + days * dayMs };
}

function agencyUri(agencyId: string): string {
  return `${agencyUriPrefix}${encodeURIComponent(agencyId)}`;
}

function uriName(uri: string): Uint8Array {
  return derValue(uriNameTag, asciiBytes(uri));
}

function distinguishedName(attributes: readonly (readonly [string, string])[]): Uint8Array {
  return derSequence(...attributes.map(([type, value]) =>
    derSet(derSequence(derObjectIdentifier(type), derUtf8String(value)))));
}

function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical
    ? derSequence(derObjectIdentifier(id), derBoolean(true), derOctetString(value))
    : derSequence(derObjectIdentifier(id), derOctetString(value));
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits (an identifier, not security). */
function subjectKeyIdentifier(spki: Uint8Array): Uint8Array {
  const [, key] = readDerChildren(readDer(spki));
  if (key === undefined || key.tag !== derTag.bitString) {
    throw new ZwError(ErrorCode.MALFORMED, 'public key info has no key bits');
  }
  return new Uint8Array(createHash('sha1').update(key.contents.subarray(1)).digest());
}

interface ToBeSigned {
  readonly issuer: Uint8Array;
  readonly subject: Uint8Array;
  readonly spki: Uint8Array;
  readonly validity: { readonly notBeforeMs: number; readonly notAfterMs: number };
  readonly extensions: readonly Uint8Array[];
}

function toBeSigned(fields: ToBeSigned): Uint8Array {
  // A random positive 127-bit serial, unique per certificate as RFC 5280 asks.
  const serial = new Uint8Array(randomBytes(16));
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40;
  return derSequence(
    derExplicit(0, derSmallInteger(2)),
    derUnsignedInteger(serial),
    derSequence(derObjectIdentifier(oid.ecdsaWithSha256)),
    fields.issuer,
    derSequence(derTime(fields.validity.notBeforeMs), derTime(fields.validity.notAfterMs)),
    fields.subject,
    fields.spki,
    derExplicit(3, derSequence(...fields.extensions)),
  );
}

function signCertificate(tbs: Uint8Array, keyPem: string): Uint8Array {
  const signature = sign('sha256', tbs, { key: keyPem, dsaEncoding: 'der' });
  return derSequence(tbs, derSequence(derObjectIdentifier(oid.ecdsaWithSha256)),
    derBitString(new Uint8Array(signature)));
}

function toPem(der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
