// Proves the contract runtime end to end through the ledger: deploy, transactions and queries,
// ordered state ranges, events, cross-contract calls that revert with their caller, fail()
// codes in receipts, the deployer rule, and that gas is metered by steps and state bytes.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadVm } from '../../src/node/vm-loader.js';
import type { VmModule } from '../../src/vm/index.js';
import { TestChain } from './harness.js';

/** A hand-written bundle in the shape `zw contract build` produces (CommonJS, `Zhengwu` API). */
export const counterSource = `
const tx = (run) => ({ kind: 'tx', run });
const query = (run) => ({ kind: 'query', run });
exports.increment = tx((args) => {
  const by = args === null ? 1 : args.by;
  const next = (Zhengwu.state.get('count') ?? 0) + by;
  Zhengwu.state.set('count', next);
  Zhengwu.emit('Incremented', { by, next });
  return next;
});
exports.put = tx((args) => { Zhengwu.state.set(args.key, args.value); return null; });
exports.remove = tx((args) => { Zhengwu.state.delete(args.key); return null; });
exports.get = query(() => Zhengwu.state.get('count') ?? 0);
exports.bump = tx(() => { const v = (Zhengwu.state.get('count') ?? 0) + 1; Zhengwu.state.set('count', v); return v; });
exports.list = query((args) => Zhengwu.state.range(args));
exports.whoami = tx(() => Zhengwu.ctx);
exports.loop = tx((args) => { let n = 0; for (let i = 0; i < args.n; i++) n += i; return n; });
exports.failWith = tx((args) => Zhengwu.fail(args.message, args.code));
exports.callOther = tx((args) => Zhengwu.call(args.contract, args.method, args.args));
exports.writeThenCall = tx((args) => {
  Zhengwu.state.set('before', 1);
  try { Zhengwu.call(args.contract, args.method, args.args); } catch (e) { return 'caught ' + e.message; }
  return 'called';
});
`;

let vm: VmModule;
beforeAll(async () => { vm = await loadVm(); });

describe('contract runtime through the ledger', () => {
  it('deploys, runs transactions and answers queries', () => {
    const chain = new TestChain(vm);
    const deployed = chain.deploy('counter', counterSource);
    expect(deployed.status, deployed.error).toBe('ok');
    const user = chain.suite.generateKeyPair();
    const receipt = chain.send(user, 'counter', 'increment', { by: 5 });
    expect(receipt.status, receipt.error).toBe('ok');
    expect(receipt.result).toBe(5);
    expect(receipt.events).toEqual([{ contract: 'counter', name: 'Incremented',
      data: { by: 5, next: 5 } }]);
    expect(receipt.gasUsed).toBeGreaterThan(1_000);
    expect(chain.send(user, 'counter', 'increment', null).result).toBe(6);
    expect(chain.query('counter', 'get', null)).toBe(6);
    const record = chain.query('contracts', 'get', { name: 'counter' }) as Record<string, unknown>;
    expect(record.version).toBe('1.0.0');
  });

  it('refuses deployment by anyone not listed as a deployer', () => {
    const chain = new TestChain(vm);
    const stranger = chain.suite.generateKeyPair();
    const receipt = chain.send(stranger, 'contracts', 'deploy',
      { name: 'counter', source: counterSource, version: '1' });
    expect(receipt.status).toBe('UNAUTHORIZED');
    expect(chain.send(stranger, 'counter', 'get', null).status).toBe('UNKNOWN_CONTRACT');
  });

  it('ranges over keys in order, through page splits and deletes', () => {
    const chain = new TestChain(vm);
    chain.deploy('counter', counterSource);
    const user = chain.suite.generateKeyPair();
    const keys = Array.from({ length: 80 }, (_, i) => `item/${String((i * 37) % 80).padStart(3, '0')}`);
    chain.block(keys.map((key) => chain.tx(user, 'counter', 'put', { key, value: key.length })));
    chain.block(['item/010', 'item/011'].map((key) => chain.tx(user, 'counter', 'remove', { key })));
    const listed = chain.query('counter', 'list', { prefix: 'item/', limit: 100 }) as [string, number][];
    const expected = [...keys].sort().filter((key) => key !== 'item/010' && key !== 'item/011');
    expect(listed.map(([key]) => key)).toEqual(expected);
    const page = chain.query('counter', 'list', { start: 'item/050', limit: 3 }) as [string, number][];
    expect(page.map(([key]) => key)).toEqual(['item/050', 'item/051', 'item/052']);
  });

  it('exposes the call context from the header and the transaction', () => {
    const chain = new TestChain(vm);
    chain.deploy('counter', counterSource);
    const user = chain.suite.generateKeyPair();
    const receipt = chain.send(user, 'counter', 'whoami', null);
    const info = receipt.result as Record<string, unknown>;
    expect(info.sender).toBe(Buffer.from(chain.suite.address(user.publicKey)).toString('hex'));
    expect(info.height).toBe(chain.height);
    expect(info.time).toBe(chain.time);
    expect(info.agency).toBe(null);
    expect(info.roles).toEqual([]);
    expect(info.caller).toBe(null);
  });

  it('puts fail() messages and codes into the receipt and reverts writes', () => {
    const chain = new TestChain(vm);
    chain.deploy('counter', counterSource);
    const user = chain.suite.generateKeyPair();
    const receipt = chain.send(user, 'counter', 'failWith', { message: 'no licence', code: 'UNAUTHORIZED' });
    expect(receipt.status).toBe('UNAUTHORIZED');
    expect(receipt.error).toBe('no licence');
    expect(receipt.gasUsed).toBeGreaterThan(0);
  });

  it('charges gas per step and runs out at the same point every time', () => {
    const chain = new TestChain(vm);
    chain.deploy('counter', counterSource);
    const user = chain.suite.generateKeyPair();
    const small = chain.send(user, 'counter', 'loop', { n: 100 });
    const large = chain.send(user, 'counter', 'loop', { n: 999 });
    // 899 more iterations at 10 gas a step; the transaction is one byte longer and the result
    // two characters longer; plus any QuickJS interrupt polls (2,000 gas each) the longer run
    // crosses (the metered operator helpers, src/vm/builtins.ts, add bytecode per iteration).
    const extra = large.gasUsed - small.gasUsed - (899 * 10 + 10 + 2);
    expect(extra % 2_000).toBe(0);
    expect(extra).toBeLessThanOrEqual(2 * 2_000);
    const again = new TestChain(vm, chain.admin);
    again.deploy('counter', counterSource);
    expect(again.send(user, 'counter', 'loop', { n: 100 }).gasUsed).toBe(small.gasUsed);
    const out = chain.send(user, 'counter', 'loop', { n: 1e9 }, 200_000);
    expect(out.status).toBe('OUT_OF_GAS');
    expect(out.gasUsed).toBe(200_000);
  });

  it('reverts a failed callee with its caller, and keeps the caller going when it catches', () => {
    const chain = new TestChain(vm);
    chain.deploy('counter', counterSource);
    chain.deploy('other', counterSource);
    const user = chain.suite.generateKeyPair();
    const ok = chain.send(user, 'counter', 'callOther',
      { contract: 'other', method: 'increment', args: { by: 2 } });
    expect(ok.status, ok.error).toBe('ok');
    expect(ok.events[0]?.contract).toBe('other');
    expect(chain.query('other', 'get', null)).toBe(2);
    const caught = chain.send(user, 'counter', 'writeThenCall',
      { contract: 'other', method: 'failWith', args: { message: 'nope' } });
    expect(caught.result).toBe('caught nope');
    const failing = chain.send(user, 'counter', 'callOther',
      { contract: 'other', method: 'failWith', args: { message: 'callee says no' } });
    expect(failing.status).toBe('CONTRACT_FAILED');
    expect(failing.error).toContain('callee says no');
    const reentrant = chain.send(user, 'counter', 'callOther',
      { contract: 'counter', method: 'get', args: null });
    expect(reentrant.status).toBe('UNKNOWN_METHOD');
  });
});
