// Proves that the out-of-memory point of a contract does not depend on the node's history: a
// contract that allocates until QuickJS's memory limit stops it fails with the same receipt (gas
// and error) on a node that has run many blocks of unrelated calls and queries before, and on a
// node that just loaded the WebAssembly module (a fresh process) from the same state. Every
// block starts from the module's heap as loaded (src/vm/heap.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import { newQuickJSWASMModuleFromVariant, newVariant } from 'quickjs-emscripten-core';
import type { CustomizeVariantOptions, QuickJSSyncVariant } from 'quickjs-emscripten-core';
import variant from '@jitl/quickjs-ng-wasmfile-release-sync';
import type { VmModule } from '../../src/vm/index.js';
import { TestChain } from './harness.js';

/** Loads a new module as the node's loader does (src/node/vm-loader.ts), not the shared one. */
function loadModule(): Promise<VmModule> {
  const emscriptenModule = { thisProgram: 'zhengwu' } as
    NonNullable<CustomizeVariantOptions['emscriptenModule']>;
  return newQuickJSWASMModuleFromVariant(
    newVariant(variant as unknown as QuickJSSyncVariant, { emscriptenModule }));
}

// Allocations of many different sizes, kept and dropped, so that the free lists a later
// runtime would inherit are thoroughly fragmented.
const churnSource = `
let kept = [];
exports.churn = { kind: 'tx', run: function (n) {
  const parts = [];
  for (let i = 0; i < n; i++) parts.push({ i: i, s: 'y'.repeat((i * 7) % 131) });
  kept = kept.concat(parts.filter(function (part) { return part.i % 3 === 0; }));
  Zhengwu.state.set('last', parts.length);
  return parts.length;
} };
exports.fail = { kind: 'tx', run: function (n) {
  const parts = [];
  for (let i = 0; i < n; i++) parts.push('z'.repeat(i % 53));
  throw new Error('failed after ' + parts.length);
} };
exports.count = { kind: 'query', run: function (n) {
  const parts = [];
  for (let i = 0; i < n; i++) parts.push([i, 'q'.repeat(i % 29)]);
  return parts.length + (Zhengwu.state.get('last') ?? 0);
} };`;

// Keeps strings and small objects until the memory limit stops it. (Built-in work is paid for,
// so strings made by repeat() would run out of gas first: they are made by concatenation.)
const hogSource = `
exports.fill = { kind: 'tx', run: function () {
  const keep = [];
  for (let i = 0; ; i++) { const k = 'k' + i; keep.push(k, { i: i }, [i, k]); }
} };`;

let historyModule: VmModule;
let freshModule: VmModule;
beforeAll(async () => {
  historyModule = await loadModule();
  freshModule = await loadModule();
});

describe('fresh heap per block', () => {
  it('runs out of memory at the same point after a long history as in a fresh process',
    { timeout: 300_000 }, () => {
      const chain = new TestChain(historyModule);
      expect(chain.deploy('churn', churnSource).status).toBe('ok');
      expect(chain.deploy('hog', hogSource).status).toBe('ok');
      for (let block = 0; block < 25; block++) {
        const txs = [1, 2, 3].map((i) => chain.tx(chain.admin, 'churn',
          i === 2 && block % 4 === 0 ? 'fail' : 'churn', 200 + ((block * 389 + i * 97) % 2_500)));
        const receipts = chain.block(txs);
        expect(receipts).toHaveLength(3);
        expect(chain.query('churn', 'count', 100 + block * 53)).toBeGreaterThan(0);
      }
      // Filling a runtime to its limit once also grows the module's memory.
      const first = chain.send(chain.admin, 'hog', 'fill', null, 10_000_000);
      expect(first.error).toContain('out of memory');

      // An empty block starts like any other, from the heap as loaded: the memory is then the
      // very bytes of a module that never ran anything (larger, by zeros, when it grew).
      chain.block([]);
      const used = new Uint8Array(historyModule.getWasmMemory().buffer);
      const loaded = new Uint8Array(freshModule.getWasmMemory().buffer);
      expect(used.length).toBeGreaterThan(loaded.length);
      expect(Buffer.compare(used.subarray(0, loaded.length), loaded)).toBe(0);
      expect(used.subarray(loaded.length).every((byte) => byte === 0)).toBe(true);

      const fresh = chain.restarted(freshModule);
      expect(fresh.root()).toBe(chain.root());
      const afterHistory = chain.send(chain.admin, 'hog', 'fill', null, 10_000_000);
      const afterLoad = fresh.send(fresh.admin, 'hog', 'fill', null, 10_000_000);

      expect(afterHistory.error).toContain('out of memory');
      expect(afterLoad).toEqual(afterHistory);
      expect(fresh.root()).toBe(chain.root());
    });
});
