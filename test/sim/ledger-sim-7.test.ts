// Proves the same as ledger-sim-4.test.ts for 7 validators (up to two byzantine, and unequal
// voting power in half the runs), with fewer seeds because each run costs more.
import { defineLedgerSuite } from './ledger-harness.js';

defineLedgerSuite(7, 25);
