// A node's configuration file (<home>/config.json). Paths in it are relative to the home folder.
// Secrets are not in it: the keystore is encrypted and its passphrase comes from ZW_PASSPHRASE,
// a passphrase file, or a prompt.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ErrorCode, ZwError } from '../core/index.js';
import type { ApiLimits } from '../api/index.js';

/**
 * Bounds on this node's clients, lower (or higher) than the defaults in core/limits.ts: the
 * API's (connections, timeouts, query budget, subscribers, uploads) and non-members' rates.
 */
export interface ClientLimitsConfig extends Partial<ApiLimits> {
  readonly nonMemberTxsPerSecondPerSender?: number;
  readonly nonMemberTxsPerSecondPerAddress?: number;
}

export interface NodeConfig {
  readonly moniker: string;
  /** The agency identifier this node belongs to. */
  readonly agency: string;
  readonly api: { readonly host: string; readonly port: number;
    readonly limits?: ClientLimitsConfig };
  /** Peer-to-peer listener and the persistent peers this node dials. */
  readonly p2p: {
    readonly host: string;
    readonly port: number;
    readonly peers: readonly { readonly host: string; readonly port: number }[];
  };
  /** This node's TLS key and certificate (issued by its agency's CA), relative to home. */
  readonly tls: { readonly key: string; readonly cert: string };
  /** Encrypted validator keystore, relative to home. */
  readonly keystore: string;
  /** Optional file holding the keystore passphrase (development networks only). */
  readonly passphraseFile?: string;
  readonly genesis: string;
  /** Folder of the database, relative to home. */
  readonly dataDir: string;
  /** Quiet time, in milliseconds, the proposer waits to gather transactions into a block. */
  readonly blockGatherMs: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug';
}

export const configFileName = 'config.json';

export function loadConfig(home: string): NodeConfig {
  let config: NodeConfig;
  try {
    config = JSON.parse(readFileSync(resolve(home, configFileName), 'utf8')) as NodeConfig;
  } catch (error) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT,
      `cannot read ${configFileName} in ${home}: ${(error as Error).message}`);
  }
  if (typeof config.api?.port !== 'number' || typeof config.keystore !== 'string' ||
      typeof config.p2p?.port !== 'number' || typeof config.tls?.cert !== 'string') {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, `${configFileName} in ${home} is incomplete`);
  }
  return { ...config, blockGatherMs: config.blockGatherMs ?? 20, logLevel: config.logLevel ?? 'info',
    dataDir: config.dataDir ?? 'data' };
}

/** Fallback when the limit cannot be read: the usual soft limit of a Linux process. */
const openFileLimitDefault = 1024;

/**
 * The process's open-file limit (RLIMIT_NOFILE, soft), read from /proc/self/limits. Node has
 * no getrlimit; where /proc is missing the usual default is assumed.
 */
export function openFileLimit(): number {
  try {
    const limitsText = readFileSync('/proc/self/limits', 'utf8');
    const line = /^Max open files\s+(\d+|unlimited)/m.exec(limitsText);
    if (line?.[1] === undefined) return openFileLimitDefault;
    return line[1] === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(line[1]);
  } catch {
    return openFileLimitDefault;
  }
}
