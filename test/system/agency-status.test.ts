// Proves what an agency's status and certificates do through the real ledger: suspending an
// agency takes its validators out of the set from the executed height + 2 (the same rule as
// validator changes), reinstating it brings them back with the power they had, removing a
// suspended agency leaves them out for good, and a suspension that would empty the set does not
// execute. Also that add-agency and rotate-agency-key carry a PKI root with its TLS CA, and that
// rotation may replace the certificates, the admin key or both.
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/index.js';
import type { KeyPair } from '../../src/crypto/index.js';
import {
  readValidatorSchedule, treeReader, validatorSetAt,
} from '../../src/system/index.js';
import { SystemChain, agencyId, caCert, suite } from './harness.js';

const otherCert = caCert.replace('MIIBtest', 'MIIBother');

function agencyOf(chain: SystemChain, index: number): Record<string, unknown> {
  return chain.query('governance', 'agency', { id: agencyId(index) }) as Record<string, unknown>;
}

/** Agencies and powers of the set signing at `height`, sorted by agency. */
function setAt(chain: SystemChain, height: number): string[] {
  const schedule = readValidatorSchedule(treeReader(suite.hash, chain.state));
  return (validatorSetAt(schedule, height)?.validators ?? [])
    .map((validator) => `${validator.agency}:${validator.power}`).sort();
}

/** Proposes with roots[0] and has roots[1..] vote yes until it executes; returns the height. */
function decide(chain: SystemChain, kind: string, payload: Record<string, unknown>,
  voters: readonly KeyPair[]): number {
  const [proposer, ...rest] = voters as [KeyPair, ...KeyPair[]];
  const { id, status } = chain.propose(proposer, kind, payload as never);
  let current = status;
  for (const voter of rest) {
    if (current !== 'open') break;
    current = chain.vote(voter, id, 'yes');
  }
  expect(current).toBe('executed');
  return chain.height;
}

describe('agency status and the validator set', () => {
  it('parks a suspended agency validators at H+2 and returns them, with power, on reinstatement',
    () => {
      const chain = new SystemChain(4);
      const [a, b, c] = chain.roots as [KeyPair, KeyPair, KeyPair];
      const validator3 = chain.validatorKeys[3] as KeyPair;
      decide(chain, 'set-validator-power',
        { address: suite.address(validator3.publicKey), power: 7 }, [a, b, c]);
      chain.advance(2);
      const full = [0, 1, 2].map((i) => `${agencyId(i)}:10`).concat(`${agencyId(3)}:7`).sort();
      expect(setAt(chain, chain.height + 1)).toEqual(full);

      const suspendedAt = decide(chain, 'suspend-agency', { id: agencyId(3) }, [a, b, c]);
      expect(setAt(chain, suspendedAt + 1)).toEqual(full);
      expect(setAt(chain, suspendedAt + 2)).toEqual(full.filter((v) => !v.startsWith(agencyId(3))));
      expect(agencyOf(chain, 3).status).toBe('suspended');
      expect((agencyOf(chain, 3).suspendedValidators as unknown[]).length).toBe(1);
      // While suspended, its validator cannot be re-added or re-powered by the usual kinds.
      const { id } = chain.propose(a, 'set-validator-power',
        { address: suite.address(validator3.publicKey), power: 9 });
      chain.vote(b, id, 'yes');
      expect((chain.query('governance', 'proposal', { id }) as { executionError: string })
        .executionError).toMatch(/not in the set/);

      // Three active agencies now: two yes votes reinstate it.
      const reinstatedAt = decide(chain, 'reinstate-agency', { id: agencyId(3) }, [a, b]);
      expect(setAt(chain, reinstatedAt + 1)).not.toContain(`${agencyId(3)}:7`);
      expect(setAt(chain, reinstatedAt + 2)).toEqual(full);
      expect(agencyOf(chain, 3).status).toBe('active');
      expect(agencyOf(chain, 3).suspendedValidators).toBeUndefined();
    });

  it('keeps a removed suspended agency validators out and cannot reinstate it', () => {
    const chain = new SystemChain(4);
    const [a, b, c] = chain.roots as [KeyPair, KeyPair, KeyPair];
    decide(chain, 'suspend-agency', { id: agencyId(3) }, [a, b, c]);
    const removedAt = decide(chain, 'remove-agency', { id: agencyId(3) }, [a, b]);
    expect(setAt(chain, removedAt + 2).some((v) => v.startsWith(agencyId(3)))).toBe(false);
    expect(agencyOf(chain, 3).status).toBe('removed');
    expect(agencyOf(chain, 3).suspendedValidators).toBeUndefined();
    const { id } = chain.propose(a, 'reinstate-agency', { id: agencyId(3) });
    chain.vote(b, id, 'yes');
    expect(chain.proposalStatus(id)).toBe('approved');
  });

  it('does not suspend the agency that runs every validator', () => {
    const chain = new SystemChain(1);
    const [a] = chain.roots as [KeyPair];
    const { id, status } = chain.propose(a, 'suspend-agency', { id: agencyId(0) });
    expect(status).toBe('approved');
    expect((chain.query('governance', 'proposal', { id }) as { executionError: string })
      .executionError).toMatch(/validator set would be empty/);
    expect(agencyOf(chain, 0).status).toBe('active');
  });
});

describe('agency certificates in proposals', () => {
  it('admits an agency with a PKI root and its TLS CA, and rotates them by governance', () => {
    const chain = new SystemChain(3);
    const [a, b] = chain.roots as [KeyPair, KeyPair];
    const id = 'CN-BJ/GOV/11110000000099999X/new';
    decide(chain, 'add-agency', { id, name: 'New office', caCert, tlsCaCert: otherCert,
      adminKey: toHex(suite.generateKeyPair().publicKey) }, [a, b]);
    const added = chain.query('governance', 'agency', { id }) as Record<string, unknown>;
    expect([added.caCert, added.tlsCaCert]).toEqual([caCert, otherCert]);

    // A root that anchors TLS itself replaces root and TLS CA: the old TLS CA goes.
    // Four agencies now: three yes votes.
    const c = chain.roots[2] as KeyPair;
    decide(chain, 'rotate-agency-key', { agency: id, caCert: otherCert }, [a, b, c]);
    const rotated = chain.query('governance', 'agency', { id }) as Record<string, unknown>;
    expect([rotated.caCert, rotated.tlsCaCert]).toEqual([otherCert, undefined]);
    expect(rotated.adminKey).toEqual(added.adminKey);

    const fresh = suite.generateKeyPair();
    decide(chain, 'rotate-agency-key', { agency: id, newAdminKey: toHex(fresh.publicKey) },
      [a, b, c]);
    const rekeyed = chain.query('governance', 'agency', { id }) as Record<string, unknown>;
    expect([rekeyed.caCert, rekeyed.adminKey]).toEqual([otherCert, fresh.publicKey]);
  });

  it('refuses rotations that change nothing, or a TLS CA without its root', () => {
    const chain = new SystemChain(2);
    const [a] = chain.roots as [KeyPair];
    const refusal = (payload: Record<string, unknown>): string => {
      const { receipt } = chain.send(a, 'governance', 'propose', { kind: 'rotate-agency-key',
        payload: payload as never, reason: 'test', legalBasis: 'Regulation 1',
        deadlineBlocks: 10 });
      return `${receipt.status}: ${receipt.error ?? ''}`;
    };
    expect(refusal({ agency: agencyId(1) })).toMatch(/BAD_ARGUMENTS.*newAdminKey, caCert/);
    expect(refusal({ agency: agencyId(1), tlsCaCert: caCert }))
      .toMatch(/BAD_ARGUMENTS.*tlsCaCert comes only with/);
    expect(refusal({ agency: agencyId(1), caCert: 'not a certificate' }))
      .toMatch(/BAD_ARGUMENTS.*caCert must be one PEM certificate/);
  });
});
