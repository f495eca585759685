// Proves that gas pays for work done inside built-ins (issue 12 point 2): the reproduced attacks
// (8 MiB indexOf 400 times for 6,494 gas; replaceAll, repeat and bigint arithmetic doing seconds
// of native work for a few thousand gas) now either pay gas of at least the worst-case work in
// the sizes of their inputs and outputs, or are refused TOO_LARGE before the work; and that the
// wrappers cannot be bypassed through call/apply/Reflect, prototypes, `"".constructor`, template
// literals, operators or implicit conversions. Every bound below is derived from input sizes,
// never from a clock: it is the charge the prelude promises at its rates (builtinRates in
// src/vm/builtins.ts), one step being 10 gas. Before the change each of these calls paid a few
// hundred gas for its loop steps.
import { beforeAll, describe, expect, it } from 'vitest';
import { limits } from '../../src/core/index.js';
import { loadVm } from '../../src/node/vm-loader.js';
import type { Receipt } from '../../src/ledger/index.js';
import { builtinRates as rates } from '../../src/vm/index.js';
import type { VmModule } from '../../src/vm/index.js';
import { TestChain } from './harness.js';

const gasPerStep = 10;
const strMax = limits.contractStringCharsMax;

/** Each attack as a method body with argument `n`. */
const attacks: Record<string, string> = {
  // The reproduction: an 8 MiB haystack searched 400 times.
  indexOf8MiB: `const h = 'a'.repeat(8 * 1024 * 1024), d = 'a'.repeat(1023) + 'b';
    let r = 0; for (let i = 0; i < 400; i++) r += h.indexOf(d); return r;`,
  // The same within the string limit: it now pays for the naive search.
  indexOfMax: `const h = 'a'.repeat(${strMax}), d = 'a'.repeat(1023) + 'b';
    let r = 0; for (let i = 0; i < 400; i++) r += h.indexOf(d); return r;`,
  indexOfSmall: `const h = 'a'.repeat(16384), d = 'a'.repeat(63) + 'b';
    let r = 0; for (let i = 0; i < n; i++) r += h.indexOf(d); return r;`,
  replaceAllGrow: `return 'a'.repeat(${strMax}).replaceAll('a', 'bb').length;`,
  replaceAllSmall: `const h = 'a'.repeat(65536); let r = 0;
    for (let i = 0; i < n; i++) r += h.replaceAll('a', 'b').length; return r;`,
  replaceDollar: `return 'a'.repeat(4096).replaceAll('a', '$\`').length;`,
  repeatHuge: "return 'abcd'.repeat(1 << 22).length;",
  repeatSmall: "let r = 0; for (let i = 0; i < n; i++) r += 'ab'.repeat(65536).length; return r;",
  padHuge: "return 'x'.padStart(1 << 24, 'ab').length;",
  joinHuge: `const a = new Array(64).fill('x'.repeat(65536)); return a.join('').length;`,
  bigShiftHuge: 'return Number((1n << 1000000n) & 1n);',
  bigPowHuge: 'return Number((3n ** 100000n) & 1n);',
  bigMulGrow: 'let x = (1n << 1000n) - 1n; for (let i = 0; i < 10; i++) x = x * x; return 1;',
  bigParseHuge: "return Number(BigInt('9'.repeat(5000)) & 1n);",
  bigAsUintN: 'return Number(BigInt.asUintN(1000000, -1n) & 1n);',
  bigMulSmall: `const a = (1n << 500n) - 12345n; let r = 0n;
    for (let i = 0; i < n; i++) r = (a * a) >> 500n; return Number(r & 1n);`,
  bigDivSmall: `const a = (1n << 1020n) - 1n, b = (1n << 510n) - 3n; let r = 0n;
    for (let i = 0; i < n; i++) r = a / b + a % b; return Number(r & 1n);`,
  bigToStringSmall: `const a = (1n << 1020n) - 1n; let r = 0;
    for (let i = 0; i < n; i++) r += a.toString().length; return r;`,
  // Bypass attempts: other ways to reach the same native work.
  viaCall: `const h = 'a'.repeat(16384), d = 'a'.repeat(63) + 'b'; let r = 0;
    for (let i = 0; i < n; i++) r += String.prototype.indexOf.call(h, d); return r;`,
  viaReflect: `const h = 'a'.repeat(16384), d = 'a'.repeat(63) + 'b'; let r = 0;
    for (let i = 0; i < n; i++) r += Reflect.apply(String.prototype.indexOf, h, [d]); return r;`,
  viaConstructor: `const h = 'a'.repeat(16384), d = 'a'.repeat(63) + 'b'; let r = 0;
    const f = ''.constructor.prototype.indexOf;
    for (let i = 0; i < n; i++) r += f.apply(h, [d]); return r;`,
  viaDescriptor: `const h = 'a'.repeat(16384), d = 'a'.repeat(63) + 'b'; let r = 0;
    const f = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(''), 'indexOf').value;
    for (let i = 0; i < n; i++) r += Object.getPrototypeOf(f).call.call(f, h, d); return r;`,
  viaBoxed: `const h = new String('a'.repeat(16384)), d = { toString() { return 'a'.repeat(63) + 'b'; } };
    let r = 0; for (let i = 0; i < n; i++) r += h.indexOf(d); return r;`,
  templateGrow: "let s = 'x'.repeat(65536); for (let i = 0; i < 4; i++) s = `${s}${s}`; return s.length;",
  plusGrow: "let s = 'x'; for (let i = 0; i < 40; i++) s = s + s; return s.length;",
  plusAssignGrow: "let s = 'x'; for (let i = 0; i < 40; i++) s += s; return s.length;",
  concatGrow: "let s = 'x'; for (let i = 0; i < 40; i++) s = s.concat(s); return s.length;",
  arrayToString: "const a = new Array(64).fill('x'.repeat(65536)); return ('' + a).length;",
  bigViaConstructor: "return Number((0n).constructor('9'.repeat(5000)) & 1n);",
  bigPowAssign: 'let x = 3n; x **= 100000n; return 1;',
  bigShiftAssign: 'const o = { x: 1n }; o.x <<= 100000n; return 1;',
  bigCompareString: "let r = 0; const s = '9'.repeat(100000); for (let i = 0; i < n; i++) " +
    'r += (1n < s) ? 1 : 0; return r;',
  numericString: "let r = 0; const s = '1'.repeat(100000); for (let i = 0; i < n; i++) " +
    'r += (s * 1 > 0) ? 1 : 0; return r;',
  equalStrings: `const a = 'a'.repeat(${strMax}), b = 'a'.repeat(${strMax}); let r = 0;
    for (let i = 0; i < n; i++) r += a === b ? 1 : 0; return r;`,
  typedArray: 'let r = 0; const T = Object.getPrototypeOf(new Uint8Array(1)).constructor;' +
    ' for (let i = 0; i < n; i++) r += new T(1 << 24).length; return r;',
  spread: 'const a = new Array(1 << 16).fill(0); let r = 0;' +
    ' for (let i = 0; i < n; i++) r += [...a].length; return r;',
  jsonHuge: 'const a = new Array(1 << 16).fill("abcdefgh"); return JSON.stringify(a).length;',
  catchAndRetry: `const h = 'a'.repeat(${strMax}), d = 'a'.repeat(4095) + 'b'; let r = 0;
    for (let i = 0; i < 1000; i++) { try { r += h.indexOf(d); } catch (e) { r += 1; } }
    return r;`,
  // 2,000 statements of 6 syntax nodes each between two metered points.
  straightLine: `let x = 0; for (let i = 0; i < n; i++) { ${'x = x + 1; '.repeat(2000)}} return x;`,
  ordinary: `let s = ''; const parts = [];
    for (let i = 0; i < n; i++) { s = 'k' + i; parts.push(s.padStart(8, '0')); }
    return parts.join(',').length + JSON.stringify({ parts }).length + (10n ** 30n > 5n ? 1 : 0);`,
};

function source(): string {
  return Object.entries(attacks).map(([name, body]) =>
    `exports.${name} = { kind: 'tx', run: function (n) { ${body} } };`).join('\n');
}

let vm: VmModule;
let chain: TestChain;
beforeAll(async () => {
  vm = await loadVm();
  chain = new TestChain(vm);
  expect(chain.deploy('adversary', source()).status).toBe('ok');
});

const gasLimit = 10_000_000;

function run(name: string, n = 0): Receipt {
  return chain.send(chain.admin, 'adversary', name, n, gasLimit);
}

/** Gas a call must at least pay: `steps` of charged work (the receipt also has other gas). */
function expectPaid(receipt: Receipt, steps: number): void {
  expect(receipt.status, `${receipt.status} ${receipt.error}`).toBe('ok');
  expect(receipt.gasUsed).toBeGreaterThanOrEqual(Math.floor(steps) * gasPerStep);
}

function expectRefused(receipt: Receipt, code = 'TOO_LARGE'): void {
  expect(`${receipt.status} ${receipt.error}`).toMatch(new RegExp(`^${code}`));
}

describe('gas for built-in work', () => {
  it('refuses the 8 MiB indexOf attack before the search, and makes the largest one pay', () => {
    expectRefused(run('indexOf8MiB'));
    // 400 naive searches of a 1,024-char needle in the largest string cost far beyond any
    // transaction's gas: the call stops on the meter, having paid its whole limit.
    const max = run('indexOfMax');
    expectRefused(max, 'OUT_OF_GAS');
    expect(max.gasUsed).toBe(gasLimit);
    // A search pays (haystack + 1) x (needle + 1) / searchPer steps.
    expectPaid(run('indexOfSmall', 20), 20 * (16385 * 65) / rates.searchPer);
  });

  it('charges replaceAll, repeat, padStart and join by their output, refusing what is too long',
    () => {
      expectRefused(run('replaceAllGrow'));
      expectPaid(run('replaceAllSmall', 10),
        10 * ((65537 * 2) / rates.searchPer + 65537 * rates.nativeMatchSteps));
      // $` inserts the text before each match: the result would be 4096 x 2048 characters.
      expectRefused(run('replaceDollar'));
      expectRefused(run('repeatHuge'));
      expectPaid(run('repeatSmall', 20), 20 * 131072 / rates.buildPer);
      expectRefused(run('padHuge'));
      expectRefused(run('joinHuge'));
      expectRefused(run('arrayToString'));
      expectRefused(run('jsonHuge'));
    });

  it('bounds bigints and charges their arithmetic by operand size', () => {
    for (const name of ['bigShiftHuge', 'bigPowHuge', 'bigMulGrow', 'bigParseHuge',
      'bigAsUintN', 'bigViaConstructor', 'bigPowAssign', 'bigShiftAssign']) {
      expectRefused(run(name));
    }
    // 500-bit operands are 16 limbs of 32 bits: a product pays 16 x 16 / limbPer steps.
    expectPaid(run('bigMulSmall', 2000), 2000 * (16 * 16) / rates.limbPer);
    expectPaid(run('bigDivSmall', 1000), 1000 * 2 * (32 * 16) / rates.limbPer);
    expectPaid(run('bigToStringSmall', 1000), 1000 * (32 * 32) / rates.limbPer);
  });

  it('cannot be bypassed through call, apply, Reflect, prototypes or boxed values', () => {
    const bound = 20 * (16385 * 65) / rates.searchPer;
    for (const name of ['viaCall', 'viaReflect', 'viaConstructor', 'viaDescriptor', 'viaBoxed']) {
      expectPaid(run(name, 20), bound);
    }
    for (const name of ['templateGrow', 'plusGrow', 'plusAssignGrow', 'concatGrow']) {
      expectRefused(run(name));
    }
  });

  it('charges implicit work: comparisons, numeric strings, typed arrays, spreads', () => {
    // A 100,000-digit string compared with a bigint is never parsed (it is beyond any bigint a
    // contract may hold) but is scanned: 100,000 / scanPer steps each.
    expectPaid(run('bigCompareString', 100), 100 * 100000 / rates.scanPer);
    // s * 1 parses 100,000 digits: 100,000 / parsePer steps each.
    expectPaid(run('numericString', 100), 100 * 100000 / rates.parsePer);
    expectPaid(run('equalStrings', 100), 100 * strMax / rates.scanPer);
    // A 16 MiB typed array through the constructor found on its prototype.
    expectPaid(run('typedArray', 10), 10 * (1 << 24) / rates.bytePer);
    expectPaid(run('spread', 10), 10 * 65536 / rates.copyElemPer);
  });

  it('charges a long body by its length, not one step per pass', () => {
    // One step per 32 syntax nodes: each pass through the loop body pays 12,000 / 32 steps.
    expectPaid(run('straightLine', 10), 10 * (2000 * 6) / 32);
  });

  it('keeps charging a contract that catches the errors and retries', () => {
    const receipt = run('catchAndRetry');
    expectRefused(receipt, 'OUT_OF_GAS');
    expect(receipt.gasUsed).toBe(gasLimit);
  });

  it('refuses code that reaches for the meter through the module function\'s arguments', () => {
    for (const code of ['const m = arguments[0];', 'const f = () => arguments[0].left;']) {
      const receipt = chain.deploy('meter-thief', `${code}\nexports.x = { kind: 'tx', ` +
        'run: function () { return 1; } };');
      expect(`${receipt.status} ${receipt.error}`).toMatch(/^BAD_ARGUMENTS .*arguments/);
    }
    // Inside a function, arguments are the function's own.
    expect(chain.deploy('arguments-user', "exports.x = { kind: 'tx', run: function (n) { " +
      'return arguments.length + n; } };').status).toBe('ok');
    expect(chain.send(chain.admin, 'arguments-user', 'x', 2).result).toBe(3);
  });

  it('leaves ordinary small work free of extra charges', () => {
    const receipt = run('ordinary', 100);
    expect(receipt.status).toBe('ok');
    // About 100 loop steps and the call itself: nothing charged for small strings and bigints.
    expect(receipt.gasUsed).toBeLessThan(20_000);
  });
});
