// Proves that an agency CA issued by a national root travels with its chain through the real
// ledger: add-agency carries `caChain` into the agency record, a rotation that replaces caCert
// replaces or drops the chain with it, a chain without its caCert or of a wrong form is refused,
// and genesis agencies take a TLS CA and a chain as proposals do (X.509 itself is checked by the
// node, test/node/agency-chain.test.ts).
import { describe, expect, it } from 'vitest';
import { ErrorCode, ZwError, toHex } from '../../src/core/index.js';
import type { KeyPair } from '../../src/crypto/index.js';
import { checkGenesis, defaultParams, stateTreeKey } from '../../src/ledger/index.js';
import type { Genesis } from '../../src/ledger/index.js';
import {
  agencyKey, decodeAgency, genesisStateUpdates, governanceContractName, governanceLimits,
} from '../../src/system/index.js';
import { SystemChain, agencyId, caCert, suite } from './harness.js';

const pem = (name: string): string => caCert.replace('MIIBtest', `MIIB${name}`);
const [agencyCa, tlsCa, provincial, national] = ['agency', 'tls', 'provincial', 'national']
  .map(pem) as [string, string, string, string];
const id = 'CN-BJ/GOV/11110000000099999X/new';

function agency(chain: SystemChain): Record<string, unknown> {
  return chain.query('governance', 'agency', { id }) as Record<string, unknown>;
}

/** Has roots[0] propose and the other roots vote yes until the proposal executes. */
function decide(chain: SystemChain, kind: string, payload: Record<string, unknown>): void {
  const [proposer, ...voters] = chain.roots as [KeyPair, ...KeyPair[]];
  const { id: proposal, status } = chain.propose(proposer, kind, payload as never);
  let current = status;
  for (const voter of voters) {
    if (current !== 'open') break;
    current = chain.vote(voter, proposal, 'yes');
  }
  expect(current).toBe('executed');
}

function refusal(chain: SystemChain, kind: string, payload: Record<string, unknown>): string {
  const { receipt } = chain.send(chain.roots[0] as KeyPair, 'governance', 'propose', { kind,
    payload: payload as never, reason: 'test', legalBasis: 'Regulation 1', deadlineBlocks: 10 });
  return `${receipt.status}: ${receipt.error ?? ''}`;
}

describe('agency CA chains in proposals', () => {
  it('admits an agency CA with its chain and replaces the chain with the CA', () => {
    const chain = new SystemChain(3);
    decide(chain, 'add-agency', { id, name: 'New office', caCert: agencyCa, tlsCaCert: tlsCa,
      caChain: [provincial, national], adminKey: toHex(suite.generateKeyPair().publicKey) });
    const added = agency(chain);
    expect([added.caCert, added.tlsCaCert, added.caChain])
      .toEqual([agencyCa, tlsCa, [provincial, national]]);

    // A new CA issued by the national root directly: the chain shrinks to the root.
    decide(chain, 'rotate-agency-key', { agency: id, caCert: pem('agency2'), tlsCaCert: tlsCa,
      caChain: [national] });
    expect(agency(chain).caChain).toEqual([national]);
    // A self-signed CA that anchors TLS itself: the TLS CA and the chain go.
    decide(chain, 'rotate-agency-key', { agency: id, caCert: pem('own') });
    const own = agency(chain);
    expect([own.caCert, own.tlsCaCert, own.caChain]).toEqual([pem('own'), undefined, undefined]);
  });

  it('refuses a chain without its caCert, an empty or too long one, or one not of PEMs', () => {
    const chain = new SystemChain(2);
    expect(refusal(chain, 'rotate-agency-key', { agency: agencyId(1), caChain: [national] }))
      .toMatch(/BAD_ARGUMENTS.*caChain comes only with the caCert/);
    const tooLong = Array.from({ length: governanceLimits.caChainCertificatesMax + 1 },
      (_, index) => pem(`issuer${index}`));
    for (const caChain of [[], tooLong, national]) {
      expect(refusal(chain, 'rotate-agency-key', { agency: agencyId(1), caCert: agencyCa,
        caChain })).toMatch(/BAD_ARGUMENTS.*caChain must list 1 to 4 PEM certificates/);
    }
    expect(refusal(chain, 'add-agency', { id, name: 'New office', caCert: agencyCa,
      caChain: [national, 'not a certificate'],
      adminKey: toHex(suite.generateKeyPair().publicKey) }))
      .toMatch(/BAD_ARGUMENTS.*caChain\[1\] must be one PEM certificate/);
  });
});

describe('genesis agencies from a PKI', () => {
  const admin = toHex(suite.generateKeyPair().publicKey);

  it('records a genesis agency with its TLS CA and chain', () => {
    const writes = genesisStateUpdates({ agencies: [{ id, name: 'New office', caCert: agencyCa,
      tlsCaCert: tlsCa, caChain: [national], adminKey: admin }] }, suite);
    const key = toHex(stateTreeKey(suite.hash, governanceContractName, agencyKey(id)));
    const stored = writes.find((write) => toHex(write.key) === key);
    const record = decodeAgency(stored?.value ?? new Uint8Array());
    expect([record.caCert, record.tlsCaCert, record.caChain]).toEqual([agencyCa, tlsCa,
      [national]]);
  });

  it('refuses genesis certificates that are not PEM', () => {
    const validator = suite.generateKeyPair().publicKey;
    const genesis = (extra: Record<string, unknown>): Genesis => ({ chainId: 'pki-genesis',
      suite: 'intl', genesisTime: 1, nodes: [], params: defaultParams,
      validators: [{ agency: id, address: toHex(suite.address(validator)),
        publicKey: toHex(validator), power: 10 }],
      agencies: [{ id, name: 'New office', caCert: agencyCa, adminKey: admin, ...extra }] });
    expect(checkGenesis(genesis({ tlsCaCert: tlsCa, caChain: [national] })).genesis.agencies)
      .toHaveLength(1);
    for (const extra of [{ tlsCaCert: 'TLS' }, { caChain: national }, { caChain: ['x'] }]) {
      expect(() => checkGenesis(genesis(extra))).toThrow(
        new ZwError(ErrorCode.INVALID_ARGUMENT,
          `genesis: agency ${id}: tlsCaCert and caChain must be PEM certificates`));
    }
    expect(() => genesisStateUpdates({ agencies: [{ id, name: 'New office', caCert: agencyCa,
      caChain: [], adminKey: admin }] }, suite)).toThrow(/caChain must list/);
  });
});
