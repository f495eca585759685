// Proves that keys are unique across members, root admins, nodes and validators, through the real
// ledger and system contracts: an agency admin cannot register another agency's node key (public
// in the genesis) or admin key as its member, so a node keeps its identity; governance cannot
// bring a key that is already someone's, in the same block either; the genesis refuses shared
// keys; and a node moves to a new key by governance, its validator too (issue 12, point 9).
import { describe, expect, it } from 'vitest';
import { ErrorCode, ZwError, decode, encode, toHex } from '../../src/core/index.js';
import type { CborValue } from '../../src/core/index.js';
import type { KeyPair } from '../../src/crypto/index.js';
import { stateTreeKey } from '../../src/ledger/index.js';
import {
  genesisStateUpdates, identityContractName, memberKey, readValidatorSchedule, resolveSender,
  treeReader,
} from '../../src/system/index.js';
import { SystemChain, agencyId, caCert, suite } from './harness.js';

function chainWithNodes(): { chain: SystemChain; roots: KeyPair[]; nodes: KeyPair[] } {
  const chain = new SystemChain(4, { nodes: true });
  return { chain, roots: chain.roots, nodes: chain.validatorKeys };
}

const address = (key: KeyPair): Uint8Array => suite.address(key.publicKey);

function register(chain: SystemChain, admin: KeyPair, publicKey: Uint8Array): string {
  return chain.send(admin, 'identity', 'registerMember', { publicKey, roles: ['staff'] })
    .receipt.status;
}

describe('one key index', () => {
  it('refuses another agency\'s node or admin key as a member; the node keeps its identity', () => {
    const { chain, roots, nodes } = chainWithNodes();
    const [victimNode] = nodes as [KeyPair];
    const attacker = roots[1] as KeyPair;
    // The attack: agency 1's admin registers agency 0's node key, then revokes it.
    expect(register(chain, attacker, victimNode.publicKey)).toBe(ErrorCode.KEY_IN_USE);
    expect(chain.send(attacker, 'identity', 'revokeMember', { address: address(victimNode) })
      .receipt.status).toBe('NOT_FOUND');
    expect(register(chain, attacker, (roots[0] as KeyPair).publicKey)).toBe('KEY_IN_USE');
    expect(register(chain, roots[0] as KeyPair, victimNode.publicKey)).toBe('KEY_IN_USE');
    const read = treeReader(suite.hash, chain.state);
    expect(resolveSender(read, address(victimNode), chain.height))
      .toEqual({ agency: agencyId(0), roles: ['node', 'exchange'] });
    expect(chain.query('identity', 'member', { address: address(victimNode) }))
      .toMatchObject({ agency: agencyId(0), node: true, status: 'active' });
    // A key is one member's only, across agencies and across rotations.
    const key = suite.generateKeyPair();
    expect(register(chain, roots[0] as KeyPair, key.publicKey)).toBe('ok');
    expect(register(chain, attacker, key.publicKey)).toBe('KEY_IN_USE');
    const member = chain.member(1, ['staff']);
    expect(chain.send(attacker, 'identity', 'rotateMemberKey', { address: address(member),
      newPublicKey: (nodes[2] as KeyPair).publicKey }).receipt.status).toBe('KEY_IN_USE');
  });

  it('resolves node and admin keys before member records, whatever the state holds', () => {
    const { chain, nodes } = chainWithNodes();
    const node = nodes[0] as KeyPair;
    // A member record under a node's address, as a chain before the key index could hold.
    chain.store.set(toHex(stateTreeKey(suite.hash, identityContractName, memberKey(address(node)))),
      encode({ address: address(node), publicKey: node.publicKey, agency: agencyId(1),
        roles: ['admin'], validFrom: 0, validUntil: null, officialId: null, status: 'revoked',
        registeredHeight: 1, updatedHeight: 1, rotatedTo: null }));
    expect(resolveSender(treeReader(suite.hash, chain.state), address(node), chain.height))
      .toEqual({ agency: agencyId(0), roles: ['node', 'exchange'] });
  });

  it('governance cannot bring a key that is in use, even in the block that registers it', () => {
    const { chain, roots } = chainWithNodes();
    const [a, b, c] = roots as [KeyPair, KeyPair, KeyPair];
    const member = chain.member(0, ['staff']);
    const newAgency = 'CN-BJ/GOV/11110000000099999X/new';
    const addAgency = (adminKey: Uint8Array, nodeKey: Uint8Array): Uint8Array =>
      chain.propose(a, 'add-agency', { id: newAgency, name: 'New', caCert,
        adminKey: toHex(adminKey), nodes: [{ name: 'n', publicKey: toHex(nodeKey) }] }).id;
    const reused = addAgency(suite.generateKeyPair().publicKey, member.publicKey);
    chain.vote(b, reused, 'yes');
    expect(chain.vote(c, reused, 'yes')).toBe('approved');
    expect((chain.query('governance', 'proposal', { id: reused }) as Record<string, CborValue>)
      .executionError).toMatch(/is already a member key/);
    expect(chain.query('governance', 'agency', { id: newAgency })).toBeNull();
    // The vote that adds the agency and a registration of its node key share one block: the
    // first in the block wins, the second is refused.
    const nodeKey = suite.generateKeyPair();
    const fresh = addAgency(suite.generateKeyPair().publicKey, nodeKey.publicKey);
    chain.vote(b, fresh, 'yes');
    const receipts = chain.sendAll([
      { key: c, contract: 'governance', method: 'vote', args: { id: fresh, vote: 'yes' } },
      { key: b, contract: 'identity', method: 'registerMember',
        args: { publicKey: nodeKey.publicKey, roles: ['staff'] } },
    ]);
    expect(receipts.map((r) => r.status)).toEqual(['ok', 'KEY_IN_USE']);
    expect(chain.proposalStatus(fresh)).toBe('executed');
    // A validator key that is another agency's node, or a member's, is refused (five agencies
    // now: 2/3 takes four votes).
    for (const key of [nodeKey, member]) {
      const { id } = chain.propose(a, 'add-validator', { publicKey: toHex(key.publicKey),
        power: 5, agency: agencyId(0) });
      chain.vote(b, id, 'yes');
      chain.vote(c, id, 'yes');
      expect(chain.vote(roots[3] as KeyPair, id, 'yes')).toBe('approved');
      expect((chain.query('governance', 'proposal', { id }) as Record<string, CborValue>)
        .executionError).toMatch(/KEY_IN_USE|is already a (node|member) key/);
    }
    // Only governance claims keys.
    expect(chain.send(a, 'identity', 'claimKeys', { keys: [{ publicKey:
      suite.generateKeyPair().publicKey, use: 'admin', agency: agencyId(0) }] }).receipt.status)
      .toBe('UNAUTHORIZED');
  });

  it('refuses a genesis whose keys are shared', () => {
    const [admin0, admin1, node0] = [0, 1, 2].map(() => toHex(suite.generateKeyPair().publicKey));
    const agencies = [
      { id: agencyId(0), name: 'A', caCert, adminKey: admin0 ?? '' },
      { id: agencyId(1), name: 'B', caCert, adminKey: admin1 ?? '' },
    ];
    const attempt = (input: Record<string, unknown>): unknown => {
      try {
        return genesisStateUpdates({ agencies, ...input }, suite).length;
      } catch (error) {
        return error instanceof ZwError ? error.code : error;
      }
    };
    const node = (agency: number, publicKey: string): Record<string, string> =>
      ({ agency: agencyId(agency), name: `n${agency}`, publicKey });
    expect(attempt({ nodes: [node(0, admin1 ?? '')] })).toBe('INVALID_ARGUMENT');
    expect(attempt({ nodes: [node(0, node0 ?? ''), node(1, node0 ?? '')] }))
      .toBe('INVALID_ARGUMENT');
    expect(attempt({ nodes: [node(0, node0 ?? '')], validators: [{ agency: agencyId(1),
      publicKey: node0, power: 1 }] })).toBe('INVALID_ARGUMENT');
    // A validator that is its own agency's node, as `zw init` makes them, is fine.
    expect(attempt({ nodes: [node(0, node0 ?? '')], validators: [{ agency: agencyId(0),
      publicKey: node0, power: 1 }] })).toBeGreaterThan(0);
  });

  it('re-keys a node by governance: the old key is refused, the validator moves at H + 2', () => {
    const { chain, roots, nodes } = chainWithNodes();
    const [a, b, c] = roots as [KeyPair, KeyPair, KeyPair];
    const old = nodes[0] as KeyPair;
    const fresh = suite.generateKeyPair();
    const { id } = chain.propose(a, 'rotate-node-key', { agency: agencyId(0),
      publicKey: toHex(old.publicKey), newPublicKey: toHex(fresh.publicKey) });
    chain.vote(b, id, 'yes');
    expect(chain.vote(c, id, 'yes')).toBe('executed');
    const read = treeReader(suite.hash, chain.state);
    expect(resolveSender(read, address(fresh), chain.height + 1))
      .toEqual({ agency: agencyId(0), roles: ['node', 'exchange'] });
    expect(resolveSender(read, address(old), chain.height + 1))
      .toMatchObject({ refused: 'UNAUTHORIZED', reason: 'node key was rotated out' });
    const agency = chain.query('governance', 'agency', { id: agencyId(0) }) as
      { nodes: { publicKey: Uint8Array }[] };
    expect(agency.nodes.map((n) => toHex(n.publicKey))).toEqual([toHex(fresh.publicKey)]);
    const last = readValidatorSchedule(read).at(-1);
    expect(last?.effectiveHeight).toBe(chain.height + 2);
    const keys = last?.validators.map((v) => toHex(v.publicKey)) ?? [];
    expect(keys).toContain(toHex(fresh.publicKey));
    expect(keys).not.toContain(toHex(old.publicKey));
    expect(last?.validators.find((v) => toHex(v.publicKey) === toHex(fresh.publicKey)))
      .toMatchObject({ power: 10, agency: agencyId(0) });
    // The rotated-out key stays used: no member, no node, no validator may take it.
    expect(register(chain, b, old.publicKey)).toBe('KEY_IN_USE');
    const back = chain.propose(a, 'add-validator', { publicKey: toHex(old.publicKey), power: 1,
      agency: agencyId(0) });
    chain.vote(b, back.id, 'yes');
    expect(chain.vote(c, back.id, 'yes')).toBe('approved');
    // Re-keying to a key in use, or a node the agency does not have, is not executed.
    for (const [from, to] of [[fresh, nodes[1] as KeyPair], [old, suite.generateKeyPair()]] as
      [KeyPair, KeyPair][]) {
      const bad = chain.propose(a, 'rotate-node-key', { agency: agencyId(0),
        publicKey: toHex(from.publicKey), newPublicKey: toHex(to.publicKey) });
      chain.vote(b, bad.id, 'yes');
      expect(chain.vote(c, bad.id, 'yes')).toBe('approved');
    }
    const stored = chain.store.get(toHex(stateTreeKey(suite.hash, 'governance',
      new TextEncoder().encode('agency/' + agencyId(0)))));
    expect(stored === undefined ? undefined : (decode(stored) as { nodes: unknown[] }).nodes)
      .toHaveLength(1);
  });
});
