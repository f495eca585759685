// Proves the proposal lifecycle through the real ledger: a proposal executes in the vote that
// meets its policy (a new agency's admin can act from then on, a validator change is scheduled at
// height + 2), is rejected once the policy cannot be met, expires after its deadline on the next
// touch, follows changed votes, and stops counting a removed agency's vote.
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/index.js';
import type { KeyPair } from '../../src/crypto/index.js';
import {
  isDeploymentApproved, readParamOverrides, readValidatorSchedule, treeReader,
} from '../../src/system/index.js';
import { SystemChain, agencyId, caCert, suite } from './harness.js';

function roots(chain: SystemChain): KeyPair[] {
  return chain.roots;
}

describe('proposal lifecycle', () => {
  it('adds an agency by 2/3 and lets its root admin register members at once', () => {
    const chain = new SystemChain(3);
    const [a, b] = roots(chain) as [KeyPair, KeyPair];
    const admin = suite.generateKeyPair();
    const id5 = 'CN-BJ/GOV/11110000000099999X/new';
    const { id, status } = chain.propose(a, 'add-agency', { id: id5, name: 'New office', caCert,
      adminKey: toHex(admin.publicKey) });
    expect(status).toBe('open');
    expect(chain.vote(b, id, 'yes')).toBe('executed');
    const proposal = chain.query('governance', 'proposal', { id }) as Record<string, unknown>;
    expect(proposal.executedHeight).toBe(chain.height);
    expect((chain.query('governance', 'agency', { id: id5 }) as { status: string }).status)
      .toBe('active');
    chain.ok(admin, 'identity', 'registerMember', { publicKey: suite.generateKeyPair().publicKey,
      roles: ['staff'] });
  });

  it('schedules validator changes at executed height + 2 and records params and deploys', () => {
    const chain = new SystemChain(3);
    const [a, b] = roots(chain) as [KeyPair, KeyPair];
    const validator = suite.generateKeyPair();
    const { id } = chain.propose(a, 'add-validator', { publicKey: toHex(validator.publicKey),
      power: 5, agency: agencyId(1) });
    chain.vote(b, id, 'yes');
    const read = treeReader(suite.hash, chain.state);
    const schedule = readValidatorSchedule(read);
    expect(schedule.map((entry) => entry.effectiveHeight)).toEqual([1, chain.height + 2]);
    expect(schedule[1]?.validators).toHaveLength(4);
    const params = chain.propose(a, 'set-params', { timeoutCommitMs: 250 });
    chain.vote(b, params.id, 'yes');
    expect(readParamOverrides(read)).toEqual({ timeoutCommitMs: 250 });
    const sourceHash = new Uint8Array(32).fill(7);
    const deploy = chain.propose(a, 'deploy-contract', { name: 'catalog', version: '1.0.0',
      sourceHash });
    expect(isDeploymentApproved(read, 'catalog', sourceHash)).toBe(false);
    chain.vote(b, deploy.id, 'yes');
    expect(isDeploymentApproved(read, 'catalog', sourceHash)).toBe(true);
  });

  it('rejects when the policy can no longer be met, and follows changed votes', () => {
    const chain = new SystemChain(3);
    const [a, b, c] = roots(chain) as [KeyPair, KeyPair, KeyPair];
    const rejected = chain.propose(a, 'set-params', { blockTxsMax: 100 });
    expect(chain.vote(b, rejected.id, 'no')).toBe('open');
    expect(chain.vote(c, rejected.id, 'no')).toBe('rejected');
    expect(() => chain.vote(c, rejected.id, 'yes')).toThrow(/proposal is rejected/);
    const changed = chain.propose(a, 'set-params', { blockTxsMax: 200 });
    expect(chain.vote(b, changed.id, 'no')).toBe('open');
    expect(chain.vote(b, changed.id, 'yes')).toBe('executed');
  });

  it('expires after its deadline: queries show it, the next touch records it', () => {
    const chain = new SystemChain(3);
    const [a, b] = roots(chain) as [KeyPair, KeyPair];
    const { id } = chain.propose(a, 'set-params', { blockTxsMax: 100 }, 2);
    chain.advance(2);
    expect(chain.proposalStatus(id)).toBe('expired');
    expect(chain.vote(b, id, 'yes')).toBe('expired');
    const { receipt } = chain.send(b, 'governance', 'vote', { id, vote: 'yes' });
    expect(receipt.status).toBe('CONTRACT_FAILED');
  });

  it('stops counting a removed agency\'s vote', () => {
    const chain = new SystemChain(4);
    const [a, b, c, d] = roots(chain) as [KeyPair, KeyPair, KeyPair, KeyPair];
    // 2/3 of 4 needs 3: A yes, D no, B yes leaves it open.
    const pending = chain.propose(a, 'set-params', { blockTxsMax: 300 });
    chain.vote(d, pending.id, 'no');
    expect(chain.vote(b, pending.id, 'yes')).toBe('open');
    const removal = chain.propose(a, 'remove-agency', { id: agencyId(3) });
    chain.vote(b, removal.id, 'yes');
    expect(chain.vote(c, removal.id, 'yes')).toBe('executed');
    // Now 2 of the 3 active agencies said yes; D's no no longer counts.
    expect(chain.vote(b, pending.id, 'yes')).toBe('executed');
    const { receipt } = chain.send(d, 'governance', 'vote', { id: pending.id, vote: 'no' });
    expect(receipt.status).toBe('UNAUTHORIZED');
    const read = treeReader(suite.hash, chain.state);
    const last = readValidatorSchedule(read).at(-1);
    expect(last?.validators.map((v) => v.agency)).not.toContain(agencyId(3));
  });

  it('re-keys members: the new key acts, the old one is refused', () => {
    const chain = new SystemChain(2);
    const [a] = roots(chain) as [KeyPair];
    const old = chain.member(0, ['admin']);
    const fresh = suite.generateKeyPair();
    chain.ok(a, 'identity', 'rotateMemberKey', { address: suite.address(old.publicKey),
      newPublicKey: fresh.publicKey });
    chain.ok(fresh, 'identity', 'registerMember', { publicKey: suite.generateKeyPair().publicKey,
      roles: ['staff'] });
    expect(chain.send(old, 'identity', 'registerMember', {
      publicKey: suite.generateKeyPair().publicKey, roles: ['staff'] }).receipt.status)
      .toBe('UNAUTHORIZED');
    const events = chain.send(a, 'identity', 'setRoles', { address: suite.address(fresh.publicKey),
      roles: ['admin', 'auditor'] }).receipt.events.map((e) => e.name);
    expect(events).toEqual(['MemberRolesChanged']);
  });
});
