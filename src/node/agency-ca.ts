// Checks an agency's CA certificate where the node meets one: when an add-agency proposal is
// admitted, and when building the TLS trust list from on-chain agencies. The certificate must
// parse as X.509, be a self-signed CA whose signature verifies, be valid now, and name the agency
// it is for. The contracts check only the PEM form, because X.509 parsing belongs to the node's
// OpenSSL, not to deterministic execution.
import { X509Certificate } from 'node:crypto';
import { ErrorCode, ZwError } from '../core/index.js';
import type { CborValue } from '../core/index.js';
import { certificateAgency } from '../network/index.js';

export function checkAgencyCa(pem: string, agencyId: string, nowMs: number): void {
  const bad = (reason: string): never => {
    throw new ZwError(ErrorCode.BAD_ARGUMENTS, `caCert of ${agencyId}: ${reason}`);
  };
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    return bad('not an X.509 certificate');
  }
  if (!certificate.ca) bad('not a CA certificate');
  if (!certificate.checkIssued(certificate) || !certificate.verify(certificate.publicKey)) {
    bad('not self-signed by its own key');
  }
  if (Date.parse(certificate.validFrom) > nowMs || Date.parse(certificate.validTo) < nowMs) {
    bad('not valid now');
  }
  let named: string;
  try {
    named = certificateAgency(certificate);
  } catch {
    return bad('names no agency');
  }
  if (named !== agencyId) bad(`names agency ${named}`);
}

/** The add-agency payload of a governance propose call, if that is what `args` is. */
export function addAgencyPayload(
  contract: string, method: string, args: CborValue,
): { id: string; caCert: string } | undefined {
  if (contract !== 'governance' || method !== 'propose') return undefined;
  const record = args as Record<string, CborValue> | null;
  if (record === null || typeof record !== 'object' || record.kind !== 'add-agency') {
    return undefined;
  }
  const payload = record.payload as Record<string, CborValue> | null;
  if (payload === null || typeof payload !== 'object' || typeof payload.id !== 'string' ||
      typeof payload.caCert !== 'string') return undefined;
  return { id: payload.id, caCert: payload.caCert };
}
