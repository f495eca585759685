// Checks an agency's CA certificates where the node meets them: when an add-agency or
// rotate-agency-key proposal is admitted, and when building the TLS trust list from on-chain
// agencies. The contracts check only the PEM form, because X.509 parsing and the wall clock
// belong to the node, not to deterministic execution.
//
// An agency has an identity CA, `caCert`: either made by `zw init` (P-256, self-signed) or brought
// from an existing government PKI (SM2 with SM3 and the default user id, Ed25519, or ECDSA P-256
// with SHA-256). A PKI's agency CA is often issued by a national root; then `caChain` lists its
// issuers up to that self-signed root, and every link is checked (signature with the issuer's
// algorithm, CA flag, keyCertSign, pathLenConstraint, validity). The chain is evidence for the
// vote, not a trust anchor: nothing else the root issued is trusted. The agency CA is bound to
// the agency by the proposal that names both (with its chain), which the agencies vote on; an
// agency CA that names an agency itself (a subjectAltName URI `urn:zhengwu:agency:<id>`) must
// name the same one. Node TLS 1.3 in Node's OpenSSL signs and verifies handshakes with P-256
// here and never SM2, and the transport finds a peer's agency in its CA's URI, so the CA that
// anchors node TLS is either the agency CA itself, when it is a P-256 CA naming the agency, or
// `tlsCaCert`: a P-256 CA naming the agency that the agency CA issued (ADR 0009).
//
// Such a TLS CA is not self-signed, and OpenSSL's chain check ends only at a self-signed CA unless
// the CA is explicitly trusted. Node's allowPartialTrustChain would do, but a TLS server drops it
// when it builds its context (Node 20.20's setSecureContext copies a fixed list of options), so
// the node hands the transport each anchor as an OpenSSL TRUSTED CERTIFICATE, marked trusted for
// client and server authentication: OpenSSL ends a chain at such a certificate on both sides.
import { X509Certificate, createHash, createPublicKey, verify } from 'node:crypto';
import { ErrorCode, ZwError, assert, bytesEqual } from '../core/index.js';
import type { CborValue } from '../core/index.js';
import { certificateOids, getSuite, keyUsageBits, readCertificate } from '../crypto/index.js';
import type { CertificatePublicKey, ParsedCertificate } from '../crypto/index.js';

/** The certificates an agency record or proposal carries. */
export interface AgencyCertificates {
  readonly id: string;
  readonly caCert: string;
  readonly tlsCaCert?: string | undefined;
  /**
   * The issuers of caCert, its own issuer first and a self-signed root last; absent when caCert
   * is the self-signed root itself.
   */
  readonly caChain?: readonly string[] | undefined;
}

const agencyUriPrefix = 'urn:zhengwu:agency:';

/** Extensions whose meaning these checks take into account; any other critical one is refused. */
const processedExtensions: readonly string[] = [certificateOids.basicConstraints,
  certificateOids.keyUsage, certificateOids.subjectAltName, certificateOids.subjectKeyIdentifier,
  certificateOids.authorityKeyIdentifier];

type Refuse = (reason: string) => never;

/** What the clock-free checks found: the TLS anchor and each certificate's validity. */
interface Verified {
  readonly anchor: string;
  readonly validity: readonly { readonly what: string; readonly notBeforeMs: number;
    readonly notAfterMs: number }[];
}

/**
 * The node re-checks every active agency after each block, and an SM2 verification costs about
 * a millisecond, so outcomes of the clock-free checks are kept by a hash of the certificates;
 * only validity is checked against the clock each time.
 */
const verifiedEntriesMax = 512;
const verifiedCache = new Map<string, Verified | string>();

/**
 * Checks an agency's CA with its chain and TLS CA, when given, at `nowMs`; returns the PEM that
 * node TLS trusts for the agency. Throws BAD_ARGUMENTS with the reason when a check fails.
 */
export function checkAgencyCertificates(agency: AgencyCertificates, nowMs: number): string {
  const key = createHash('sha256').update(JSON.stringify([agency.id, agency.caCert,
    agency.tlsCaCert ?? null, agency.caChain ?? null])).digest('hex');
  let outcome = verifiedCache.get(key);
  if (outcome === undefined) {
    try {
      outcome = verifyCertificates(agency);
    } catch (error) {
      // Only refusals are kept; e.g. an SM2 addon that is not built is no verdict.
      if (!(error instanceof ZwError) || error.code !== ErrorCode.BAD_ARGUMENTS) throw error;
      outcome = error.message;
    }
    if (verifiedCache.size >= verifiedEntriesMax) verifiedCache.clear();
    verifiedCache.set(key, outcome);
  }
  if (typeof outcome === 'string') throw new ZwError(ErrorCode.BAD_ARGUMENTS, outcome);
  for (const { what, notBeforeMs, notAfterMs } of outcome.validity) {
    if (notBeforeMs > nowMs || notAfterMs < nowMs) {
      throw new ZwError(ErrorCode.BAD_ARGUMENTS, `CA of ${agency.id}: ${what} is not valid ` +
        `now (valid ${new Date(notBeforeMs).toISOString()} to ` +
        `${new Date(notAfterMs).toISOString()})`);
    }
  }
  return outcome.anchor;
}

/** Every check but validity: structure, signatures, binding and the TLS anchor. */
function verifyCertificates(agency: AgencyCertificates): Verified {
  const refuse: Refuse = (reason) => {
    throw new ZwError(ErrorCode.BAD_ARGUMENTS, `CA of ${agency.id}: ${reason}`);
  };
  const path = [{ what: 'caCert', pem: agency.caCert },
    ...(agency.caChain ?? []).map((pem, index) => ({ what: `caChain[${index}]`, pem }))]
    .map(({ what, pem }) => ({ what, certificate: parse(pem, what, refuse) }));
  const ca = path[0]?.certificate;
  assert(ca !== undefined, 'the path starts with caCert');
  checkPath(path, agency.tlsCaCert === undefined ? 0 : 1, refuse);
  const named = namedAgencies(ca);
  if (named.length > 0 && (named.length !== 1 || named[0] !== agency.id)) {
    refuse(`caCert names agency ${named.join(', ')}`);
  }
  const validity = path.map(({ what, certificate }) => validityOf(certificate, what));
  if (agency.tlsCaCert === undefined) {
    if (!anchorsTls(ca, agency.id)) {
      refuse('caCert cannot anchor node TLS (a P-256 CA naming the agency can); add ' +
        'tlsCaCert, a P-256 CA issued by caCert with URI urn:zhengwu:agency:<id>');
    }
    return { anchor: agency.caCert, validity };
  }
  const tls = parse(agency.tlsCaCert, 'tlsCaCert', refuse);
  checkCa(tls, 'tlsCaCert', refuse);
  if (!bytesEqual(tls.issuer, ca.subject) || !signedBy(tls, ca.publicKey)) {
    refuse('tlsCaCert is not issued by caCert');
  }
  if (!anchorsTls(tls, agency.id)) refuse('tlsCaCert must be a P-256 CA naming the agency');
  return { anchor: agency.tlsCaCert, validity: [...validity, validityOf(tls, 'tlsCaCert')] };
}

interface PathEntry {
  readonly what: string;
  readonly certificate: ParsedCertificate;
}

/**
 * Checks the certification path from the agency CA (first) up to a self-signed root (last): each
 * a CA that may sign certificates, each issued by the next (its name and its signature with the
 * next one's key and algorithm), only the last self-issued, and each certificate's
 * pathLenConstraint at least the CA certificates below it. `caBelow` counts the CA certificates
 * the agency CA issues for node TLS (1 with a TLS CA); the node certificates are the leaves and
 * are not counted (RFC 5280 §4.2.1.9). Self-issued intermediates, which RFC 5280 would not count,
 * are refused instead: a chain here has one root, at its end.
 */
function checkPath(path: readonly PathEntry[], caBelow: number, refuse: Refuse): void {
  path.forEach(({ what, certificate }, index) => {
    checkCa(certificate, what, refuse);
    const below = caBelow + index;
    const pathLength = certificate.basicConstraints?.pathLength ?? null;
    if (pathLength !== null && pathLength < below) {
      refuse(`${what} has pathLenConstraint ${pathLength} but ${below} CA certificate(s) ` +
        'would follow it');
    }
    const issuer = path[index + 1];
    const selfIssued = bytesEqual(certificate.issuer, certificate.subject);
    if (issuer === undefined) {
      if (!selfIssued || !signedBy(certificate, certificate.publicKey)) {
        refuse(index === 0 ? 'caCert is not self-signed by its own key'
          : `${what} is not a self-signed root (caChain must end at one)`);
      }
    } else if (selfIssued) {
      refuse(`${what} is self-issued, so the chain must end with it`);
    } else if (!bytesEqual(certificate.issuer, issuer.certificate.subject) ||
        !signedBy(certificate, issuer.certificate.publicKey)) {
      refuse(`${what} is not issued by ${issuer.what}`);
    }
  });
}

function validityOf(certificate: ParsedCertificate, what: string): Verified['validity'][number] {
  return { what, notBeforeMs: certificate.notBeforeMs, notAfterMs: certificate.notAfterMs };
}

function parse(pem: string, what: string, refuse: Refuse): ParsedCertificate {
  // X509Certificate reads the first of several; what is stored must be what was checked.
  if (pemCertificates(pem).length > 1) refuse(`${what} holds more than one certificate`);
  let der: Uint8Array;
  try {
    der = new Uint8Array(new X509Certificate(pem).raw);
  } catch {
    return refuse(`${what} is not an X.509 certificate`);
  }
  try {
    return readCertificate(der);
  } catch (error) {
    return refuse(`${what}: ${(error as Error).message}`);
  }
}

function checkCa(certificate: ParsedCertificate, what: string, refuse: Refuse): void {
  if (certificate.basicConstraints?.ca !== true) refuse(`${what} is not a CA certificate`);
  if (!(certificate.keyUsage ?? []).includes(keyUsageBits.keyCertSign)) {
    refuse(`${what} may not sign certificates (keyUsage lacks keyCertSign)`);
  }
  const unknown = certificate.criticalExtensions.filter((id) => !processedExtensions.includes(id));
  if (unknown.length > 0) refuse(`${what} has critical extensions ${unknown.join(', ')}`);
}

/** Whether `issuerKey` signed `certificate`, for the three accepted signature algorithms. */
function signedBy(certificate: ParsedCertificate, issuerKey: CertificatePublicKey): boolean {
  const { tbs, signature } = certificate;
  switch (certificate.signatureAlgorithm) {
    case certificateOids.sm2WithSm3:
      // The gm suite's verify is SM2 with the default user id over SM3(Z_A || tbs).
      return issuerKey.algorithm === 'sm2' && getSuite('gm').verify(issuerKey.key, tbs, signature);
    case certificateOids.ecdsaWithSha256:
      return issuerKey.algorithm === 'p256' && nodeVerify('sha256', certificate, issuerKey);
    case certificateOids.ed25519:
      return issuerKey.algorithm === 'ed25519' && nodeVerify(null, certificate, issuerKey);
    default:
      return false;
  }
}

function nodeVerify(hash: 'sha256' | null, certificate: ParsedCertificate,
  issuerKey: CertificatePublicKey): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(issuerKey.spki), format: 'der',
      type: 'spki' });
    return verify(hash, certificate.tbs, key, certificate.signature);
  } catch {
    // A key or signature OpenSSL cannot even parse does not verify.
    return false;
  }
}

/** Agencies a certificate names in `urn:zhengwu:agency:` URIs (percent-encoded ids). */
function namedAgencies(certificate: ParsedCertificate): string[] {
  return certificate.subjectAltNameUris.filter((uri) => uri.startsWith(agencyUriPrefix))
    .map((uri) => {
      try {
        return decodeURIComponent(uri.slice(agencyUriPrefix.length));
      } catch {
        return uri;
      }
    });
}

/**
 * A CA the transport can trust for the agency: a P-256 key, naming exactly it. Its own signature
 * does not matter to TLS, which trusts it as an anchor without checking who issued it.
 */
function anchorsTls(certificate: ParsedCertificate, agencyId: string): boolean {
  const named = namedAgencies(certificate);
  return certificate.publicKey.algorithm === 'p256' && named.length === 1 &&
    named[0] === agencyId;
}

/**
 * The TLS anchors of the genesis agencies, which node TLS uses until block 1 puts the agencies in
 * state (from then on the node builds its trust from state). A genesis agency may come from a
 * PKI, with a chain and a TLS CA, so its anchor is found as for any agency; one whose
 * certificates do not check out keeps its caCert as it stands, the genesis being the document
 * every agency signed off, so that a node still starts and state decides after block 1.
 */
export function genesisTrustAnchors(agencies: readonly AgencyCertificates[],
  nowMs: number): string[] {
  return agencies.map((agency) => {
    try {
      return peerTrustAnchor(checkAgencyCertificates(agency, nowMs));
    } catch (error) {
      if (!(error instanceof ZwError) || error.code !== ErrorCode.BAD_ARGUMENTS) throw error;
      return agency.caCert;
    }
  });
}

/** The certificates of a PEM text that holds one or more, in their order (e.g. a chain file). */
export function pemCertificates(text: string): string[] {
  return (text.match(/-----BEGIN CERTIFICATE-----\r?\n[\s\S]+?-----END CERTIFICATE-----/g) ?? [])
    .map((pem) => `${pem}\n`);
}

/** DER of OpenSSL's X509_CERT_AUX: trust = SEQUENCE { clientAuth, serverAuth }. */
const peerTrustAux = Uint8Array.of(0x30, 0x16, 0x30, 0x14,
  0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02,
  0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01);

/**
 * `pem` as a TLS trust anchor: the OpenSSL TRUSTED CERTIFICATE form, trusted for client and
 * server authentication (what `openssl x509 -addtrust clientAuth -addtrust serverAuth -trustout`
 * writes), so that peers' chains end at it even when it is not self-signed.
 */
export function peerTrustAnchor(pem: string): string {
  const der = Buffer.concat([new X509Certificate(pem).raw, peerTrustAux]);
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN TRUSTED CERTIFICATE-----\n${lines.join('\n')}\n` +
    '-----END TRUSTED CERTIFICATE-----\n';
}

/**
 * The certificates a governance proposal brings, if `args` is one that does: an add-agency
 * payload, or a rotate-agency-key payload that replaces the agency's CA.
 */
export function proposedAgencyCertificates(
  contract: string, method: string, args: CborValue,
): AgencyCertificates | undefined {
  if (contract !== 'governance' || method !== 'propose') return undefined;
  const record = asMap(args);
  const payload = asMap(record?.payload);
  if (payload === undefined || typeof payload.caCert !== 'string') return undefined;
  const id = record?.kind === 'add-agency' ? payload.id
    : record?.kind === 'rotate-agency-key' ? payload.agency : undefined;
  if (typeof id !== 'string') return undefined;
  const tlsCaCert = typeof payload.tlsCaCert === 'string' ? payload.tlsCaCert : undefined;
  const chain = payload.caChain;
  const caChain = Array.isArray(chain) && chain.every((pem) => typeof pem === 'string')
    ? chain as string[] : undefined;
  return { id, caCert: payload.caCert, tlsCaCert, caChain };
}

function asMap(value: CborValue | undefined): Record<string, CborValue> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) &&
    !(value instanceof Uint8Array) ? value as Record<string, CborValue> : undefined;
}
