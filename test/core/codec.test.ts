// Proves the canonical codec: every value round-trips to the same bytes, decoding refuses
// non-canonical forms, floats, undefined, tags, indefinite lengths and trailing bytes, and random
// bytes never crash the decoder (they decode canonically or fail with a ZwError).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decode, encode, ZwError, bytesEqual } from '../../src/core/index.js';
import type { CborValue } from '../../src/core/index.js';

const value: fc.Arbitrary<CborValue> = fc.letrec<{ value: CborValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.maxSafeInteger(),
    fc.bigInt({ min: -(2n ** 64n) + 1n, max: 2n ** 64n - 1n })
      .filter((n) => n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)),
    fc.string(),
    fc.uint8Array({ maxLength: 64 }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 5 })
      .filter((d) => !Object.keys(d).includes('__proto__')),
  ),
})).value;

describe('canonical CBOR', () => {
  it('round-trips every value to identical bytes', () => {
    fc.assert(fc.property(value, (v) => {
      const bytes = encode(v);
      expect(bytesEqual(encode(decode(bytes)), bytes)).toBe(true);
    }), { numRuns: 500 });
  });

  it('sorts map keys bytewise regardless of insertion order', () => {
    expect(encode({ b: 1, a: 2, aa: 3 })).toEqual(encode({ aa: 3, a: 2, b: 1 }));
  });

  it('refuses floats and undefined on encode', () => {
    expect(() => encode(1.5)).toThrow(ZwError);
    expect(() => encode([undefined as unknown as CborValue])).toThrow(ZwError);
  });

  const refusals: [string, number[], string][] = [
    ['non-minimal integer', [0x18, 0x01], 'NON_CANONICAL'],
    ['non-minimal length', [0x78, 0x01, 0x61], 'NON_CANONICAL'],
    ['float', [0xf9, 0x3c, 0x00], 'NON_CANONICAL'],
    ['unsorted map keys', [0xa2, 0x61, 0x62, 0x01, 0x61, 0x61, 0x02], 'NON_CANONICAL'],
    ['duplicate map key', [0xa2, 0x61, 0x61, 0x01, 0x61, 0x61, 0x02], 'MALFORMED'],
    ['indefinite array', [0x9f, 0x01, 0xff], 'MALFORMED'],
    ['trailing bytes', [0x01, 0x02], 'MALFORMED'],
    ['tag', [0xc1, 0x01], 'MALFORMED'],
    ['undefined', [0xf7], 'MALFORMED'],
    ['truncated', [0x82, 0x01], 'MALFORMED'],
  ];
  it.each(refusals)('refuses %s', (_name, bytes, code) => {
    try {
      decode(Uint8Array.from(bytes));
      expect.unreachable('decode accepted non-canonical input');
    } catch (error) {
      expect(error).toBeInstanceOf(ZwError);
      expect((error as ZwError).code).toBe(code);
    }
  });

  it('never throws anything but ZwError on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
      try {
        const decoded = decode(bytes);
        expect(bytesEqual(encode(decoded), bytes)).toBe(true);
      } catch (error) {
        expect(error).toBeInstanceOf(ZwError);
      }
    }), { numRuns: 2_000 });
  });
});
