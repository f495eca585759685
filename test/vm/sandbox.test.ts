// Proves the sandbox holds: each escape attempt (host globals, code generation, prototype
// pollution, non-determinism, runaway loops, recursion, allocation, oversized values, another
// contract's state) fails cleanly with a receipt error, and the same chain keeps executing.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadVm } from '../../src/node/vm-loader.js';
import type { VmModule } from '../../src/vm/index.js';
import { TestChain } from './harness.js';

const attacks: Record<string, string> = {
  hostProcess: 'return typeof process + typeof require + typeof globalThis.process;',
  constructorEscape: "return (function () {}).constructor('return process')();",
  arrowConstructor: "return (() => 1).constructor.constructor('return this')();",
  generatorConstructor: "return Object.getPrototypeOf(function* () {}).constructor('yield 1');",
  evalCode: "return globalThis['ev' + 'al']('1 + 1');",
  date: 'return globalThis.Date === undefined && typeof Math.random;',
  weakRef: "return typeof globalThis['Weak' + 'Ref'] + typeof globalThis['Finalization' + 'Registry'];",
  timers: 'return typeof setTimeout + typeof queueMicrotask + typeof performance;',
  pollute: `Object.prototype.polluted = 'yes'; Array.prototype.push = null;
    JSON.stringify = () => { throw new Error('boom'); }; return 'polluted';`,
  replaceApi: "Zhengwu.state = null; Zhengwu.state.set = () => 1; return 'changed';",
  infiniteLoop: 'for (;;) {}',
  whileLoop: 'let i = 0; while (true) { i++; }',
  catchOutOfGas: 'try { for (;;) {} } catch (e) { return "survived " + e.message; }',
  recursion: 'function f(n) { return f(n + 1) + 1; } return f(0);',
  catchRecursion: 'function f(n) { return f(n + 1) + 1; } try { return f(0); } catch (e) { return String(e); }',
  giantString: "let s = 'x'; for (let i = 0; i < 40; i++) s = s + s; return s.length;",
  giantArray: 'return new Array(1e9).fill(0).length;',
  giantTypedArray: 'return new Uint8Array(1 << 30).length;',
  hugeResult: "return 'x'.repeat(10 * 1024 * 1024);",
  hugeBytes: 'return new Uint8Array(512 * 1024);',
  floatResult: 'return 0.5;',
  regexBomb: "return /(a+)+$/.test('a'.repeat(40) + 'b');",
  otherState: "return Zhengwu.state.get('count');",
  reservedName: 'return typeof __zwMeter;',
};

function source(): string {
  const methods = Object.entries(attacks).map(([name, body]) =>
    `exports.${name} = { kind: 'tx', run: function () { ${body} } };`);
  return [...methods,
    "exports.setCount = { kind: 'tx', run: function (a) { Zhengwu.state.set('count', a); return a; } };",
    "exports.read = { kind: 'tx', run: function () { return [Zhengwu.state.get('count') ?? null, " +
      "({}).polluted ?? null]; } };",
  ].join('\n');
}

let vm: VmModule;
beforeAll(async () => { vm = await loadVm(); });

describe('sandbox escape attempts', () => {
  it('refuses code that names the runtime\'s reserved identifiers at deploy', () => {
    const chain = new TestChain(vm);
    const receipt = chain.deploy('evil', source());
    expect(receipt.status).toBe('BAD_ARGUMENTS');
    expect(receipt.error).toContain('reserved');
  });

  it('fails every attempt cleanly and keeps executing', { timeout: 120_000 }, () => {
    const chain = new TestChain(vm);
    delete attacks.reservedName;
    expect(chain.deploy('evil', source()).status).toBe('ok');
    expect(chain.deploy('victim', source()).status).toBe('ok');
    const user = chain.suite.generateKeyPair();
    expect(chain.send(user, 'victim', 'setCount', 42).status).toBe('ok');
    const outcomes: Record<string, string> = {};
    for (const name of Object.keys(attacks)) {
      const receipt = chain.send(user, 'evil', name, null, 2_000_000);
      outcomes[name] = receipt.status === 'ok'
        ? `ok ${JSON.stringify(receipt.result)}` : `${receipt.status} ${receipt.error}`;
    }
    // Host objects and code generation are simply not there.
    expect(outcomes.hostProcess).toBe('ok "undefinedundefinedundefined"');
    expect(outcomes.constructorEscape).toMatch(/^CONTRACT_FAILED TypeError: code generation/);
    expect(outcomes.arrowConstructor).toMatch(/^CONTRACT_FAILED TypeError: code generation/);
    expect(outcomes.generatorConstructor).toMatch(/^CONTRACT_FAILED TypeError: code generation/);
    expect(outcomes.evalCode).toMatch(/^CONTRACT_FAILED TypeError/);
    expect(outcomes.date).toBe('ok "undefined"');
    expect(outcomes.weakRef).toBe('ok "undefinedundefined"');
    expect(outcomes.timers).toBe('ok "undefinedundefinedundefined"');
    // Pollution stays inside the contract's own context, which does not outlive its block.
    expect(outcomes.pollute).toBe('ok "polluted"');
    expect(outcomes.replaceApi).toMatch(/^CONTRACT_FAILED TypeError/);
    // Runaway work ends in OUT_OF_GAS, even when the contract catches the error.
    expect(outcomes.infiniteLoop).toMatch(/^OUT_OF_GAS/);
    expect(outcomes.whileLoop).toMatch(/^OUT_OF_GAS/);
    expect(outcomes.catchOutOfGas).toMatch(/^OUT_OF_GAS/);
    expect(outcomes.regexBomb).toMatch(/^OUT_OF_GAS/);
    // QuickJS reports stack overflow and memory exhaustion itself; the host never sees them.
    expect(outcomes.recursion).toMatch(/^(CONTRACT_FAILED|OUT_OF_GAS)/);
    expect(outcomes.catchRecursion).toMatch(/^(ok|CONTRACT_FAILED|OUT_OF_GAS)/);
    // Strings are bounded by limits.contractStringCharsMax: doubling stops there, TOO_LARGE.
    expect(outcomes.giantString).toMatch(/^(TOO_LARGE|CONTRACT_FAILED|OUT_OF_GAS)/);
    expect(outcomes.giantArray).toMatch(/^(CONTRACT_FAILED|OUT_OF_GAS)/);
    expect(outcomes.giantTypedArray).toMatch(/^CONTRACT_FAILED/);
    expect(outcomes.hugeResult).toMatch(/^(TOO_LARGE|CONTRACT_FAILED|OUT_OF_GAS)/);
    expect(outcomes.hugeBytes).toMatch(/^(TOO_LARGE|CONTRACT_FAILED)/);
    expect(outcomes.floatResult).toMatch(/^BAD_ARGUMENTS/);
    // A contract sees only its own namespace: the victim's count is not in the attacker's.
    expect(outcomes.otherState).toBe('ok null');
    const after = chain.send(user, 'victim', 'read', null);
    expect(after.status).toBe('ok');
    expect(after.result).toEqual([42, null]);
    // The chain still works after everything above.
    expect(chain.send(user, 'victim', 'setCount', 43).status).toBe('ok');
  });
});
