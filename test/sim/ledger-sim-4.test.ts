// Proves that the production consensus driver, chain, mempool and store of 4 validators keep
// agreement, verified commits, contiguous heights, equal state roots, one payload per signed
// slot and every acknowledged transaction, and commit after GST, over many seeded runs of
// network faults, crashes at and between writes, restarts and byzantine shells (ledger-sim.ts).
// The seed count is ZW_SIM_LEDGER_SEEDS; a failing seed prints the command that reruns it.
import { defineLedgerSuite } from './ledger-harness.js';

defineLedgerSuite(4, 60);
