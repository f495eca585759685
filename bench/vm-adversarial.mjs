// Wall time per gas unit over an adversarial corpus of contract code (issue 12 point 2): each case
// is one contract call that hammers one built-in (or one operator) with the largest inputs a
// contract can build, next to ordinary contract code (loops, calls, objects, state). Gas must pay
// for work: the target is that the worst case's nanoseconds per gas unit are within 10x of the
// median case's. A case the runtime refuses (TOO_LARGE) or stops (OUT_OF_GAS) still counts: its
// time and gas up to the refusal are measured, so a refusal that comes after the work would show.
//   node bench/vm-adversarial.mjs [--quick] [--json]        (needs `npx tsc -p tsconfig.json`)
//   ZW_DIST=<other build's dist> measures another build; ZW_CASES=a,b only those cases.
// bench/run.mjs runs the same corpus as its `vm-adversarial` benchmark.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');

/**
 * The corpus: method name -> [body, argument]. Bodies build their inputs inside the contract
 * (that work is charged too) and then repeat the attack `n` times. Sizes stay within what a
 * contract may hold (1 Mi string chars, 4,096-bit bigints), so the same corpus runs before and
 * after the limits exist; the figures compare gas paid against work done.
 */
export const corpus = {
  // Ordinary code: the reference the built-ins are held to.
  loop: ['let x = 0; for (let i = 0; i < n; i++) x = (x + i * 7) % 1000; return x;', 200_000],
  calls: ['function f(a) { return a + 1; } let x = 0; for (let i = 0; i < n; i++) x = f(x);' +
    ' return x;', 200_000],
  objects: ['let s = 0; for (let i = 0; i < n; i++) { const o = { a: i, b: [i, i] };' +
    ' s += o.a + o.b.length; } return s;', 100_000],
  smallStrings: ["let k = ''; for (let i = 0; i < n; i++) k = 'bal:' + (i % 97); return k;",
    100_000],
  state: ["for (let i = 0; i < n; i++) Zhengwu.state.set('k' + (i % 8), i); return 1;", 2_000],
  // Straight-line code: 2,000 statements between two metered points.
  straightLine: [`let x = 0; for (let i = 0; i < n; i++) { ${'x = x + 1; '.repeat(2000)}}` +
    ' return x;', 200],
  // Strings: searches with pathological needles (naive search is haystack x needle).
  indexOf: ["const h = 'a'.repeat(1 << 17), d = 'a'.repeat(1023) + 'b'; let r = 0;" +
    ' for (let i = 0; i < n; i++) r += h.indexOf(d); return r;', 2],
  lastIndexOf: ["const h = 'a'.repeat(1 << 17), d = 'b' + 'a'.repeat(1023); let r = 0;" +
    ' for (let i = 0; i < n; i++) r += h.lastIndexOf(d); return r;', 2],
  includes: ["const h = 'a'.repeat(1 << 17), d = 'a'.repeat(1023) + 'b'; let r = 0;" +
    ' for (let i = 0; i < n; i++) r += h.includes(d) ? 1 : 0; return r;', 2],
  splitNeedle: ["const h = 'a'.repeat(1 << 17), d = 'a'.repeat(1023) + 'b'; let r = 0;" +
    ' for (let i = 0; i < n; i++) r += h.split(d).length; return r;', 2],
  splitChars: ["const h = 'ab'.repeat(1 << 16); let r = 0;" +
    " for (let i = 0; i < n; i++) r += h.split('').length; return r;", 10],
  replaceAll: ["const h = 'a'.repeat(1 << 17); let r = 0;" +
    " for (let i = 0; i < n; i++) r += h.replaceAll('a', 'b').length; return r;", 20],
  replaceNeedle: ["const h = 'a'.repeat(1 << 17), d = 'a'.repeat(1023) + 'b'; let r = 0;" +
    " for (let i = 0; i < n; i++) r += h.replace(d, 'x').length; return r;", 2],
  repeat: ["let r = 0; for (let i = 0; i < n; i++) r += 'abcd'.repeat(1 << 15).length;" +
    ' return r;', 40],
  padStart: ["let r = 0; for (let i = 0; i < n; i++) r += 'x'.padStart(1 << 17, 'ab').length;" +
    ' return r;', 40],
  concatPlus: ["const h = 'a'.repeat(1 << 16); let r = 0;" +
    " for (let i = 0; i < n; i++) r += (h + 'b').length; return r;", 200],
  template: ["const h = 'a'.repeat(1 << 16); let r = 0;" +
    ' for (let i = 0; i < n; i++) r += `${h}${i}`.length; return r;', 200],
  toUpper: ["const h = 'a'.repeat(1 << 17); let r = 0;" +
    ' for (let i = 0; i < n; i++) r += h.toUpperCase().length; return r;', 40],
  regex: ["const h = 'a'.repeat(26); let r = 0;" +
    " for (let i = 0; i < n; i++) r += /^(a|aa)+$/.test(h + 'b') ? 1 : 0; return r;", 5],
  // Arrays.
  join: ["const a = new Array(1 << 13).fill('abcdefgh'); let r = 0;" +
    " for (let i = 0; i < n; i++) r += a.join(',').length; return r;", 20],
  fill: ['const a = new Array(1 << 17); let r = 0;' +
    ' for (let i = 0; i < n; i++) r += a.fill(i).length; return r;', 20],
  arrayIndexOf: ['const a = new Array(1 << 17).fill(1); let r = 0;' +
    ' for (let i = 0; i < n; i++) r += a.indexOf(2) + (a.includes(3) ? 1 : 0); return r;', 20],
  sort: ['const a = []; for (let i = 0; i < 1 << 15; i++) a.push((i * 7919) % 65521); let r = 0;' +
    ' for (let i = 0; i < n; i++) r += a.slice().sort()[0]; return r;', 4],
  sliceConcat: ['const a = new Array(1 << 17).fill(0); let r = 0;' +
    ' for (let i = 0; i < n; i++) r += a.slice().length + a.concat(a).length; return r;', 20],
  mapNative: ['const a = new Array(1 << 17).fill(1); let r = 0;' +
    ' for (let i = 0; i < n; i++) r += a.map(Math.abs).length; return r;', 20],
  // JSON.
  stringify: ['const a = new Array(1 << 12).fill({ a: 1, b: "xy" }); let r = 0;' +
    ' for (let i = 0; i < n; i++) r += JSON.stringify(a).length; return r;', 40],
  stringifyHuge: ['const a = new Array(1 << 17).fill({ a: 1, b: "xy" }); let r = 0;' +
    ' for (let i = 0; i < n; i++) { try { r += JSON.stringify(a).length; } catch (e) { r++; } }' +
    ' return r;', 10],
  parse: ['const t = JSON.stringify(new Array(1 << 13).fill([1, 2, 3])); let r = 0;' +
    ' for (let i = 0; i < n; i++) r += JSON.parse(t).length; return r;', 40],
  // BigInt at the largest allowed size.
  bigMul: ['const a = (1n << 511n) - 12345n; let r = 0n;' +
    ' for (let i = 0; i < n; i++) r = (a * a) >> 511n; return Number(r & 1n);', 5_000],
  bigPow: ['const a = (1n << 64n) - 59n; let r = 0n;' +
    ' for (let i = 0; i < n; i++) r = a ** 15n; return Number(r & 1n);', 2_000],
  bigDiv: ['const a = (1n << 1020n) - 1n, b = (1n << 510n) - 3n; let r = 0n;' +
    ' for (let i = 0; i < n; i++) r = a / b + a % b; return Number(r & 1n);', 2_000],
  bigShift: ['let r = 0n; for (let i = 0; i < n; i++) r = (1n << 1020n) >> 3n;' +
    ' return Number(r & 1n);', 20_000],
  bigToString: ['const a = (1n << 1020n) - 1n; let r = 0;' +
    ' for (let i = 0; i < n; i++) r += a.toString().length; return r;', 1_000],
  bigParse: ["const t = '9'.repeat(300); let r = 0n;" +
    ' for (let i = 0; i < n; i++) r = BigInt(t); return Number(r & 1n);', 1_000],
  // Implicit linear work on the largest strings: comparison, property keys, numbers.
  stringEquals: ["const a = 'a'.repeat(1 << 17), b = 'a'.repeat(1 << 17); let r = 0;" +
    ' for (let i = 0; i < n; i++) r += a === b ? 1 : 0; return r;', 200],
  propertyKey: ["const o = {}, a = 'a'.repeat(1 << 17); let r = 0;" +
    ' for (let i = 0; i < n; i++) { o[a] = i; r += o[a]; } return r;', 50],
  toNumber: ["const a = '1'.repeat(1 << 16); let r = 0;" +
    ' for (let i = 0; i < n; i++) r += Number(a) > 0 ? 1 : 0; return r;', 50],
  implicitNumber: ["const a = '1'.repeat(1 << 16); let r = 0;" +
    ' for (let i = 0; i < n; i++) r += a * 1 > 0 ? 1 : 0; return r;', 50],
  bigVsString: ["const a = '9'.repeat(1 << 16); let r = 0;" +
    ' for (let i = 0; i < n; i++) r += 1n < a ? 1 : 0; return r;', 50],
  mapKey: ["const m = new Map(), a = 'a'.repeat(1 << 17); let r = 0;" +
    ' for (let i = 0; i < n; i++) { m.set(a, i); r += m.get(a); } return r;', 200],
  spread: ['const a = new Array(1 << 16).fill(0); let r = 0;' +
    ' for (let i = 0; i < n; i++) r += [...a].length; return r;', 50],
  objectKeys: ['const a = new Array(1 << 16).fill(0); let r = 0;' +
    ' for (let i = 0; i < n; i++) r += Object.keys(a).length; return r;', 20],
  typedArray: ['let r = 0; for (let i = 0; i < n; i++) r += new Uint8Array(1 << 22).length;' +
    ' return r;', 50],
};

function contractSource() {
  return Object.entries(corpus).map(([name, [body]]) =>
    `exports.${name} = { kind: 'tx', run: function (n) { ${body} } };`).join('\n');
}

/** A host over a Map with a gas meter of `gas` units. */
function memoryHost(toHex, gas) {
  const store = new Map();
  let left = gas;
  return { info: { contract: 'adversary', caller: null, sender: '00'.repeat(20), agency: null,
    roles: [], txHash: '00'.repeat(32), height: 1, time: 1_700_000_000_000 }, readOnly: false,
  state: { get: (key) => store.get(toHex(key)),
    set: (key, value) => { store.set(toHex(key), value); },
    delete: (key) => { store.delete(toHex(key)); } },
  gasRemaining: () => left, chargeGas: (amount) => { left -= amount; }, emit: () => {},
  call: () => null, used: () => gas - left };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Runs every case `runs` times after one warm-up and returns, per case, the lowest nanoseconds
 * per gas unit, its gas, milliseconds and outcome; plus the median case and the worst.
 */
export async function measureCorpus({ quick = false, runs = 1, log = () => {} } = {}) {
  // ZW_DIST measures another build (e.g. the code before a change) with the same corpus.
  const dist = (path) => pathToFileURL(join(process.env.ZW_DIST ?? join(root, 'dist'), path)).href;
  const [core, node, vmLib] = await Promise.all([import(dist('core/index.js')),
    import(dist('node/index.js')), import(dist('vm/index.js'))]);
  const vm = new vmLib.ContractVm(await node.loadVm());
  const code = vmLib.instrument(contractSource()).code;
  // A budget far above any case, so that cases run to the end rather than stop on the meter.
  const gasBudget = 1e12;
  const cases = {};
  // ZW_CASES=a,b measures only those cases.
  const only = process.env.ZW_CASES?.split(',');
  for (const [name, [, size]] of Object.entries(corpus)) {
    if (only !== undefined && !only.includes(name)) continue;
    const n = quick ? Math.max(1, Math.ceil(size / 4)) : size;
    const samples = [];
    let last = null;
    for (let run = 0; run < runs + 1; run++) {
      vm.beginBlock();
      const session = vm.scratch('adversary', code);
      const host = memoryHost(core.toHex, gasBudget);
      let outcome = 'ok';
      const started = performance.now();
      try {
        session.call(name, n, host);
      } catch (error) {
        outcome = error.code ?? error.message;
      }
      const ms = performance.now() - started;
      session.dispose();
      vm.endBlock();
      last = { gas: host.used(), ms, outcome };
      if (run > 0 || runs === 0) samples.push((ms * 1e6) / Math.max(1, host.used()));
    }
    // The fastest run: on a shared machine other work only ever adds time.
    cases[name] = { nsPerGas: Math.min(...samples), gas: last.gas, ms: last.ms,
      outcome: last.outcome };
    log(`${name}: ${cases[name].nsPerGas.toFixed(3)} ns/gas (${last.gas} gas, ` +
      `${last.ms.toFixed(1)} ms, ${last.outcome})`);
  }
  const perGas = Object.values(cases).map((c) => c.nsPerGas);
  const mid = median(perGas);
  const worstName = Object.keys(cases).reduce((a, b) =>
    (cases[a].nsPerGas >= cases[b].nsPerGas ? a : b));
  return { cases, medianNsPerGas: mid, worst: worstName,
    worstNsPerGas: cases[worstName].nsPerGas, ratio: cases[worstName].nsPerGas / mid };
}

/** The bench/run.mjs entry: vm-adversarial.{medianNsPerGas,worstNsPerGas,worstOverMedian}. */
export async function vmAdversarialBench(ctx) {
  if (!existsSync(join(root, 'dist/vm/index.js'))) {
    ctx.results.miss('vm-adversarial.worstOverMedian', 'the contract VM is not built (dist/vm)');
    return;
  }
  const result = await measureCorpus({ quick: ctx.quick, runs: ctx.quick ? 1 : 2,
    log: (text) => ctx.log(`vm-adversarial ${text}`) });
  ctx.results.add('vm-adversarial.medianNsPerGas', [result.medianNsPerGas], 'ns/gas');
  ctx.results.add('vm-adversarial.worstNsPerGas', [result.worstNsPerGas], 'ns/gas');
  ctx.results.add('vm-adversarial.worstOverMedian', [result.ratio], 'x');
  ctx.results.note(`vm-adversarial: worst case ${result.worst} ` +
    `(${result.worstNsPerGas.toFixed(2)} ns/gas) is ${result.ratio.toFixed(1)}x the median ` +
    `(${result.medianNsPerGas.toFixed(3)} ns/gas); target <= 10x`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  const result = await measureCorpus({ quick, runs: quick ? 0 : 2,
    log: (text) => console.error(text) });
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    const rows = Object.entries(result.cases).sort((a, b) => b[1].nsPerGas - a[1].nsPerGas);
    for (const [name, c] of rows) {
      console.log(`${name.padEnd(14)} ${c.nsPerGas.toFixed(3).padStart(12)} ns/gas ` +
        `${String(c.gas).padStart(12)} gas ${c.ms.toFixed(1).padStart(9)} ms  ${c.outcome}`);
    }
    console.log(`median ${result.medianNsPerGas.toFixed(3)} ns/gas; worst ${result.worst} ` +
      `${result.worstNsPerGas.toFixed(3)} ns/gas; worst/median ${result.ratio.toFixed(1)}x`);
  }
}
