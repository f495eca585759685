// What one ledger-simulator run looks like, drawn from its seed. The network faults, powers and
// byzantine behaviours are drawn exactly as for the engine simulator (config.ts); on top come the
// production driver's settings, disk crash points, clock skew and the client load. Runs are
// shorter than the engine simulator's because every block goes through execution and SQLite.
import { randomConfig } from './config.js';
import type { ConfigOverrides, SimConfig } from './config.js';
import type { ValidatorChanges } from './ledger-governance.js';
import { Prng } from './prng.js';

export interface LedgerSimConfig {
  /** Seed, validators, powers, byzantine, GST, loss, duplication, delays, partitions, crashes. */
  readonly base: SimConfig;
  readonly endMs: number;
  /** Clients stop submitting here, so that by `endMs` every correct node holds every block. */
  readonly loadEndMs: number;
  readonly loadIntervalMs: number;
  readonly accounts: number;
  /** Transactions a client has in flight per account before it waits. */
  readonly outstandingPerAccountMax: number;
  /** A client that heard nothing of its transactions for this long re-reads its nonce. */
  readonly resyncAfterMs: number;
  /** The driver's pause after a commit (Tendermint's timeout_commit). */
  readonly timeoutCommitMs: number;
  readonly gossipIntervalMs: number;
  readonly syncRequestTimeoutMs: number;
  /** Chance that a correct node crashes at one block write (before, torn, or after it). */
  readonly crashPerBlockWrite: number;
  /** Chance that a correct node crashes at one signer write (before or after it). */
  readonly crashPerSignerWrite: number;
  /** Each node's clock is off by up to this much (block times come from the proposer's). */
  readonly clockSkewMaxMs: number;
  /** Liveness: every correct node commits at least this many heights past the GST height. */
  readonly livenessHeightsMin: number;
  /** Liveness: heights begun after GST commit within this many rounds. */
  readonly roundsAfterGstMax: number;
  readonly eventsMax: number;
  /** Negative controls stop at the first violation of this kind. */
  readonly stopOnViolation: string | null;
  /** Equivocators flood fresh conflicting votes (see ledger-byzantine.ts); off in seed runs. */
  readonly floodEquivocation: boolean;
  /** Genesis nodes that are not validators (governance may add them); they run and follow. */
  readonly spares: number;
  /** Governance changes the validator set during the run (ledger-governance.ts). */
  readonly validatorChanges: ValidatorChanges;
  /** How often the governance client looks at the chain and sends what is missing. */
  readonly governanceTickMs: number;
  /** No new validator-set change starts after this (one in flight may still finish). */
  readonly changesEndMs: number;
}

export interface LedgerOverrides extends ConfigOverrides {
  readonly crashPerBlockWrite?: number;
  readonly stopOnViolation?: string;
  /**
   * No loss, partitions or long delays before GST, so that many blocks (and so many block
   * writes to crash in) happen while crashes are still on.
   */
  readonly calmBeforeGst?: boolean;
  readonly floodEquivocation?: boolean;
  readonly spares?: number;
  readonly validatorChanges?: ValidatorChanges;
}

export function randomLedgerConfig(seed: number, validators: number,
  overrides: LedgerOverrides = {}): LedgerSimConfig {
  const drawn = randomConfig(seed, validators, overrides);
  const rng = new Prng(seed).fork().fork().fork();
  const gstMs = rng.int(2_000, 6_000);
  const endMs = gstMs + 8_000;
  const calm = overrides.calmBeforeGst === true;
  const base: SimConfig = { ...drawn, gstMs, endMs,
    ...(calm ? { lossBeforeGst: 0, delayMaxBeforeGstMs: 50, partitions: false } : {}) };
  const crashes = base.crashes;
  return {
    base, endMs, loadEndMs: endMs - 3_000,
    loadIntervalMs: rng.pick([20, 60, 150]), accounts: rng.int(2, 5),
    outstandingPerAccountMax: rng.pick([1, 4]), resyncAfterMs: 2_500,
    timeoutCommitMs: rng.pick([20, 100, 300]), gossipIntervalMs: rng.pick([300, 600]),
    syncRequestTimeoutMs: 1_000,
    crashPerBlockWrite: overrides.crashPerBlockWrite ?? (crashes ? 0.1 : 0),
    crashPerSignerWrite: base.crashPerSignature,
    clockSkewMaxMs: rng.pick([0, 20, 500]),
    livenessHeightsMin: 3, roundsAfterGstMax: base.byzantine.size + 3, eventsMax: 2_000_000,
    stopOnViolation: overrides.stopOnViolation ?? null,
    floodEquivocation: overrides.floodEquivocation ?? false,
    spares: overrides.spares ?? 0,
    validatorChanges: overrides.validatorChanges ?? 'off',
    governanceTickMs: 100, changesEndMs: endMs - 4_000,
  };
}

export function describeLedgerConfig(config: LedgerSimConfig): string {
  const base = config.base;
  const byzantine = [...base.byzantine].map(([index, behavior]) => `v${index}:${behavior}`);
  return `ledger seed=${base.seed} validators=${base.validators} powers=${base.powers.join(',')} ` +
    `byzantine=[${byzantine.join(' ')}] gst=${base.gstMs}ms loss=${base.lossBeforeGst} ` +
    `dup=${base.duplicate} delayMax=${base.delayMaxBeforeGstMs}ms ` +
    `partitions=${base.partitions} crashes=${base.crashes} load=${config.loadIntervalMs}ms ` +
    `commitPause=${config.timeoutCommitMs}ms skew=${config.clockSkewMaxMs}ms` +
    (config.validatorChanges === 'off' ? ''
      : ` spares=${config.spares} changes=${config.validatorChanges}`);
}
