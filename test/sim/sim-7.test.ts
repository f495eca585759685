// Proves safety and liveness of the consensus engine with 7 validators (up to two byzantine, and
// unequal voting power in half the runs) over many seeded runs; see sim-4.test.ts.
import { defineSimulationSuite } from './harness.js';

defineSimulationSuite(7, 200);
