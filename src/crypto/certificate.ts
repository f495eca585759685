// A strict reader of X.509 certificates (RFC 5280) for the fields Zhengwu checks when an agency
// brings a CA certificate from an existing government PKI: the signed body (TBSCertificate) and
// its signature, issuer and subject, validity, public key and the CA extensions. Node's
// X509Certificate cannot check SM2 certificates (it neither exposes an SM2 key nor verifies an
// SM2-with-SM3 signature with the standard default user id), so the parts are read here and the
// signature is checked by the caller with the suite that fits the algorithm: an SM2-with-SM3
// certificate signature is an ordinary SM2 signature (default user id 1234567812345678, GB/T
// 35276) over the TBSCertificate's DER, which the gm suite's `verify` checks as it stands.
// Browser-safe: no Node imports.
import { ErrorCode, ZwError, bytesEqual, fromUtf8 } from '../core/index.js';
import { decodeBitString, derTag, readChildren, readElement } from './der.js';
import type { DerElement } from './der.js';

export const certificateOids = {
  sm2WithSm3: '1.2.156.10197.1.501',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ed25519: '1.3.101.112',
  ecPublicKey: '1.2.840.10045.2.1',
  sm2Curve: '1.2.156.10197.1.301',
  p256Curve: '1.2.840.10045.3.1.7',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
} as const;

/** keyUsage bit numbers (RFC 5280 §4.2.1.3) that the checks name. */
export const keyUsageBits = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 } as const;

export type CertificateKeyAlgorithm = 'sm2' | 'p256' | 'ed25519' | 'other';

export interface CertificatePublicKey {
  readonly algorithm: CertificateKeyAlgorithm;
  /** SM2 and P-256: the 65-byte uncompressed point; Ed25519: 32 bytes; other: the bit string. */
  readonly key: Uint8Array;
  /** The whole SubjectPublicKeyInfo, as node:crypto's createPublicKey takes it. */
  readonly spki: Uint8Array;
}

export interface ParsedCertificate {
  /** The TBSCertificate's full DER: the bytes the issuer signed. */
  readonly tbs: Uint8Array;
  /** Dotted OID of the signature algorithm; the outer and inner identifiers must agree. */
  readonly signatureAlgorithm: string;
  /** The signature value: DER (r, s) for SM2 and ECDSA, 64 bytes for Ed25519. */
  readonly signature: Uint8Array;
  /** Issuer and subject Names as DER, compared byte for byte to link a certificate to its CA. */
  readonly issuer: Uint8Array;
  readonly subject: Uint8Array;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  readonly publicKey: CertificatePublicKey;
  /** basicConstraints, or null when the extension is absent. */
  readonly basicConstraints: { readonly ca: boolean; readonly pathLength: number | null } | null;
  /** The keyUsage bits set, or null when the extension is absent. */
  readonly keyUsage: readonly number[] | null;
  /** uniformResourceIdentifier names in subjectAltName. */
  readonly subjectAltNameUris: readonly string[];
  /** Dotted OIDs of the extensions marked critical. */
  readonly criticalExtensions: readonly string[];
}

/** Certificates larger than this are refused before parsing; government CAs are ~1 KiB. */
export const certificateBytesMax = 16 * 1024;

function malformed(what: string): ZwError {
  return new ZwError(ErrorCode.MALFORMED, `malformed certificate: ${what}`);
}

/** An element with its full encoding (tag, length and content), as signatures cover it. */
interface Encoded {
  readonly element: DerElement;
  readonly bytes: Uint8Array;
}

function readEncodedChildren(content: Uint8Array): Encoded[] {
  const children: Encoded[] = [];
  let offset = 0;
  while (offset < content.length) {
    const { element, end } = readElement(content, offset);
    children.push({ element, bytes: content.subarray(offset, end) });
    offset = end;
  }
  return children;
}

/** Reads a DER certificate; throws MALFORMED for anything that is not one, exactly. */
export function readCertificate(der: Uint8Array): ParsedCertificate {
  if (der.length > certificateBytesMax) throw malformed('too large');
  const { element: certificate, end } = readElement(der, 0);
  if (end !== der.length || certificate.tag !== derTag.sequence) {
    throw malformed('not one SEQUENCE');
  }
  const [tbs, outerAlgorithm, signature, ...rest] = readEncodedChildren(certificate.content);
  if (tbs === undefined || outerAlgorithm === undefined || signature === undefined ||
      rest.length > 0 || tbs.element.tag !== derTag.sequence ||
      signature.element.tag !== derTag.bitString) {
    throw malformed('expected TBSCertificate, signatureAlgorithm and signatureValue');
  }
  const body = readTbs(tbs.element.content);
  if (!bytesEqual(body.algorithm, outerAlgorithm.bytes)) {
    throw malformed('inner and outer signature algorithms differ');
  }
  return {
    ...body.fields,
    tbs: tbs.bytes,
    signatureAlgorithm: algorithmOid(outerAlgorithm.element),
    signature: decodeBitString(signature.element.content),
  };
}

type TbsFields = Omit<ParsedCertificate, 'tbs' | 'signatureAlgorithm' | 'signature'>;

function readTbs(content: Uint8Array): { algorithm: Uint8Array; fields: TbsFields } {
  const children = readEncodedChildren(content);
  // A v3 certificate starts with [0] EXPLICIT version; CA certificates with extensions are v3.
  const version = children[0];
  if (version?.element.tag !== derTag.contextConstructed0) throw malformed('not a v3 certificate');
  const [, serial, algorithm, issuer, validity, subject, spki, ...optional] = children;
  if (serial?.element.tag !== derTag.integer || algorithm === undefined ||
      issuer?.element.tag !== derTag.sequence || validity?.element.tag !== derTag.sequence ||
      subject?.element.tag !== derTag.sequence || spki?.element.tag !== derTag.sequence) {
    throw malformed('incomplete TBSCertificate');
  }
  const [notBefore, notAfter, ...extra] = readChildren(validity.element.content);
  if (notBefore === undefined || notAfter === undefined || extra.length > 0) {
    throw malformed('validity must hold notBefore and notAfter');
  }
  // [1] and [2] are the rarely used unique identifiers; [3] EXPLICIT holds the extensions.
  const wrapped = optional.find((item) => item.element.tag === 0xa3);
  const extensions = wrapped === undefined ? [] : readExtensions(wrapped.element.content);
  return {
    algorithm: algorithm.bytes,
    fields: {
      issuer: issuer.bytes,
      subject: subject.bytes,
      notBeforeMs: readTime(notBefore),
      notAfterMs: readTime(notAfter),
      publicKey: readPublicKey(spki),
      ...readCaExtensions(extensions),
    },
  };
}

interface Extension {
  readonly id: string;
  readonly critical: boolean;
  readonly value: Uint8Array;
}

function readExtensions(wrapped: Uint8Array): Extension[] {
  const [list, ...extra] = readChildren(wrapped);
  if (list?.tag !== derTag.sequence || extra.length > 0) throw malformed('extensions wrapper');
  const extensions = readChildren(list.content).map((item) => {
    const parts = readChildren(item.content);
    const [id, second, third] = parts;
    const flagged = parts.length === 3;
    const value = flagged ? third : second;
    if (id?.tag !== derTag.objectIdentifier || value?.tag !== derTag.octetString ||
        parts.length > 3) throw malformed('extension');
    // DER omits a DEFAULT FALSE flag, so a present flag must be TRUE (0xff).
    if (flagged && (second?.tag !== 0x01 || second.content.length !== 1 ||
        second.content[0] !== 0xff)) throw malformed('extension critical flag');
    return { id: decodeOid(id.content), critical: flagged, value: value.content };
  });
  if (new Set(extensions.map((extension) => extension.id)).size !== extensions.length) {
    throw malformed('an extension appears twice');
  }
  return extensions;
}

type CaExtensions = Pick<ParsedCertificate,
  'basicConstraints' | 'keyUsage' | 'subjectAltNameUris' | 'criticalExtensions'>;

function readCaExtensions(extensions: readonly Extension[]): CaExtensions {
  const find = (id: string): Uint8Array | undefined =>
    extensions.find((extension) => extension.id === id)?.value;
  const constraints = find(certificateOids.basicConstraints);
  const usage = find(certificateOids.keyUsage);
  const names = find(certificateOids.subjectAltName);
  return {
    basicConstraints: constraints === undefined ? null : readBasicConstraints(constraints),
    keyUsage: usage === undefined ? null : readKeyUsage(usage),
    subjectAltNameUris: names === undefined ? [] : readUris(names),
    criticalExtensions: extensions.filter((extension) => extension.critical)
      .map((extension) => extension.id),
  };
}

function readBasicConstraints(value: Uint8Array): { ca: boolean; pathLength: number | null } {
  const { element, end } = readElement(value, 0);
  if (element.tag !== derTag.sequence || end !== value.length) throw malformed('basicConstraints');
  let ca = false;
  let pathLength: number | null = null;
  for (const item of readChildren(element.content)) {
    if (item.tag === 0x01 && item.content.length === 1 && item.content[0] === 0xff && !ca &&
        pathLength === null) {
      ca = true;
    } else if (item.tag === derTag.integer && item.content.length === 1 &&
        (item.content[0] ?? 0x80) < 0x80 && pathLength === null) {
      pathLength = item.content[0] ?? 0;
    } else {
      throw malformed('basicConstraints');
    }
  }
  return { ca, pathLength };
}

function readKeyUsage(value: Uint8Array): number[] {
  const { element, end } = readElement(value, 0);
  if (element.tag !== derTag.bitString || end !== value.length) throw malformed('keyUsage');
  const [unused, ...bytes] = element.content;
  if (unused === undefined || unused > 7) throw malformed('keyUsage');
  const bits: number[] = [];
  bytes.forEach((byte, index) => {
    for (let bit = 0; bit < 8; bit++) {
      if ((byte & (0x80 >> bit)) !== 0) bits.push(index * 8 + bit);
    }
  });
  return bits;
}

/** GeneralName [6] uniformResourceIdentifier, IMPLICIT IA5String. */
const uriNameTag = 0x86;

function readUris(value: Uint8Array): string[] {
  const { element, end } = readElement(value, 0);
  if (element.tag !== derTag.sequence || end !== value.length) throw malformed('subjectAltName');
  return readChildren(element.content).filter((name) => name.tag === uriNameTag)
    .map((name) => fromUtf8(name.content));
}

function readPublicKey(spki: Encoded): CertificatePublicKey {
  const [algorithm, key, ...extra] = readChildren(spki.element.content);
  if (algorithm?.tag !== derTag.sequence || key?.tag !== derTag.bitString || extra.length > 0) {
    throw malformed('subjectPublicKeyInfo');
  }
  const [id, parameter] = readChildren(algorithm.content);
  if (id?.tag !== derTag.objectIdentifier) throw malformed('public key algorithm');
  const keyOid = decodeOid(id.content);
  const curve = parameter?.tag === derTag.objectIdentifier ? decodeOid(parameter.content) : '';
  const bits = decodeBitString(key.content);
  const algorithmName: CertificateKeyAlgorithm =
    keyOid === certificateOids.ed25519 && parameter === undefined && bits.length === 32
      ? 'ed25519'
      : keyOid === certificateOids.ecPublicKey && bits.length === 65 && bits[0] === 0x04
        ? (curve === certificateOids.sm2Curve ? 'sm2'
          : curve === certificateOids.p256Curve ? 'p256' : 'other')
        : 'other';
  return { algorithm: algorithmName, key: bits, spki: spki.bytes };
}

function algorithmOid(algorithm: DerElement): string {
  if (algorithm.tag !== derTag.sequence) throw malformed('signature algorithm');
  const [id] = readChildren(algorithm.content);
  if (id?.tag !== derTag.objectIdentifier) {
    throw malformed('signature algorithm');
  }
  return decodeOid(id.content);
}

function decodeOid(content: Uint8Array): string {
  const arcs: number[] = [];
  let value = 0;
  let started = false;
  for (const byte of content) {
    // A leading 0x80 would be a non-minimal arc; arcs beyond 2^53 never occur in our OIDs.
    if (!started && byte === 0x80) throw malformed('object identifier');
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER) throw malformed('object identifier');
    started = (byte & 0x80) !== 0;
    if (!started) {
      arcs.push(value);
      value = 0;
    }
  }
  const first = arcs[0];
  if (started || first === undefined) throw malformed('object identifier');
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join('.');
}

/** UTCTime (YYMMDDHHMMSSZ, years 1950-2049) or GeneralizedTime (YYYYMMDDHHMMSSZ), in ms. */
function readTime(element: DerElement): number {
  const text = fromUtf8(element.content);
  const utc = element.tag === 0x17 && /^\d{12}Z$/.test(text);
  const generalized = element.tag === 0x18 && /^\d{14}Z$/.test(text);
  if (!utc && !generalized) throw malformed('time');
  const digits = utc ? `${Number(text.slice(0, 2)) < 50 ? '20' : '19'}${text}` : text;
  const part = (from: number, to: number): number => Number(digits.slice(from, to));
  const [month, day, hour, minute, second] = [part(4, 6), part(6, 8), part(8, 10),
    part(10, 12), part(12, 14)];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
      second > 59) throw malformed('time');
  return Date.UTC(part(0, 4), month - 1, day, hour, minute, second);
}
