// Proves the policy arithmetic: fractions, N_OF, MAJORITY, ALL, ANY and LIST decide exactly as
// their integer definitions say, weights scale votes, and a decided outcome is stable — more yes
// votes never undo a pass, and a failure stays failed whatever the undecided agencies do.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evaluatePolicy } from '../../src/system/index.js';
import type { Policy, Voter } from '../../src/system/index.js';

const voters = fc.array(fc.record({
  weight: fc.integer({ min: 1, max: 1_000_000 }),
  vote: fc.constantFrom<boolean | undefined>(true, false, undefined),
}), { minLength: 1, maxLength: 40 }).map((list) => list.map((v, i) => ({ ...v,
  agency: `CN/GOV/${i}` })) as Voter[]);

function sum(list: readonly Voter[], weighted: boolean, pick: (v: Voter) => boolean): bigint {
  return list.filter(pick).reduce((s, v) => s + (weighted ? BigInt(v.weight) : 1n), 0n);
}

describe('policy arithmetic', () => {
  it('FRACTION passes exactly when yes·q ≥ p·total and fails when even all undecided cannot', () => {
    fc.assert(fc.property(voters, fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1,
      max: 1000 }), fc.boolean(), (list, a, b, weighted) => {
      const [numerator, denominator] = a <= b ? [a, b] : [b, a];
      const policy: Policy = { type: 'FRACTION', numerator, denominator, weighted };
      const total = sum(list, weighted, () => true);
      const yes = sum(list, weighted, (v) => v.vote === true);
      const no = sum(list, weighted, (v) => v.vote === false);
      const p = BigInt(numerator);
      const q = BigInt(denominator);
      const expected = yes * q >= p * total ? 'passed'
        : (total - no) * q >= p * total ? 'pending' : 'failed';
      expect(evaluatePolicy(policy, list)).toBe(expected);
    }));
  });

  it('N_OF counts agencies (or weight) and MAJORITY needs more than half', () => {
    fc.assert(fc.property(voters, fc.integer({ min: 1, max: 50 }), (list, n) => {
      const yes = list.filter((v) => v.vote === true).length;
      const open = list.filter((v) => v.vote === undefined).length;
      expect(evaluatePolicy({ type: 'N_OF', n }, list))
        .toBe(yes >= n ? 'passed' : yes + open >= n ? 'pending' : 'failed');
      const majority = evaluatePolicy({ type: 'MAJORITY' }, list);
      expect(majority).toBe(2 * yes > list.length ? 'passed'
        : 2 * (yes + open) > list.length ? 'pending' : 'failed');
    }));
  });

  it('ALL equals FRACTION 1/1, and equal weights change nothing', () => {
    fc.assert(fc.property(voters, (list) => {
      expect(evaluatePolicy({ type: 'ALL' }, list))
        .toBe(evaluatePolicy({ type: 'FRACTION', numerator: 1, denominator: 1 }, list));
      const equal = list.map((v) => ({ ...v, weight: 7 }));
      expect(evaluatePolicy({ type: 'MAJORITY', weighted: true }, equal))
        .toBe(evaluatePolicy({ type: 'MAJORITY' }, list));
    }));
  });

  it('a decided outcome is stable as the undecided vote', () => {
    fc.assert(fc.property(voters, fc.array(fc.boolean(), { maxLength: 40 }), (list, later) => {
      const policy: Policy = { type: 'FRACTION', numerator: 2, denominator: 3, weighted: true };
      const before = evaluatePolicy(policy, list);
      let index = 0;
      const after = list.map((v) => (v.vote === undefined ? { ...v, vote: later[index++] ?? true }
        : v));
      const outcome = evaluatePolicy(policy, after);
      if (before === 'failed') expect(outcome).toBe('failed');
      if (before === 'passed') expect(outcome).toBe('passed');
      expect(outcome).not.toBe('pending');
    }));
  });

  it('LIST all: every listed agency must be active and say yes; one no or absence fails', () => {
    const list: Policy = { type: 'LIST', agencies: ['A/B/authority', 'A/B/provider'], all: true };
    const v = (agency: string, vote: boolean | undefined): Voter => ({ agency, weight: 1, vote });
    expect(evaluatePolicy(list, [v('A/B/authority', true), v('A/B/provider', undefined),
      v('A/B/other', false)])).toBe('pending');
    expect(evaluatePolicy(list, [v('A/B/authority', true), v('A/B/provider', true)]))
      .toBe('passed');
    expect(evaluatePolicy(list, [v('A/B/authority', true), v('A/B/provider', false)]))
      .toBe('failed');
    expect(evaluatePolicy(list, [v('A/B/authority', true)])).toBe('failed');
    const any: Policy = { ...list, all: false };
    expect(evaluatePolicy(any, [v('A/B/authority', false), v('A/B/provider', true)]))
      .toBe('passed');
    expect(evaluatePolicy(any, [v('A/B/authority', false), v('A/B/other', true)]))
      .toBe('failed');
  });
});
