// The subject-key committee in the genesis (ADR 0013) is checked before a node uses it, and a
// node's subject key file opens only under its own node key and only if the genesis lists it;
// `zw init` gives each subject-key agency its own key, in its own node home only.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fromHex } from '../../src/core/index.js';
import { generateOprfKey, getSuite } from '../../src/crypto/index.js';
import { initNetwork } from '../../src/node/index.js';
import {
  readSubjectKeyFile, subjectCommitteeOf, subjectKeyFileName, writeSubjectKeyFile,
} from '../../src/node/subject-keys.js';

const suite = getSuite('intl');
const dir = mkdtempSync(join(tmpdir(), 'zw-subject-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the subject-key committee', () => {
  const agencies = [{ id: 'a' }, { id: 'b' }];
  const key = (agency: string) => ({ agency, publicKey: 'ab'.repeat(32) });

  it('is checked: listed agencies, one key each, 32-byte points, listed issuers', () => {
    expect(subjectCommitteeOf({ agencies })).toBeNull();
    expect(subjectCommitteeOf({ agencies, subjects: { keys: [key('a')],
      credentialIssuers: ['b'] } })?.keys).toHaveLength(1);
    for (const subjects of [{ keys: [] }, { keys: [key('c')] }, { keys: [key('a'), key('a')] },
      { keys: [{ agency: 'a', publicKey: 'ab' }] },
      { keys: [key('a')], credentialIssuers: ['c'] }]) {
      expect(() => subjectCommitteeOf({ agencies, subjects })).toThrow(/genesis subjects/);
    }
  });

  it('keys open only under their node key and when the genesis lists them', () => {
    const node = suite.generateKeyPair();
    const oprf = generateOprfKey();
    const path = join(dir, 'key.json');
    writeSubjectKeyFile(path, suite, 'chain', node.privateKey, oprf);
    expect(readSubjectKeyFile(path, suite, 'chain', node.privateKey, oprf.publicKey))
      .toEqual({ secretKey: oprf.secretKey, publicKey: oprf.publicKey });
    expect(() => readSubjectKeyFile(path, suite, 'chain', node.privateKey,
      generateOprfKey().publicKey)).toThrow(/does not list/);
    expect(() => readSubjectKeyFile(path, suite, 'other', node.privateKey, oprf.publicKey))
      .toThrow(/not a subject key of chain other/);
    expect(() => readSubjectKeyFile(path, suite, 'chain', suite.generateKeyPair().privateKey,
      oprf.publicKey)).toThrow();
    expect(readSubjectKeyFile(join(dir, 'none.json'), suite, 'chain', node.privateKey,
      undefined)).toBeNull();
  });

  it('zw init gives each subject-key agency its own key, in its own node home', () => {
    const manifest = initNetwork({ dir: join(dir, 'net'), agencies: 4, suite: 'intl',
      passphrase: 'p', basePort: 0 });
    const genesis = JSON.parse(readFileSync(join(dir, 'net', 'genesis.json'), 'utf8')) as
      { subjects: { keys: { agency: string; publicKey: string }[];
        credentialIssuers: string[] } };
    const police = manifest.nodes.find((node) => node.name === 'police');
    expect(genesis.subjects.keys.map((entry) => entry.agency))
      .toEqual([police?.agency, manifest.nodes[0]?.agency]);
    expect(genesis.subjects.credentialIssuers).toEqual([police?.agency]);
    const homes = manifest.nodes.filter((node) => existsSync(join(node.home,
      subjectKeyFileName)));
    expect(homes.map((node) => node.name).sort()).toEqual(['market', 'police']);
    const file = readFileSync(join(police?.home ?? '', subjectKeyFileName), 'utf8');
    expect(file).not.toContain('secret');
    expect(new Set(genesis.subjects.keys.map((entry) => entry.publicKey)).size).toBe(2);
    expect(fromHex(genesis.subjects.keys[0]?.publicKey ?? '')).toHaveLength(32);
  });
});
