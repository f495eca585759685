// Contract execution does not depend on the host's native stack (issue #12, ADR 0016). Two
// contracts recursing ~3,000 levels each through JSON.stringify/toJSON used to overflow V8's
// stack inside the WebAssembly module before QuickJS's per-runtime 64 KiB check fired: the module
// aborted in JS_FreeRuntime, and whether it did depended on how deep the host was. Here the same
// attack, and a matrix of other native re-entry paths at the deepest call nesting, give the same
// failed receipt (status, error, gas) whether the block executes at host depth 0 or ~6,000, on
// the engine the node runs (a worker with a fixed, large stack), and the VM keeps working for
// the next transaction and block. The in-thread engine (tests, CLI) shares the one stack budget
// per transaction; when its host is deep it may fault, but a fault is never a receipt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSuite } from '../../src/crypto/index.js';
import type { KeyPair } from '../../src/crypto/index.js';
import type { Receipt } from '../../src/ledger/index.js';
import { loadVm } from '../../src/node/vm-loader.js';
import { WorkerEngine } from '../../src/node/vm-worker.js';
import { QuickJsEngine, isEngineFault } from '../../src/vm/index.js';
import type { VmEngine, VmModule } from '../../src/vm/index.js';
import { TestChain } from './harness.js';
import { attackNames, stackAttackSource, stackModes } from './stack-attacks.js';

/** The attack: each contract nests `depth` toJSON calls, the first calls the second. */
const toJsonAttack = (next: string): string => `
const tx = (run) => ({ kind: 'tx', run });
function mk(n, args) {
  return { toJSON() { return n === 0 ? ${next} : [mk(n - 1, args)]; } };
}
exports.attack = tx((args) => JSON.stringify(mk(args.depth, args)).length);
exports.ping = tx(() => 'pong');
`;

const hostDepth = 6_000;

/** Runs `work` under `levels` frames of host recursion. */
function atDepth<T>(levels: number, work: () => T): T {
  const nest = (left: number): T => (left === 0 ? work() : [nest(left - 1)][0] as T);
  return nest(levels);
}

function outcome(receipt: Receipt | undefined): { status: string; error: string; gas: number } {
  if (receipt === undefined) throw new Error('no receipt');
  return { status: receipt.status, error: receipt.error, gas: receipt.gasUsed };
}

const suite = getSuite('intl');
const admin: KeyPair = suite.generateKeyPair();
const user: KeyPair = suite.generateKeyPair();
let module: VmModule;
let worker: WorkerEngine;

beforeAll(async () => {
  module = await loadVm();
  worker = new WorkerEngine();
});
afterAll(() => worker.shutdown());

/** A chain with the two contracts deployed, on the given engine. */
function toJsonChain(engine: VmEngine | VmModule): TestChain {
  const chain = new TestChain(engine, admin);
  expect(chain.deploy('json-a', toJsonAttack(
    `Zhengwu.call('json-b', 'attack', { depth: args.inner ?? args.depth })`)).status).toBe('ok');
  expect(chain.deploy('json-b', toJsonAttack('0')).status).toBe('ok');
  return chain;
}

/** A chain with contractCallDepthMax + 1 attack contracts deployed. */
function matrixChain(engine: VmEngine): TestChain {
  const chain = new TestChain(engine, admin);
  for (const name of attackNames(5)) {
    const deployed = chain.deploy(name, stackAttackSource);
    expect(deployed.status, deployed.error).toBe('ok');
  }
  return chain;
}

/** The attack's block: the inner contracts' sessions open first, then the whole chain runs. */
function matrixBlock(chain: TestChain, mode: string, fill: number): Receipt[] {
  const names = attackNames(5);
  return chain.block([...names.slice(1).map((name) => chain.tx(user, name, 'ping', null)),
    chain.tx(user, names[0] as string, 'attack',
      { mode, chain: names.slice(1), fill }, 10_000_000)]);
}

function stillWorks(chain: TestChain, contract: string): void {
  const [same, other] = chain.block([chain.tx(user, contract, 'ping', null),
    chain.tx(user, contract, 'ping', null)]);
  expect(same?.status).toBe('ok');
  expect(other?.result).toBe('pong');
  expect(chain.send(user, contract, 'ping', null).result).toBe('pong');
}

describe('contract execution and the host stack', () => {
  it('fails the two-contract toJSON recursion alike at host depth 0 and 6,000', () => {
    const shallow = toJsonChain(worker);
    const deep = toJsonChain(worker);
    const args = { depth: 3_000 };
    const atZero = outcome(shallow.send(user, 'json-a', 'attack', args, 9_000_000));
    const atDeep = outcome(atDepth(hostDepth,
      () => deep.send(user, 'json-a', 'attack', args, 9_000_000)));
    // QuickJS's own limit fires (its RangeError inside the receipt), never V8's.
    expect(atZero.status).toBe('CONTRACT_FAILED');
    expect(atZero.error).toMatch(/Maximum call stack size exceeded/);
    expect(atDeep).toEqual(atZero);
    expect(shallow.root()).toBe(deep.root());
    stillWorks(shallow, 'json-a');
    stillWorks(deep, 'json-b');
  });

  it('gives the same receipt for every native re-entry path at the deepest nesting', () => {
    const shallow = matrixChain(worker);
    const deep = matrixChain(worker);
    for (const mode of stackModes) {
      for (const fill of [50, 95]) {
        const [zero] = matrixBlock(shallow, mode, fill).slice(-1);
        const [far] = atDepth(hostDepth, () => matrixBlock(deep, mode, fill)).slice(-1);
        expect(outcome(far), `${mode} ${fill}%`).toEqual(outcome(zero));
        expect(zero?.status, `${mode} ${fill}%`).not.toBe('INTERNAL');
      }
    }
    expect(shallow.root()).toBe(deep.root());
    stillWorks(shallow, attackNames(5)[0] as string);
    stillWorks(deep, attackNames(5)[4] as string);
  });

  it('shares one stack budget across nested calls in the thread engine too', () => {
    // At host depth 0 the main thread has room for the whole budget: the same receipt as the
    // worker gives, because the budget is counted on QuickJS's own stack.
    const inThread = toJsonChain(new QuickJsEngine(module));
    const onWorker = toJsonChain(worker);
    const args = { depth: 3_000 };
    expect(outcome(inThread.send(user, 'json-a', 'attack', args, 9_000_000)))
      .toEqual(outcome(onWorker.send(user, 'json-a', 'attack', args, 9_000_000)));
  });

  it('never turns a fault of the engine into a receipt', () => {
    // A worker with a tiny native stack overflows V8's stack inside the module: the block stops
    // with EngineFault (no receipt, no abort), and the next block runs on a new worker.
    const small = new WorkerEngine({ stackSizeMb: 0.5 });
    try {
      const chain = toJsonChain(small);
      const before = chain.root();
      let thrown: unknown;
      try {
        chain.send(user, 'json-a', 'attack', { depth: 3_000 }, 9_000_000);
      } catch (error) {
        thrown = error;
      }
      expect(isEngineFault(thrown), String(thrown)).toBe(true);
      expect(chain.root()).toBe(before);
      expect(small.fault).toBeDefined();
      chain.height -= 1;
      const fresh = suite.generateKeyPair();
      expect(chain.send(fresh, 'json-b', 'ping', null).result).toBe('pong');
      expect(small.fault).toBeUndefined();
    } finally {
      small.shutdown();
    }
  });

  it('stops at once when the fault is inside a nested call', () => {
    // The outer contract barely recurses; the one it calls overflows the small native stack.
    // The fault reaches the block at once with its cause (no waiting for an answer that the
    // dropped worker would never send).
    const small = new WorkerEngine({ stackSizeMb: 0.5 });
    try {
      const chain = toJsonChain(small);
      let thrown: unknown;
      try {
        chain.send(user, 'json-a', 'attack', { depth: 1, inner: 3_000 }, 9_000_000);
      } catch (error) {
        thrown = error;
      }
      expect(isEngineFault(thrown), String(thrown)).toBe(true);
      expect(String(thrown)).toMatch(/Maximum call stack size exceeded/);
    } finally {
      small.shutdown();
    }
  });
});
