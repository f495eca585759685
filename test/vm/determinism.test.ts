// Proves execution is deterministic: randomly generated contracts and call sequences, run on two
// separately loaded WebAssembly runtimes, and on a third that restarts halfway from the first's
// state, give identical state digests, receipts and gas, block after block. Small gas limits
// make some calls run out of gas mid-way, so out-of-gas points are compared too.
import { describe, expect, it } from 'vitest';
import { newQuickJSWASMModuleFromVariant } from 'quickjs-emscripten-core';
import type { QuickJSSyncVariant } from 'quickjs-emscripten-core';
import variant from '@jitl/quickjs-ng-wasmfile-release-sync';
import type { CborValue } from '../../src/core/index.js';
import type { KeyPair } from '../../src/crypto/index.js';
import type { VmModule } from '../../src/vm/index.js';
import { TestChain, prng, receiptDigest } from './harness.js';

const contractNames = ['alpha', 'beta', 'gamma'];

/** Statement templates; `a` is the call's argument (an integer). */
function statement(random: () => number, self: string): string {
  const key = `'k${Math.floor(random() * 6)}'`;
  const other = contractNames[Math.floor(random() * contractNames.length)] ?? 'alpha';
  const options = [
    `Zhengwu.state.set(${key}, ((Zhengwu.state.get(${key}) ?? 0) * 31 + a) % 1000003);`,
    `Zhengwu.state.delete(${key});`,
    `for (let i = 0; i < (a % 50) * ${1 + Math.floor(random() * 40)}; i++) acc = (acc * 7 + i) % 65521;`,
    `Zhengwu.emit('E${Math.floor(random() * 3)}', { acc, a });`,
    `acc += Zhengwu.state.range({ limit: 5 }).length;`,
    `if (a % ${2 + Math.floor(random() * 5)} === 0) Zhengwu.fail('unlucky ' + a);`,
    `acc += [1, 2, 3].map((x) => x * a).reduce((p, q) => p + q, 0) % 97;`,
    `acc += String(acc).repeat(3).length;`,
    other === self ? 'acc += 1;'
      : `try { acc += Number(Zhengwu.call('${other}', 'm0', a + 1) ?? 0) % 1000; } catch (e) { acc += 2; }`,
    `Zhengwu.state.set('s' + (a % 7), { acc, list: [a, acc], b: new Uint8Array([a % 256]) });`,
  ];
  return options[Math.floor(random() * options.length)] ?? '';
}

function generateContract(random: () => number, name: string): string {
  const methods: string[] = [];
  for (let m = 0; m < 5; m++) {
    const length = 2 + Math.floor(random() * 5);
    const body = Array.from({ length }, () => statement(random, name));
    // m0 is what other contracts call; it must not call back into a contract on the stack.
    const safe = m === 0 ? body.filter((line) => !line.includes('Zhengwu.call')) : body;
    methods.push(`exports.m${m} = { kind: 'tx', run: function (a) { let acc = 0; ` +
      `${safe.join(' ')} return acc; } };`);
  }
  return methods.join('\n');
}

interface Call {
  readonly user: number;
  readonly contract: string;
  readonly method: string;
  readonly args: CborValue;
  readonly gasLimit: number;
}

function generateBlocks(random: () => number, blocks: number): Call[][] {
  return Array.from({ length: blocks }, () =>
    Array.from({ length: 1 + Math.floor(random() * 8) }, () => ({
      user: Math.floor(random() * 3),
      contract: contractNames[Math.floor(random() * contractNames.length)] ?? 'alpha',
      method: `m${Math.floor(random() * 5)}`,
      args: Math.floor(random() * 1000),
      gasLimit: random() < 0.2 ? 20_000 + Math.floor(random() * 60_000) : 2_000_000,
    })));
}

async function freshModule(): Promise<VmModule> {
  return newQuickJSWASMModuleFromVariant(variant as unknown as QuickJSSyncVariant);
}

function runBlock(chain: TestChain, users: KeyPair[], calls: readonly Call[]): string {
  const receipts = chain.block(calls.map((call) => chain.tx(users[call.user] as KeyPair,
    call.contract, call.method, call.args, call.gasLimit)));
  return `${chain.root()} ${receiptDigest(chain.suite, receipts)} ` +
    receipts.map((receipt) => `${receipt.status}:${receipt.gasUsed}`).join(',');
}

describe('deterministic execution', () => {
  it.each([1, 2, 3, 4])('seed %i: two runtimes and a restart agree', async (seed) => {
    const random = prng(seed);
    const sources = contractNames.map((name) => generateContract(random, name));
    const blocks = generateBlocks(random, 12);
    const first = new TestChain(await freshModule());
    const second = new TestChain(await freshModule(), first.admin);
    const users = [0, 1, 2].map(() => first.suite.generateKeyPair());
    for (const chain of [first, second]) {
      contractNames.forEach((name, i) => {
        expect(chain.deploy(name, sources[i] ?? '').status).toBe('ok');
      });
    }
    const half = blocks.length / 2;
    let restarted: TestChain | undefined;
    const statuses = new Set<string>();
    for (const [index, calls] of blocks.entries()) {
      if (index === half) restarted = first.restarted(await freshModule());
      const a = runBlock(first, users, calls);
      const b = runBlock(second, users, calls);
      expect(b).toBe(a);
      if (restarted !== undefined) expect(runBlock(restarted, users, calls)).toBe(a);
      for (const part of a.split(' ')[2]?.split(',') ?? []) statuses.add(part.split(':')[0] ?? '');
    }
    // The sequences exercise success and failures (fail(), out of gas) both.
    expect(statuses.has('ok')).toBe(true);
    expect(statuses.size).toBeGreaterThan(1);
  });
});
