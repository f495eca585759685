// Proves safety and liveness of the consensus engine with 4 validators over many seeded runs of
// network faults, crashes and byzantine shells (see simulator.ts and checker.ts). The seed count
// is ZW_SIM_SEEDS; a failing seed prints its configuration and the command that reruns it.
import { defineSimulationSuite } from './harness.js';

defineSimulationSuite(4, 300);
