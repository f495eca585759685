// Shared plumbing of the `zw` commands: output in human or JSON form, passphrases from the
// environment, a file or a hidden prompt, and one way to turn errors into exit codes.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { ErrorCode, ZwError, isZwError } from '../core/index.js';

export interface OutputOptions {
  readonly json?: boolean;
}

/** Prints `value` as JSON with --json, else the human text. */
export function output(options: OutputOptions, value: unknown, human: () => string): void {
  process.stdout.write(options.json === true ? `${JSON.stringify(value, null, 2)}\n`
    : `${human()}\n`);
}

/** Runs a command body and maps failures to a message on stderr and a non-zero exit code. */
export function run<A extends unknown[]>(body: (...args: A) => Promise<void> | void):
  (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await body(...args);
    } catch (error) {
      const json = args.some((arg) => typeof arg === 'object' && arg !== null &&
        (arg as OutputOptions).json === true);
      const code = isZwError(error) ? error.code : ErrorCode.INTERNAL;
      const message = (error as Error).message ?? String(error);
      if (json) process.stderr.write(`${JSON.stringify({ code, message })}\n`);
      else process.stderr.write(`zw: ${code}: ${message}\n`);
      process.exitCode = 2;
    }
  };
}

export interface PassphraseOptions {
  readonly passphraseFile?: string;
}

/**
 * The keystore passphrase: --passphrase-file, else ZW_PASSPHRASE, else `fallbackFile`, else a
 * prompt on the terminal with echo off. Scripts and CI must use the first two.
 */
export async function readPassphrase(
  options: PassphraseOptions, purpose: string, fallbackFile?: string,
): Promise<string> {
  const file = options.passphraseFile ?? (process.env.ZW_PASSPHRASE === undefined
    ? fallbackFile : undefined);
  if (file !== undefined) return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  if (process.env.ZW_PASSPHRASE !== undefined) return process.env.ZW_PASSPHRASE;
  if (!process.stdin.isTTY) {
    throw new ZwError(ErrorCode.BAD_PASSPHRASE,
      'no passphrase: set ZW_PASSPHRASE or pass --passphrase-file');
  }
  return prompt(`Passphrase for ${purpose}: `);
}

async function prompt(question: string): Promise<string> {
  let muted = false;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (!muted) process.stdout.write(chunk);
      callback();
    },
  });
  const rl = createInterface({ input: process.stdin, output: sink, terminal: true });
  process.stdout.write(question);
  muted = true;
  const answer = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stdout.write('\n');
  return answer;
}

/** Parses repeated --meta k=v options into a record. */
export function parseMeta(pairs: readonly string[]): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new ZwError(ErrorCode.INVALID_ARGUMENT, `--meta ${pair}: expected k=v`);
    meta[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return meta;
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
