import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveSubjectId, normalizePersonalId } from '../../src/crypto/index.js';

describe('pseudonymous subject ids', () => {
  it('equals scrypt(id, chain salt) as OpenSSL computes it', () => {
    const expected = scryptSync('11010519491231002X', 'zhengwu/subject/v1/city-chain', 32,
      { N: 2 ** 13, r: 8, p: 1 }).toString('hex');
    expect(deriveSubjectId(' 11010519491231002x ', 'city-chain')).toBe(expected);
  });

  it('differs between chains and between people', () => {
    const a = deriveSubjectId('11010519491231002X', 'chain-a');
    expect(deriveSubjectId('11010519491231002X', 'chain-b')).not.toBe(a);
    expect(deriveSubjectId('E12345678', 'chain-a')).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a resident id with a wrong check digit and malformed ids', () => {
    expect(normalizePersonalId('11010519491231002x')).toBe('11010519491231002X');
    expect(() => normalizePersonalId('110105194912310021')).toThrow(/check digit/);
    expect(() => normalizePersonalId('1101051949123')).toThrow(/personal id/);
    expect(() => normalizePersonalId('ab cd')).toThrow(/personal id/);
  });
});
