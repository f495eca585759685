// Proves the node's check of an agency CA certificate on import: a CA made by `zw init` for the
// agency passes; another agency's CA, a node (non-CA) certificate, an expired CA and text that
// is not a certificate are each refused with BAD_ARGUMENTS and a reason.
import { describe, expect, it } from 'vitest';
import { createAgencyCa, issueNodeCertificate } from '../../src/network/index.js';
import { addAgencyPayload, checkAgencyCa } from '../../src/node/agency-ca.js';

const id = 'CN-BJ/GOV/11110000000000008E/edu';
const ca = createAgencyCa(id, '北京市教育委员会');

function refusal(pem: string, agency = id, now = Date.now()): string {
  try {
    checkAgencyCa(pem, agency, now);
    return 'accepted';
  } catch (error) {
    return (error as { code: string }).code;
  }
}

describe('agency CA check', () => {
  it('accepts the agency own CA and refuses everything else', () => {
    expect(refusal(ca.certPem)).toBe('accepted');
    expect(refusal(ca.certPem, 'CN-BJ/GOV/11110000000000001M/market')).toBe('BAD_ARGUMENTS');
    const leaf = issueNodeCertificate(ca, { agencyId: id, nodeName: 'edu' });
    expect(refusal(leaf.certPem)).toBe('BAD_ARGUMENTS');
    expect(refusal(ca.certPem, id, Date.now() + 20 * 365 * 24 * 3600 * 1000)).toBe('BAD_ARGUMENTS');
    expect(refusal('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'))
      .toBe('BAD_ARGUMENTS');
  });

  it('finds the add-agency payload of a governance proposal only', () => {
    expect(addAgencyPayload('governance', 'propose',
      { kind: 'add-agency', payload: { id, caCert: ca.certPem } })).toEqual(
      { id, caCert: ca.certPem });
    expect(addAgencyPayload('governance', 'vote', { kind: 'add-agency' })).toBeUndefined();
    expect(addAgencyPayload('notary', 'propose', null)).toBeUndefined();
  });
});
