// Proves that a contract deployment approval is exact and single-use, through the real ledger,
// governance and `contracts` system contract with the contract runtime: it names the source,
// version and init arguments (an upgrade: the version it replaces), only a member of the
// proposing agency may use it, in a transaction of its own, once — even where `contracts` is a
// public contract — and a superseded approval cannot roll a contract back (issue 12, point 8).
import { beforeAll, describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../src/core/index.js';
import type { CborValue } from '../../src/core/index.js';
import type { KeyPair } from '../../src/crypto/index.js';
import { loadVm } from '../../src/node/index.js';
import { initArgumentsHash } from '../../src/system/index.js';
import type { VmModule } from '../../src/vm/index.js';
import { SystemChain, agencyId, approvalSource, suite } from './harness.js';

const source = approvalSource;

const sourceHash = (text: string): Uint8Array => suite.hash(utf8(text));

let vm: VmModule;
beforeAll(async () => {
  vm = await loadVm();
});

interface Setup {
  readonly chain: SystemChain;
  readonly roots: [KeyPair, KeyPair, KeyPair, KeyPair];
}

function setup(): Setup {
  const chain = new SystemChain(4, { vm, publicContracts: ['contracts'] });
  return { chain, roots: chain.roots as [KeyPair, KeyPair, KeyPair, KeyPair] };
}

/** Proposes `kind` as agency 0 and has agencies 1 and 2 vote yes (a MAJORITY of four). */
function approve(s: Setup, kind: string, payload: CborValue): string {
  const { id } = s.chain.propose(s.roots[0], kind, payload);
  s.chain.vote(s.roots[1], id, 'yes');
  return s.chain.vote(s.roots[2], id, 'yes');
}

function status(s: Setup, key: KeyPair, method: string, args: CborValue): string {
  return s.chain.send(key, 'contracts', method, args).receipt.status;
}

describe('deployment approvals', () => {
  it('bind the init arguments and the proposing agency; non-members are refused', () => {
    const s = setup();
    const v1 = source('v1');
    const init = { authority: agencyId(0) };
    expect(approve(s, 'deploy-contract', { name: 'catalog', version: '1.0.0',
      sourceHash: sourceHash(v1), init })).toBe('executed');
    const deploy = { name: 'catalog', version: '1.0.0', source: v1, init };
    // The attack: another key deploys the just-approved source with its own init.
    const stranger = suite.generateKeyPair();
    expect(status(s, stranger, 'deploy', { ...deploy, init: { authority: 'me' } }))
      .toBe('UNAUTHORIZED');
    expect(status(s, stranger, 'deploy', deploy)).toBe('UNAUTHORIZED');
    // Another agency's admin may not use agency 0's approval either.
    expect(status(s, s.roots[1], 'deploy', deploy)).toBe('UNAUTHORIZED');
    // The proposing agency must use exactly what was approved.
    expect(status(s, s.roots[0], 'deploy', { ...deploy, init: { authority: agencyId(1) } }))
      .toBe('APPROVAL_MISMATCH');
    expect(status(s, s.roots[0], 'deploy', { ...deploy, version: '1.0.1' }))
      .toBe('APPROVAL_MISMATCH');
    // Any member of the proposing agency may run it; once.
    const staff = s.chain.member(0, ['staff']);
    expect(status(s, staff, 'deploy', deploy)).toBe('ok');
    expect(s.chain.query('catalog', 'authority', null)).toBe(agencyId(0));
    const whoami = s.chain.ok(staff, 'catalog', 'whoami', null) as Record<string, CborValue>;
    expect(whoami.agency).toBe(agencyId(0));
  });

  it('is used once, even by two deploys in one block, and an init hash works too', () => {
    const s = setup();
    const v1 = source('v1');
    expect(approve(s, 'deploy-contract', { name: 'registry', version: '1', sourceHash:
      sourceHash(v1), initHash: initArgumentsHash(suite, { authority: 'x' }) }))
      .toBe('executed');
    const deploy = { name: 'registry', version: '1', source: v1, init: { authority: 'x' } };
    const receipts = s.chain.sendAll([
      { key: s.roots[0], contract: 'contracts', method: 'deploy', args: deploy },
      { key: s.roots[0], contract: 'contracts', method: 'deploy', args: deploy },
    ]);
    expect(receipts.map((receipt) => receipt.status)).toEqual(['ok', 'APPROVAL_USED']);
  });

  it('an upgrade names the version it replaces; a used or superseded one cannot roll back', () => {
    const s = setup();
    const [v1, v2, v3] = [source('v1'), source('v2'), source('v3')];
    expect(approve(s, 'deploy-contract', { name: 'catalog', version: '1',
      sourceHash: sourceHash(v1) })).toBe('executed');
    expect(status(s, s.roots[0], 'deploy', { name: 'catalog', version: '1', source: v1 }))
      .toBe('ok');
    expect(approve(s, 'upgrade-contract', { name: 'catalog', version: '2',
      sourceHash: sourceHash(v2), replacesVersion: '1' })).toBe('executed');
    // An upgrade to v3 approved now still names v1 as the version it replaces...
    expect(approve(s, 'upgrade-contract', { name: 'catalog', version: '3',
      sourceHash: sourceHash(v3), replacesVersion: '1' })).toBe('executed');
    const upgrade2 = { name: 'catalog', version: '2', source: v2 };
    expect(status(s, s.roots[0], 'upgrade', { ...upgrade2, init: { authority: 'x' } }))
      .toBe('APPROVAL_MISMATCH');
    expect(status(s, s.roots[0], 'upgrade', upgrade2)).toBe('ok');
    // ...so once v2 is in, it no longer applies.
    expect(status(s, s.roots[0], 'upgrade', { name: 'catalog', version: '3', source: v3 }))
      .toBe('APPROVAL_MISMATCH');
    // The attack: a fresh non-member key rolls back to an earlier approved source under a new
    // version name; the proposing agency cannot use the approval again either.
    const stranger = suite.generateKeyPair();
    const rollback = { name: 'catalog', version: '1.0.0-rollback', source: v1 };
    expect(status(s, stranger, 'upgrade', rollback)).toBe('UNAUTHORIZED');
    expect(status(s, s.roots[0], 'upgrade', rollback)).toBe('UNAUTHORIZED');
    expect(status(s, stranger, 'upgrade', { ...upgrade2, version: '2-again' }))
      .toBe('UNAUTHORIZED');
    expect(status(s, s.roots[0], 'upgrade', { ...upgrade2, version: '2-again' }))
      .toBe('APPROVAL_USED');
    const current = s.chain.query('contracts', 'get', { name: 'catalog' }) as
      Record<string, CborValue>;
    expect(current.version).toBe('2');
    expect(current.versions).toEqual(['1', '2']);
  });

  it('is not granted when it could not apply: a stale upgrade or a deployed name', () => {
    const s = setup();
    const v1 = source('v1');
    approve(s, 'deploy-contract', { name: 'catalog', version: '1', sourceHash: sourceHash(v1) });
    s.chain.ok(s.roots[0], 'contracts', 'deploy', { name: 'catalog', version: '1', source: v1 });
    const stale = s.chain.propose(s.roots[0], 'upgrade-contract', { name: 'catalog',
      version: '2', sourceHash: sourceHash(source('v2')), replacesVersion: '0.9' });
    s.chain.vote(s.roots[1], stale.id, 'yes');
    expect(s.chain.vote(s.roots[2], stale.id, 'yes')).toBe('approved');
    const proposal = s.chain.query('governance', 'proposal', { id: stale.id }) as
      Record<string, CborValue>;
    expect(proposal.executionError).toMatch(/replaces catalog 0.9, but 1 is deployed/);
    const again = s.chain.propose(s.roots[0], 'deploy-contract', { name: 'catalog',
      version: '5', sourceHash: sourceHash(source('v5')) });
    s.chain.vote(s.roots[1], again.id, 'yes');
    expect(s.chain.vote(s.roots[2], again.id, 'yes')).toBe('approved');
  });

  it('is used by a transaction of its own, not through another contract', () => {
    const s = setup();
    const relay = `exports.relay = { kind: 'tx', run: function (args) {
  return Zhengwu.call('contracts', 'deploy', args); } };`;
    approve(s, 'deploy-contract', { name: 'relay', version: '1', sourceHash: sourceHash(relay) });
    s.chain.ok(s.roots[0], 'contracts', 'deploy', { name: 'relay', version: '1', source: relay });
    const target = source('t');
    approve(s, 'deploy-contract', { name: 'target', version: '1',
      sourceHash: sourceHash(target) });
    const deploy = { name: 'target', version: '1', source: target };
    const relayed = s.chain.send(s.roots[0], 'relay', 'relay', deploy).receipt;
    expect(relayed.status).not.toBe('ok');
    expect(relayed.error).toMatch(/not through another contract/);
    expect(status(s, s.roots[0], 'deploy', deploy)).toBe('ok');
  });

  it('lets governance end the genesis deployers\' rights with set-params', () => {
    const developer = suite.generateKeyPair();
    const chain = new SystemChain(4, { vm, publicContracts: ['contracts'],
      deployers: [toHex(suite.address(developer.publicKey))] });
    const s = { chain, roots: chain.roots as [KeyPair, KeyPair, KeyPair, KeyPair] };
    expect(status(s, developer, 'deploy', { name: 'one', version: '1', source: source('1') }))
      .toBe('ok');
    const { id } = chain.propose(s.roots[0], 'set-params', { contractDeployers: [] });
    chain.vote(s.roots[1], id, 'yes');
    expect(chain.vote(s.roots[2], id, 'yes')).toBe('executed');
    expect(status(s, developer, 'deploy', { name: 'two', version: '1', source: source('2') }))
      .toBe('UNAUTHORIZED');
  });

  it('refuses proposals that do not name the version or the replaced version', () => {
    const s = setup();
    const hash = toHex(sourceHash(source('v1')));
    const refused = (kind: string, payload: CborValue): string =>
      s.chain.send(s.roots[0], 'governance', 'propose', { kind, payload, reason: 'r',
        legalBasis: 'l', deadlineBlocks: 10 }).receipt.status;
    expect(refused('deploy-contract', { name: 'catalog', sourceHash: hash }))
      .toBe('BAD_ARGUMENTS');
    expect(refused('upgrade-contract', { name: 'catalog', version: '2', sourceHash: hash }))
      .toBe('BAD_ARGUMENTS');
    expect(refused('deploy-contract', { name: 'catalog', version: '1', sourceHash: hash,
      init: null, initHash: hash })).toBe('BAD_ARGUMENTS');
    expect(refused('deploy-contract', { name: 'catalog', version: '1', sourceHash: hash,
      extra: 1 })).toBe('BAD_ARGUMENTS');
  });
});
