// The verifiable oblivious pseudorandom function behind subject ids (ADR 0013): RFC 9497 VOPRF
// over ristretto255 with SHA-512, from @noble/curves (never hand-rolled). A subject-key agency
// holds a secret scalar k and publishes k's public point in the genesis; a member's node blinds
// a personal id, the agency's node evaluates the blinded point without learning the id, and
// returns a DLEQ proof that it used the k behind its published point, so a hostile evaluator's
// wrong answer is refused instead of silently naming a person with the wrong id.
//
// This is the one primitive that is not SM-family on a gm chain: no national standard defines
// a verifiable OPRF, and the outputs are only hashed (with SM3 there) into the subject id.
import { ristretto255_oprf } from '@noble/curves/ed25519.js';
import { ErrorCode, ZwError, encode, utf8 } from '../core/index.js';

const voprf = ristretto255_oprf.voprf;

/** Bytes of a serialized ristretto255 point or scalar. */
export const oprfElementBytes = 32;

export interface OprfKeyPair {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

export interface BlindedInput {
  /** The blinding scalar: stays with the node that blinded the input. */
  readonly blind: Uint8Array;
  /** What the evaluator sees: a uniformly random point, unlinkable to the input. */
  readonly blinded: Uint8Array;
}

export interface BlindEvaluation {
  readonly evaluated: readonly Uint8Array[];
  /** One DLEQ proof covering the whole batch. */
  readonly proof: Uint8Array;
}

export function generateOprfKey(): OprfKeyPair {
  const keys = voprf.generateKeyPair();
  return { secretKey: keys.secretKey, publicKey: keys.publicKey };
}

/**
 * The OPRF input for a normalized personal id on a chain: the chain id is inside, so a key
 * reused on two chains still gives unrelated outputs.
 */
export function oprfInput(chainId: string, normalizedId: string): Uint8Array {
  return encode(['zw/subject-input/2', chainId, utf8(normalizedId)]);
}

export function blindInputs(inputs: readonly Uint8Array[]): BlindedInput[] {
  return inputs.map((input) => {
    const blinded = voprf.blind(input);
    return { blind: blinded.blind, blinded: blinded.blinded };
  });
}

/**
 * The evaluator's side: k times each blinded point and one batch proof. Throws MALFORMED for a
 * byte string that is not a valid ristretto255 point (the requester sent garbage).
 */
export function evaluateBlinded(key: OprfKeyPair, blinded: readonly Uint8Array[]):
  BlindEvaluation {
  if (blinded.length === 0) return { evaluated: [], proof: new Uint8Array(0) };
  try {
    const result = voprf.blindEvaluateBatch(key.secretKey, key.publicKey, [...blinded]);
    return { evaluated: result.evaluated, proof: result.proof };
  } catch (error) {
    throw new ZwError(ErrorCode.MALFORMED,
      `blinded elements do not decode: ${(error as Error).message}`);
  }
}

/**
 * The requester's side: checks the evaluator's DLEQ proof against its published key, then
 * unblinds. Throws INVALID_PROOF when the proof does not verify (a wrong key, a wrong element,
 * a swapped order, a short list): nothing is derived from a hostile answer.
 */
export function finalizeEvaluations(inputs: readonly Uint8Array[],
  blinds: readonly BlindedInput[], evaluation: BlindEvaluation, publicKey: Uint8Array):
  Uint8Array[] {
  if (inputs.length === 0) return [];
  if (evaluation.evaluated.length !== inputs.length || blinds.length !== inputs.length) {
    throw new ZwError(ErrorCode.INVALID_PROOF,
      `the evaluator answered ${evaluation.evaluated.length} of ${inputs.length} elements`);
  }
  const items = inputs.map((input, index) => ({ input,
    blind: (blinds[index] as BlindedInput).blind,
    blinded: (blinds[index] as BlindedInput).blinded,
    evaluated: evaluation.evaluated[index] as Uint8Array }));
  try {
    return voprf.finalizeBatch(items, publicKey, evaluation.proof);
  } catch (error) {
    throw new ZwError(ErrorCode.INVALID_PROOF,
      `the evaluator's proof does not verify: ${(error as Error).message}`);
  }
}

/**
 * The output a key holder computes directly (RFC 9497 Evaluate): equal to what the blind
 * protocol yields. Nodes never call it for others' ids; tests use it to model a guesser who
 * holds some of the keys.
 */
export function evaluateDirect(key: OprfKeyPair, input: Uint8Array): Uint8Array {
  // RFC 9497 Evaluate is on noble's VOPRF object though its type omits it.
  const direct = (voprf as unknown as { evaluate?: (secretKey: Uint8Array,
    input: Uint8Array) => Uint8Array }).evaluate;
  if (direct !== undefined) return direct(key.secretKey, input);
  const [blinded] = blindInputs([input]);
  if (blinded === undefined) throw new ZwError(ErrorCode.INTERNAL, 'blinding failed');
  return finalizeEvaluations([input], [blinded], evaluateBlinded(key, [blinded.blinded]),
    key.publicKey)[0] as Uint8Array;
}
