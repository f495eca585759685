// Proves the audit commands end to end against a node: `zw audit receipts` lists receipts (with
// purposes for a reader's --key, which the purpose filter needs), `zw audit evidence` writes a
// bundle that `zw audit verify` accepts offline from the genesis
// file and refuses once tampered, and `zw usage` shows the covert placeholder to an auditor,
// and a citizen their own log with a credential from `zw citizen issue` (ADR 0013).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditCommand, usageCommand } from '../../src/cli/audit-command.js';
import { citizenCommand } from '../../src/cli/citizen-command.js';
import {
  Account, createKeystore, getSuite, identityCall, openKeystore,
} from '../../src/sdk/index.js';
import type { Command } from 'commander';
import { provableBundle, startDataNode, subject } from './data-fixture.js';
import type { DataNode } from './data-fixture.js';

let data: DataNode;
let dir: string;

beforeAll(async () => {
  data = await startDataNode();
  dir = mkdtempSync(join(tmpdir(), 'zw-audit-'));
  await provableBundle(data.client, data.openReceipt);
}, 120_000);
afterAll(async () => {
  await data.running.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs a command in-process; returns its stdout, stderr and exit code. */
async function zw(command: Command, args: string[]):
  Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
  process.exitCode = 0;
  try {
    await command.parseAsync(args, { from: 'user' });
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out, err, code };
}

describe('zw audit and zw usage', () => {
  it('exports evidence and verifies it offline; a tampered bundle fails', async () => {
    const node = ['--node', data.running.url];
    const pass = join(dir, 'reader-pass');
    writeFileSync(pass, 'reader pass\n');
    const readerKey = join(dir, 'reader.key');
    writeFileSync(readerKey, createKeystore(getSuite('intl'), data.officerKey, 'reader pass'));
    const reader = ['--key', readerKey, '--passphrase-file', pass];
    const refused = await zw(auditCommand(), ['receipts', '--purpose', 'tax', ...node]);
    expect(refused.err, 'the purpose filter needs a reader').toContain('UNAUTHORIZED');
    const listed = await zw(auditCommand(), ['receipts', '--purpose', 'tax', ...reader,
      ...node]);
    expect(listed.out).toContain(data.openReceipt);
    expect(listed.out).toContain('tax registration check');
    const file = join(dir, 'bundle.json');
    const exported = await zw(auditCommand(), ['evidence', data.openReceipt, '--out', file,
      ...reader, ...node]);
    expect(exported.code, exported.err).toBe(0);
    const genesis = join(data.running.dir, 'genesis.json');
    const verified = await zw(auditCommand(), ['verify', file, '--genesis', genesis, '--json']);
    expect(verified.code, verified.err).toBe(0);
    expect(JSON.parse(verified.out)).toMatchObject({ verified: true,
      receipt: { id: data.openReceipt } });
    expect(JSON.parse(verified.out)).toMatchObject({
      personal: { purpose: 'tax registration check' } });
    const bundle = JSON.parse(readFileSync(file, 'utf8')) as
      { personal: { personal: { purpose: string } } };
    bundle.personal.personal.purpose = 'changed';
    writeFileSync(file, JSON.stringify(bundle));
    const tampered = await zw(auditCommand(), ['verify', file, '--genesis', genesis]);
    expect(tampered.code).toBe(2);
    expect(tampered.err).toContain('INVALID_PROOF');
  });

  it('lists a subject\'s accesses for an auditor, and a citizen\'s own with a credential',
    async () => {
      const node = ['--node', data.running.url];
      const suite = getSuite('intl');
      const pass = join(dir, 'pass');
      writeFileSync(pass, 'citizen pass\n');
      const auditorKey = join(dir, 'auditor.key');
      writeFileSync(auditorKey, createKeystore(suite, data.officerKey, 'citizen pass'));
      const signer = ['--passphrase-file', pass];
      const listed = await zw(usageCommand(), [subject, '--key', auditorKey, ...signer, ...node]);
      expect(listed.code, listed.err).toBe(0);
      expect(listed.out).toContain('covert access, disclosed from height 1000000');
      expect(listed.out).toContain('tax registration check');
      // A citizen makes a key; a subject-credential member issues the credential.
      const citizenKey = join(dir, 'citizen.key');
      const made = await zw(citizenCommand(), ['key', '--out', citizenKey, ...signer, ...node]);
      expect(made.code, made.err).toBe(0);
      const officerKey = join(dir, 'officer.key');
      const officer = suite.generateKeyPair();
      writeFileSync(officerKey, createKeystore(suite, officer, 'citizen pass'));
      const admin = new Account(suite, openKeystore(readFileSync(join(data.running.dir,
        'admins', 'market.key'), 'utf8'), data.running.passphrase), data.client);
      await identityCall(admin, 'registerMember', { publicKey: officer.publicKey,
        roles: ['subject-credential'] });
      const credential = join(dir, 'credential.json');
      const issued = await zw(citizenCommand(), ['issue', '--national-id', '11010519491231002X',
        '--holder', citizenKey, '--out', credential, '--key', officerKey, ...signer, ...node]);
      expect(issued.code, issued.err).toBe(0);
      const own = await zw(usageCommand(), ['--key', citizenKey, '--credential', credential,
        ...signer, ...node, '--json']);
      expect(own.code, own.err).toBe(0);
      const file = JSON.parse(readFileSync(credential, 'utf8')) as { subject: string };
      expect(JSON.parse(own.out)).toMatchObject({ subject: file.subject, items: [] });
      // The citizen's key without the credential, or for another subject, is refused.
      const bare = await zw(usageCommand(), [file.subject, '--key', citizenKey, ...signer,
        ...node]);
      expect(bare.err).toContain('SUBJECT_PROOF_INVALID');
      const other = await zw(usageCommand(), [subject, '--key', citizenKey, '--credential',
        credential, ...signer, ...node]);
      expect(other.err).toContain('SUBJECT_PROOF_INVALID');
      const neither = await zw(usageCommand(), ['--key', citizenKey, ...signer, ...node]);
      expect(neither.err).toContain('give a subject id or --credential');
    });
});
