// Gas for the work done inside built-ins. QuickJS polls its interrupt handler only from the
// bytecode interpreter and the regexp engine, never inside native built-ins, so a single call of
// String.prototype.indexOf, repeat, Array.prototype.join or a bigint multiplication could do
// seconds of work for one metered step. This trusted JavaScript, spliced into the prelude, puts a
// wrapper in front of every built-in whose work is more than constant: it converts the arguments
// itself (so a user `toString` cannot show one size to the charge and another to the work),
// charges the in-VM step counter by the worst-case work in the sizes of inputs and outputs
// BEFORE the work (or, where the work is linear and bounded by the limits, right after it), and
// refuses with code TOO_LARGE a string longer than limits.contractStringCharsMax or a bigint
// larger than limits.contractBigIntBitsMax. Operators cannot be wrapped here: the instrumenter
// (src/vm/instrument.ts) rewrites them into calls of the `ops` helpers defined below, which keep a
// fast path for plain numbers. The originals stay private to this closure; prototypes, `call`,
// `apply`, `Reflect` and `"".constructor` all lead to the wrappers.
//
// Costs are in steps (one step is vmGasCosts.step gas). Each rate is how much work one step pays
// for; they were set from bench/vm-adversarial.mjs so that a step of built-in work takes about as
// long as a step of ordinary contract code. Work below one step is free: ordinary calls on small
// values cost exactly what they cost before.
import { limits } from '../core/index.js';

/**
 * What one step pays for, per kind of work (the divisors), or the steps per item. The array
 * rates assume the slow path (a sparse array or an array-like: a property lookup per index),
 * about ten times the cost of a dense array's.
 */
export const builtinRates = {
  /** Characters compared or scanned (memcmp-like). */
  scanPer: 512,
  /** Characters copied (concatenation, slices). */
  copyPer: 2048,
  /** Characters produced one at a time (repeat, pad, URI coding, regexp compile at /4). */
  buildPer: 64,
  /** Characters case-mapped, normalized or locale-compared. */
  casePer: 16,
  /** Inner comparisons of a naive search: (haystack + 1) x (needle + 1). */
  searchPer: 64,
  /** Characters of a numeric string parsed. */
  parsePer: 32,
  /** Array elements visited. */
  elemPer: 8,
  /** Array elements copied or created, elements spread, keys listed. */
  copyElemPer: 4,
  /** Characters of JSON parsed, or budget characters of JSON produced. */
  jsonPer: 8,
  /** Bytes zero-filled by a buffer or typed array. */
  bytePer: 8192,
  /** 32-bit limb products of bigint multiplication, division, toString. */
  limbPer: 64,
  /** Steps per piece split or matched, per possible native replacement, per joined element. */
  pieceSteps: 0.25,
  nativeMatchSteps: 0.5,
  joinElementSteps: 0.5,
  /** Steps per replacement built here, per JSON value, per bigint operation. */
  matchSteps: 2,
  jsonValueSteps: 2,
  bigBase: 2,
} as const;

/** Decimal digits (and a sign) that a bigint of contractBigIntBitsMax bits can need. */
export const bigIntDigitsMax = Math.ceil(limits.contractBigIntBitsMax * Math.log10(2)) + 1;

/**
 * Comments and indentation out: every fresh contract context compiles this text, and QuickJS's
 * compile time grows with its length. (The text has no string or regexp holding comment marks.)
 */
function compact(source: string): string {
  return source.replace(/\/\*\*[\s\S]*?\*\//g, '').split('\n').map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('//')).join('\n');
}

/** JavaScript run inside the prelude's closure, where `meter` is the step counter. */
export const builtinsSource = compact(`
  const Rf = Reflect, apply = Rf.apply, construct = Rf.construct, ownKeys = Rf.ownKeys;
  const defineProperty = Obj.defineProperty, getProto = Obj.getPrototypeOf;
  const getDesc = Obj.getOwnPropertyDescriptor, floor = Math.floor, min = Math.min;
  const ProxyC = Proxy, Num = Number, RangeErr = RangeError, TypeErr = TypeError;
  const MapC = Map, SetC = Set, RegExpC = RegExp, SymbolC = Symbol, isView = ArrayBuffer.isView;
  const strMax = ${limits.contractStringCharsMax}, bigBits = ${limits.contractBigIntBitsMax};
  const bigDigits = ${bigIntDigitsMax};
  const { scanPer, copyPer, buildPer, casePer, searchPer, parsePer, elemPer, copyElemPer,
    jsonPer, bytePer, limbPer, pieceSteps, nativeMatchSteps, joinElementSteps, matchSteps,
    jsonValueSteps, bigBase } = ${JSON.stringify(builtinRates)};
  const compilePer = buildPer / 4;
  const SP = Str.prototype, AP = Arr.prototype, taProto = getProto(U8.prototype);
  const origTrim = SP.trim, origSlice = SP.slice, origIndexOf = SP.indexOf;
  const origBigToString = Big.prototype.toString, origJoin = AP.join;
  const taLength = getDesc(taProto, 'length').get;
  const mapSize = getDesc(MapC.prototype, 'size').get, setSize = getDesc(SetC.prototype, 'size').get;
  const symMatch = SymbolC.match, symReplace = SymbolC.replace, symSplit = SymbolC.split;
  const symToPrimitive = SymbolC.toPrimitive;

  function charge(steps) {
    if (steps >= 1) {
      meter.left -= steps > 1e15 ? 1e15 : floor(steps);
      if (meter.left < 0) meter.out();
    }
  }
  function tooLarge(what, limit) {
    const error = new RangeErr(what + ' exceeds the contract limit of ' + limit);
    error.code = 'TOO_LARGE';
    throw error;
  }
  function checkLength(n) {
    if (n > strMax) tooLarge('a string of ' + n + ' characters', strMax + ' characters');
  }
  function checkStr(s) {
    if (typeof s === 'string') checkLength(s.length);
    return s;
  }
  function isObj(v) {
    return (typeof v === 'object' && v !== null) || typeof v === 'function';
  }
  /** ToPrimitive, as the spec does it, so that the result's size can be charged. */
  function prim(v, hint) {
    if (!isObj(v)) return v;
    const exotic = v[symToPrimitive];
    if (exotic !== undefined && exotic !== null) {
      const r = apply(exotic, v, [hint]);
      if (isObj(r)) throw new TypeErr('cannot convert object to primitive value');
      return r;
    }
    const first = hint === 'string' ? 'toString' : 'valueOf';
    const second = hint === 'string' ? 'valueOf' : 'toString';
    let f = v[first];
    if (typeof f === 'function') { const r = apply(f, v, []); if (!isObj(r)) return r; }
    f = v[second];
    if (typeof f === 'function') { const r = apply(f, v, []); if (!isObj(r)) return r; }
    throw new TypeErr('cannot convert object to primitive value');
  }
  /** ToNumeric: parsing a long numeric string is slow native work, so it is charged. */
  function numeric(v) {
    if (typeof v === 'number' || typeof v === 'bigint') return v;
    v = prim(v, 'number');
    if (typeof v === 'string') { charge(v.length / parsePer); return +v; }
    if (typeof v === 'bigint') return v;
    return +v;
  }
  function numArg(v) {
    return typeof v === 'number' || v === undefined ? v : numeric(v);
  }

  // Bigint sizes without converting: compare against 2^(32k), k up to a little past the limit.
  const limbTable = [];
  for (let k = 0; k <= (bigBits >> 5) + 2; k++) limbTable.push(1n << Big(32 * k));
  const bigMax = (1n << Big(bigBits)) - 1n;
  const hexTop = [0, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4];
  /** Exact bit length; refuses (before any conversion) a bigint far beyond the limit. */
  function bitLength(x) {
    if (x < 0n) x = -x;
    if (x >= limbTable[limbTable.length - 1]) tooLarge('a bigint', bigBits + ' bits');
    if (x === 0n) return 0;
    const hex = apply(origBigToString, x, [16]);
    return (hex.length - 1) * 4 + hexTop[toInt(hex[0], 16)];
  }
  function limbs(x) {
    return (bitLength(x) + 31) >> 5;
  }
  function bigCheck(r) {
    if (r > bigMax || r < -bigMax) tooLarge('a bigint result', bigBits + ' bits');
    return r;
  }
  function chargeBigText(x) {
    const l = limbs(x);
    charge(bigBase + l * l / limbPer);
  }
  /** ToString; a bigint's decimal text is quadratic work, so it is charged. */
  function toStr(v) {
    if (typeof v === 'string') return v;
    if (typeof v === 'bigint') { chargeBigText(v); return apply(origBigToString, v, []); }
    if (typeof v === 'symbol') throw new TypeErr('cannot convert a Symbol value to a string');
    if (isObj(v)) return toStr(prim(v, 'string'));
    return Str(v);
  }
  /**
   * A string compared with a bigint: its value as a bigint when it fits the limit, +-Infinity
   * when it is a valid integer beyond the limit (larger than any bigint a contract can hold),
   * NaN when it is not an integer. Parsing a long digit string would be quadratic native work.
   */
  const intPattern = new RegExpC('^(?:([+-]?)0*([0-9]*)|0[xX]0*([0-9a-fA-F]+)|0[oO]0*([0-7]+)|0[bB]0*([01]+))$');
  function bigOrNum(s) {
    charge(s.length / scanPer);
    const t = apply(origTrim, s, []);
    if (t === '') return 0n;
    const m = apply(RegExpC.prototype.exec, intPattern, [t]);
    if (m === null || (m[2] === '' && m[0] !== '' && /^[+-]$/.test(m[0]))) return NaN;
    const digits = m[2] !== undefined ? m[2] : m[3] !== undefined ? m[3] : m[4] !== undefined
      ? m[4] : m[5];
    const bitsPer = m[2] !== undefined ? 3.3 : m[3] !== undefined ? 4 : m[4] !== undefined ? 3 : 1;
    if ((digits.length - 1) * bitsPer > bigBits + 1) return m[1] === '-' ? -Infinity : Infinity;
    return Big(t);
  }
  function bigPair(a, b) {
    return typeof a === 'bigint' && typeof b === 'bigint';
  }
  function bigShift(a, n) {
    charge(bigBase);
    if (n <= 0n || a === 0n) return a << n;
    const bl = bitLength(a);
    if (n > Big(bigBits) || bl + Num(n) > bigBits + 1) tooLarge('a bigint result', bigBits + ' bits');
    return bigCheck(a << n);
  }
  function prep(a, b) {
    a = prim(a, 'number'); b = prim(b, 'number');
    const ta = typeof a, tb = typeof b;
    if (ta === 'string' && tb === 'string') {
      charge(min(a.length, b.length) / scanPer);
      return [a, b];
    }
    if (ta === 'string') a = tb === 'bigint' ? bigOrNum(a) : numeric(a);
    if (tb === 'string') b = ta === 'bigint' ? bigOrNum(b) : numeric(b);
    return [a, b];
  }
  function looseEq(a, b) {
    for (;;) {
      const ta = typeof a, tb = typeof b;
      if (ta === tb) {
        if (ta === 'string') charge(min(a.length, b.length) / scanPer);
        return a == b;
      }
      if (a === null || a === undefined || b === null || b === undefined) return a == b;
      if (isObj(a) && !isObj(b)) { a = prim(a, 'default'); continue; }
      if (isObj(b) && !isObj(a)) { b = prim(b, 'default'); continue; }
      if (ta === 'string' && tb === 'bigint') return bigOrNum(a) == b;
      if (ta === 'bigint' && tb === 'string') return a == bigOrNum(b);
      if (ta === 'string') a = numeric(a);
      if (tb === 'string') b = numeric(b);
      return a == b;
    }
  }
  function size(v) {
    if (typeof v === 'string') return v.length;
    if (!isObj(v)) return 0;
    if (isArray(v)) return v.length;
    if (isView(v)) { try { return apply(taLength, v, []); } catch (e) { return 0; } }
    if (v instanceof MapC) { try { return apply(mapSize, v, []); } catch (e) { return 0; } }
    if (v instanceof SetC) { try { return apply(setSize, v, []); } catch (e) { return 0; } }
    let n = v.length;
    if (typeof n !== 'number') n = n === undefined ? 0 : Num(numeric(n));
    return n > 0 ? n : 0;
  }

  /** The operator helpers the instrumented code calls (as __zwO.name). */
  const ops = {
    add(a, b) {
      const ta = typeof a, tb = typeof b;
      if (ta === 'number' && tb === 'number') return a + b;
      // Strings and numbers: the native concatenation is a rope (constant work), so the length
      // is checked on the result; a flattening later is paid for here by its length.
      if ((ta === 'string' && (tb === 'string' || tb === 'number')) ||
          (ta === 'number' && tb === 'string')) {
        const r = a + b;
        if (r.length > copyPer) { checkLength(r.length); charge(r.length / copyPer); }
        return r;
      }
      a = prim(a, 'default'); b = prim(b, 'default');
      if (typeof a === 'string' || typeof b === 'string') {
        const x = toStr(a), y = toStr(b), n = x.length + y.length;
        checkLength(n);
        charge(n / copyPer);
        return x + y;
      }
      a = numeric(a); b = numeric(b);
      if (bigPair(a, b)) { charge(bigBase); limbs(a); limbs(b); return bigCheck(a + b); }
      return a + b;
    },
    sub(a, b) {
      if (typeof a === 'number' && typeof b === 'number') return a - b;
      a = numeric(a); b = numeric(b);
      if (bigPair(a, b)) { charge(bigBase); limbs(a); limbs(b); return bigCheck(a - b); }
      return a - b;
    },
    mul(a, b) {
      if (typeof a === 'number' && typeof b === 'number') return a * b;
      a = numeric(a); b = numeric(b);
      if (bigPair(a, b)) {
        charge(bigBase + limbs(a) * limbs(b) / limbPer);
        return bigCheck(a * b);
      }
      return a * b;
    },
    div(a, b) {
      if (typeof a === 'number' && typeof b === 'number') return a / b;
      a = numeric(a); b = numeric(b);
      if (bigPair(a, b)) charge(bigBase + limbs(a) * limbs(b) / limbPer);
      return a / b;
    },
    mod(a, b) {
      if (typeof a === 'number' && typeof b === 'number') return a % b;
      a = numeric(a); b = numeric(b);
      if (bigPair(a, b)) charge(bigBase + limbs(a) * limbs(b) / limbPer);
      return a % b;
    },
    pow(a, b) {
      if (typeof a === 'number' && typeof b === 'number') return a ** b;
      a = numeric(a); b = numeric(b);
      if (!bigPair(a, b) || b < 0n || b <= 1n || a === 0n || a === 1n || a === -1n) return a ** b;
      const bl = bitLength(a);
      if (b > Big(bigBits) || (bl - 1) * Num(b) > bigBits) {
        tooLarge('a bigint result', bigBits + ' bits');
      }
      const rl = ((bl * Num(b)) >> 5) + 1;
      charge(bigBase + rl * rl / limbPer);
      return bigCheck(a ** b);
    },
    shl(a, b) {
      if (typeof a === 'number' && typeof b === 'number') return a << b;
      a = numeric(a); b = numeric(b);
      return bigPair(a, b) ? bigShift(a, b) : a << b;
    },
    shr(a, b) {
      if (typeof a === 'number' && typeof b === 'number') return a >> b;
      a = numeric(a); b = numeric(b);
      if (bigPair(a, b)) return b < 0n ? bigShift(a, -b) : (charge(bigBase), a >> b);
      return a >> b;
    },
    ushr(a, b) { return numeric(a) >>> numeric(b); },
    and(a, b) { return numeric(a) & numeric(b); },
    or(a, b) { return numeric(a) | numeric(b); },
    xor(a, b) { return numeric(a) ^ numeric(b); },
    lt(a, b) {
      if (typeof a === 'number' && typeof b === 'number') return a < b;
      const p = prep(a, b); return p[0] < p[1];
    },
    le(a, b) {
      if (typeof a === 'number' && typeof b === 'number') return a <= b;
      const p = prep(a, b); return p[0] <= p[1];
    },
    gt(a, b) {
      if (typeof a === 'number' && typeof b === 'number') return a > b;
      const p = prep(a, b); return p[0] > p[1];
    },
    ge(a, b) {
      if (typeof a === 'number' && typeof b === 'number') return a >= b;
      const p = prep(a, b); return p[0] >= p[1];
    },
    eq(a, b) { return looseEq(a, b); },
    ne(a, b) { return !looseEq(a, b); },
    seq(a, b) {
      if (typeof a === 'string' && typeof b === 'string') charge(min(a.length, b.length) / scanPer);
      return a === b;
    },
    sne(a, b) {
      if (typeof a === 'string' && typeof b === 'string') charge(min(a.length, b.length) / scanPer);
      return a !== b;
    },
    neg(v) { return -numeric(v); },
    pos(v) { return typeof v === 'number' ? v : +numeric(v); },
    bnot(v) { return ~numeric(v); },
    numeric,
    /** o[k]++ and friends: the object and key are evaluated once. */
    upd(o, k, prefix, delta) {
      const old = numeric(o[k]);
      const value = typeof old === 'bigint' ? (delta > 0 ? old + 1n : old - 1n) : old + delta;
      o[k] = value;
      return prefix ? value : old;
    },
    /** o[k] op= v (v is evaluated before o[k] is read; see instrument.ts). */
    asg(o, k, op, v) {
      const value = ops[op](o[k], v);
      o[k] = value;
      return value;
    },
    /** switch (d): each case is a strict comparison with d. */
    sw(d, cases) {
      if (typeof d === 'string') charge(d.length * cases / scanPer);
      return d;
    },
    /** ...v and for-in: the native spread copies every element. */
    sp(v) {
      charge(size(v) / copyElemPer);
      return v;
    },
  };
  freeze(ops);
  meter.o = ops;

  // Wrapping: a method shorthand is not a constructor, as the built-ins it replaces are not.
  function method(holder, name, body) {
    const original = holder[name];
    if (typeof original !== 'function') return;
    // One step for the wrapper's own work, whoever calls it (contract code or a native loop).
    const wrapper = { [name](...args) {
      if (--meter.left < 0) meter.out();
      return body(original, this, args);
    } }[name];
    defineProperty(holder, name, { value: wrapper, writable: true, enumerable: false,
      configurable: true });
  }
  /** A constructor behind a proxy that charges before it builds; prototype.constructor too. */
  function guardConstructor(name, cost) {
    const target = G[name];
    if (typeof target !== 'function') return;
    const proxy = new ProxyC(target, {
      apply(t, self, args) { charge(1 + cost(args)); return apply(t, self, args); },
      construct(t, args, newTarget) {
        charge(1 + cost(args));
        return construct(t, args, newTarget);
      },
    });
    defineProperty(target.prototype, 'constructor', { value: proxy, writable: true,
      enumerable: false, configurable: true });
    defineProperty(G, name, { value: proxy, writable: true, enumerable: false, configurable: true });
  }
  function remove(holder, names) {
    for (const name of names) delete holder[name];
  }
  function thisStr(self, name) {
    if (typeof self === 'string') return self;
    if (self === undefined || self === null) {
      throw new TypeErr('String.prototype.' + name + ' called on null or undefined');
    }
    return toStr(self);
  }
  function isRegExpLike(v) {
    if (!isObj(v)) return false;
    const m = v[symMatch];
    return m !== undefined ? !!m : v instanceof RegExpC;
  }

  // ---- strings ----
  for (const name of ['indexOf', 'lastIndexOf', 'includes']) {
    method(SP, name, (orig, self, args) => {
      const s = thisStr(self, name);
      let d = args[0];
      if (name === 'includes' && isRegExpLike(d)) return apply(orig, s, [d]);
      d = toStr(d);
      charge((s.length + 1) * (d.length + 1) / searchPer);
      return args.length > 1 ? apply(orig, s, [d, numArg(args[1])]) : apply(orig, s, [d]);
    });
  }
  for (const name of ['startsWith', 'endsWith']) {
    method(SP, name, (orig, self, args) => {
      const s = thisStr(self, name);
      let d = args[0];
      if (isRegExpLike(d)) return apply(orig, s, [d]);
      d = toStr(d);
      charge(d.length / scanPer);
      return args.length > 1 ? apply(orig, s, [d, numArg(args[1])]) : apply(orig, s, [d]);
    });
  }
  method(SP, 'split', (orig, self, args) => {
    const sep = args[0];
    if (isObj(sep) && sep[symSplit] !== undefined && sep[symSplit] !== null) {
      return apply(orig, self, args);
    }
    const s = thisStr(self, 'split');
    const d = sep === undefined ? undefined : toStr(sep);
    // The search, and each piece it could make (one per character for an empty separator).
    charge((s.length + 1) * (d === undefined ? 1 : d.length + 1) / searchPer +
      (d === undefined ? 0 : s.length / (d.length || 1)) * pieceSteps);
    const r = apply(orig, s, args.length > 1 ? [d, numArg(args[1])] : [d]);
    charge(r.length * pieceSteps);
    return r;
  });
  /**
   * The replacement as a function that builds each piece itself (with the $-patterns of a string
   * replacement), charges it, and stops before the result could exceed the string limit.
   */
  function boundedReplacer(s, replacement) {
    const isFunction = typeof replacement === 'function';
    const template = isFunction ? '' : toStr(replacement);
    const plain = !isFunction && apply(origIndexOf, template, ['$']) < 0;
    let total = s.length;
    return function () {
      const n = arguments.length;
      const matched = arguments[0];
      let k = n - 1, groups;
      if (typeof arguments[k] !== 'string') { groups = arguments[k]; k--; }
      const str = arguments[k], position = arguments[k - 1];
      let piece;
      if (isFunction) {
        piece = toStr(apply(replacement, undefined, arguments));
      } else if (plain) {
        piece = template;
      } else {
        charge(template.length / buildPer);
        piece = substitute(matched, str, position, arguments, k - 1, groups, template);
      }
      total += piece.length - toStr(matched).length;
      checkLength(total);
      charge(matchSteps + piece.length / copyPer);
      return piece;
    };
  }
  /** GetSubstitution of the spec: $$, $&, $\`, $', $n, $nn, $<name>. */
  function substitute(matched, str, position, captures, end, groups, template) {
    let result = '';
    let i = 0;
    const m = end - 1;
    while (i < template.length) {
      const next = apply(origIndexOf, template, ['$', i]);
      if (next < 0 || next + 1 >= template.length) {
        result += apply(origSlice, template, [i]);
        break;
      }
      result += apply(origSlice, template, [i, next]);
      checkLength(result.length);
      const c = template[next + 1];
      i = next + 2;
      if (c === '$') { result += '$'; continue; }
      if (c === '&') { result += matched; continue; }
      if (c === '\`') { result += apply(origSlice, str, [0, position]); continue; }
      if (c === "'") { result += apply(origSlice, str, [position + matched.length]); continue; }
      if (c >= '0' && c <= '9') {
        const d1 = c.charCodeAt(0) - 48;
        const c2 = template[next + 2];
        if (c2 !== undefined && c2 >= '0' && c2 <= '9') {
          const nn = d1 * 10 + (c2.charCodeAt(0) - 48);
          if (nn >= 1 && nn <= m) {
            const v = captures[nn];
            if (v !== undefined) result += toStr(v);
            i = next + 3;
            continue;
          }
        }
        if (d1 >= 1 && d1 <= m) {
          const v = captures[d1];
          if (v !== undefined) result += toStr(v);
          continue;
        }
        result += '$' + c;
        continue;
      }
      if (c === '<' && groups !== undefined) {
        const close = apply(origIndexOf, template, ['>', i]);
        if (close < 0) { result += '$<'; continue; }
        const v = groups[apply(origSlice, template, [i, close])];
        if (v !== undefined) result += toStr(v);
        i = close + 1;
        continue;
      }
      result += '$' + c;
    }
    return result;
  }
  /**
   * The longest result that replacing at most the given number of matches, each at least
   * matchMin characters, in s with a string template could have; the native replace is used
   * as it is when that fits.
   */
  function replaceBound(s, template, matches, matchMin) {
    let dollars = 0;
    for (let i = apply(origIndexOf, template, ['$']); i >= 0;
      i = apply(origIndexOf, template, ['$', i + 1])) dollars++;
    return s.length + matches * (template.length + dollars * s.length - matchMin);
  }
  function replaceWith(orig, self, s, pattern, replacement, matches, matchMin) {
    if (typeof replacement !== 'function') {
      const template = toStr(replacement);
      if (replaceBound(s, template, matches, matchMin) <= strMax) {
        return apply(orig, self, [pattern, template]);
      }
    }
    return checkStr(apply(orig, self, [pattern, boundedReplacer(s, replacement)]));
  }
  for (const name of ['replace', 'replaceAll']) {
    method(SP, name, (orig, self, args) => {
      const pattern = args[0];
      if (isObj(pattern) && pattern[symReplace] !== undefined && pattern[symReplace] !== null) {
        return apply(orig, self, args);
      }
      const s = thisStr(self, name);
      const d = toStr(pattern);
      charge((s.length + 1) * (d.length + 1) / searchPer);
      const matches = name === 'replace' ? 1 : floor(s.length / (d.length || 1)) + 1;
      // Each replacement the native code could make, before it makes them.
      charge(matches * nativeMatchSteps);
      return replaceWith(orig, s, s, d, args[1], matches, d.length);
    });
  }
  method(SP, 'repeat', (orig, self, args) => {
    const s = thisStr(self, 'repeat');
    const count = numArg(args[0]);
    const n = s.length * count;
    if (n > 0) { checkLength(n); charge(n / buildPer); }
    return apply(orig, s, [count]);
  });
  for (const name of ['padStart', 'padEnd']) {
    method(SP, name, (orig, self, args) => {
      const s = thisStr(self, name);
      const length = numArg(args[0]);
      const fill = args[1] === undefined ? undefined : toStr(args[1]);
      if (length > s.length) { checkLength(length); charge(length / buildPer); }
      return apply(orig, s, [length, fill]);
    });
  }
  method(SP, 'concat', (orig, self, args) => {
    const s = thisStr(self, 'concat');
    let n = s.length;
    const parts = [];
    for (let i = 0; i < args.length; i++) {
      const part = toStr(args[i]);
      n += part.length;
      checkLength(n);
      parts.push(part);
    }
    charge(n / copyPer);
    return apply(orig, s, parts);
  });
  for (const name of ['slice', 'substring', 'substr']) {
    method(SP, name, (orig, self, args) => {
      const s = thisStr(self, name);
      charge(s.length / copyPer);
      return apply(orig, s, [numArg(args[0]), numArg(args[1])].slice(0, args.length));
    });
  }
  for (const name of ['at', 'charAt', 'charCodeAt', 'codePointAt']) {
    method(SP, name, (orig, self, args) => {
      const a = args[0];
      return apply(orig, self, typeof a === 'number' || args.length === 0 ? args : [numArg(a)]);
    });
  }
  for (const name of ['trim', 'trimStart', 'trimEnd', 'trimLeft', 'trimRight', 'isWellFormed',
    'toWellFormed']) {
    method(SP, name, (orig, self) => {
      const s = thisStr(self, name);
      charge(s.length / scanPer);
      return apply(orig, s, []);
    });
  }
  for (const name of ['toLowerCase', 'toUpperCase', 'toLocaleLowerCase', 'toLocaleUpperCase',
    'normalize']) {
    method(SP, name, (orig, self, args) => {
      const s = thisStr(self, name);
      charge(s.length / casePer);
      return checkStr(apply(orig, s, args.length > 0 ? [toStr(args[0])] : []));
    });
  }
  method(SP, 'localeCompare', (orig, self, args) => {
    const s = thisStr(self, 'localeCompare'), t = toStr(args[0]);
    charge((s.length + t.length) / casePer);
    return apply(orig, s, [t]);
  });
  for (const name of ['match', 'matchAll', 'search']) {
    method(SP, name, (orig, self, args) => {
      const r = args[0];
      if (typeof r === 'string') charge(r.length / compilePer);
      const s = thisStr(self, name);
      return apply(orig, s, args);
    });
  }
  // Annex B leftovers with output larger than their input: not needed by contracts.
  remove(SP, ['anchor', 'big', 'blink', 'bold', 'fixed', 'fontcolor', 'fontsize', 'italics',
    'link', 'small', 'strike', 'sub', 'sup']);
  remove(G, ['escape', 'unescape']);
  for (const name of ['fromCharCode', 'fromCodePoint']) {
    method(Str, name, (orig, self, args) => {
      charge(args.length / elemPer);
      const codes = [];
      for (let i = 0; i < args.length; i++) codes.push(numArg(args[i]));
      return apply(orig, self, codes);
    });
  }
  method(Str, 'raw', (orig, self, args) => {
    const raw = isObj(args[0]) ? args[0].raw : undefined;
    let n = 0;
    const parts = [];
    const count = size(raw);
    charge(count / elemPer);
    for (let i = 0; i < count; i++) {
      const part = toStr(raw[i]);
      n += part.length;
      if (i + 1 < count && i + 1 < args.length) {
        const sub = toStr(args[i + 1]);
        n += sub.length;
        parts.push(part, sub);
      } else {
        parts.push(part);
      }
      checkLength(n);
    }
    charge(n / copyPer);
    return apply(origJoin, parts, ['']);
  });
  for (const name of ['encodeURI', 'encodeURIComponent', 'decodeURI', 'decodeURIComponent']) {
    method(G, name, (orig, self, args) => {
      const s = toStr(args[0]);
      if (name[0] === 'e') checkLength(s.length * 3);
      charge(s.length * 3 / buildPer);
      return checkStr(apply(orig, self, [s]));
    });
  }
  guardConstructor('String', (args) => {
    const v = args[0];
    return typeof v === 'bigint' ? limbs(v) * limbs(v) / limbPer : 0;
  });
  guardConstructor('RegExp', (args) => {
    const p = args[0];
    return typeof p === 'string' ? p.length / compilePer : 0;
  });
  remove(RegExpC.prototype, ['compile']);
  for (const key of [SymbolC.match, SymbolC.matchAll, SymbolC.search, 'exec', 'test']) {
    method(RegExpC.prototype, key, (orig, self, args) => {
      const s = toStr(args[0]);
      charge(s.length / scanPer);
      const r = apply(orig, self, [s]);
      if (isArray(r)) charge(r.length * pieceSteps);
      return r;
    });
  }
  method(RegExpC.prototype, symSplit, (orig, self, args) => {
    const s = toStr(args[0]);
    charge(s.length / scanPer);
    const r = apply(orig, self, args.length > 1 ? [s, numArg(args[1])] : [s]);
    charge(r.length * pieceSteps);
    return r;
  });
  method(RegExpC.prototype, symReplace, (orig, self, args) => {
    const s = toStr(args[0]);
    charge(s.length / scanPer);
    return replaceWith(orig, self, s, s, args[1], s.length + 1, 0);
  });

  // ---- numbers and bigints ----
  function numberCost(args) {
    let steps = args.length / elemPer;
    for (let i = 0; i < args.length; i++) {
      if (typeof args[i] === 'string') steps += args[i].length / parsePer;
    }
    return steps;
  }
  for (const name of ['parseInt', 'parseFloat', 'isNaN', 'isFinite']) {
    method(G, name, (orig, self, args) => { charge(numberCost(args)); return apply(orig, self, args); });
    method(Num, name, (orig, self, args) => { charge(numberCost(args)); return apply(orig, self, args); });
  }
  for (const name of Obj.getOwnPropertyNames(Math)) {
    if (typeof Math[name] !== 'function') continue;
    method(Math, name, (orig, self, args) => {
      for (let i = 0; i < args.length; i++) {
        if (typeof args[i] !== 'number') { charge(numberCost(args)); break; }
      }
      if (args.length > elemPer) charge(args.length / elemPer);
      if (isObj(args[0])) charge(size(args[0]) / copyElemPer);
      return apply(orig, self, args);
    });
  }
  guardConstructor('Number', numberCost);
  guardConstructor('AggregateError', (args) => size(args[0]) / copyElemPer);
  /** BigInt(v): a long digit string would be quadratic to parse, so its size is checked first. */
  function toBig(v) {
    v = prim(v, 'number');
    if (typeof v === 'string') {
      charge(v.length / scanPer);
      const t = apply(origTrim, v, []);
      const p = t[0] === '0' ? t[1] : '';
      const bits = p === 'x' || p === 'X' ? 4 : p === 'o' || p === 'O' ? 3 : p === 'b' ||
        p === 'B' ? 1 : 3.33;
      if (t.length * bits > bigBits + 16) {
        tooLarge('a bigint of ' + t.length + ' digits', bigBits + ' bits');
      }
      charge(t.length * t.length / 4096);
      return bigCheck(Big(t));
    }
    return typeof v === 'bigint' ? v : bigCheck(Big(v));
  }
  const bigProxy = new ProxyC(Big, {
    apply(t, self, args) { charge(1); return toBig(args[0]); },
  });
  defineProperty(Big.prototype, 'constructor', { value: bigProxy, writable: true,
    enumerable: false, configurable: true });
  defineProperty(G, 'BigInt', { value: bigProxy, writable: true, enumerable: false,
    configurable: true });
  for (const name of ['asUintN', 'asIntN']) {
    method(Big, name, (orig, self, args) => {
      const bits = numArg(args[0]);
      const x = toBig(args[1]);
      limbs(x);
      if (bits > bigBits) {
        if (name === 'asIntN' || x >= 0n) return x;
        tooLarge('a bigint result', bigBits + ' bits');
      }
      return apply(orig, self, [bits, x]);
    });
  }
  for (const name of ['toString', 'toLocaleString']) {
    method(Big.prototype, name, (orig, self, args) => {
      if (typeof self === 'bigint') chargeBigText(self);
      return apply(orig, self, args.length > 0 ? [numArg(args[0])] : []);
    });
  }

  // ---- arrays and typed arrays ----
  const perElement = (per) => (orig, self, args) => {
    charge(size(self) / per);
    return apply(orig, self, args);
  };
  const searchElement = (orig, self, args) => {
    const needle = args[0];
    const n = size(self);
    charge(n * (1 + (typeof needle === 'string' ? needle.length / scanPer : 0)) / elemPer);
    return apply(orig, self, args);
  };
  function sortCost(self, compare) {
    const n = size(self);
    let log = 1;
    while ((1 << log) < n && log < 53) log++;
    let width = 0;
    if (compare === undefined && isArray(self)) {
      for (let i = 0; i < n; i++) {
        const v = self[i];
        if (typeof v === 'string' && v.length > width) width = v.length;
      }
    }
    charge(n / elemPer + n * log * (1 + width / scanPer) / 8);
  }
  const sorting = (orig, self, args) => { sortCost(self, args[0]); return apply(orig, self, args); };
  /** join: every element converted here, the total checked, then a native join of strings. */
  const joining = (orig, self, args) => {
    const n = size(self);
    charge(n / elemPer);
    const sep = args[0] === undefined ? ',' : toStr(args[0]);
    const parts = [];
    let total = 0;
    for (let i = 0; i < n; i++) {
      const v = self[i];
      const part = v === undefined || v === null ? '' : toStr(v);
      total += part.length + (i > 0 ? sep.length : 0);
      checkLength(total);
      parts.push(part);
    }
    charge(total / copyPer + n * joinElementSteps);
    return apply(origJoin, parts, [sep]);
  };
  const resultSized = (per) => (orig, self, args) => {
    charge(size(self) / per);
    const r = apply(orig, self, args);
    charge(size(r) / copyElemPer);
    return checkStr(r);
  };
  const concatenating = (orig, self, args) => {
    let n = size(self);
    for (let i = 0; i < args.length; i++) n += size(args[i]) + 1;
    charge(n / copyElemPer);
    return apply(orig, self, args);
  };
  for (const proto of [AP, taProto]) {
    for (const name of ['every', 'some', 'filter', 'find', 'findIndex', 'findLast',
      'findLastIndex', 'forEach', 'map', 'reduce', 'reduceRight', 'fill', 'reverse',
      'copyWithin', 'shift', 'unshift', 'splice']) {
      method(proto, name, perElement(elemPer));
    }
    for (const name of ['slice', 'toReversed', 'toSpliced', 'with']) {
      method(proto, name, perElement(copyElemPer));
    }
    for (const name of ['indexOf', 'lastIndexOf', 'includes']) method(proto, name, searchElement);
    for (const name of ['sort', 'toSorted']) method(proto, name, sorting);
    method(proto, 'join', joining);
    for (const name of ['flat', 'flatMap', 'toLocaleString']) {
      method(proto, name, resultSized(elemPer));
    }
  }
  method(AP, 'concat', concatenating);
  method(taProto, 'set', (orig, self, args) => {
    charge(size(args[0]) / copyElemPer);
    return apply(orig, self, args);
  });
  for (const holder of [Arr, getProto(U8)]) {
    for (const name of ['from', 'of']) {
      method(holder, name, (orig, self, args) => {
        charge((name === 'of' ? args.length : size(args[0])) / copyElemPer);
        const r = apply(orig, self, args);
        charge(size(r) / copyElemPer);
        return r;
      });
    }
  }
  remove(Arr, ['fromAsync']);
  const bufferCost = (args) => {
    const n = numArg(args[0]);
    const options = args[1];
    const max = isObj(options) ? numArg(options.maxByteLength) : 0;
    return ((typeof n === 'number' && n > 0 ? n : 0) + (max > 0 ? max : 0)) / bytePer;
  };
  guardConstructor('ArrayBuffer', bufferCost);
  for (const name of ['resize', 'slice', 'transfer', 'transferToFixedLength', 'sliceToImmutable',
    'transferToImmutable']) {
    method(ArrayBuffer.prototype, name, (orig, self, args) => {
      const n = numArg(args[0]);
      charge(((typeof n === 'number' && n > 0 ? n : 0) + getDesc(ArrayBuffer.prototype,
        'byteLength').get.call(self)) / bytePer);
      return apply(orig, self, args);
    });
  }
  for (const name of ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
    'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array', 'Float16Array', 'Float32Array',
    'Float64Array']) {
    const C = G[name];
    if (typeof C !== 'function') continue;
    const width = C.BYTES_PER_ELEMENT;
    guardConstructor(name, (args) => {
      const a = args[0];
      if (isObj(a)) return a instanceof ArrayBuffer ? 0 : size(a) / copyElemPer;
      const n = numArg(a);
      return typeof n === 'number' && n > 0 ? n * width / bytePer : 0;
    });
  }
  for (const name of ['Map', 'Set', 'WeakMap', 'WeakSet']) {
    guardConstructor(name, (args) => size(args[0]) / copyElemPer);
  }
  const keyed = (orig, self, args) => {
    const k = args[0];
    if (typeof k === 'string' && k.length > scanPer) charge(k.length / scanPer);
    return apply(orig, self, args);
  };
  for (const name of ['get', 'set', 'has', 'delete', 'getOrInsert', 'getOrInsertComputed']) {
    method(MapC.prototype, name, keyed);
  }
  for (const name of ['add', 'has', 'delete']) method(SetC.prototype, name, keyed);
  for (const holder of [MapC.prototype, SetC.prototype]) method(holder, 'forEach', perElement(elemPer));
  for (const name of ['union', 'intersection', 'difference', 'symmetricDifference', 'isSubsetOf',
    'isSupersetOf', 'isDisjointFrom']) {
    method(SetC.prototype, name, (orig, self, args) => {
      charge((size(self) + size(args[0])) / copyElemPer);
      return apply(orig, self, args);
    });
  }
  for (const holder of [Obj, MapC]) {
    method(holder, 'groupBy', (orig, self, args) => {
      charge(size(args[0]) / copyElemPer);
      return apply(orig, self, args);
    });
  }
  for (const name of ['keys', 'values', 'entries', 'getOwnPropertyNames', 'getOwnPropertySymbols',
    'getOwnPropertyDescriptors', 'fromEntries', 'assign', 'freeze', 'seal', 'isFrozen', 'isSealed',
    'preventExtensions', 'defineProperties', 'create']) {
    method(Obj, name, (orig, self, args) => {
      let n = 0;
      for (let i = 0; i < args.length; i++) n += size(args[i]);
      charge(n / copyElemPer);
      const r = apply(orig, self, args);
      if (isArray(r)) charge(r.length / copyElemPer);
      return r;
    });
  }
  method(Rf, 'ownKeys', (orig, self, args) => {
    charge(size(args[0]) / copyElemPer);
    const r = apply(orig, self, args);
    charge(r.length / copyElemPer);
    return r;
  });
  for (const [holder, name, index] of [[Rf, 'apply', 2], [Rf, 'construct', 1],
    [getProto(function () {}), 'apply', 1]]) {
    method(holder, name, (orig, self, args) => {
      charge(size(args[index]) / copyElemPer);
      return apply(orig, self, args);
    });
  }
  for (const name of ['all', 'allSettled', 'any', 'race']) {
    method(Promise, name, (orig, self, args) => {
      charge(size(args[0]) / copyElemPer);
      return apply(orig, self, args);
    });
  }
  // Iterator helpers loop natively over any iterator; contracts have for-of instead.
  if (typeof G.Iterator === 'function') {
    remove(G.Iterator.prototype, ['drop', 'filter', 'flatMap', 'map', 'take', 'every', 'find',
      'forEach', 'some', 'reduce', 'toArray']);
    remove(G.Iterator, ['concat', 'zip', 'zipKeyed']);
  }

  // ---- JSON ----
  method(JSON, 'stringify', (orig, self, args) => {
    const value = args[0], replacer = args[1];
    let gap = args[2];
    if (gap instanceof Num) gap = Num(numeric(gap));
    else if (gap instanceof Str) gap = toStr(gap);
    const gapLength = typeof gap === 'number' ? min(10, gap > 0 ? floor(gap) : 0)
      : typeof gap === 'string' ? min(10, gap.length) : 0;
    const allowed = isArray(replacer) ? new SetC() : null;
    if (allowed !== null) {
      charge(replacer.length / elemPer);
      for (let i = 0; i < replacer.length; i++) {
        const item = replacer[i];
        if (typeof item === 'string' || typeof item === 'number') allowed.add(Str(item));
        else if (isObj(item) && (item instanceof Str || item instanceof Num)) allowed.add(toStr(item));
      }
    }
    const depths = gapLength > 0 ? new MapC() : null;
    let budget = strMax, first = true, pending = 0;
    const counting = function (key, v) {
      if (allowed !== null && !first && !isArray(this) && !allowed.has(key)) return undefined;
      const root = first;
      first = false;
      if (typeof replacer === 'function') v = apply(replacer, this, [key, v]);
      let depth = 0;
      if (depths !== null) {
        depth = root ? 0 : (depths.get(this) ?? 0) + 1;
        if (isObj(v)) depths.set(v, depth);
      }
      const cost = 2 + key.length + depth * gapLength + (typeof v === 'string' ? v.length : 0);
      budget -= cost;
      if (budget < 0) tooLarge('a JSON text', strMax + ' characters');
      pending += jsonValueSteps + cost / jsonPer;
      if (pending >= 64) { charge(pending); pending = 0; }
      return v;
    };
    const text = apply(orig, self, [value, counting, gap]);
    charge(pending);
    if (typeof text === 'string') checkLength(text.length);
    return text;
  });
  method(JSON, 'parse', (orig, self, args) => {
    const text = toStr(args[0]);
    charge(text.length / jsonPer);
    return apply(orig, self, args.length > 1 ? [text, args[1]] : [text]);
  });
`);
