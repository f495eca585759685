// `zw crypto`: offline key and file tools on the chain's two suites, for operators and for
// checking our cryptography against other tools (openssl reads and writes the same PEM files,
// signatures and ciphertexts). Keys live in PEM files: PKCS#8 private, SPKI public. The key's
// algorithm picks the suite: Ed25519 and X25519 are intl, SM2 is gm. Private keys are never
// printed; only public keys, addresses, digests and signatures are.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ErrorCode, ZwError, fromHex, toHex } from '../core/index.js';
import {
  getSuite, privateKeyFromPem, privateKeyToPem, publicKeyFromPem, publicKeyToPem,
  suiteOfKeyKind, symmetricCipherName,
} from '../crypto/index.js';
import type { KeyKind, SuiteName } from '../crypto/index.js';
import { output, run } from './io.js';

const suiteChoices: readonly SuiteName[] = ['gm', 'intl'];

interface JsonFlag {
  readonly json?: boolean;
}

function writeNew(path: string, data: string | Uint8Array, force: boolean | undefined,
  mode: number): void {
  if (force !== true && existsSync(path)) {
    throw new ZwError(ErrorCode.ALREADY_EXISTS, `${path} exists; pass --force to overwrite`);
  }
  writeFileSync(path, data, { mode });
}

function readKeyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new ZwError(ErrorCode.NOT_FOUND, `cannot read key file ${path}`);
  }
}

function readInput(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path === '-' ? 0 : path));
  } catch {
    throw new ZwError(ErrorCode.NOT_FOUND, `cannot read ${path}`);
  }
}

function requireKind(kind: KeyKind, allowed: readonly KeyKind[], action: string): void {
  if (!allowed.includes(kind)) {
    throw new ZwError(ErrorCode.UNSUPPORTED_KEY,
      `a ${kind} key cannot ${action} (use ${allowed.join(' or ')})`);
  }
}

interface KeygenFlags extends JsonFlag {
  readonly suite: SuiteName;
  readonly encryption?: boolean;
  readonly out: string;
  readonly pubOut: string;
  readonly force?: boolean;
}

function keygen(flags: KeygenFlags): void {
  const suite = getSuite(flags.suite);
  const encryption = flags.encryption === true;
  const pair = encryption ? suite.encryptionKeyPair() : suite.generateKeyPair();
  const kind: KeyKind = flags.suite === 'gm' ? 'sm2' : encryption ? 'x25519' : 'ed25519';
  writeNew(flags.out, privateKeyToPem(kind, pair.privateKey, pair.publicKey), flags.force, 0o600);
  writeNew(flags.pubOut, publicKeyToPem(kind, pair.publicKey), flags.force, 0o644);
  pair.privateKey.fill(0);
  // An address names a signing account; X25519 keys only receive encrypted data.
  const address = kind === 'x25519' ? undefined : toHex(suite.address(pair.publicKey));
  output(flags, {
    suite: suite.name, kind, purpose: encryption ? 'encryption' : 'signing',
    publicKey: toHex(pair.publicKey), ...(address === undefined ? {} : { address }),
    out: flags.out, pubOut: flags.pubOut,
  }, () => `${kind} key written to ${flags.out}, public key to ${flags.pubOut}` +
    (address === undefined ? '' : `\naddress ${address}`));
}

function hash(file: string, flags: JsonFlag & { alg: 'sm3' | 'sha256' }): void {
  const digest = toHex(getSuite(flags.alg === 'sm3' ? 'gm' : 'intl').hash(readInput(file)));
  output(flags, { alg: flags.alg, file, digest }, () => digest);
}

function sign(file: string, flags: JsonFlag & { key: string }): void {
  const key = privateKeyFromPem(readKeyFile(flags.key));
  requireKind(key.kind, ['ed25519', 'sm2'], 'sign');
  const suite = getSuite(suiteOfKeyKind(key.kind));
  const signature = toHex(suite.sign(key.privateKey, readInput(file)));
  key.privateKey.fill(0);
  output(flags, { suite: suite.name, kind: key.kind, file, signature }, () => signature);
}

function verify(file: string, flags: JsonFlag & { pub: string; sig: string }): void {
  const key = publicKeyFromPem(readKeyFile(flags.pub));
  requireKind(key.kind, ['ed25519', 'sm2'], 'verify');
  const suite = getSuite(suiteOfKeyKind(key.kind));
  const valid = suite.verify(key.publicKey, readInput(file), fromHex(flags.sig, '--sig'));
  // Exit 0 only for a valid signature, so scripts can test the result directly.
  if (!valid) process.exitCode = 1;
  output(flags, { suite: suite.name, kind: key.kind, file, valid },
    () => (valid ? 'signature valid' : 'signature INVALID'));
}

interface CipherFlags extends JsonFlag {
  readonly in: string;
  readonly out: string;
  readonly pub?: string;
  readonly key?: string;
  readonly keyHex?: string;
  readonly suite?: SuiteName;
  readonly aadHex?: string;
  readonly force?: boolean;
}

function symmetric(flags: CipherFlags, direction: 'encrypt' | 'decrypt'): {
  mode: string; bytes: Uint8Array;
} {
  if (flags.suite === undefined) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, '--key-hex needs --suite gm|intl');
  }
  const suite = getSuite(flags.suite);
  const key = fromHex(flags.keyHex ?? '', '--key-hex');
  const input = readInput(flags.in);
  const aad = flags.aadHex === undefined ? undefined : fromHex(flags.aadHex, '--aad-hex');
  const bytes = direction === 'encrypt' ? suite.sealSymmetric(key, input, aad)
    : suite.openSymmetric(key, input, aad);
  key.fill(0);
  return { mode: symmetricCipherName[suite.name], bytes };
}

function publicKeyEncrypt(flags: CipherFlags): { mode: string; bytes: Uint8Array } {
  if (flags.pub === undefined) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'encrypt needs --pub or --key-hex');
  }
  const key = publicKeyFromPem(readKeyFile(flags.pub));
  requireKind(key.kind, ['x25519', 'sm2'], 'receive encrypted data');
  const suite = getSuite(suiteOfKeyKind(key.kind));
  return { mode: modeOf(key.kind), bytes: suite.encrypt(key.publicKey, readInput(flags.in)) };
}

function privateKeyDecrypt(flags: CipherFlags): { mode: string; bytes: Uint8Array } {
  if (flags.key === undefined) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'decrypt needs --key or --key-hex');
  }
  const key = privateKeyFromPem(readKeyFile(flags.key));
  requireKind(key.kind, ['x25519', 'sm2'], 'decrypt');
  const suite = getSuite(suiteOfKeyKind(key.kind));
  const bytes = suite.decrypt(key.privateKey, readInput(flags.in));
  key.privateKey.fill(0);
  return { mode: modeOf(key.kind), bytes };
}

function modeOf(kind: KeyKind): string {
  return kind === 'sm2' ? 'sm2' : 'x25519-hkdf-sha256-aes-256-gcm';
}

function crypt(flags: CipherFlags, direction: 'encrypt' | 'decrypt'): void {
  const { mode, bytes } = flags.keyHex !== undefined ? symmetric(flags, direction)
    : direction === 'encrypt' ? publicKeyEncrypt(flags) : privateKeyDecrypt(flags);
  writeNew(flags.out, bytes, flags.force, direction === 'decrypt' ? 0o600 : 0o644);
  output(flags, { mode, in: flags.in, out: flags.out, bytes: bytes.length },
    () => `${direction}ed ${flags.in} -> ${flags.out} (${mode}, ${bytes.length} bytes)`);
}

function cipherCommand(name: 'encrypt' | 'decrypt'): Command {
  const command = new Command(name)
    .description(name === 'encrypt'
      ? 'encrypt a file to a public key (SM2 or X25519 envelope) or with a symmetric key'
      : 'decrypt a file with a private key (SM2 or X25519) or a symmetric key')
    .requiredOption('--in <file>', 'input file ("-" for standard input)')
    .requiredOption('--out <file>', 'output file');
  if (name === 'encrypt') command.option('--pub <pem>', 'recipient public key (SPKI PEM)');
  else command.option('--key <pem>', 'private key (PKCS#8 PEM)');
  return command
    .option('--key-hex <hex>', '32-byte symmetric key: SM4-CTR+HMAC-SM3 (gm), AES-256-GCM (intl)')
    .addOption(new Option('--suite <suite>', 'suite of --key-hex').choices(suiteChoices))
    .option('--aad-hex <hex>', 'associated data bound to a symmetric ciphertext')
    .option('--force', 'overwrite the output file')
    .option('--json', 'machine-readable output')
    .action(run((flags: CipherFlags) => crypt(flags, name)));
}

export function cryptoCommand(): Command {
  const command = new Command('crypto')
    .description('keys, hashes, signatures and encryption with the intl and gm (国密) suites');
  command.command('keygen')
    .description('generate a key pair as PEM files (PKCS#8 private, SPKI public)')
    .addOption(new Option('--suite <suite>', 'gm (SM2) or intl (Ed25519 / X25519)')
      .choices(suiteChoices).makeOptionMandatory())
    .option('--encryption', 'an encryption key (X25519 on intl; SM2 keys do both)')
    .requiredOption('--out <file>', 'private key file to write (mode 0600)')
    .requiredOption('--pub-out <file>', 'public key file to write')
    .option('--force', 'overwrite existing files')
    .option('--json', 'machine-readable output')
    .action(run(keygen));
  command.command('hash')
    .description('print the hex digest of a file')
    .addOption(new Option('--alg <alg>', 'digest').choices(['sm3', 'sha256'])
      .makeOptionMandatory())
    .argument('<file>', 'file to hash ("-" for standard input)')
    .option('--json', 'machine-readable output')
    .action(run(hash));
  command.command('sign')
    .description('sign a file; prints the hex signature (SM2: DER, default user id)')
    .requiredOption('--key <pem>', 'private key (PKCS#8 PEM, Ed25519 or SM2)')
    .argument('<file>', 'file to sign ("-" for standard input)')
    .option('--json', 'machine-readable output')
    .action(run(sign));
  command.command('verify')
    .description('check a signature; exits 0 only if it is valid')
    .requiredOption('--pub <pem>', 'public key (SPKI PEM, Ed25519 or SM2)')
    .requiredOption('--sig <hex>', 'signature in hex')
    .argument('<file>', 'signed file ("-" for standard input)')
    .option('--json', 'machine-readable output')
    .action(run(verify));
  command.addCommand(cipherCommand('encrypt'));
  command.addCommand(cipherCommand('decrypt'));
  return command;
}
