// Proves the strict X.509 reader: it finds the fields the CA checks use in a certificate `zw`
// makes (P-256 key, cA with pathLenConstraint 0, keyCertSign, the agency URI, validity to the
// second, critical extensions, and the signed body the signature covers), and refuses with
// MALFORMED a certificate with a trailing byte, a truncated one and bytes that are no
// certificate at all.
import { X509Certificate, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { certificateOids, keyUsageBits, readCertificate } from '../../src/crypto/index.js';
import { createAgencyCa } from '../../src/network/index.js';

const id = 'CN-BJ/GOV/11110000000000008E/edu';

function code(bytes: Uint8Array): string {
  try {
    readCertificate(bytes);
    return 'read';
  } catch (error) {
    return (error as { code: string }).code;
  }
}

describe('certificate reader', () => {
  it('reads the fields of a zw agency CA', () => {
    const ca = createAgencyCa(id, '北京市教育委员会');
    const x509 = new X509Certificate(ca.certPem);
    const parsed = readCertificate(new Uint8Array(x509.raw));
    expect(parsed.publicKey.algorithm).toBe('p256');
    expect(parsed.signatureAlgorithm).toBe(certificateOids.ecdsaWithSha256);
    expect(parsed.basicConstraints).toEqual({ ca: true, pathLength: 0 });
    expect(parsed.keyUsage).toContain(keyUsageBits.keyCertSign);
    expect(parsed.subjectAltNameUris).toEqual([`urn:zhengwu:agency:${encodeURIComponent(id)}`]);
    expect(parsed.criticalExtensions).toEqual([certificateOids.basicConstraints,
      certificateOids.keyUsage]);
    expect(parsed.notBeforeMs).toBe(Date.parse(x509.validFrom));
    expect(parsed.notAfterMs).toBe(Date.parse(x509.validTo));
    expect(parsed.issuer).toEqual(parsed.subject);
    expect(verify('sha256', parsed.tbs, x509.publicKey, parsed.signature)).toBe(true);
  });

  it('refuses trailing bytes, truncation and non-certificates', () => {
    const der = new Uint8Array(new X509Certificate(createAgencyCa(id, 'edu').certPem).raw);
    expect(code(der)).toBe('read');
    expect(code(Uint8Array.of(...der, 0))).toBe('MALFORMED');
    expect(code(der.subarray(0, der.length - 1))).toBe('MALFORMED');
    expect(code(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01))).toBe('MALFORMED');
  });
});
