// Notarization (存证) for clients: anchor a document's hash, and check a document against the
// chain with a proof, trusting only the validator set. Shared by the CLI and the portal.
import { ErrorCode, ZwError, decode } from '../core/index.js';
import type { CborValue } from '../core/index.js';
import type { Account, SendOptions } from './account.js';
import type { TxView, ZhengwuClient } from './client.js';
import { trustAtHeight } from './validators.js';
import { verifyStateView } from './verify.js';
import type { TrustedChain, VerifiedState } from './verify.js';

export const notaryContractName = 'notary';

export interface Notarization {
  readonly hash: Uint8Array;
  readonly owner: Uint8Array;
  readonly height: number;
  readonly time: number;
  readonly txHash: Uint8Array;
  readonly meta: Readonly<Record<string, string>>;
}

/** Anchors a document hash (computed with the chain's hash algorithm) and waits for commit. */
export function notarize(
  account: Account, documentHash: Uint8Array, meta: Readonly<Record<string, string>> = {},
  options: SendOptions = {},
): Promise<TxView> {
  return account.sendAndWait(notaryContractName, 'put', { hash: documentHash, meta }, options);
}

function asNotarization(value: CborValue): Notarization {
  const record = value as Record<string, CborValue> | null;
  if (record === null || typeof record !== 'object' || !(record.hash instanceof Uint8Array) ||
      !(record.owner instanceof Uint8Array) || typeof record.height !== 'number' ||
      typeof record.time !== 'number' || !(record.txHash instanceof Uint8Array) ||
      record.meta === null || typeof record.meta !== 'object') {
    throw new ZwError(ErrorCode.MALFORMED, 'notary record has an unexpected shape');
  }
  return record as unknown as Notarization;
}

export interface NotaryCheck {
  /** The record, or undefined when the proof shows the hash was never notarized. */
  readonly record: Notarization | undefined;
  readonly proof: VerifiedState;
}

/**
 * Looks a document hash up with a proof and verifies it against the trusted validator set.
 * Waits (briefly) for the latest results to be signed by the next block if needed.
 */
export async function checkNotarization(
  client: ZhengwuClient, trust: TrustedChain, documentHash: Uint8Array,
  options: { attempts?: number } = {},
): Promise<NotaryCheck> {
  const attempts = options.attempts ?? 20;
  for (let attempt = 1; ; attempt++) {
    try {
      const view = await client.state(notaryContractName, documentHash, { proof: true });
      // Governance may have changed the validators since genesis: follow the proven schedule.
      const signers = await trustAtHeight(client, trust, view.height + 1);
      const proof = verifyStateView(signers, view, notaryContractName, documentHash);
      if (proof.value === undefined && attempt < attempts &&
          (await client.state(notaryContractName, documentHash)).value !== null) {
        // Notarized in the latest block, whose results the next block has yet to sign: wait for
        // it rather than report an absence that is only not provable yet.
        throw new ZwError(ErrorCode.HEIGHT_UNAVAILABLE, 'latest notarization not yet provable');
      }
      const record = proof.value === undefined ? undefined : asNotarization(decode(proof.value));
      return { record, proof };
    } catch (error) {
      const retry = error instanceof ZwError && error.code === ErrorCode.HEIGHT_UNAVAILABLE;
      if (!retry || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
