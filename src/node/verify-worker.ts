// Worker-thread entry for transaction signature checks, so the event loop never stalls on
// cryptography. Each task is a batch of encoded transactions; the answer is one flag per
// transaction. Anything that fails to decode is simply reported as not verified.
import { getSuite } from '../crypto/index.js';
import type { SuiteName } from '../crypto/index.js';
import { decodeTx, verifyTxSignature } from '../ledger/index.js';

export interface VerifyTask {
  readonly suite: SuiteName;
  readonly txs: readonly Uint8Array[];
}

export default function verifyBatch(task: VerifyTask): boolean[] {
  const suite = getSuite(task.suite);
  return task.txs.map((bytes) => {
    try {
      return verifyTxSignature(suite, decodeTx(suite, bytes).tx);
    } catch {
      return false;
    }
  });
}
