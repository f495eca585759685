// Worker-thread entry for subject-id cryptography (ADR 0013): blinding personal ids, evaluating
// blinded points with a subject key (and its batch DLEQ proof), and verifying and unblinding an
// evaluation. Each costs about 1.5-2 ms of curve arithmetic per element, so a 200,000-record
// upload is minutes of it; run here it never holds up the event loop that signs votes.
import { ZwError, isZwError } from '../core/index.js';
import {
  blindInputs, evaluateBlinded, finalizeEvaluations,
} from '../crypto/index.js';
import type { BlindEvaluation, BlindedInput, OprfKeyPair } from '../crypto/index.js';

export type SubjectTask =
  | { readonly kind: 'blind'; readonly inputs: readonly Uint8Array[] }
  | { readonly kind: 'evaluate'; readonly key: OprfKeyPair;
    readonly blinded: readonly Uint8Array[] }
  | { readonly kind: 'finalize'; readonly inputs: readonly Uint8Array[];
    readonly blinds: readonly BlindedInput[]; readonly evaluation: BlindEvaluation;
    readonly publicKey: Uint8Array };

export type SubjectTaskResult =
  | { readonly kind: 'blind'; readonly blinds: BlindedInput[] }
  | { readonly kind: 'evaluate'; readonly evaluation: BlindEvaluation }
  | { readonly kind: 'finalize'; readonly outputs: Uint8Array[] }
  | { readonly kind: 'error'; readonly code: ZwError['code']; readonly message: string };

/** Runs one task; a ZwError comes back as a value, since errors lose their class across threads. */
export default function runSubjectTask(task: SubjectTask): SubjectTaskResult {
  try {
    switch (task.kind) {
      case 'blind': return { kind: 'blind', blinds: blindInputs(task.inputs) };
      case 'evaluate':
        return { kind: 'evaluate', evaluation: evaluateBlinded(task.key, task.blinded) };
      case 'finalize':
        return { kind: 'finalize', outputs: finalizeEvaluations(task.inputs, task.blinds,
          task.evaluation, task.publicKey) };
    }
  } catch (error) {
    if (isZwError(error)) return { kind: 'error', code: error.code, message: error.message };
    return { kind: 'error', code: 'INTERNAL', message: (error as Error).message };
  }
}
