// Proves what contract queries see and may do: the latest committed block's height and time,
// read-only calls to other contracts' query methods (with the caller's name in `ctx`), no way
// to write or emit through such a call, no calls to transaction methods, the call depth limit,
// and one gas budget for the whole query, nested calls included.
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/core/index.js';
import { loadVm } from '../../src/node/vm-loader.js';
import type { VmModule } from '../../src/vm/index.js';
import { TestChain } from './harness.js';

const registrySource = `
const tx = (run) => ({ kind: 'tx', run });
const query = (run) => ({ kind: 'query', run });
exports.put = tx((args) => { Zhengwu.state.set(args.key, args.value); return null; });
exports.get = query((key) => Zhengwu.state.get(key) ?? null);
exports.context = query(() => Zhengwu.ctx);
exports.sneakyWrite = query(() => { Zhengwu.state.set('stolen', 1); return 'wrote'; });
exports.sneakyEmit = query(() => { Zhengwu.emit('Stolen', null); return 'emitted'; });
exports.spin = query(() => { let n = 0; for (;;) n += 1; });
`;

const readerSource = `
const query = (run) => ({ kind: 'query', run });
exports.context = query(() => Zhengwu.ctx);
exports.ask = query((args) => Zhengwu.call(args.contract, args.method, args.args));
exports.deep = query((n) => n === 0 ? 'bottom' : Zhengwu.call('reader', 'deep', n - 1));
exports.catchAsk = query((args) => {
  try { return Zhengwu.call(args.contract, args.method, args.args); } catch (e) { return 'caught'; }
});
`;

let vm: VmModule;
beforeAll(async () => { vm = await loadVm(); });

function chainWithContracts(): TestChain {
  const chain = new TestChain(vm);
  expect(chain.deploy('registry', registrySource).status).toBe('ok');
  expect(chain.deploy('reader', readerSource).status).toBe('ok');
  expect(chain.send(chain.admin, 'registry', 'put', { key: 'licence/7', value: 'valid' }).status)
    .toBe('ok');
  return chain;
}

function queryError(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message };
  }
  throw new Error('the query did not fail');
}

describe('contract queries', () => {
  it('see the latest committed block\'s height and time', () => {
    const chain = chainWithContracts();
    const context = chain.query('reader', 'context', null) as Record<string, unknown>;
    expect(context.height).toBe(chain.height);
    expect(context.time).toBe(chain.time);
    expect(context.sender).toBe(null);
    expect(context.caller).toBe(null);
  });

  it('call other contracts\' query methods, which see the caller and the same block', () => {
    const chain = chainWithContracts();
    expect(chain.query('reader', 'ask',
      { contract: 'registry', method: 'get', args: 'licence/7' })).toBe('valid');
    const context = chain.query('reader', 'ask',
      { contract: 'registry', method: 'context', args: null }) as Record<string, unknown>;
    expect(context).toMatchObject({ contract: 'registry', caller: 'reader',
      height: chain.height, time: chain.time });
  });

  it('cannot write, emit or call transaction methods through a call', () => {
    const chain = chainWithContracts();
    const root = chain.root();
    for (const method of ['sneakyWrite', 'sneakyEmit']) {
      const failure = queryError(() => chain.query('reader', 'ask',
        { contract: 'registry', method, args: null }));
      expect(failure.message).toContain('cannot write state or emit events');
    }
    const txMethod = queryError(() => chain.query('reader', 'ask',
      { contract: 'registry', method: 'put', args: { key: 'x', value: 1 } }));
    expect(txMethod.message).toContain('has no query method put');
    expect(chain.query('reader', 'catchAsk',
      { contract: 'registry', method: 'sneakyWrite', args: null })).toBe('caught');
    expect(chain.root()).toBe(root);
  });

  it('keeps the call depth limit', () => {
    const chain = chainWithContracts();
    expect(chain.query('reader', 'deep', 4)).toBe('bottom');
    expect(queryError(() => chain.query('reader', 'deep', 5)).message)
      .toContain('nest deeper than 4');
  });

  it('share one gas budget with the queries they call', () => {
    const chain = chainWithContracts();
    const failure = queryError(() => chain.query('reader', 'catchAsk',
      { contract: 'registry', method: 'spin', args: null }));
    // Out of gas is sticky: the caller that catches its callee's failure still fails.
    expect(failure.code).toBe(ErrorCode.OUT_OF_GAS);
  });
});
