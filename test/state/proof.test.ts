// Proves that state proofs are sound and complete: every inclusion and non-inclusion proof the tree
// produces verifies against its root, and fails for any other value, key or root; any mutation of
// a proof fails; proofs survive their canonical encoding; decodeProof rejects junk with a ZwError;
// and the verifier returns false rather than throwing on anything malformed.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ErrorCode, ZwError, encode, fromHex, toHex } from '../../src/core/index.js';
import type { CborValue } from '../../src/core/index.js';
import { decodeProof, encodeProof, verifyStateProof } from '../../src/state/index.js';
import type { StateProof, TreeUpdate } from '../../src/state/index.js';
import { Harness, batchArbitrary, flipBits, keyArbitrary, sha256 } from './helpers.js';

const runs = { numRuns: 120 };
const batchesArbitrary = fc.array(batchArbitrary, { minLength: 1, maxLength: 4 });

/** A tree built from random batches, one version per batch. */
function built(batches: readonly (readonly TreeUpdate[])[]): Harness {
  const harness = new Harness();
  batches.forEach((batch) => harness.apply(batch));
  return harness;
}

function presentKeys(harness: Harness): Uint8Array[] {
  return [...(harness.expected.get(harness.version)?.keys() ?? [])].map((hex) => fromHex(hex));
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof ZwError ? error.code : 'not a ZwError';
  }
  return undefined;
}

/**
 * Small changes to a proof, each of which must stop it from verifying: drop or flip a sibling (all
 * of them on short paths; a spread of 8 on the 256-deep paths that keys differing only in their
 * last bit produce, to keep the test fast), add one, or change the leaf.
 */
function mutations(proof: StateProof): StateProof[] {
  const out: StateProof[] = [];
  const siblings = proof.siblings;
  const step = Math.max(1, Math.floor(siblings.length / 8));
  siblings.forEach((sibling, index) => {
    if (index % step !== 0 && index !== siblings.length - 1) return;
    out.push({ ...proof, siblings: siblings.filter((_, other) => other !== index) });
    const flipped = siblings.slice();
    flipped[index] = flipBits(sibling, [index % 256]);
    out.push({ ...proof, siblings: flipped });
  });
  out.push({ ...proof, siblings: [...siblings, new Uint8Array(32)] });
  out.push({ ...proof, siblings: [new Uint8Array(32), ...siblings] });
  if (proof.leaf === null) {
    out.push({ ...proof, leaf: { key: new Uint8Array(32), valueHash: new Uint8Array(32) } });
  } else {
    const { key, valueHash } = proof.leaf;
    out.push({ ...proof, leaf: null });
    out.push({ ...proof, leaf: { key: flipBits(key, [255]), valueHash } });
    out.push({ ...proof, leaf: { key, valueHash: flipBits(valueHash, [0]) } });
  }
  return out;
}

describe('state proofs', () => {
  it('proves inclusion of every present key, and nothing else with the same proof', () => {
    fc.assert(fc.property(batchesArbitrary, keyArbitrary, (batches, otherKey) => {
      const harness = built(batches);
      const tree = harness.tree;
      const root = tree.rootHash(harness.version);
      for (const key of presentKeys(harness)) {
        const { value, proof } = tree.getWithProof(harness.version, key);
        expect(value).toBeDefined();
        if (value === undefined) return;
        expect(verifyStateProof(sha256, root, key, value, proof)).toBe(true);
        expect(verifyStateProof(sha256, root, key, Uint8Array.of(...value, 0), proof)).toBe(false);
        expect(verifyStateProof(sha256, root, key, undefined, proof)).toBe(false);
        expect(verifyStateProof(sha256, flipBits(root, [7]), key, value, proof)).toBe(false);
        if (toHex(otherKey) !== toHex(key)) {
          expect(verifyStateProof(sha256, root, otherKey, value, proof)).toBe(false);
        }
      }
    }), runs);
  });

  it('proves absence of absent keys and never of present ones', () => {
    fc.assert(fc.property(batchesArbitrary, fc.array(keyArbitrary, { maxLength: 10 }),
      (batches, probes) => {
        const harness = built(batches);
        const expected = harness.expected.get(harness.version) ?? new Map<string, Uint8Array>();
        const root = harness.tree.rootHash(harness.version);
        for (const key of probes) {
          const { value, proof } = harness.tree.getWithProof(harness.version, key);
          expect(value).toEqual(expected.get(toHex(key)));
          expect(verifyStateProof(sha256, root, key, value, proof)).toBe(true);
          if (value === undefined) {
            expect(verifyStateProof(sha256, root, key, new Uint8Array(0), proof)).toBe(false);
          }
        }
        for (const key of presentKeys(harness)) {
          const { proof } = harness.tree.getWithProof(harness.version, key);
          expect(verifyStateProof(sha256, root, key, undefined, proof)).toBe(false);
          // A neighbour's honest absence proof must not show a present key absent either.
          const neighbour = flipBits(key, [255]);
          const other = harness.tree.getWithProof(harness.version, neighbour).proof;
          expect(verifyStateProof(sha256, root, key, undefined, other)).toBe(false);
        }
      }), runs);
  });

  it('proves values at old versions against the old root', () => {
    fc.assert(fc.property(batchesArbitrary, keyArbitrary, (batches, probe) => {
      const harness = built(batches);
      for (const [version, expected] of harness.expected) {
        const root = harness.tree.rootHash(version);
        for (const key of [probe, ...[...expected.keys()].map((hex) => fromHex(hex))]) {
          const { value, proof } = harness.tree.getWithProof(version, key);
          expect(value).toEqual(expected.get(toHex(key)));
          expect(verifyStateProof(sha256, root, key, value, proof)).toBe(true);
        }
      }
    }), { numRuns: 60 });
  });

  it('rejects every mutation of a valid proof', () => {
    fc.assert(fc.property(batchesArbitrary, keyArbitrary, (batches, probe) => {
      const harness = built(batches);
      const root = harness.tree.rootHash(harness.version);
      for (const key of [probe, ...presentKeys(harness).slice(0, 5)]) {
        const { value, proof } = harness.tree.getWithProof(harness.version, key);
        for (const mutated of mutations(proof)) {
          expect(verifyStateProof(sha256, root, key, value, mutated)).toBe(false);
        }
      }
    }), runs);
  });

  it('round-trips proofs through their canonical encoding', () => {
    fc.assert(fc.property(batchesArbitrary, keyArbitrary, (batches, key) => {
      const harness = built(batches);
      const { value, proof } = harness.tree.getWithProof(harness.version, key);
      const bytes = encodeProof(proof);
      const decoded = decodeProof(bytes);
      expect(decoded).toEqual(proof);
      expect(encodeProof(decoded)).toEqual(bytes);
      const root = harness.tree.rootHash(harness.version);
      expect(verifyStateProof(sha256, root, key, value, decoded)).toBe(true);
    }), runs);
  });

  it('rejects junk bytes and wrongly shaped CBOR with MALFORMED or INVALID_PROOF', () => {
    const cborArbitrary: fc.Arbitrary<CborValue> = fc.letrec<{ value: CborValue }>((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.integer(),
        fc.string(), fc.uint8Array({ maxLength: 40 }),
        fc.array(tie('value'), { maxLength: 4 })),
    })).value;
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (junk) => {
      const code = codeOf(() => decodeProof(junk));
      const rejected = [ErrorCode.MALFORMED, ErrorCode.INVALID_PROOF, undefined];
      expect(rejected).toContain(code);
      if (code === undefined) expect(encodeProof(decodeProof(junk))).toEqual(junk);
    }), { numRuns: 300 });
    // Random CBOR is almost never a proof; when it happens to be one it must round-trip.
    fc.assert(fc.property(cborArbitrary, (value) => {
      const bytes = encode(value);
      const code = codeOf(() => decodeProof(bytes));
      if (code === undefined) expect(encodeProof(decodeProof(bytes))).toEqual(bytes);
      else expect(code).toBe(ErrorCode.INVALID_PROOF);
    }), { numRuns: 300 });
    const hash = new Uint8Array(32);
    expect(codeOf(() => decodeProof(encode([[hash], null, 1])))).toBe(ErrorCode.INVALID_PROOF);
    expect(codeOf(() => decodeProof(encode([[new Uint8Array(31)], null]))))
      .toBe(ErrorCode.INVALID_PROOF);
    expect(codeOf(() => decodeProof(encode([[], [hash]])))).toBe(ErrorCode.INVALID_PROOF);
    const tooLong = new Array<Uint8Array>(257).fill(hash);
    expect(codeOf(() => decodeProof(encode([tooLong, null])))).toBe(ErrorCode.INVALID_PROOF);
    // Valid CBOR in a non-canonical form (a one-byte integer in two bytes) is not a proof either.
    expect(codeOf(() => decodeProof(Uint8Array.of(0x18, 0x01)))).toBe(ErrorCode.MALFORMED);
    expect(codeOf(() => decodeProof(encode([[], null])))).toBeUndefined();
  });

  it('returns false, never throws, for malformed proofs and arguments', () => {
    const hash = new Uint8Array(32);
    fc.assert(fc.property(fc.anything(), fc.anything(), (proof, value) => {
      const run = (): boolean => verifyStateProof(sha256, hash, hash,
        value as Uint8Array | undefined, proof as StateProof);
      expect(run).not.toThrow();
    }), { numRuns: 300 });
    const empty: StateProof = { siblings: [], leaf: null };
    expect(verifyStateProof(sha256, hash, hash, undefined, empty)).toBe(true);
    expect(verifyStateProof(sha256, new Uint8Array(31), hash, undefined, empty)).toBe(false);
    expect(verifyStateProof(sha256, hash, new Uint8Array(33), undefined, empty)).toBe(false);
    const throwing = (): Uint8Array => {
      throw new Error('broken hash');
    };
    const leafProof: StateProof = { siblings: [], leaf: { key: hash, valueHash: hash } };
    expect(verifyStateProof(throwing, hash, hash, new Uint8Array(1), leafProof)).toBe(false);
    const sparse = { siblings: new Array(3), leaf: null } as unknown as StateProof;
    expect(verifyStateProof(sha256, hash, hash, undefined, sparse)).toBe(false);
  });
});
