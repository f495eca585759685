// Proves the ledger simulator can be trusted: a seed replays exactly (same trace hash and
// statistics) although the production driver awaits promises, crash points at block and signer
// writes are really hit (torn block writes included) without losing anything acknowledged, and
// the checker is not blind: with 2 of 4 validators colluding (beyond the f < n/3 bound) it
// reports a fork in some seed, as it does when governance changes the validator set so that two
// colluders end up with more than a third of the power (the safe runs never allow that), and it
// reports an acknowledged transaction missing from a store.
// It also pins a known engine liveness issue the simulator found (see the last test).
import { describe, expect, test } from 'vitest';
import { SimDisk } from './ledger-disk.js';
import type { Behavior } from './config.js';
import { describeFailure } from './ledger-harness.js';
import { LedgerChecker } from './ledger-checker.js';
import { describeLedgerConfig, randomLedgerConfig } from './ledger-config.js';
import { runLedgerSimulation } from './ledger-sim.js';
import { makeWorld, memoisedVerify } from './ledger-world.js';

/** Seeds tried before the negative control counts as blind. */
const controlSeedsMax = 40;
/** Each control runs a few seeds; generous, for a loaded shared machine. */
const controlTimeoutMs = 300_000;

/** `npm run sim -- --ledger --seed S` reruns one seed; the controls need not run again. */
const singleSeed = (process.env['ZW_SIM_SEED'] ?? '') !== '';

describe.skipIf(singleSeed)('ledger simulator controls', () => {
  test('the same seed gives the same trace, and another seed another trace', async () => {
    for (const validators of [4, 7]) {
      const first = await runLedgerSimulation(randomLedgerConfig(11, validators));
      const again = await runLedgerSimulation(randomLedgerConfig(11, validators));
      expect(again.traceHash).toBe(first.traceHash);
      expect(again.stats).toEqual(first.stats);
      expect(again.violations).toEqual(first.violations);
      const other = await runLedgerSimulation(randomLedgerConfig(12, validators));
      expect(other.traceHash).not.toBe(first.traceHash);
    }
    // With governance changing the validator set too (ledger-sets.test.ts).
    const sets = { spares: 2, validatorChanges: 'safe' } as const;
    const first = await runLedgerSimulation(randomLedgerConfig(11, 4, sets));
    const again = await runLedgerSimulation(randomLedgerConfig(11, 4, sets));
    expect(again.traceHash).toBe(first.traceHash);
    expect(again.stats).toEqual(first.stats);
    expect(first.stats.changesExecuted).toBeGreaterThan(0);
  }, controlTimeoutMs);

  test('crashes at block and signer writes, torn ones included, lose nothing', async () => {
    const totals = { blockWrites: 0, torn: 0, signerWrites: 0, acknowledged: 0 };
    for (let seed = 1; seed <= 6; seed++) {
      const result = await runLedgerSimulation(randomLedgerConfig(seed, 4,
        { crashes: true, calmBeforeGst: true, crashPerBlockWrite: 0.3,
          crashPerSignature: 0.05 }));
      if (result.violations.length > 0) console.log(describeFailure(result));
      expect(result.violations).toEqual([]);
      totals.blockWrites += result.stats.blockWriteCrashes;
      totals.torn += result.stats.tornWrites;
      totals.signerWrites += result.stats.signerWriteCrashes;
      totals.acknowledged += result.stats.txsAcknowledged;
    }
    console.log(`write crashes: ${JSON.stringify(totals)}`);
    expect(totals.torn).toBeGreaterThan(0);
    expect(totals.blockWrites).toBeGreaterThan(totals.torn);
    expect(totals.signerWrites).toBeGreaterThan(0);
    expect(totals.acknowledged).toBeGreaterThan(0);
  }, controlTimeoutMs);

  test('negative control: 2 of 4 colluding byzantine validators fork in some seed', async () => {
    const byzantine = new Map<number, Behavior>([[0, 'collude'], [1, 'collude']]);
    let found: string | null = null;
    for (let seed = 1; seed <= controlSeedsMax && found === null; seed++) {
      const result = await runLedgerSimulation(randomLedgerConfig(seed, 4, { byzantine,
        powers: [1, 1, 1, 1], crashes: false, stopOnViolation: 'fork' }));
      const fork = result.violations.find((violation) => violation.kind === 'fork');
      if (fork !== undefined) found = `${describeLedgerConfig(result.config)}: ${fork.detail}`;
    }
    console.log(`fork found: ${found}`);
    expect(found).not.toBeNull();
  }, controlTimeoutMs);

  test('negative control: set changes giving 2 colluders over a third fork in some seed',
    async () => {
      // Within the bound at genesis (2 of 8); the unsafe governance client then only draws
      // power changes that raise the colluders' share, without bound.
      const byzantine = new Map<number, Behavior>([[0, 'collude'], [1, 'collude']]);
      let found: string | null = null;
      for (let seed = 1; seed <= controlSeedsMax && found === null; seed++) {
        const result = await runLedgerSimulation(randomLedgerConfig(seed, 4, { byzantine,
          powers: [1, 1, 3, 3], crashes: false, stopOnViolation: 'fork',
          validatorChanges: 'unsafe' }));
        const fork = result.violations.find((violation) => violation.kind === 'fork');
        if (fork !== undefined) {
          found = `${describeLedgerConfig(result.config)}: ${fork.detail} after ` +
            `${result.stats.changesExecuted} changes`;
        }
      }
      console.log(`fork found: ${found}`);
      expect(found).not.toBeNull();
    }, controlTimeoutMs);

  // Known engine issue, found by this simulator and left to the consensus owners: the engine
  // counts at most conflictingVotesPerValidatorMax conflicting votes per validator and slot, so
  // an equivocator that floods fresh conflicting prevotes keeps nodes 2 and 5 from ever counting
  // its real round-1 prevote, whose polka nodes 0 and 3 locked on. Unlocked nodes then cannot
  // justify the re-proposal (line 28), locked ones prevote nothing else, and 5 of 7 votes never
  // gather: height 2 stalls for good with 2 of 7 byzantine. CometBFT avoids this by accepting a
  // conflicting vote for a block once a peer claims a +2/3 majority for it (VoteSetMaj23).
  // When the engine is fixed this test fails: turn it into "commits despite the flood".
  test('a vote-flooding equivocator does not stall a height (seed 1040, n=7)', async () => {
    // Once stalled: the equivocator's flood of made-up values used up its conflicting-vote
    // allowance, hiding its vote for the value others had locked on (see tally.addVote).
    const result = await runLedgerSimulation(randomLedgerConfig(1040, 7,
      { floodEquivocation: true }));
    expect(result.violations).toEqual([]);
    expect(result.stats.heightsMax).toBeGreaterThan(3);
  }, controlTimeoutMs);

  test('the checker reports an acknowledged transaction missing from a store', () => {
    const world = makeWorld([1, 1, 1, 1], 1, {}, memoisedVerify);
    const genesis = world.genesis;
    const checker = new LedgerChecker(genesis.chainId, genesis.validatorSet,
      (key, message, signature) => genesis.suite.verify(key, message, signature), genesis.suite);
    const disk = new SimDisk();
    checker.acknowledge('ab'.repeat(32), 0);
    expect(checker.checkAcknowledged(0, disk)).toBe(1);
    expect(checker.violations.map((violation) => violation.kind)).toEqual(['lost-tx']);
    disk.close();
  });
});
