// Proves the node's check of an agency CA that a national root issued, with chains made by the
// `openssl` command line: SM2 national root -> SM2 agency CA -> P-256 TLS CA (also through a
// provincial CA), P-256 root -> P-256 agency CA that anchors TLS itself, Ed25519 root ->
// Ed25519 agency CA -> P-256 TLS CA, and an SM2 root over a P-256 agency CA (each link checked
// with its issuer's algorithm). Refused with the link named: a changed signature anywhere, a
// chain in the wrong order or ending below a self-signed root, an issuer that is not a CA or may
// not sign certificates, a pathLenConstraint the chain exceeds, an expired intermediate, a
// self-issued certificate before the end, and an agency CA naming another agency. The chain
// reaches the node in proposals, genesis and `zw init --agency-pki`; nodes whose TLS CA sits
// under such a chain connect to each other, and a genesis agency's anchor is its TLS CA from the
// start.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { getSuite } from '../../src/crypto/index.js';
import { issueNodeCertificate } from '../../src/network/index.js';
import type { CertificateKeyPair } from '../../src/network/index.js';
import {
  checkAgencyCertificates, genesisTrustAnchors, peerTrustAnchor, pemCertificates,
  proposedAgencyCertificates,
} from '../../src/node/agency-ca.js';
import type { AgencyCertificates } from '../../src/node/agency-ca.js';
import { initNetwork } from '../../src/node/index.js';
import type { Genesis } from '../../src/ledger/index.js';
import { makeMembers, startNode, stopAll, waitFor } from '../network/helpers.js';
import type { Member, TestNode } from '../network/helpers.js';
import { PkiFixtures, withBadSignature } from './pki-fixtures.js';
import type { Issued, RootKind } from './pki-fixtures.js';

const id = 'CN-BJ/GOV/11110000000000008E/edu';
const other = 'CN-BJ/GOV/11110000000000001M/market';
const dayMs = 24 * 3600 * 1000;
const pki = new PkiFixtures();
afterAll(() => pki.cleanup());

/** 'accepted: ca' or 'accepted: tls' for the anchor returned, else the refusal's message. */
function outcome(certificates: Omit<AgencyCertificates, 'id'>, now = Date.now()): string {
  try {
    const anchor = checkAgencyCertificates({ id, ...certificates }, now);
    return anchor === certificates.caCert ? 'accepted: ca' : 'accepted: tls';
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return `${code}: ${message}`;
  }
}

/** A national root of `kind`, an agency CA of `kind` it issued, and a P-256 TLS CA under that. */
function chainOf(kind: RootKind): { national: Issued; agencyCa: Issued; tlsCa: Issued } {
  const national = pki.root(kind);
  const agencyCa = pki.issue(national, kind, { key: kind });
  return { national, agencyCa, tlsCa: pki.issue(agencyCa, kind, { agency: id, pathLength: 0 }) };
}

describe('agency CA issued by a national root', () => {
  it.each(['sm2', 'ed25519', 'p256'] as const)(
    'accepts a %s national root -> agency CA -> P-256 TLS CA', (kind) => {
      const { national, agencyCa, tlsCa } = chainOf(kind);
      expect(outcome({ caCert: agencyCa.certPem, caChain: [national.certPem],
        tlsCaCert: tlsCa.certPem })).toBe('accepted: tls');
      // Without its chain the agency CA is not a root of its own.
      expect(outcome({ caCert: agencyCa.certPem, tlsCaCert: tlsCa.certPem }))
        .toMatch(/BAD_ARGUMENTS.*caCert is not self-signed by its own key/);
    });

  it('accepts a chain through a provincial CA, and agency CAs that anchor TLS themselves', () => {
    const national = pki.root('sm2');
    const provincial = pki.issue(national, 'sm2', { key: 'sm2' });
    const agencyCa = pki.issue(provincial, 'sm2', { key: 'sm2', agency: id });
    const tlsCa = pki.issue(agencyCa, 'sm2', { agency: id });
    expect(outcome({ caCert: agencyCa.certPem, caChain: [provincial.certPem, national.certPem],
      tlsCaCert: tlsCa.certPem })).toBe('accepted: tls');
    // A P-256 agency CA naming the agency anchors TLS, whether its root is P-256 or SM2.
    for (const kind of ['p256', 'sm2'] as const) {
      const root = pki.root(kind);
      const own = pki.issue(root, kind, { agency: id });
      expect(outcome({ caCert: own.certPem, caChain: [root.certPem] })).toBe('accepted: ca');
    }
  });

  it('refuses a changed signature on any link, with the link named', () => {
    const national = pki.root('sm2');
    const provincial = pki.issue(national, 'sm2', { key: 'sm2' });
    const agencyCa = pki.issue(provincial, 'sm2', { key: 'sm2' });
    const tlsCa = pki.issue(agencyCa, 'sm2', { agency: id }).certPem;
    const check = (caCert: string, caChain: string[]): string =>
      outcome({ caCert, caChain, tlsCaCert: tlsCa });
    expect(check(withBadSignature(agencyCa.certPem), [provincial.certPem, national.certPem]))
      .toMatch(/caCert is not issued by caChain\[0\]/);
    expect(check(agencyCa.certPem, [withBadSignature(provincial.certPem), national.certPem]))
      .toMatch(/caChain\[0\] is not issued by caChain\[1\]/);
    expect(check(agencyCa.certPem, [provincial.certPem, withBadSignature(national.certPem)]))
      .toMatch(/caChain\[1\] is not a self-signed root/);
    const ed = chainOf('ed25519');
    expect(outcome({ caCert: withBadSignature(ed.agencyCa.certPem),
      caChain: [ed.national.certPem], tlsCaCert: ed.tlsCa.certPem }))
      .toMatch(/caCert is not issued by caChain\[0\]/);
  });

  it('refuses chains in the wrong order, ending below a root, or under another root', () => {
    const national = pki.root('sm2');
    const provincial = pki.issue(national, 'sm2', { key: 'sm2' });
    const agencyCa = pki.issue(provincial, 'sm2', { key: 'sm2' });
    const tlsCaCert = pki.issue(agencyCa, 'sm2', { agency: id }).certPem;
    expect(outcome({ caCert: agencyCa.certPem, caChain: [provincial.certPem], tlsCaCert }))
      .toMatch(/caChain\[0\] is not a self-signed root \(caChain must end at one\)/);
    expect(outcome({ caCert: agencyCa.certPem, caChain: [national.certPem, provincial.certPem],
      tlsCaCert })).toMatch(/caCert is not issued by caChain\[0\]/);
    expect(outcome({ caCert: agencyCa.certPem,
      caChain: [provincial.certPem, pki.root('sm2').certPem], tlsCaCert }))
      .toMatch(/caChain\[0\] is not issued by caChain\[1\]/);
    // The root twice: only the last certificate may be self-issued.
    expect(outcome({ caCert: provincial.certPem, caChain: [national.certPem, national.certPem],
      tlsCaCert: pki.issue(provincial, 'sm2', { agency: id }).certPem }))
      .toMatch(/caChain\[0\] is self-issued, so the chain must end with it/);
  });

  it('refuses issuers that are not CAs or may not sign certificates', () => {
    const national = pki.root('sm2');
    for (const [options, reason] of [
      [{ ca: false }, /caChain\[0\] is not a CA certificate/],
      [{ keyUsage: 'cRLSign,digitalSignature' }, /caChain\[0\] may not sign certificates/],
    ] as const) {
      const provincial = pki.issue(national, 'sm2', { key: 'sm2', ...options });
      const agencyCa = pki.issue(provincial, 'sm2', { key: 'sm2' });
      expect(outcome({ caCert: agencyCa.certPem, caChain: [provincial.certPem,
        national.certPem], tlsCaCert: pki.issue(agencyCa, 'sm2', { agency: id }).certPem }))
        .toMatch(reason);
    }
  });

  it('counts the CA certificates below each issuer against its pathLenConstraint', () => {
    // Below the national root: the agency CA and the TLS CA (node certificates are leaves).
    const verdicts = [0, 1, 2].map((pathLength) => {
      const national = pki.root('sm2', { pathLength });
      const agencyCa = pki.issue(national, 'sm2', { key: 'sm2' });
      return outcome({ caCert: agencyCa.certPem, caChain: [national.certPem],
        tlsCaCert: pki.issue(agencyCa, 'sm2', { agency: id }).certPem });
    });
    expect(verdicts[0]).toMatch(/caChain\[0\] has pathLenConstraint 0 but 2 CA certificate/);
    expect(verdicts[1]).toMatch(/caChain\[0\] has pathLenConstraint 1 but 2 CA certificate/);
    expect(verdicts[2]).toBe('accepted: tls');
    // An agency CA with pathLenConstraint 0 may issue node certificates but no TLS CA.
    const national = pki.root('p256');
    const leafOnly = pki.issue(national, 'p256', { agency: id, pathLength: 0 });
    expect(outcome({ caCert: leafOnly.certPem, caChain: [national.certPem] }))
      .toBe('accepted: ca');
    expect(outcome({ caCert: leafOnly.certPem, caChain: [national.certPem],
      tlsCaCert: pki.issue(leafOnly, 'p256', { agency: id }).certPem }))
      .toMatch(/caCert has pathLenConstraint 0 but 1 CA certificate/);
  });

  it('refuses an expired intermediate and an agency CA naming another agency', () => {
    const national = pki.root('sm2', { days: 3650 });
    const provincial = pki.issue(national, 'sm2', { key: 'sm2', days: 1 });
    const agencyCa = pki.issue(provincial, 'sm2', { key: 'sm2', days: 365 });
    const certificates = { caCert: agencyCa.certPem,
      caChain: [provincial.certPem, national.certPem],
      tlsCaCert: pki.issue(agencyCa, 'sm2', { agency: id, days: 365 }).certPem };
    expect(outcome(certificates)).toBe('accepted: tls');
    expect(outcome(certificates, Date.now() + 3 * dayMs))
      .toMatch(/caChain\[0\] is not valid now/);
    const misnamed = pki.issue(national, 'sm2', { key: 'sm2', agency: other });
    expect(outcome({ caCert: misnamed.certPem, caChain: [national.certPem],
      tlsCaCert: pki.issue(misnamed, 'sm2', { agency: id }).certPem }))
      .toMatch(/caCert names agency CN-BJ\/GOV\/11110000000000001M\/market/);
    const tlsForOther = chainOf('sm2');
    expect(outcome({ caCert: tlsForOther.agencyCa.certPem,
      caChain: [tlsForOther.national.certPem],
      tlsCaCert: pki.issue(tlsForOther.agencyCa, 'sm2', { agency: other }).certPem }))
      .toMatch(/tlsCaCert must be a P-256 CA naming the agency/);
  });
});

describe('where chains come from', () => {
  it('reads the chain of a proposal and the certificates of a chain file', () => {
    expect(proposedAgencyCertificates('governance', 'propose', { kind: 'rotate-agency-key',
      payload: { agency: id, caCert: 'CA', caChain: ['ROOT'] } }))
      .toEqual({ id, caCert: 'CA', tlsCaCert: undefined, caChain: ['ROOT'] });
    expect(proposedAgencyCertificates('governance', 'propose', { kind: 'add-agency',
      payload: { id, caCert: 'CA', caChain: 'ROOT' } })?.caChain).toBeUndefined();
    const { national, agencyCa } = chainOf('sm2');
    const both = `${agencyCa.certPem}\n${national.certPem}`;
    expect(pemCertificates(both).map((pem) => pem.trim()))
      .toEqual([agencyCa.certPem.trim(), national.certPem.trim()]);
    // The chain goes in caChain, never in caCert: the stored PEM is exactly what was checked.
    expect(outcome({ caCert: both })).toMatch(/caCert holds more than one certificate/);
  });

  it('makes a genesis whose agency brings an SM2 chain, anchored by its TLS CA', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zw-pki-init-'));
    try {
      const { national, agencyCa } = chainOf('sm2');
      const taxId = 'CN-BJ/GOV/11110000000000002T/tax';
      const tlsCa = pki.issue(agencyCa, 'sm2', { agency: taxId });
      initNetwork({ dir, agencies: 2, suite: 'intl', passphrase: 'test', basePort: 0,
        pki: { tax: { caCert: agencyCa.certPem, caChain: [national.certPem], tlsCa } } });
      const genesis = JSON.parse(readFileSync(join(dir, 'genesis.json'), 'utf8')) as Genesis;
      const tax = genesis.agencies.find((agency) => agency.id === taxId);
      expect([tax?.caCert, tax?.tlsCaCert, tax?.caChain])
        .toEqual([agencyCa.certPem, tlsCa.certPem, [national.certPem]]);
      const anchors = genesisTrustAnchors(genesis.agencies, Date.now());
      expect(anchors[1]).toBe(peerTrustAnchor(tlsCa.certPem));
      expect(anchors[0]).toMatch(/BEGIN TRUSTED CERTIFICATE/);
      // The TLS CA issued the tax node's certificate.
      const nodeCertificate = new X509Certificate(readFileSync(join(dir, 'tax', 'tls',
        'node.crt')));
      expect(nodeCertificate.verify(new X509Certificate(tlsCa.certPem).publicKey)).toBe(true);
      expect(() => initNetwork({ dir: join(dir, 'other'), agencies: 1, suite: 'intl',
        passphrase: 'test', basePort: 0, pki: { tax: { caCert: agencyCa.certPem, tlsCa } } }))
        .toThrow(/no agency tax/);
      expect(() => initNetwork({ dir: join(dir, 'bad'), agencies: 2, suite: 'intl',
        passphrase: 'test', basePort: 0, pki: { tax: { caCert: agencyCa.certPem, tlsCa } } }))
        .toThrow(/caCert is not self-signed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('node TLS under a national root', () => {
  const running: TestNode[] = [];
  afterEach(async () => {
    await stopAll(running.splice(0));
  });

  /** A member whose TLS anchor is what the node finds for these certificates. */
  function memberUnder(certificates: Omit<AgencyCertificates, 'id'>,
    issuer: CertificateKeyPair): Member {
    const suite = getSuite('intl');
    const anchor = checkAgencyCertificates({ id, ...certificates }, Date.now());
    const key = suite.generateKeyPair();
    return { agencyId: id, ca: { ...issuer, certPem: peerTrustAnchor(anchor) },
      tls: issueNodeCertificate(issuer, { agencyId: id, nodeName: 'edu' }), key,
      address: Buffer.from(suite.address(key.publicKey)).toString('hex') };
  }

  it.each(['sm2 chain with a TLS CA', 'p256 agency CA as its own anchor'])(
    'connects a node under a %s to a node of a zw-made CA', async (which) => {
      const suite = getSuite('intl');
      let edu: Member;
      if (which.startsWith('sm2')) {
        const { national, agencyCa, tlsCa } = chainOf('sm2');
        edu = memberUnder({ caCert: agencyCa.certPem, caChain: [national.certPem],
          tlsCaCert: tlsCa.certPem }, tlsCa);
      } else {
        const national = pki.root('p256');
        const agencyCa = pki.issue(national, 'p256', { agency: id });
        edu = memberUnder({ caCert: agencyCa.certPem, caChain: [national.certPem] }, agencyCa);
      }
      const [market] = makeMembers(suite, 1) as [Member];
      const members = [edu, market];
      const first = await startNode({ suite, member: market, members });
      running.push(first);
      const second = await startNode({ suite, member: edu, members,
        peers: [{ host: '127.0.0.1', port: first.network.port }] });
      running.push(second);
      await waitFor(() => first.network.peers().length === 1 &&
        second.network.peers().length === 1, 'the two nodes connect');
      expect(first.network.peers()[0]?.agency).toBe(id);
      expect(second.network.peers()[0]?.agency).toBe(market.agencyId);
    });
});
