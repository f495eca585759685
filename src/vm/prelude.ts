// The trusted JavaScript that runs first in every fresh contract context. It removes everything
// non-deterministic or code-generating from the global object, keeps private references to the
// intrinsics it needs (so a contract that tampers with globals can only confuse itself), builds
// the `Zhengwu` API object that the `zhengwu/contract` library wraps, and returns to the host a
// small control object (`load`, `call`) that contract code can never reach.
//
// The host functions it receives all take the contract's remaining steps as their first
// argument: that is how the host learns how many steps ran since the last crossing, so that
// steps and host charges come out of one gas meter in one deterministic order.
import { limits } from '../core/index.js';
import { builtinsSource } from './builtins.js';

/** Globals deleted from every contract context. */
export const removedGlobals: readonly string[] = [
  'Date', 'WeakRef', 'FinalizationRegistry', 'eval', 'Function', 'SharedArrayBuffer',
  'Atomics', 'performance', 'queueMicrotask', 'WebAssembly', 'DOMException',
];

export const preludeSource = `(function (host, meter) {
  'use strict';
  const G = globalThis;
  const U8 = Uint8Array, Str = String, Obj = Object, Arr = Array, Big = BigInt;
  const stringify = JSON.stringify, parse = JSON.parse, freeze = Object.freeze;
  const keysOf = Object.keys, isArray = Array.isArray, ErrorClass = Error;
  const toInt = parseInt;
  const refuse = function () {
    throw new TypeError('code generation is not allowed in contracts');
  };
  for (const f of [function () {}, function* () {}, async function () {},
    async function* () {}]) {
    Obj.defineProperty(Obj.getPrototypeOf(f), 'constructor',
      { value: refuse, writable: false, configurable: false });
  }
  for (const name of ${JSON.stringify(removedGlobals)}) delete G[name];
  delete Math.random;
  const origSubstr = String.prototype.substr;
${builtinsSource}
  const hexDigits = '0123456789abcdef';
  let budget = 0;
  function replacer(key, value) {
    // Every value and string costs budget, so that native JSON work stops near the value limit.
    budget -= 2 + key.length + (typeof value === 'string' ? value.length : 0) +
      (value instanceof U8 ? value.length : 0);
    if (budget < 0) tooLarge('a value leaving the contract', '${limits.contractValueBytesMax} bytes');
    if (value instanceof U8) {
      let text = '';
      for (let i = 0; i < value.length; i++) {
        text += hexDigits[value[i] >> 4] + hexDigits[value[i] & 15];
      }
      return { $bytes: text };
    }
    if (typeof value === 'bigint') return { $bigint: value.toString() };
    return value;
  }
  function out(value) {
    budget = ${limits.contractValueBytesMax * 2 + 1024};
    const text = stringify(value, replacer);
    return text === undefined ? 'null' : text;
  }
  function reviver(key, value) {
    if (value !== null && typeof value === 'object' && !isArray(value)) {
      const keys = keysOf(value);
      if (keys.length === 1 && keys[0] === '$bytes') {
        const text = value.$bytes, bytes = new U8(text.length / 2);
        for (let i = 0; i < bytes.length; i++) {
          bytes[i] = toInt(apply(origSubstr, text, [i * 2, 2]), 16);
        }
        return bytes;
      }
      if (keys.length === 1 && keys[0] === '$bigint') {
        const digits = value.$bigint;
        if (typeof digits === 'string' && digits.length > bigDigits) {
          tooLarge('a bigint of ' + digits.length + ' digits', bigBits + ' bits');
        }
        return Big(digits);
      }
    }
    return value;
  }
  function into(text) {
    if (text === undefined) return undefined;
    return apply(origIndexOf, text, ['"$']) >= 0 ? parse(text, reviver) : parse(text);
  }
  function key(value) {
    if (typeof value !== 'string') throw new TypeError('state keys are strings');
    return value;
  }
  class ContractFailure extends ErrorClass {
    constructor(message, code) {
      super(Str(message));
      this.name = 'ContractFailure';
      this.code = code === undefined ? null : Str(code);
    }
  }
  let context = null;
  const state = freeze({
    get(k) { return into(host.get(meter.left, key(k))); },
    has(k) { return host.get(meter.left, key(k)) !== undefined; },
    set(k, value) { host.set(meter.left, key(k), out(value)); },
    delete(k) { host.del(meter.left, key(k)); },
    range(options) {
      return into(host.range(meter.left, out(options === undefined ? {} : options)));
    },
  });
  const api = freeze({
    state,
    get ctx() { return context; },
    emit(name, data) { host.emit(meter.left, Str(name), out(data === undefined ? null : data)); },
    call(contract, method, args) {
      return into(host.call(meter.left, Str(contract), Str(method),
        out(args === undefined ? null : args)));
    },
    fail(message, code) { throw new ContractFailure(message, code); },
    require(condition, message, code) {
      if (!condition) throw new ContractFailure(message, code);
    },
  });
  Obj.defineProperty(G, 'Zhengwu', { value: api, writable: false, configurable: false });
  let methods = null;
  function describe(error) {
    try {
      if (error instanceof ErrorClass) {
        return { name: Str(error.name), message: apply(origSlice, Str(error.message), [0, 1024]),
          code: typeof error.code === 'string' ? error.code : null };
      }
      return { name: 'Thrown', message: apply(origSlice, Str(error), [0, 1024]), code: null };
    } catch (inner) {
      return { name: 'Error', message: 'the contract threw an unprintable value', code: null };
    }
  }
  return freeze({
    load(factory) {
      const module = { exports: {} };
      factory(meter, module, module.exports);
      const exports = module.exports, found = {};
      methods = {};
      for (const name of keysOf(exports)) {
        const spec = exports[name];
        if (spec !== null && typeof spec === 'object' &&
            (spec.kind === 'tx' || spec.kind === 'query') && typeof spec.run === 'function') {
          methods[name] = spec.run;
          found[name] = spec.kind;
        }
      }
      return stringify(found);
    },
    call(name, argsText, contextText) {
      context = freeze(parse(contextText));
      try {
        return '1' + out(methods[name](into(argsText)));
      } catch (error) {
        return '0' + stringify(describe(error));
      }
    },
  });
})`;
