// Proves the agency PKI: a CA is a self-signed P-256 CA naming its agency; a node certificate
// chains to it, allows TLS client and server use, names agency and node, and never outlives the
// CA; agency ids of any text (Chinese, '/', ',', '%', ':') read back exactly; a CA cannot issue
// for another agency or with a key that is not its own; and, where the openssl command line is
// installed, OpenSSL's own verifier accepts the chain for both TLS purposes.
import { X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ErrorCode, ZwError } from '../../src/core/index.js';
import {
  certificateAgency, createAgencyCa, issueNodeCertificate,
} from '../../src/network/index.js';

const agencyId = 'CN-BJ/GOV/11110000000000001M/market';
const ca = createAgencyCa(agencyId, '北京市市场监督管理局');
const node = issueNodeCertificate(ca, { agencyId, nodeName: 'market-1' });

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('agency CA', () => {
  it('is a self-signed P-256 CA naming its agency', () => {
    const certificate = new X509Certificate(ca.certPem);
    expect(certificate.ca).toBe(true);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(certificate.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(certificate.subject).toContain('北京市市场监督管理局');
    expect(certificateAgency(ca.certPem)).toBe(agencyId);
    const years = (Date.parse(certificate.validTo) - Date.now()) / (365.25 * 86_400_000);
    expect(years).toBeGreaterThan(9.9);
  });
});

describe('node certificate', () => {
  it('chains to its agency CA and names agency and node', () => {
    const caCertificate = new X509Certificate(ca.certPem);
    const certificate = new X509Certificate(node.certPem);
    expect(certificate.ca).toBe(false);
    expect(certificate.checkIssued(caCertificate)).toBe(true);
    expect(certificate.verify(caCertificate.publicKey)).toBe(true);
    expect(certificate.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(certificate.subject).toContain('CN=market-1');
    expect(certificate.subjectAltName).toContain('urn:zhengwu:node:');
    expect(certificateAgency(certificate)).toBe(agencyId);
  });

  it('never outlives its CA', () => {
    const shortCa = createAgencyCa('agency-x', 'X', { validityDays: 30 });
    const leaf = issueNodeCertificate(shortCa, { agencyId: 'agency-x', nodeName: 'n' },
      { validityDays: 365 });
    expect(Date.parse(new X509Certificate(leaf.certPem).validTo))
      .toBeLessThanOrEqual(Date.parse(new X509Certificate(shortCa.certPem).validTo));
  });

  it('reads back any agency id exactly', () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 40, unit: 'binary' }),
      (id) => {
        const agencyCa = createAgencyCa(id, 'name');
        const leaf = issueNodeCertificate(agencyCa, { agencyId: id, nodeName: `${id}:node` });
        expect(certificateAgency(leaf.certPem)).toBe(id);
      }), { numRuns: 25 });
    for (const id of ['交通委/1', 'a,b=c+d', '100%:x', 'urn:zhengwu:agency:evil']) {
      expect(certificateAgency(createAgencyCa(id, 'n').certPem)).toBe(id);
    }
  });

  it('is refused for another agency or with a key that is not the CA key', () => {
    const refuse = (action: () => unknown): void => {
      expect(action).toThrow(ZwError);
      try {
        action();
      } catch (error) {
        expect((error as ZwError).code).toBe(ErrorCode.INVALID_ARGUMENT);
      }
    };
    refuse(() => issueNodeCertificate(ca, { agencyId: 'CN-BJ/GOV/other', nodeName: 'n' }));
    const other = createAgencyCa(agencyId, 'impostor');
    refuse(() => issueNodeCertificate({ keyPem: other.keyPem, certPem: ca.certPem },
      { agencyId, nodeName: 'n' }));
    refuse(() => issueNodeCertificate({ keyPem: node.keyPem, certPem: node.certPem },
      { agencyId, nodeName: 'n' }));
    refuse(() => createAgencyCa('', 'empty'));
    refuse(() => createAgencyCa('\ud800', 'lone surrogate'));
  });

  it.runIf(hasOpenssl())('passes the openssl verifier for TLS client and server', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zw-pki-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), ca.certPem);
      writeFileSync(join(dir, 'node.pem'), node.certPem);
      for (const purpose of ['sslclient', 'sslserver']) {
        const out = execFileSync('openssl', ['verify', '-x509_strict', '-purpose', purpose,
          '-CAfile', join(dir, 'ca.pem'), join(dir, 'node.pem')], { encoding: 'utf8' });
        expect(out).toContain('OK');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
