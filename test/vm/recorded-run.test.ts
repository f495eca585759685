// Proves that the execution path's caches (reads of the block's starting state, resolved
// contracts) change no result: a fixed workload of generated contracts, with blocks of many calls
// to the same contracts, a deploy whose init fails and calls to it in the same block, a redeploy
// and an upgrade followed by calls in that block, gives exactly the state digest, receipts and gas
// recorded on the code before those caches existed. Keys are derived from fixed seeds and Ed25519
// signs deterministically, so the run is the same on every machine.
import { describe, expect, it } from 'vitest';
import { newQuickJSWASMModuleFromVariant } from 'quickjs-emscripten-core';
import type { QuickJSSyncVariant } from 'quickjs-emscripten-core';
import variant from '@jitl/quickjs-ng-wasmfile-release-sync';
import { utf8 } from '../../src/core/index.js';
import type { CborValue } from '../../src/core/index.js';
import type { KeyPair } from '../../src/crypto/index.js';
import type { Receipt } from '../../src/ledger/index.js';
import { TestChain, prng, receiptDigest } from './harness.js';

/**
 * Recorded at commit 5141484 (before the caches); a change here changes consensus results.
 * Re-recorded for issue 12 (gas for built-in work): the instrumented code stored on chain now
 * carries the metered operator rewrites, so each deploy's code hash, code bytes and deploy gas
 * changed; a call through a wrapped built-in (here Number()) pays one step more per call, and
 * a function or loop body pays one step per 32 syntax nodes (at least one), so 367 calls used
 * 10-70 gas more. Every status, result and event was checked equal to the old run's, receipt
 * by receipt.
 */
const recorded = {
  root: '4bfb02f318257c44ce425fb1fa9e26a6d80d335f0e51c56499f619058247b3e8',
  receipts: '8e6fb765bb18d2b519a42f4788b735184fad0a3c7992a97dcf697a42b2044561',
};

const names = ['alpha', 'beta', 'gamma'];

/** Reads, writes, deletes (key index inserts and removals), ranges, events, nested calls. */
function statement(random: () => number, self: string): string {
  const key = `'k${Math.floor(random() * 8)}'`;
  const other = names[Math.floor(random() * names.length)] ?? 'alpha';
  const options = [
    `Zhengwu.state.set(${key}, ((Zhengwu.state.get(${key}) ?? 0) * 31 + a) % 1000003);`,
    `Zhengwu.state.set(${key}, ((Zhengwu.state.get(${key}) ?? 0) + a) % 99991);`,
    `Zhengwu.state.delete(${key});`,
    `Zhengwu.emit('E${Math.floor(random() * 3)}', { acc, a });`,
    `acc += Zhengwu.state.range({ limit: 4 }).length;`,
    `if (a % ${3 + Math.floor(random() * 5)} === 0) Zhengwu.fail('unlucky ' + a);`,
    other === self ? 'acc += 1;'
      : `try { acc += Number(Zhengwu.call('${other}', 'm0', a + 1) ?? 0) % 1000; } ` +
        'catch (e) { acc += 2; }',
  ];
  return options[Math.floor(random() * options.length)] ?? '';
}

function generate(random: () => number, name: string, init: boolean): string {
  const methods: string[] = [];
  for (let m = 0; m < 4; m++) {
    const length = 2 + Math.floor(random() * 4);
    const body = Array.from({ length }, () => statement(random, name));
    const safe = m === 0 ? body.filter((line) => !line.includes('Zhengwu.call')) : body;
    methods.push(`exports.m${m} = { kind: 'tx', run: function (a) { let acc = 0; ` +
      `${safe.join(' ')} return acc; } };`);
  }
  if (init) {
    methods.push("exports.init = { kind: 'tx', run: function (a) { " +
      "if (a === 1) Zhengwu.fail('init refused'); Zhengwu.state.set('init', a); } };");
  }
  return methods.join('\n');
}

function seededKey(chain: TestChain, seed: string): KeyPair {
  const privateKey = chain.suite.hash(utf8(seed));
  return { privateKey, publicKey: chain.suite.publicKeyOf(privateKey) };
}

describe('execution caches', () => {
  it('give the recorded state, receipts and gas', async () => {
    const module = await newQuickJSWASMModuleFromVariant(variant as unknown as QuickJSSyncVariant);
    const probe = new TestChain(module);
    const chain = new TestChain(module, seededKey(probe, 'admin'));
    const users = [0, 1, 2, 3].map((i) => seededKey(chain, `user-${i}`));
    const random = prng(8);
    const sources = names.map((name) => generate(random, name, false));
    const upgraded = generate(random, 'beta', false);
    const delta = generate(random, 'delta', true);
    const calls = (count: number, targets: readonly string[]): Uint8Array[] =>
      Array.from({ length: count }, () => chain.tx(users[Math.floor(random() * 4)] as KeyPair,
        targets[Math.floor(random() * targets.length)] ?? 'alpha',
        `m${Math.floor(random() * 4)}`, Math.floor(random() * 1000) as CborValue,
        random() < 0.1 ? 20_000 + Math.floor(random() * 40_000) : 2_000_000));
    const deploy = (name: string, source: string, version: string, init: CborValue,
      method = 'deploy'): Uint8Array =>
      chain.tx(chain.admin, 'contracts', method, { name, source, version, init }, 10_000_000);
    const receipts: Receipt[] = [];
    receipts.push(...chain.block(names.map((name, i) => deploy(name, sources[i] ?? '', '1', null))));
    for (let b = 0; b < 3; b++) receipts.push(...chain.block(calls(60, names)));
    // One block: a deploy whose init fails, calls to the missing contract, the deploy again,
    // calls to it; an upgrade of beta between calls to the old and the new code.
    receipts.push(...chain.block([
      ...calls(20, [...names, 'delta']),
      deploy('delta', delta, '1', 1),
      ...calls(10, ['delta', 'alpha']),
      deploy('delta', delta, '1', 7),
      ...calls(20, ['delta', 'beta']),
      deploy('beta', upgraded, '2', null, 'upgrade'),
      ...calls(30, ['beta', 'delta', 'gamma']),
    ]));
    for (let b = 0; b < 2; b++) receipts.push(...chain.block(calls(60, [...names, 'delta'])));
    const statuses = new Set(receipts.map((receipt) => receipt.status));
    expect(statuses.has('ok')).toBe(true);
    expect(statuses.size).toBeGreaterThan(2);
    expect({ root: chain.root(), receipts: receiptDigest(chain.suite, receipts) })
      .toEqual(recorded);
  }, 60_000);
});
