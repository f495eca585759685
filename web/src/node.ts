// The portal's link to its node: the SDK client for the node that served the page, and the
// chain's trusted validator set taken from its genesis document.
import { ZhengwuClient, trustFromGenesis } from '../../src/sdk/index.js';
import type { TrustedChain } from '../../src/sdk/index.js';

export const client = new ZhengwuClient({ url: window.location.origin });

let trust: Promise<TrustedChain> | undefined;

/** The validator set that proofs are checked against, read once from the genesis document. */
export function trustedChain(): Promise<TrustedChain> {
  trust ??= client.genesis().then((genesis) => trustFromGenesis(genesis));
  return trust;
}

export function shortHex(hex: string, keep = 10): string {
  return hex.length <= keep * 2 ? hex : `${hex.slice(0, keep)}…${hex.slice(-6)}`;
}

export function formatTime(ms: number | null | undefined, language: string): string {
  if (ms === null || ms === undefined) return '—';
  return new Date(ms).toLocaleString(language === 'en' ? 'en-GB' : 'zh-CN');
}
