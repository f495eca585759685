// Contracts that try to exhaust the native stack under the contract engine: each recurses
// through one of QuickJS's native re-entry paths (toJSON, getters, Proxy traps, Array callbacks,
// String.replace with a function, toString/valueOf, JSON.parse with a reviver, plain calls),
// first probing how deep it can go with the stack budget its callers left, then going almost
// that deep before it calls the next contract of the chain, so that a chain of
// contractCallDepthMax + 1 contracts holds as much of the budget as QuickJS allows. Used by
// test/vm/host-stack.test.ts and the network tests test/e2e/vm-stack.test.ts and vm-halt.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { getSuite, openKeystore } from '../../src/crypto/index.js';
import { Account } from '../../src/sdk/index.js';
import type { ZhengwuClient } from '../../src/sdk/index.js';

/** The attack: a contract recursing through toJSON, calling `next` at the bottom. */
export const toJsonAttack = (next: string): string => `
const tx = (run) => ({ kind: 'tx', run });
function mk(n, args) {
  return { toJSON() { return n === 0 ? ${next} : [mk(n - 1, args)]; } };
}
exports.attack = tx((args) => JSON.stringify(mk(args.depth, args)).length);
exports.ping = tx(() => 'pong');
`;

/**
 * Deploys the pair through a test network's development deployer (admin.key): json-a
 * recurses through toJSON and at the bottom calls json-b, which recurses again.
 */
export async function deployToJsonPair(networkDir: string, client: ZhengwuClient):
  Promise<void> {
  const deployer = new Account(getSuite('intl'), openKeystore(
    readFileSync(join(networkDir, 'admin.key'), 'utf8'),
    readFileSync(join(networkDir, 'admin.passphrase'), 'utf8').trim()), client);
  for (const [name, next] of [['json-a', `Zhengwu.call('json-b', 'attack', args)`],
    ['json-b', '0']] as const) {
    const deployed = await deployer.sendAndWait('contracts', 'deploy',
      { name, source: toJsonAttack(next), version: '1.0.0' });
    expect(deployed.status === 'committed' && deployed.receipt.status).toBe('ok');
  }
}

/** Recursion modes: each `rec(n, at, bottom)` nests n levels, calls at(level), then bottom(). */
export const stackModes = ['plain', 'json', 'getter', 'proxy', 'map', 'sort', 'replace',
  'tostring', 'valueof', 'reviver', 'parse'] as const;
export type StackMode = (typeof stackModes)[number];

export const stackAttackSource = `
const tx = (run) => ({ kind: 'tx', run });
const modes = {
  plain(n, at, bottom) {
    const f = (k) => { at(k); return k === n ? bottom() : f(k + 1); };
    return f(0);
  },
  json(n, at, bottom) {
    const mk = (k) => ({ toJSON() { at(k); return k === n ? bottom() : [mk(k + 1)]; } });
    return JSON.stringify(mk(0));
  },
  getter(n, at, bottom) {
    const mk = (k) => ({ get x() { at(k); return k === n ? bottom() : mk(k + 1).x; } });
    return mk(0).x;
  },
  proxy(n, at, bottom) {
    const mk = (k) => new Proxy({}, { get() { at(k); return k === n ? bottom() : mk(k + 1).v; } });
    return mk(0).v;
  },
  map(n, at, bottom) {
    const f = (k) => [k].map(() => { at(k); return k === n ? bottom() : f(k + 1); })[0];
    return f(0);
  },
  sort(n, at, bottom) {
    let out = 0;
    const f = (k) => { [2, 1].sort((a, b) => { at(k); out = k === n ? bottom() : f(k + 1);
      return a - b; }); return out; };
    return f(0);
  },
  replace(n, at, bottom) {
    const f = (k) => 'a'.replace(/a/, () => {
      at(k);
      return String(k === n ? bottom() : f(k + 1));
    });
    return f(0);
  },
  tostring(n, at, bottom) {
    const mk = (k) => ({ toString() { at(k); return String(k === n ? bottom() : mk(k + 1)); } });
    return String(mk(0));
  },
  valueof(n, at, bottom) {
    const mk = (k) => ({ valueOf() { at(k); return k === n ? Number(bottom()) : +mk(k + 1); } });
    return +mk(0);
  },
  reviver(n, at, bottom) {
    const f = (k) => {
      let first = true;
      let out = 0;
      JSON.parse('[[0]]', (key, value) => {
        if (first) { first = false; at(k); out = k === n ? bottom() : f(k + 1); }
        return value;
      });
      return out;
    };
    return f(0);
  },
  parse(n, at, bottom) {
    at(n);
    const m = Math.min(n, 100000);
    let out;
    try { out = JSON.parse('['.repeat(m) + ']'.repeat(m)).length; } catch (e) { out = e.message; }
    bottom();
    return out;
  },
};
exports.attack = tx((args) => {
  const rec = modes[args.mode];
  const chain = args.chain;
  const bottom = () => chain.length === 0 ? 0
    : Zhengwu.call(chain[0], 'attack', { mode: args.mode, chain: chain.slice(1), fill: args.fill });
  if (chain.length === 0 && !args.probe) {
    // The innermost contract goes until QuickJS stops it.
    return rec(1e9, () => {}, bottom);
  }
  let deepest = 0;
  try { rec(1e9, (k) => { deepest = k; }, () => 0); } catch (e) { /* the probe's overflow */ }
  return rec(Math.floor(deepest * args.fill / 100), () => {}, bottom);
});
exports.ping = tx(() => 'pong');
`;

/** Contract names of a chain of `count` attack contracts. */
export function attackNames(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `stack-attack-${index + 1}`);
}
