// The validator's last-signed (height, round, step), persisted so that it can never sign two
// different votes for the same step, even across crashes and restarts. The file is replaced
// atomically: write a temporary file, fsync it, rename it over the old one, fsync the directory.
// The node MUST call `record` and let it return BEFORE a signature leaves the process.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ErrorCode, ZwError } from '../core/index.js';

export interface SignedStep {
  readonly height: number;
  readonly round: number;
  /** 1 proposal, 2 prevote, 3 precommit. */
  readonly step: number;
  /** Hex hash of the payload signed at this step, so a crash-retry may re-sign the same one. */
  readonly payloadHash: string;
  /**
   * What the consensus shell needs to resume this height after a restart (its lock, the polka
   * behind it, the messages it signed), persisted in the same atomic write as the step.
   */
  readonly resume?: unknown;
}

export function compareSteps(a: SignedStep, b: SignedStep): number {
  return a.height - b.height || a.round - b.round || a.step - b.step;
}

export class SignerStateFile {
  private last: SignedStep | undefined;

  constructor(private readonly path: string) {
    this.last = SignerStateFile.read(path);
  }

  private static read(path: string): SignedStep | undefined {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const value = JSON.parse(text) as SignedStep;
    if (![value.height, value.round, value.step].every(Number.isSafeInteger) ||
        typeof value.payloadHash !== 'string') {
      throw new ZwError(ErrorCode.INTERNAL, `signer state file ${path} is corrupt`);
    }
    return value;
  }

  get lastSigned(): SignedStep | undefined {
    return this.last;
  }

  /**
   * Durably records that we are about to sign `next`. Refuses (throws) a step at or below the
   * last one unless it is the very same payload, which makes double-signing impossible.
   */
  record(next: SignedStep): void {
    const last = this.last;
    if (last !== undefined) {
      const order = compareSteps(next, last);
      if (order < 0 || (order === 0 && next.payloadHash !== last.payloadHash)) {
        throw new ZwError(ErrorCode.INTERNAL,
          `refusing to sign h=${next.height} r=${next.round} s=${next.step}: ` +
          `already signed h=${last.height} r=${last.round} s=${last.step}`);
      }
      if (order === 0 && next.resume === undefined) return;
    }
    const temporary = `${this.path}.tmp`;
    const file = openSync(temporary, 'w', 0o600);
    writeSync(file, JSON.stringify(next));
    fsyncSync(file);
    closeSync(file);
    renameSync(temporary, this.path);
    const directory = openSync(dirname(this.path), 'r');
    fsyncSync(directory);
    closeSync(directory);
    this.last = next;
  }
}
