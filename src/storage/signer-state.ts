// The validator's last-signed (height, round, step), persisted so that it can never sign two
// different votes for the same step, even across crashes and restarts. The file is replaced
// atomically: write a temporary file, fsync it, rename it over the old one, fsync the directory.
// The node MUST call `record` and let it return BEFORE a signature leaves the process.
//
// The descriptors a write needs (the directory, and the next temporary file) are opened ahead
// and held, so a process whose other descriptors are all taken (a flood of client sockets:
// EMFILE) can still persist a step. The only descriptor opened during `record` is the next
// spare temporary file, right after the previous one's slot is freed. If a write cannot be made
// durable, `record` throws UNAVAILABLE with the reason and the caller does not sign; the next
// step tries again.
import {
  closeSync, fsyncSync, ftruncateSync, openSync, readFileSync, renameSync, writeSync,
} from 'node:fs';
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
  private readonly temporary: string;
  private readonly directory: number;
  /** The open temporary file the next record is written to (undefined if it could not open). */
  private spare: number | undefined;

  constructor(private readonly path: string) {
    this.last = SignerStateFile.read(path);
    this.temporary = `${path}.tmp`;
    this.directory = openSync(dirname(path), 'r');
    this.spare = openSync(this.temporary, 'w', 0o600);
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
    try {
      this.persist(JSON.stringify(next));
    } catch (error) {
      // Whatever the spare now names (after a rename it is the state file), it is not written
      // again: the next record opens a fresh one.
      if (this.spare !== undefined) {
        try {
          closeSync(this.spare);
        } catch {
          // Already unusable.
        }
      }
      this.spare = undefined;
      throw new ZwError(ErrorCode.UNAVAILABLE, `signer state h=${next.height} r=${next.round} ` +
        `s=${next.step} not persisted, so not signed: ${(error as Error).message}`);
    }
    this.last = next;
  }

  private persist(text: string): void {
    // The spare must name the temporary path: after a failed attempt it is opened again.
    const file = this.spare ?? openSync(this.temporary, 'w', 0o600);
    this.spare = file;
    const bytes = Buffer.from(text);
    ftruncateSync(file, 0);
    let written = 0;
    while (written < bytes.length) {
      written += writeSync(file, bytes, written, bytes.length - written, written);
    }
    fsyncSync(file);
    renameSync(this.temporary, this.path);
    fsyncSync(this.directory);
    // The spare is now the state file itself: close it and take its slot for the next spare.
    this.spare = undefined;
    closeSync(file);
    try {
      this.spare = openSync(this.temporary, 'w', 0o600);
    } catch {
      // This step is durable; the next record opens the spare again, or refuses to sign.
    }
  }

  /** Releases the held descriptors (the state stays on disk). */
  close(): void {
    if (this.spare !== undefined) closeSync(this.spare);
    this.spare = undefined;
    closeSync(this.directory);
  }
}
