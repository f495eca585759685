// What one simulated run looks like, drawn from its seed: validator powers, which validators are
// byzantine and how, network faults before GST (loss, duplication, delay and reordering,
// partitions), crashes, and the engine's timeouts. Every limit is named with its unit last.
import type { ConsensusInit } from '../../src/consensus/index.js';
import { Prng } from './prng.js';

/**
 * How a byzantine node's shell corrupts its outgoing messages (its engine runs correctly):
 *  - equivocate: each peer gets, at random, the real message or a conflicting one;
 *  - collude: all colluders show one value to one half of the peers and another to the other
 *    half, the same split for all of them (the negative control uses it with too much power);
 *  - amnesia: prevotes the round's proposal whatever it is locked on;
 *  - silent: sends nothing at all.
 * Byzantine signers never refuse to sign.
 */
export type Behavior = 'equivocate' | 'collude' | 'amnesia' | 'silent';

export interface SimConfig {
  readonly seed: number;
  readonly validators: number;
  readonly powers: readonly number[];
  readonly byzantine: ReadonlyMap<number, Behavior>;
  readonly realSignatures: boolean;
  /** Global stabilization time: faults stop, partitions heal, crashed nodes restart. */
  readonly gstMs: number;
  readonly endMs: number;
  readonly lossBeforeGst: number;
  readonly duplicate: number;
  readonly delayMinMs: number;
  readonly delayMaxBeforeGstMs: number;
  /** The paper's Δ: after GST every message arrives within this. */
  readonly delayMaxMs: number;
  readonly partitions: boolean;
  readonly crashes: boolean;
  /** Chance that a correct node crashes around one signature (before or after persisting). */
  readonly crashPerSignature: number;
  /** Negative control: a buggy shell that sends a signature BEFORE persisting signer state. */
  readonly persistAfterSend: boolean;
  readonly consensus: ConsensusInit;
  readonly gossipIntervalMs: number;
  /** Gossip ticks without a new height before a node starts relaying what it holds. */
  readonly stalledTicksBeforeRelay: number;
  /** Pause between a decision and the next height (block execution plus CometBFT's commit wait). */
  readonly commitDelayMs: number;
  readonly valueDelayMs: number;
  /** Liveness: every correct node decides at least this many heights past the GST height. */
  readonly livenessHeightsMin: number;
  /** Liveness: heights begun after GST decide within this many rounds. */
  readonly roundsAfterGstMax: number;
  /** Hard stop on simulated events, in case a bug makes a run spin. */
  readonly eventsMax: number;
}

export const simConsensusInit: ConsensusInit = {
  timeoutProposeMs: 400, timeoutPrevoteMs: 200, timeoutPrecommitMs: 200, timeoutDeltaMs: 100,
};

export interface ConfigOverrides {
  readonly realSignatures?: boolean;
  readonly powers?: readonly number[];
  readonly byzantine?: ReadonlyMap<number, Behavior>;
  readonly crashes?: boolean;
  readonly persistAfterSend?: boolean;
  readonly crashPerSignature?: number;
}

/** Draws a run's fault schedule parameters from its seed. */
export function randomConfig(
  seed: number, validators: number, overrides: ConfigOverrides = {},
): SimConfig {
  const rng = new Prng(seed).fork();
  const drawn = rng.chance(0.5) ? Array<number>(validators).fill(1)
    : Array.from({ length: validators }, () => rng.int(1, 4));
  const powers = overrides.powers ?? drawn;
  const byzantine = overrides.byzantine ?? randomByzantine(rng, powers);
  const gstMs = rng.int(3_000, 10_000);
  const crashes = overrides.crashes ?? rng.chance(0.6);
  return {
    seed, validators, powers, byzantine, realSignatures: overrides.realSignatures ?? false,
    gstMs, endMs: gstMs + 10_000,
    lossBeforeGst: rng.pick([0, 0.05, 0.2, 0.4]),
    duplicate: rng.pick([0, 0.1, 0.3]),
    delayMinMs: 1, delayMaxBeforeGstMs: rng.pick([50, 300, 1_500]), delayMaxMs: 50,
    partitions: rng.chance(0.6), crashes,
    crashPerSignature: overrides.crashPerSignature ?? (crashes ? 0.01 : 0),
    persistAfterSend: overrides.persistAfterSend ?? false,
    consensus: simConsensusInit, gossipIntervalMs: 300, stalledTicksBeforeRelay: 2,
    commitDelayMs: rng.pick([20, 200, 1_000]), valueDelayMs: rng.pick([1, 5, 300]),
    livenessHeightsMin: 3, roundsAfterGstMax: byzantine.size + 3, eventsMax: 5_000_000,
  };
}

/** Up to f byzantine validators whose power stays strictly below a third of the total. */
function randomByzantine(rng: Prng, powers: readonly number[]): Map<number, Behavior> {
  const total = powers.reduce((a, b) => a + b, 0);
  const byzantine = new Map<number, Behavior>();
  const wanted = rng.int(0, Math.floor((powers.length - 1) / 3));
  let power = 0;
  for (let attempt = 0; attempt < powers.length * 4 && byzantine.size < wanted; attempt++) {
    const index = rng.int(0, powers.length - 1);
    const extra = powers[index] ?? 0;
    if (byzantine.has(index) || (power + extra) * 3 >= total) continue;
    byzantine.set(index, rng.pick<Behavior>(['equivocate', 'collude', 'amnesia', 'silent']));
    power += extra;
  }
  return byzantine;
}

/** Byzantine power is below a third, so the paper's safety and liveness guarantees apply. */
export function withinFaultBound(config: SimConfig): boolean {
  const total = config.powers.reduce((a, b) => a + b, 0);
  let byzantine = 0;
  for (const index of config.byzantine.keys()) byzantine += config.powers[index] ?? 0;
  return byzantine * 3 < total;
}

export function describeConfig(config: SimConfig): string {
  const byzantine = [...config.byzantine].map(([index, behavior]) => `v${index}:${behavior}`);
  return `seed=${config.seed} validators=${config.validators} powers=${config.powers.join(',')} ` +
    `byzantine=[${byzantine.join(' ')}] gst=${config.gstMs}ms loss=${config.lossBeforeGst} ` +
    `dup=${config.duplicate} delayMax=${config.delayMaxBeforeGstMs}ms ` +
    `partitions=${config.partitions} crashes=${config.crashes} real=${config.realSignatures}`;
}
