// Proves that an access receipt's evidence bundle verifies offline against trust taken from the
// genesis file alone, and that every kind of tampering fails with a clear error: a changed
// receipt field, a changed proven value, a wrong proof, a forged or stripped commit signature,
// a header of another chain, and a bundle checked against another chain's genesis. The personal
// fields come only to a reader entitled to them, proven under the same header (ADR 0010).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode, encode, fromBase64, fromHex, toBase64, toHex } from '../../src/core/index.js';
import type { CborValue } from '../../src/core/index.js';
import { trustFromGenesis, verifyEvidenceBundle } from '../../src/sdk/index.js';
import type { EvidenceBundle, TrustedChain } from '../../src/sdk/index.js';
import { provableBundle, startDataNode } from './data-fixture.js';
import type { DataNode } from './data-fixture.js';

let data: DataNode;
let bundle: EvidenceBundle;
let trust: TrustedChain;

beforeAll(async () => {
  data = await startDataNode();
  bundle = await provableBundle(data.client, data.openReceipt, data.officer);
  // Offline: the verifier reads only the genesis file, never the node.
  trust = trustFromGenesis(JSON.parse(readFileSync(join(data.running.dir, 'genesis.json'),
    'utf8')));
}, 120_000);
afterAll(async () => data.running.stop());

/** A deep copy of the bundle with `change` applied. */
function tampered(change: (copy: { -readonly [K in keyof EvidenceBundle]: EvidenceBundle[K] })
  => void): EvidenceBundle {
  const copy = structuredClone(bundle) as { -readonly [K in keyof EvidenceBundle]:
    EvidenceBundle[K] };
  change(copy);
  return copy;
}

/** Re-encodes a base64 CBOR field after `edit` changes its decoded form. */
function reencode(base64: string, edit: (value: CborValue[]) => void): string {
  const value = decode(fromBase64(base64, 'field')) as CborValue[];
  edit(value);
  return toBase64(encode(value));
}

describe('evidence bundles', () => {
  it('verifies offline from the genesis file', () => {
    const verified = verifyEvidenceBundle(bundle, trust);
    expect(verified.receipt.id).toBe(data.openReceipt);
    expect(verified.receipt.requester).toBe(data.agency);
    expect(verified.receipt.purpose, 'the receipt holds no personal field').toBeUndefined();
    expect(verified.personal).toMatchObject({ purpose: 'tax registration check',
      officialId: 'T-0042', caseNumber: '2026-0001' });
    expect(verified.header.height).toBe(bundle.height + 1);
    expect(bundle.validators).toHaveLength(verified.validatorCount);
    // It survives a round trip through a file.
    expect(verifyEvidenceBundle(JSON.parse(JSON.stringify(bundle)) as EvidenceBundle, trust)
      .receipt.id).toBe(data.openReceipt);
  });

  it('refuses a changed receipt field and changed personal fields', () => {
    const changed = tampered((copy) => {
      copy.receipt = { ...(copy.receipt as Record<string, never>), system: 'something else' };
    });
    expect(() => verifyEvidenceBundle(changed, trust)).toThrow(/differs from the proven value/);
    const personal = tampered((copy) => {
      const proven = copy.personal;
      if (proven === undefined) throw new Error('the officer\'s bundle has personal fields');
      copy.personal = { ...proven, personal: { ...(proven.personal as Record<string, never>),
        purpose: 'something else' } };
    });
    expect(() => verifyEvidenceBundle(personal, trust))
      .toThrow(/personal fields differ from the proven value/);
  });

  it('gives no personal field to a reader without a proof', async () => {
    const open = await provableBundle(data.client, data.openReceipt);
    expect(open.personal).toBeUndefined();
    expect(verifyEvidenceBundle(open, trust).personal).toBeNull();
  });

  it('refuses a changed value (the proof no longer matches)', () => {
    const value = decode(fromHex(bundle.value, 'value')) as Record<string, CborValue>;
    const forged = toHex(encode({ ...value, system: 'something else' }));
    const changed = tampered((copy) => {
      copy.value = forged;
      copy.receipt = { ...(copy.receipt as Record<string, never>), system: 'something else' };
    });
    expect(() => verifyEvidenceBundle(changed, trust)).toThrow(/value proof does not verify/);
  });

  it('refuses another receipt id or a proof of another key', () => {
    const otherId = tampered((copy) => { copy.receiptId = data.covertReceipt; });
    expect(() => verifyEvidenceBundle(otherId, trust)).toThrow(/value proof does not verify/);
    const wrongProof = tampered((copy) => {
      copy.proof = { ...copy.proof, proof: toBase64(encode(['not', 'a', 'proof'])) };
    });
    expect(() => verifyEvidenceBundle(wrongProof, trust)).toThrow(/state proof is malformed/);
  });

  it('refuses a forged or missing commit signature', () => {
    const forged = tampered((copy) => {
      copy.proof = { ...copy.proof, commit: reencode(copy.proof.commit, (commit) => {
        const signatures = commit[commit.length - 1] as CborValue[][];
        const first = signatures[0] as CborValue[];
        const signature = Uint8Array.from(first[1] as Uint8Array);
        signature[0] = (signature[0] as number) ^ 0xff;
        first[1] = signature;
      }) };
    });
    expect(() => verifyEvidenceBundle(forged, trust)).toThrow(/bad signature from/);
    const stripped = tampered((copy) => {
      copy.proof = { ...copy.proof, commit: reencode(copy.proof.commit, (commit) => {
        commit[commit.length - 1] = [];
      }) };
    });
    expect(() => verifyEvidenceBundle(stripped, trust))
      .toThrow(/signers hold 2\/3 or less of the power/);
  });

  it('refuses a header from another chain and a bundle of another chain', () => {
    const otherHeader = tampered((copy) => {
      copy.proof = { ...copy.proof, header: reencode(copy.proof.header, (header) => {
        header[1] = 'another-chain';
      }) };
    });
    expect(() => verifyEvidenceBundle(otherHeader, trust))
      .toThrow(/header is for chain another-chain/);
    const otherChain = { ...trust, chainId: 'another-chain' } as TrustedChain;
    expect(() => verifyEvidenceBundle(bundle, otherChain))
      .toThrow(/bundle is for chain .*, the genesis is another-chain/);
  });
});
