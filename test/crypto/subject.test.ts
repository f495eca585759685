// Subject ids (ADR 0013): a guesser who lacks even one subject key cannot reverse an id from a
// public receipt (the 452-candidate attack that broke the scrypt ids now finds nothing), the
// holders of all keys together find it, a hostile evaluator's wrong answer fails its DLEQ proof,
// and the signed usage requests and credentials decode only as they were signed.
import { describe, expect, it } from 'vitest';
import {
  blindInputs, credentialSignBytes, decodeSubjectCredential, decodeSubjectRequest,
  evaluateBlinded, evaluateDirect, finalizeEvaluations, generateOprfKey, getSuite,
  issueSubjectCredential, normalizePersonalId, oprfInput, randomBytes, signSubjectRequest,
  subjectIdFromOutputs, verifySubjectRequest,
} from '../../src/crypto/index.js';
import type { OprfKeyPair } from '../../src/crypto/index.js';

const suite = getSuite('intl');
const chainId = 'zhengwu-local-intl';

// GB 11643 check digit, to enumerate well-formed ids as the attacker does.
const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
function withCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (weights[i] as number);
  return first17 + ('10X98765432'[sum % 11] as string);
}

/** Region 110105, born 1949-12-31: every sequence number 000-451 (the issue's 452 guesses). */
const candidates = Array.from({ length: 452 },
  (_, i) => withCheckDigit(`11010519491231${String(i).padStart(3, '0')}`));

/** The honest derivation: blind once, every committee key evaluates, proofs checked. */
function honestSubjectId(keys: readonly OprfKeyPair[], personalId: string): string {
  const input = oprfInput(chainId, normalizePersonalId(personalId));
  const blinds = blindInputs([input]);
  const outputs = keys.map((key) => finalizeEvaluations([input], blinds,
    evaluateBlinded(key, blinds.map((blind) => blind.blinded)), key.publicKey)[0] as Uint8Array);
  return subjectIdFromOutputs(suite, chainId, outputs);
}

describe('subject ids from the subject-key committee', () => {
  const committee = [generateOprfKey(), generateOprfKey()];
  const target = candidates[2] as string;
  const published = honestSubjectId(committee, target);

  it('are found only with every key: m-1 keys and 452 guesses find nothing', () => {
    // The guesser holds the first key and guesses the second agency's output as best they can
    // without it: with its public key, with random points, or leaving it out.
    const held = committee[0] as OprfKeyPair;
    let found = 0;
    for (const guess of candidates) {
      const input = oprfInput(chainId, guess);
      const mine = evaluateDirect(held, input);
      const tries = [[mine], [mine, randomBytes(64)], [mine, committee[1]?.publicKey as
        Uint8Array]];
      for (const outputs of tries) {
        if (subjectIdFromOutputs(suite, chainId, outputs) === published) found += 1;
      }
    }
    expect(found).toBe(0);
    // Control: the same enumeration with both keys (all the committee) finds exactly the target.
    const hits = candidates.filter((guess) => {
      const input = oprfInput(chainId, guess);
      return subjectIdFromOutputs(suite, chainId,
        committee.map((key) => evaluateDirect(key, input))) === published;
    });
    expect(hits).toEqual([target]);
  });

  it('are the same however the ids are blinded, and differ by chain and person', () => {
    expect(honestSubjectId(committee, ` ${target.toLowerCase()} `)).toBe(published);
    expect(honestSubjectId(committee, candidates[3] as string)).not.toBe(published);
    const other = oprfInput('another-chain', target);
    expect(subjectIdFromOutputs(suite, 'another-chain',
      committee.map((key) => evaluateDirect(key, other)))).not.toBe(published);
  });

  it('refuse a hostile evaluator\'s answer: the DLEQ proof does not verify', () => {
    const [honest] = committee as [OprfKeyPair];
    const inputs = [oprfInput(chainId, target), oprfInput(chainId, candidates[5] as string)];
    const blinds = blindInputs(inputs);
    const blinded = blinds.map((blind) => blind.blinded);
    const good = evaluateBlinded(honest, blinded);
    expect(finalizeEvaluations(inputs, blinds, good, honest.publicKey)).toHaveLength(2);
    // Evaluated with another key but claimed under the listed one.
    const otherKey = evaluateBlinded(generateOprfKey(), blinded);
    expect(() => finalizeEvaluations(inputs, blinds, otherKey, honest.publicKey))
      .toThrow(expect.objectContaining({ code: 'INVALID_PROOF' }));
    // Answers swapped, one replaced, or one left out.
    const swapped = { evaluated: [...good.evaluated].reverse(), proof: good.proof };
    expect(() => finalizeEvaluations(inputs, blinds, swapped, honest.publicKey))
      .toThrow(expect.objectContaining({ code: 'INVALID_PROOF' }));
    const replaced = { evaluated: [good.evaluated[0] as Uint8Array, otherKey.evaluated[1] as
      Uint8Array], proof: good.proof };
    expect(() => finalizeEvaluations(inputs, blinds, replaced, honest.publicKey))
      .toThrow(expect.objectContaining({ code: 'INVALID_PROOF' }));
    const short = { evaluated: good.evaluated.slice(0, 1), proof: good.proof };
    expect(() => finalizeEvaluations(inputs, blinds, short, honest.publicKey))
      .toThrow(expect.objectContaining({ code: 'INVALID_PROOF' }));
    expect(() => evaluateBlinded(honest, [new Uint8Array(32).fill(0xff)]))
      .toThrow(expect.objectContaining({ code: 'MALFORMED' }));
  });
});

describe('subject requests and credentials', () => {
  const citizen = suite.generateKeyPair();
  const issuer = suite.generateKeyPair();
  const subject = 'a1'.repeat(32);
  const expected = { chainId, action: 'usage' as const, nextHeight: 10, windowHeights: 100 };

  function usageRequest(overrides: { expiryHeight?: number; chainId?: string } = {}):
    Uint8Array {
    return signSubjectRequest(suite, citizen.privateKey, { chainId: overrides.chainId ?? chainId,
      action: 'usage', signer: citizen.publicKey, expiryHeight: overrides.expiryHeight ?? 20,
      nonce: randomBytes(16), body: { subject, credential: null } });
  }

  it('verify only fresh, on their chain, under their signature', () => {
    const ok = decodeSubjectRequest(usageRequest(), 4096);
    expect(() => verifySubjectRequest(suite, ok, expected)).not.toThrow();
    const stale = decodeSubjectRequest(usageRequest({ expiryHeight: 9 }), 4096);
    expect(() => verifySubjectRequest(suite, stale, expected))
      .toThrow(expect.objectContaining({ code: 'EXPIRED' }));
    const far = decodeSubjectRequest(usageRequest({ expiryHeight: 500 }), 4096);
    expect(() => verifySubjectRequest(suite, far, expected))
      .toThrow(expect.objectContaining({ code: 'EXPIRY_TOO_FAR' }));
    const elsewhere = decodeSubjectRequest(usageRequest({ chainId: 'other' }), 4096);
    expect(() => verifySubjectRequest(suite, elsewhere, expected))
      .toThrow(expect.objectContaining({ code: 'WRONG_CHAIN' }));
    const forged = { ...ok, body: { subject: 'b2'.repeat(32), credential: null } };
    expect(() => verifySubjectRequest(suite, forged, expected))
      .toThrow(expect.objectContaining({ code: 'BAD_SIGNATURE' }));
    expect(() => decodeSubjectRequest(usageRequest(), 64))
      .toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
  });

  it('credentials carry what the issuer signed', () => {
    const bytes = issueSubjectCredential(suite, issuer, { chainId, subject,
      holder: citizen.publicKey, expiryHeight: 1_000 });
    const credential = decodeSubjectCredential(bytes);
    const { signature, ...unsigned } = credential;
    expect(suite.verify(issuer.publicKey, credentialSignBytes(unsigned), signature)).toBe(true);
    expect(suite.verify(issuer.publicKey, credentialSignBytes({ ...unsigned,
      holder: issuer.publicKey }), signature)).toBe(false);
    expect(() => issueSubjectCredential(suite, issuer, { chainId, subject: 'not hex',
      holder: citizen.publicKey, expiryHeight: 1 })).toThrow(/subject id/);
  });

  it('personal ids are normalized and checked', () => {
    expect(normalizePersonalId('11010519491231002x')).toBe('11010519491231002X');
    expect(() => normalizePersonalId('110105194912310021')).toThrow(/check digit/);
    expect(() => normalizePersonalId('1101051949123')).toThrow(/personal id/);
    expect(() => normalizePersonalId('ab cd')).toThrow(/personal id/);
  });
});
