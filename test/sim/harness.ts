// Runs many seeds of the simulator and summarises them. Seed counts come from the environment so
// that `npm test` runs a quick set and `npm run sim -- --seeds 10000` a long one:
//   ZW_SIM_SEEDS        seeds per validator count (default 300 for n=4, 200 for n=7)
//   ZW_SIM_FIRST_SEED   first seed (default 1)
//   ZW_SIM_SEED         run only this seed (reproduce a failure)
//   ZW_SIM_VALIDATORS   comma-separated validator counts to run (default 4,7)
//   ZW_SIM_REAL_SEEDS   seeds per validator count run with real Ed25519 signatures (default 6)
//   ZW_SIM_REAL=1       with ZW_SIM_SEED: rerun that seed with real signatures
import { describe, expect, test } from 'vitest';
import { describeConfig, randomConfig } from './config.js';
import type { ConfigOverrides } from './config.js';
import { runSimulation } from './simulator.js';
import type { SimResult } from './simulator.js';

export interface SeedPlan {
  readonly validators: number;
  readonly seeds: readonly number[];
  readonly overrides: ConfigOverrides;
}

export interface Summary {
  readonly runs: number;
  readonly failures: readonly string[];
  readonly totals: Record<string, number>;
}

function envNumber(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be an integer`);
  return value;
}

/** Whether this validator count is selected by ZW_SIM_VALIDATORS. */
export function selected(validators: number): boolean {
  const text = process.env['ZW_SIM_VALIDATORS'];
  if (text === undefined || text === '') return true;
  return text.split(',').map(Number).includes(validators);
}

/** The seeds to run for a validator count, honouring the environment. */
export function seedPlan(defaultSeeds: number): readonly number[] {
  const single = process.env['ZW_SIM_SEED'];
  if (single !== undefined && single !== '') return [Number(single)];
  const count = envNumber('ZW_SIM_SEEDS', defaultSeeds);
  const first = envNumber('ZW_SIM_FIRST_SEED', 1);
  return Array.from({ length: count }, (_, i) => first + i);
}

export function realSignatureSeeds(): number {
  return envNumber('ZW_SIM_REAL_SEEDS', 6);
}

/** How to rerun one seed exactly, printed with every failure. */
export function reproduce(result: SimResult): string {
  const real = result.config.realSignatures ? ' --real' : '';
  return `npm run sim -- --seed ${result.config.seed} --validators ` +
    `${result.config.validators}${real}`;
}

/** Runs every seed of the plan; a failing seed is reported with its config and how to rerun. */
export function runPlan(plan: SeedPlan): Summary {
  const failures: string[] = [];
  const totals: Record<string, number> = {};
  for (const seed of plan.seeds) {
    const result = runSimulation(randomConfig(seed, plan.validators, plan.overrides));
    for (const [key, value] of Object.entries(result.stats)) {
      totals[key] = (totals[key] ?? 0) + value;
    }
    totals['roundAfterGstMax'] = Math.max(totals['roundAfterGstMax'] ?? 0,
      result.stats.maxRoundAfterGst);
    if (result.config.byzantine.size > 0) {
      totals['byzantineRuns'] = (totals['byzantineRuns'] ?? 0) + 1;
    }
    if (result.violations.length === 0) continue;
    const first = result.violations[0];
    failures.push(`${describeConfig(result.config)}\n  ${first?.kind} at ${first?.timeMs}ms: ` +
      `${first?.detail}\n  trace ${result.traceHash}; rerun: ${reproduce(result)}`);
  }
  return { runs: plan.seeds.length, failures, totals };
}

export function describeSummary(label: string, summary: Summary): string {
  const t = summary.totals;
  return `${label}: ${summary.runs} seeds, ${summary.failures.length} failing; ` +
    `${t['byzantineRuns'] ?? 0} with byzantine validators, heights decided ` +
    `${t['heightsMax'] ?? 0}, crashes ${t['crashes'] ?? 0}, signer refusals ` +
    `${t['refusals'] ?? 0}, evidence ${t['evidence'] ?? 0}, deliveries ${t['deliveries'] ?? 0}, ` +
    `dropped ${t['dropped'] ?? 0}, highest decision round of a height begun after GST ` +
    `${t['roundAfterGstMax'] ?? 0}`;
}

/**
 * The seed suite for one validator count: many seeds with the cheap signature scheme, then a few
 * with real Ed25519 signatures, all of which must keep every invariant of checker.ts and decide
 * new heights after GST.
 */
export function defineSimulationSuite(validators: number, defaultSeeds: number): void {
  const single = process.env['ZW_SIM_SEED'] !== undefined && process.env['ZW_SIM_SEED'] !== '';
  const onlyReal = process.env['ZW_SIM_REAL'] === '1';
  describe.skipIf(!selected(validators))(`simulation, ${validators} validators`, () => {
    test.skipIf(single && onlyReal)('seeds with the fast signature scheme', () => {
      const summary = runPlan({ validators, seeds: seedPlan(defaultSeeds),
        overrides: {} });
      console.log(describeSummary(`n=${validators} fast signatures`, summary));
      expect(summary.failures).toEqual([]);
    });
    test.skipIf(single && !onlyReal)('seeds with real Ed25519 signatures', () => {
      const seeds = single ? seedPlan(1)
        : seedPlan(realSignatureSeeds()).slice(0, realSignatureSeeds());
      const summary = runPlan({ validators, seeds, overrides: { realSignatures: true } });
      console.log(describeSummary(`n=${validators} Ed25519`, summary));
      expect(summary.failures).toEqual([]);
    });
  });
}
