// Explorer reads over ranges of blocks (GET /v1/blocks and GET /v1/txs): block summaries for
// throughput charts and validator signing histories, and the transactions of recent blocks by
// contract, sender or agency. Unverified views of what the node stores, like `client.block`.
import type { ZhengwuClient } from './client.js';

export interface BlockSummaryView {
  readonly height: number;
  readonly hash: string;
  /** Block time, ms since the epoch. */
  readonly time: number;
  readonly txCount: number;
  /** The proposer's validator address (hex). */
  readonly proposer: string;
  readonly round: number;
  /** Validator addresses (hex) whose precommits are in the commit that finalized the block. */
  readonly signers: readonly string[];
}

export interface TxSummaryView {
  readonly hash: string;
  readonly height: number;
  readonly index: number;
  /** The sender's address (hex). */
  readonly sender: string;
  /** The sender's agency, when the sender is or was a member or an agency's root admin key. */
  readonly agency: string | null;
  readonly contract: string;
  readonly method: string;
  readonly nonce: number;
  /** The receipt's status ('ok' or an error code), null when the node has no receipt. */
  readonly status: string | null;
  /** True when the call's arguments are personal (ADR 0010): no route serves them. */
  readonly argsRedacted?: boolean;
}

export interface HeightRange { readonly from?: number; readonly to?: number }

export interface TxSearchOptions extends HeightRange {
  readonly contract?: string;
  readonly sender?: string;
  readonly agency?: string;
  readonly limit?: number;
}

export interface TxSearchPage {
  readonly from: number;
  readonly to: number;
  /** The lowest height whose transactions were all searched; continue with `to` below it. */
  readonly scannedFrom: number;
  readonly txs: readonly TxSummaryView[];
}

/** Summaries of the blocks in [from, to] (default: the latest 200), newest first. */
export async function blockSummaries(client: ZhengwuClient, range: HeightRange = {}):
  Promise<BlockSummaryView[]> {
  const view = await client.get<{ blocks: BlockSummaryView[] }>('/v1/blocks',
    { from: range.from, to: range.to });
  return view.blocks;
}

/** Transactions of the blocks in [from, to] (default: the latest 1,000), newest first. */
export function searchTxs(client: ZhengwuClient, options: TxSearchOptions): Promise<TxSearchPage> {
  return client.get('/v1/txs', { from: options.from, to: options.to,
    contract: options.contract, sender: options.sender, agency: options.agency,
    limit: options.limit });
}
