// Proves the simulator itself can be trusted: a seed replays exactly (same trace hash), the fast
// signature scheme changes nothing but speed, and the checker is not blind. Two negative
// controls must fail: with 2 of 4 validators byzantine (beyond the f < n/3 bound) colluding
// equivocators fork the chain in some seed, and a shell that sends a signature BEFORE persisting
// its signer state double-signs after some crash. And f+1 silent validators stop all progress
// without any safety violation.
import { describe, expect, test } from 'vitest';
import { asHash, asHeight, asRound } from '../../src/core/index.js';
import { Checker } from './checker.js';
import { describeConfig, randomConfig } from './config.js';
import type { Behavior, SimConfig } from './config.js';
import { keyRing } from './keys.js';
import { runSimulation } from './simulator.js';
import { chainId } from './values.js';

/** Seeds tried before a negative control counts as blind. */
const controlSeedsMax = 60;

function firstViolating(kind: string, configFor: (seed: number) => SimConfig): string | null {
  for (let seed = 1; seed <= controlSeedsMax; seed++) {
    const result = runSimulation(configFor(seed));
    const found = result.violations.find((violation) => violation.kind === kind);
    if (found !== undefined) return `${describeConfig(result.config)}: ${found.detail}`;
  }
  return null;
}

describe('simulator controls', () => {
  test('the same seed gives the same trace, and another seed another trace', () => {
    const first = runSimulation(randomConfig(42, 4));
    const again = runSimulation(randomConfig(42, 4));
    const other = runSimulation(randomConfig(43, 4));
    expect(again.traceHash).toBe(first.traceHash);
    expect(again.stats).toEqual(first.stats);
    expect(other.traceHash).not.toBe(first.traceHash);
    const seven = runSimulation(randomConfig(42, 7));
    expect(runSimulation(randomConfig(42, 7)).traceHash).toBe(seven.traceHash);
  });

  test('real Ed25519 signatures and the fast scheme produce the identical run', () => {
    for (const seed of [3, 8]) {
      const fast = runSimulation(randomConfig(seed, 4));
      const real = runSimulation(randomConfig(seed, 4, { realSignatures: true }));
      expect(real.traceHash).toBe(fast.traceHash);
      expect(real.violations).toEqual([]);
    }
  });

  test('negative control: 2 of 4 colluding byzantine validators fork in some seed', () => {
    const byzantine = new Map<number, Behavior>([[0, 'collude'], [1, 'collude']]);
    const fork = firstViolating('fork', (seed) => randomConfig(seed, 4,
      { byzantine, powers: [1, 1, 1, 1], crashes: false }));
    console.log(`fork found: ${fork}`);
    expect(fork).not.toBeNull();
  });

  test('negative control: sending before persisting the signer state double-signs', () => {
    const doubleSign = firstViolating('double-sign', (seed) => randomConfig(seed, 4,
      { byzantine: new Map(), crashes: true, persistAfterSend: true, crashPerSignature: 0.05 }));
    console.log(`double-sign found: ${doubleSign}`);
    expect(doubleSign).not.toBeNull();
  });

  test('f+1 silent validators halt progress but never break safety', () => {
    const byzantine = new Map<number, Behavior>([[1, 'silent'], [2, 'silent']]);
    for (let seed = 1; seed <= 5; seed++) {
      const result = runSimulation(randomConfig(seed, 4, { byzantine, powers: [1, 1, 1, 1] }));
      expect(result.violations).toEqual([]);
      expect(result.stats.heightsMax).toBe(0);
    }
  });

  test('the checker rejects a commit without a supermajority and a conflicting decision', () => {
    const ring = keyRing([1, 1, 1, 1], false);
    const checker = new Checker(chainId, ring.set, ring.verify);
    const value = asHash(new Uint8Array(32).fill(1));
    checker.onDecide(0, true, 0, { height: asHeight(1), round: asRound(0), blockHash: value,
      signatures: [] });
    expect(checker.violations.map((violation) => violation.kind)).toEqual(['bad-commit']);
    checker.onDecide(1, true, 0, { height: asHeight(1), round: asRound(0),
      blockHash: asHash(new Uint8Array(32).fill(2)), signatures: [] });
    expect(checker.violations.map((violation) => violation.kind)).toContain('fork');
  });
});
