// Proves that `zw crypto` works end to end on files: keygen writes PEM keys (private ones mode
// 0600), hash prints the standard digests, sign/verify round-trip with verify's exit code
// telling valid from invalid, encrypt/decrypt round-trip with SM2, X25519 and both symmetric
// ciphers, wrong key types are refused, and every command documents --json in its help.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, expect, it, vi } from 'vitest';
import { cryptoCommand } from '../../src/cli/crypto-command.js';

const dir = mkdtempSync(join(tmpdir(), 'zw-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

const path = (name: string): string => join(dir, name);

/** Runs `zw crypto ...args` in-process; returns what it printed and the exit code it set. */
async function zw(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
  process.exitCode = undefined;
  await cryptoCommand().parseAsync(args, { from: 'user' });
  const code = Number(process.exitCode ?? 0);
  vi.restoreAllMocks();
  return { out, err, code };
}

it('generates gm and intl keys, signs and verifies with exit codes', async () => {
  writeFileSync(path('msg'), 'abc');
  for (const suite of ['gm', 'intl']) {
    const keygen = await zw('keygen', '--suite', suite, '--out', path(`${suite}.pem`),
      '--pub-out', path(`${suite}.pub.pem`), '--json');
    const info = JSON.parse(keygen.out) as { kind: string; address: string };
    expect(info.kind).toBe(suite === 'gm' ? 'sm2' : 'ed25519');
    expect(info.address).toMatch(/^[0-9a-f]{40}$/);
    expect(statSync(path(`${suite}.pem`)).mode & 0o777).toBe(0o600);
    expect(readFileSync(path(`${suite}.pem`), 'utf8')).toContain('BEGIN PRIVATE KEY');

    const signature = (await zw('sign', '--key', path(`${suite}.pem`), path('msg'))).out.trim();
    const valid = await zw('verify', '--pub', path(`${suite}.pub.pem`), '--sig', signature,
      path('msg'), '--json');
    expect(valid.code).toBe(0);
    expect(JSON.parse(valid.out)).toMatchObject({ valid: true });
    writeFileSync(path('msg2'), 'abd');
    const invalid = await zw('verify', '--pub', path(`${suite}.pub.pem`), '--sig', signature,
      path('msg2'));
    expect(invalid.code).not.toBe(0);
    expect(invalid.out).toContain('INVALID');
  }
});

it('hashes with SM3 and SHA-256', async () => {
  writeFileSync(path('abc'), 'abc');
  expect((await zw('hash', '--alg', 'sm3', path('abc'))).out.trim())
    .toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  const sha = JSON.parse((await zw('hash', '--alg', 'sha256', path('abc'), '--json')).out) as {
    digest: string;
  };
  expect(sha.digest).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

it('encrypts and decrypts with SM2, X25519 and symmetric keys', async () => {
  const plaintext = 'catalog entry 11010000-0001 payload';
  writeFileSync(path('plain'), plaintext);
  await zw('keygen', '--suite', 'gm', '--encryption', '--out', path('e-gm.pem'),
    '--pub-out', path('e-gm.pub.pem'));
  await zw('keygen', '--suite', 'intl', '--encryption', '--out', path('e-intl.pem'),
    '--pub-out', path('e-intl.pub.pem'));
  for (const suite of ['gm', 'intl']) {
    await zw('encrypt', '--pub', path(`e-${suite}.pub.pem`), '--in', path('plain'),
      '--out', path(`${suite}.ct`));
    await zw('decrypt', '--key', path(`e-${suite}.pem`), '--in', path(`${suite}.ct`),
      '--out', path(`${suite}.pt`));
    expect(readFileSync(path(`${suite}.pt`), 'utf8')).toBe(plaintext);

    const key = '7'.repeat(64);
    const sealed = await zw('encrypt', '--key-hex', key, '--suite', suite, '--in', path('plain'),
      '--out', path(`${suite}.sealed`), '--json');
    expect(JSON.parse(sealed.out)).toMatchObject({
      mode: suite === 'gm' ? 'sm4-ctr-hmac-sm3' : 'aes-256-gcm',
    });
    await zw('decrypt', '--key-hex', key, '--suite', suite, '--in', path(`${suite}.sealed`),
      '--out', path(`${suite}.opened`));
    expect(readFileSync(path(`${suite}.opened`), 'utf8')).toBe(plaintext);
  }
});

it('refuses wrong key types and existing output files', async () => {
  writeFileSync(path('m'), 'm');
  await zw('keygen', '--suite', 'intl', '--encryption', '--out', path('x.pem'),
    '--pub-out', path('x.pub.pem'));
  const wrongKind = await zw('sign', '--key', path('x.pem'), path('m'), '--json');
  expect(wrongKind.code).toBe(2);
  expect(JSON.parse(wrongKind.err)).toMatchObject({ code: 'UNSUPPORTED_KEY' });
  const exists = await zw('keygen', '--suite', 'gm', '--out', path('x.pem'),
    '--pub-out', path('y.pub.pem'));
  expect(exists.code).toBe(2);
  expect(exists.err).toContain('ALREADY_EXISTS');
});

it('documents --json in the help of every command', () => {
  const command = cryptoCommand();
  expect(command.commands.map((c) => c.name()).sort())
    .toEqual(['decrypt', 'encrypt', 'hash', 'keygen', 'sign', 'verify']);
  for (const sub of command.commands) expect(sub.helpInformation()).toContain('--json');
});
