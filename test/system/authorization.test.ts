// Proves the authorization matrix of the identity and governance contracts: for every kind of
// caller × every protected method, an active admin (registered or the agency's root key) succeeds
// and every other caller — each non-admin role, a custom role, a non-member, a suspended, revoked
// or expired admin, an admin of a suspended agency, an admin of another agency acting on this
// agency's members (registering goes into the caller's own agency) — is refused with
// UNAUTHORIZED and changes nothing but its own nonce.
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/index.js';
import type { CborValue } from '../../src/core/index.js';
import type { KeyPair } from '../../src/crypto/index.js';
import { SystemChain, suite } from './harness.js';

type Actor = 'root' | 'admin' | 'operator' | 'staff' | 'auditor' | 'validator-operator' |
  'custom' | 'non-member' | 'suspended-admin' | 'revoked-admin' | 'expired-admin' |
  'suspended-agency-admin' | 'other-agency-admin';
const actors: Actor[] = ['root', 'admin', 'operator', 'staff', 'auditor', 'validator-operator',
  'custom', 'non-member', 'suspended-admin', 'revoked-admin', 'expired-admin',
  'suspended-agency-admin', 'other-agency-admin'];
const methods = ['registerMember', 'setRoles', 'suspendMember', 'reinstateMember',
  'revokeMember', 'rotateMemberKey', 'propose', 'vote'] as const;
type Method = (typeof methods)[number];

function allowed(actor: Actor, method: Method): boolean {
  if (actor === 'root' || actor === 'admin') return true;
  // An admin of another active agency takes part in governance and registers members into its
  // own agency, but may not touch A's members.
  return actor === 'other-agency-admin' &&
    (method === 'propose' || method === 'vote' || method === 'registerMember');
}

/** Agency 0 is "A" (the target), 1 and 2 vote, 3 gets suspended by governance. */
function setUp(actor: Actor): { chain: SystemChain; key: KeyPair } {
  const chain = new SystemChain(4);
  const roles: Partial<Record<Actor, string[]>> = { admin: ['admin'], operator: ['operator'],
    staff: ['staff'], auditor: ['auditor'], 'validator-operator': ['validator-operator'],
    custom: ['data-officer'] };
  const listed = roles[actor];
  if (listed !== undefined) return { chain, key: chain.member(0, listed) };
  if (actor === 'root') return { chain, key: chain.roots[0] as KeyPair };
  if (actor === 'non-member') return { chain, key: suite.generateKeyPair() };
  if (actor === 'other-agency-admin') return { chain, key: chain.member(1, ['admin']) };
  if (actor === 'expired-admin') {
    return { chain, key: chain.member(0, ['admin'], { validUntil: chain.height + 1 }) };
  }
  if (actor === 'suspended-agency-admin') {
    const key = chain.member(3, ['admin']);
    const { id } = chain.propose(chain.roots[1] as KeyPair, 'suspend-agency',
      { id: 'CN-BJ/GOV/11110000000021133M/office' });
    chain.vote(chain.roots[2] as KeyPair, id, 'yes');
    expect(chain.vote(chain.roots[0] as KeyPair, id, 'yes')).toBe('executed');
    return { chain, key };
  }
  const key = chain.member(0, ['admin']);
  const method = actor === 'suspended-admin' ? 'suspendMember' : 'revokeMember';
  chain.ok(chain.roots[0] as KeyPair, 'identity', method, { address: suite.address(key.publicKey) });
  return { chain, key };
}

/** Prepares the method's preconditions (as the root admin) and returns its arguments. */
function prepare(chain: SystemChain, method: Method): CborValue {
  const target = chain.member(0, ['staff']);
  const address = suite.address(target.publicKey);
  switch (method) {
    case 'registerMember': return { publicKey: suite.generateKeyPair().publicKey, roles: ['staff'] };
    case 'setRoles': return { address, roles: ['auditor'] };
    case 'suspendMember': case 'revokeMember': return { address };
    case 'reinstateMember':
      chain.ok(chain.roots[0] as KeyPair, 'identity', 'suspendMember', { address });
      return { address };
    case 'rotateMemberKey': return { address, newPublicKey: suite.generateKeyPair().publicKey };
    case 'propose': return { kind: 'set-params', payload: { timeoutCommitMs: 200 },
      reason: 'faster blocks', legalBasis: 'Regulation 7', deadlineBlocks: 50 };
    case 'vote': {
      const { id } = chain.propose(chain.roots[1] as KeyPair, 'set-params',
        { timeoutCommitMs: 300 });
      return { id, vote: 'no' };
    }
  }
}

describe('authorization matrix', () => {
  for (const actor of actors) {
    it(`${actor}`, () => {
      for (const method of methods) {
        const { chain, key } = setUp(actor);
        chain.advance(2);
        const args = prepare(chain, method);
        const contract = method === 'propose' || method === 'vote' ? 'governance' : 'identity';
        const { receipt, updates } = chain.send(key, contract, method, args);
        if (allowed(actor, method)) {
          expect(receipt.status, `${actor} ${method}: ${receipt.error}`).toBe('ok');
        } else {
          expect(receipt.status, `${actor} ${method}`).toBe('UNAUTHORIZED');
          const nonce = chain.nonceKey(key);
          expect(updates.map((u) => toHex(u.key)).filter((k) => k !== nonce),
            `${actor} ${method} changed state`).toEqual([]);
        }
      }
    });
  }
});
