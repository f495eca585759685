// Proves that the production driver, chain, mempool and store keep every invariant of the ledger
// simulator (agreement, commits with >2/3 of their own height's set, equal state roots, one
// payload per signed slot, acknowledged transactions kept, liveness after GST) while agency
// administrators change the validator set through the governance contract — adding the spare
// nodes, removing validators, changing byzantine and correct validators' power within the
// f < 1/3 bound — under the usual network faults, crashes and byzantine shells; and that all
// correct nodes agree on each height's set, which a change executed at H gives from H + 2.
// The seed count is ZW_SIM_SETS_SEEDS (`npm run sim -- --sets --seeds N`).
import { defineLedgerSetsSuite } from './ledger-harness.js';

defineLedgerSetsSuite(4, 2, 24);
