// Runs many seeds of the ledger simulator (ledger-sim.ts) and summarises them. Seed counts come
// from the environment, so that `npm test` runs a quick set and `npm run sim -- --ledger
// --seeds 10000` a long one:
//   ZW_SIM_LEDGER_SEEDS  seeds per validator count (defaults in ledger-sim-4/-7.test.ts)
//   ZW_SIM_FIRST_SEED    first seed (default 1)
//   ZW_SIM_SEED          run only this seed (reproduce a failure)
//   ZW_SIM_VALIDATORS    comma-separated validator counts to run (default 4,7)
//   ZW_SIM_SETS_SEEDS    seeds of the validator-set-change suite (default in ledger-sets.test.ts)
import { describe, expect, test } from 'vitest';
import { selected } from './harness.js';
import { describeLedgerConfig, randomLedgerConfig } from './ledger-config.js';
import type { LedgerOverrides } from './ledger-config.js';
import { runLedgerSimulation } from './ledger-sim.js';
import type { LedgerSimResult } from './ledger-sim.js';

export interface LedgerSummary {
  readonly runs: number;
  readonly failures: readonly string[];
  readonly totals: Record<string, number>;
}

function envCount(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be an integer`);
  return value;
}

export function ledgerSeeds(defaultSeeds: number, countVariable = 'ZW_SIM_LEDGER_SEEDS')
  : readonly number[] {
  const single = process.env['ZW_SIM_SEED'];
  if (single !== undefined && single !== '') return [Number(single)];
  const count = envCount(countVariable, defaultSeeds);
  const first = envCount('ZW_SIM_FIRST_SEED', 1);
  return Array.from({ length: count }, (_, i) => first + i);
}

/** How to rerun one seed exactly, printed with every failure. */
export function reproduceLedger(result: LedgerSimResult): string {
  const suite = result.config.validatorChanges === 'off' ? '--ledger' : '--sets';
  return `npm run sim -- ${suite} --seed ${result.config.base.seed} ` +
    `--validators ${result.config.base.validators}`;
}

export function describeFailure(result: LedgerSimResult): string {
  const first = result.violations[0];
  return `${describeLedgerConfig(result.config)}\n  ${first?.kind} at ${first?.timeMs}ms: ` +
    `${first?.detail}\n  trace ${result.traceHash}; rerun: ${reproduceLedger(result)}`;
}

export async function runLedgerPlan(validators: number, seeds: readonly number[],
  overrides: LedgerOverrides = {}): Promise<LedgerSummary> {
  const failures: string[] = [];
  const totals: Record<string, number> = {};
  for (const seed of seeds) {
    const result = await runLedgerSimulation(randomLedgerConfig(seed, validators, overrides));
    for (const [key, value] of Object.entries(result.stats)) {
      totals[key] = (totals[key] ?? 0) + value;
    }
    totals['roundAfterGstMax'] = Math.max(totals['roundAfterGstMax'] ?? 0,
      result.stats.maxRoundAfterGst);
    totals['setSizeLargest'] = Math.max(totals['setSizeLargest'] ?? 0, result.stats.setSizeMax);
    if (result.config.base.byzantine.size > 0) {
      totals['byzantineRuns'] = (totals['byzantineRuns'] ?? 0) + 1;
    }
    if (seeds.length === 1) {
      console.log(`${describeLedgerConfig(result.config)}\n  trace ${result.traceHash}`);
    }
    if (result.violations.length > 0) {
      const failure = describeFailure(result);
      console.log(`FAILING ${failure}`);
      failures.push(failure);
    }
  }
  return { runs: seeds.length, failures, totals };
}

export function describeLedgerSummary(label: string, summary: LedgerSummary): string {
  const t = summary.totals;
  return `${label}: ${summary.runs} seeds, ${summary.failures.length} failing; ` +
    `${t['byzantineRuns'] ?? 0} with byzantine validators; heights committed ` +
    `${t['heightsMax'] ?? 0}; txs submitted ${t['txsSubmitted'] ?? 0}, acknowledged ` +
    `${t['txsAcknowledged'] ?? 0}; crashes ${t['crashes'] ?? 0} (at block writes ` +
    `${t['blockWriteCrashes'] ?? 0}, torn ${t['tornWrites'] ?? 0}; at signer writes ` +
    `${t['signerWriteCrashes'] ?? 0}); signer refusals ${t['refusals'] ?? 0}; evidence on ` +
    `chain ${t['evidenceCommitted'] ?? 0}; deliveries ` +
    `${t['deliveries'] ?? 0}, dropped ${t['dropped'] ?? 0}; highest commit round of a height ` +
    `begun after GST ${t['roundAfterGstMax'] ?? 0}`;
}

/**
 * A seed takes well under a second on an idle machine; the test's time limit is generous per
 * seed, so that a loaded shared machine does not fail it while a hung run still ends.
 */
const timeoutPerSeedMs = 20_000;

/**
 * The ledger seed suite for one validator count: every seed must keep every invariant of
 * checker.ts and ledger-checker.ts, and commit new heights after GST.
 */
export function defineLedgerSuite(validators: number, defaultSeeds: number): void {
  const seeds = ledgerSeeds(defaultSeeds);
  describe.skipIf(!selected(validators))(`ledger simulation, ${validators} validators`, () => {
    test('seeds of the production driver, chain, mempool and store', async () => {
      const summary = await runLedgerPlan(validators, seeds);
      console.log(describeLedgerSummary(`ledger n=${validators}`, summary));
      expect(summary.failures).toEqual([]);
    }, seeds.length * timeoutPerSeedMs);
  });
}

/** The validator-set-change part of a summary (ledger-sets.test.ts). */
export function describeSetsSummary(summary: LedgerSummary): string {
  const t = summary.totals;
  return `validator-set changes: proposed ${t['changesProposed'] ?? 0}, executed ` +
    `${t['changesExecuted'] ?? 0} (of a byzantine validator ${t['byzantineChanges'] ?? 0}), ` +
    `expired ${t['changesExpired'] ?? 0}; governance txs ${t['governanceTxs'] ?? 0}; largest ` +
    `set ${t['setSizeLargest'] ?? 0} validators; committed heights checked against the schedule ` +
    `${t['setHeightsChecked'] ?? 0}`;
}

/**
 * The validator-set-change seed suite: the ledger seeds with spare nodes and governance
 * changing the set while the faults run; every invariant must hold with the changing sets.
 */
export function defineLedgerSetsSuite(validators: number, spares: number, defaultSeeds: number)
  : void {
  const seeds = ledgerSeeds(defaultSeeds, 'ZW_SIM_SETS_SEEDS');
  describe.skipIf(!selected(validators))(`ledger simulation with validator-set changes, ` +
    `${validators} validators and ${spares} spare nodes`, () => {
    test('seeds of governance changing the set under faults', async () => {
      const summary = await runLedgerPlan(validators, seeds,
        { spares, validatorChanges: 'safe' });
      console.log(describeLedgerSummary(`ledger sets n=${validators}+${spares}`, summary));
      console.log(describeSetsSummary(summary));
      expect(summary.failures).toEqual([]);
      expect(summary.totals['changesExecuted'] ?? 0).toBeGreaterThan(0);
    }, seeds.length * timeoutPerSeedMs);
  });
}
