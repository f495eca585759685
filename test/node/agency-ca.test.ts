// Proves the node's check of an agency's CA certificates on import, with certificates made by
// `zw init` and by the `openssl` command line as an existing government PKI would issue them: a
// self-signed SM2 (SM3, default user id), Ed25519 or P-256 root is accepted as the agency's
// identity root, bound by the proposal's agency id (and by its own agency URI when it carries
// one); the TLS anchor is the root when it is a P-256 CA naming the agency, else a P-256 TLS CA
// the root issued. Refused with BAD_ARGUMENTS and a reason: a root that is not a CA or may not
// sign certificates, an expired one, a changed signature, an SM2 root signed with another user
// id, a root or TLS CA naming another agency, a TLS CA another root issued, and a root that
// cannot anchor TLS without a TLS CA. Last, the trust anchor form the node gives the transport
// is what `openssl x509 -trustout` writes, and with it a node whose TLS CA an SM2 root issued
// connects to a node of a zw-made CA in both directions (dialing and dialed).
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { getSuite } from '../../src/crypto/index.js';
import { createAgencyCa, issueNodeCertificate } from '../../src/network/index.js';
import {
  checkAgencyCertificates, peerTrustAnchor, proposedAgencyCertificates,
} from '../../src/node/agency-ca.js';
import type { AgencyCertificates } from '../../src/node/agency-ca.js';
import { makeMembers, startNode, stopAll, waitFor } from '../network/helpers.js';
import type { Member, TestNode } from '../network/helpers.js';
import { PkiFixtures, withBadSignature } from './pki-fixtures.js';

const id = 'CN-BJ/GOV/11110000000000008E/edu';
const other = 'CN-BJ/GOV/11110000000000001M/market';
const dayMs = 24 * 3600 * 1000;
const pki = new PkiFixtures();
afterAll(() => pki.cleanup());

/** 'accepted: root' or 'accepted: tls' for the anchor returned, else the refusal's message. */
function outcome(certificates: Omit<AgencyCertificates, 'id'>, agency = id,
  now = Date.now()): string {
  try {
    const anchor = checkAgencyCertificates({ id: agency, ...certificates }, now);
    return anchor === certificates.caCert ? 'accepted: root' : 'accepted: tls';
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return `${code}: ${message}`;
  }
}

describe('agency CA check', () => {
  it('accepts the agency own zw CA; refuses it for another agency, expired, or a leaf', () => {
    const ca = createAgencyCa(id, '北京市教育委员会');
    expect(outcome({ caCert: ca.certPem })).toBe('accepted: root');
    expect(outcome({ caCert: ca.certPem }, other)).toMatch(/BAD_ARGUMENTS.*names agency/);
    const leaf = issueNodeCertificate(ca, { agencyId: id, nodeName: 'edu' });
    expect(outcome({ caCert: leaf.certPem })).toMatch(/not a CA certificate/);
    expect(outcome({ caCert: ca.certPem }, id, Date.now() + 20 * 365 * dayMs))
      .toMatch(/not valid now/);
    expect(outcome({ caCert: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' }))
      .toMatch(/not an X.509 certificate/);
  });

  it.each(['sm2', 'ed25519', 'p256'] as const)(
    'accepts an openssl %s root with a P-256 TLS CA it issued', (kind) => {
      const root = pki.root(kind);
      const tls = pki.issue(root, kind, { agency: id, pathLength: 0 });
      expect(outcome({ caCert: root.certPem, tlsCaCert: tls.certPem })).toBe('accepted: tls');
      // The same root naming the agency itself is accepted too; naming another is not.
      const named = pki.root(kind, { agency: id });
      expect(outcome({ caCert: named.certPem, tlsCaCert: pki.issue(named, kind,
        { agency: id }).certPem })).toBe('accepted: tls');
      const misnamed = pki.root(kind, { agency: other });
      expect(outcome({ caCert: misnamed.certPem, tlsCaCert: pki.issue(misnamed, kind,
        { agency: id }).certPem })).toMatch(/caCert names agency CN-BJ\/GOV\/11110000000000001M/);
    });

  it('takes a P-256 root naming the agency as its own TLS anchor; others need a TLS CA', () => {
    expect(outcome({ caCert: pki.root('p256', { agency: id }).certPem })).toBe('accepted: root');
    for (const kind of ['sm2', 'ed25519', 'p256'] as const) {
      expect(outcome({ caCert: pki.root(kind).certPem })).toMatch(/cannot anchor node TLS/);
    }
    expect(outcome({ caCert: pki.root('sm2', { agency: id }).certPem }))
      .toMatch(/cannot anchor node TLS/);
  });

  it('refuses roots that are not CAs, may not sign certificates, expired or badly signed', () => {
    const notCa = pki.root('sm2', { ca: false });
    expect(outcome({ caCert: notCa.certPem })).toMatch(/caCert is not a CA certificate/);
    const noCertSign = pki.root('ed25519', { keyUsage: 'cRLSign,digitalSignature' });
    expect(outcome({ caCert: noCertSign.certPem })).toMatch(/keyUsage lacks keyCertSign/);
    const shortLived = pki.root('sm2', { days: 1 });
    const tls = pki.issue(shortLived, 'sm2', { agency: id, days: 1 });
    expect(outcome({ caCert: shortLived.certPem, tlsCaCert: tls.certPem }, id,
      Date.now() + 3 * dayMs)).toMatch(/caCert is not valid now/);
    for (const kind of ['sm2', 'ed25519', 'p256'] as const) {
      const root = pki.root(kind);
      expect(outcome({ caCert: withBadSignature(root.certPem),
        tlsCaCert: pki.issue(root, kind, { agency: id }).certPem }))
        .toMatch(/caCert is not self-signed by its own key/);
    }
    // OpenSSL 3.0 signs SM2 with an empty user id unless told the default one; that is not the
    // standard's signature, so it does not verify.
    const emptyId = pki.root('sm2', { defaultId: false });
    expect(outcome({ caCert: emptyId.certPem,
      tlsCaCert: pki.issue(pki.root('sm2'), 'sm2', { agency: id }).certPem }))
      .toMatch(/not self-signed/);
  });

  it('refuses a TLS CA that another root issued, names another agency or is not a CA', () => {
    const root = pki.root('sm2');
    const stranger = pki.root('sm2');
    expect(outcome({ caCert: root.certPem,
      tlsCaCert: pki.issue(stranger, 'sm2', { agency: id }).certPem }))
      .toMatch(/tlsCaCert is not issued by caCert/);
    expect(outcome({ caCert: root.certPem,
      tlsCaCert: withBadSignature(pki.issue(root, 'sm2', { agency: id }).certPem) }))
      .toMatch(/tlsCaCert is not issued by caCert/);
    expect(outcome({ caCert: root.certPem,
      tlsCaCert: pki.issue(root, 'sm2', { agency: other }).certPem }))
      .toMatch(/tlsCaCert must be a P-256 CA naming the agency/);
    expect(outcome({ caCert: root.certPem,
      tlsCaCert: pki.issue(root, 'sm2', { agency: id, ca: false }).certPem }))
      .toMatch(/tlsCaCert is not a CA certificate/);
    const leafOnly = pki.root('p256', { pathLength: 0 });
    expect(outcome({ caCert: leafOnly.certPem,
      tlsCaCert: pki.issue(leafOnly, 'p256', { agency: id }).certPem }))
      .toMatch(/pathLenConstraint 0/);
  });

  it('finds the certificates of add-agency and CA-rotating proposals only', () => {
    const caCert = 'ROOT';
    expect(proposedAgencyCertificates('governance', 'propose',
      { kind: 'add-agency', payload: { id, caCert, tlsCaCert: 'TLS' } }))
      .toEqual({ id, caCert, tlsCaCert: 'TLS' });
    expect(proposedAgencyCertificates('governance', 'propose',
      { kind: 'rotate-agency-key', payload: { agency: id, caCert } }))
      .toEqual({ id, caCert, tlsCaCert: undefined });
    expect(proposedAgencyCertificates('governance', 'propose',
      { kind: 'rotate-agency-key', payload: { agency: id, newAdminKey: 'ab' } })).toBeUndefined();
    expect(proposedAgencyCertificates('governance', 'vote', { kind: 'add-agency' }))
      .toBeUndefined();
    expect(proposedAgencyCertificates('notary', 'propose', null)).toBeUndefined();
  });
});

describe('node TLS under a PKI root', () => {
  const running: TestNode[] = [];
  afterEach(async () => {
    await stopAll(running.splice(0));
  });

  it('gives the transport the anchor as openssl -trustout writes it', () => {
    const tlsCa = pki.issue(pki.root('sm2'), 'sm2', { agency: id });
    expect(peerTrustAnchor(tlsCa.certPem).replace(/\s/g, ''))
      .toBe(pki.trustedForPeers(tlsCa.certPem).replace(/\s/g, ''));
  });

  it.each(['dials', 'is dialed by'])(
    'connects a node under an SM2 root that %s a node of a zw-made CA', async (direction) => {
      const suite = getSuite('intl');
      const root = pki.root('sm2');
      const tlsCa = pki.issue(root, 'sm2', { agency: id, pathLength: 0 });
      const anchor = checkAgencyCertificates({ id, caCert: root.certPem,
        tlsCaCert: tlsCa.certPem }, Date.now());
      const key = suite.generateKeyPair();
      const edu: Member = { agencyId: id, ca: { ...tlsCa, certPem: peerTrustAnchor(anchor) },
        tls: issueNodeCertificate(tlsCa, { agencyId: id, nodeName: 'edu' }), key,
        address: Buffer.from(suite.address(key.publicKey)).toString('hex') };
      const [market] = makeMembers(suite, 1) as [Member];
      const members = [edu, market];
      const [listener, dialer] = direction === 'dials' ? [market, edu] : [edu, market];
      const first = await startNode({ suite, member: listener, members });
      running.push(first);
      const second = await startNode({ suite, member: dialer, members,
        peers: [{ host: '127.0.0.1', port: first.network.port }] });
      running.push(second);
      await waitFor(() => first.network.peers().length === 1 &&
        second.network.peers().length === 1, 'the two nodes connect');
      expect(first.network.peers()[0]?.agency).toBe(dialer.agencyId);
      expect(second.network.peers()[0]?.agency).toBe(listener.agencyId);
    });
});
