#!/usr/bin/env node
// `npm run sim -- [--ledger | --sets | --all] [--seeds N] [--validators 4,7] [--first S] [--seed S]
// [--real] [--real-seeds N] [--jobs J]`: the long simulation. By default it runs the consensus
// engine simulator (test/sim/sim-*, controls); --ledger runs the ledger simulator instead (the
// production driver, chain, mempool and store: test/sim/ledger-*), --sets only its suite with
// governance changing the validator set during the faults (test/sim/ledger-sets.test.ts, n=4
// with 2 spare nodes), and --all runs everything. Vitest rejects options it does not know, so
// this script turns ours into the environment variables test/sim/harness.ts and
// ledger-harness.ts read and runs vitest with vitest.sim.config.ts.
// With --jobs J it splits the seed range over J vitest processes; the default is one, since the
// machine is shared.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const options = { seeds: '', validators: '', first: '1', seed: '', real: false, realSeeds: '',
  jobs: '1', suite: 'engine' };
const names = { '--seeds': 'seeds', '--validators': 'validators', '--first': 'first',
  '--seed': 'seed', '--real-seeds': 'realSeeds', '--jobs': 'jobs' };

const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--real') {
    options.real = true;
  } else if (arg === '--ledger' || arg === '--sets' || arg === '--all') {
    options.suite = arg.slice(2);
  } else if (arg in names && args[i + 1] !== undefined) {
    options[names[arg]] = args[++i];
  } else {
    console.error(`unknown argument ${arg}; see the header of test/sim/run.mjs`);
    process.exit(2);
  }
}

const jobs = Math.max(1, Number(options.jobs));
const seeds = options.seeds === '' ? undefined : Number(options.seeds);
const first = Number(options.first);
const perJob = seeds === undefined ? undefined : Math.ceil(seeds / jobs);

/** Vitest file filters (substrings of the test file paths) of each suite. */
const files = {
  engine: ['test/sim/sim-', 'test/sim/controls'],
  ledger: ['test/sim/ledger-'],
  sets: ['test/sim/ledger-sets'],
  all: ['test/sim/'],
};

function jobSeeds(job) {
  return perJob === undefined ? '' : String(Math.max(0, Math.min(perJob, seeds - job * perJob)));
}

function run(job) {
  const env = { ...process.env, ZW_SIM_VALIDATORS: options.validators, ZW_SIM_SEED: options.seed,
    ZW_SIM_REAL: options.real ? '1' : '', ZW_SIM_REAL_SEEDS: options.realSeeds,
    ZW_SIM_FIRST_SEED: String(first + job * (perJob ?? 0)),
    ZW_SIM_SEEDS: jobSeeds(job), ZW_SIM_LEDGER_SEEDS: jobSeeds(job),
    ZW_SIM_SETS_SEEDS: jobSeeds(job),
    ZW_SIM_WORKERS: jobs > 1 ? '1' : '' };
  const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
  const child = spawn(process.execPath,
    [vitest, 'run', '--config', 'vitest.sim.config.ts', ...files[options.suite]],
    { cwd: root, env, stdio: 'inherit' });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}

const count = perJob === undefined || options.seed !== '' ? 1 : jobs;
const codes = await Promise.all(Array.from({ length: count }, (_, job) => run(job)));
process.exit(codes.every((code) => code === 0) ? 0 : 1);
