// Read routes for explorers and dashboards over a range of blocks, so that a client draws a
// throughput chart, a validator signing history or a list of a contract's transactions with one
// request instead of one per block: block summaries (time, transaction count, proposer, who
// signed its commit) and the transactions of recent blocks filtered by contract, sender or the
// sender's agency. Both read only what the node stores; ranges are bounded by named limits.
// Neither serves transaction arguments; a search result whose arguments are personal says
// `argsRedacted: true` (./personal).
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ErrorCode, ZwError, fromHex, toHex } from '../core/index.js';
import type { CborValue } from '../core/index.js';
import { checkSuiteName, getSuite } from '../crypto/index.js';
import type { CryptoSuite } from '../crypto/index.js';
import { decodeTx } from '../ledger/index.js';
import type { ApiBackend } from './backend.js';
import { hasPersonalArgs } from './personal.js';

/** Most block summaries one request returns (a chart of a few minutes at a busy rate). */
export const blockSummariesMax = 200;
/** Most blocks one transaction search reads: reading a block is a storage lookup. */
export const txSearchBlocksMax = 1_000;
/** Most transactions one search returns. */
export const txSearchResultsMax = 100;
/**
 * Transactions one search decodes before it stops at a block boundary (a busy chain's 1,000
 * blocks could hold millions); `scannedFrom` then tells the client where to continue.
 */
export const txSearchDecodedMax = 20_000;

const Height = Type.Integer({ minimum: 1 });
const BlockRange = Type.Object({
  from: Type.Optional(Height),
  to: Type.Optional(Height),
}, { additionalProperties: false });
const TxSearch = Type.Object({
  from: Type.Optional(Height),
  to: Type.Optional(Height),
  contract: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  sender: Type.Optional(Type.String({ pattern: '^(0x)?[0-9a-fA-F]{40}$' })),
  agency: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: txSearchResultsMax })),
}, { additionalProperties: false });

/** The heights [from, to] of a request: `to` defaults to the latest, the span to `span`. */
function range(latest: number, query: { from?: number; to?: number }, span: number):
  { from: number; to: number } {
  const to = Math.min(query.to ?? latest, latest);
  const from = query.from ?? Math.max(1, to - span + 1);
  if (from > to + 1 || to - from + 1 > span) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT,
      `a range of heights from <= to spanning at most ${span} blocks`);
  }
  return { from, to };
}

export function registerExplorerRoutes(app: FastifyInstance, backend: ApiBackend): void {
  app.get<{ Querystring: Static<typeof BlockRange> }>('/v1/blocks', {
    schema: { summary: `Summaries of the blocks from..to (at most ${blockSummariesMax}), newest `
      + 'first: time, transaction count, proposer and the validators that signed its commit',
    querystring: BlockRange },
  }, (request) => {
    const { from, to } = range(backend.status().height, request.query, blockSummariesMax);
    const blocks = [];
    for (let height = to; height >= from; height--) {
      const found = backend.block(height);
      if (found === undefined) continue;
      const { header } = found.block;
      blocks.push({ height, hash: toHex(found.hash), time: header.time,
        txCount: found.txHashes.length, proposer: toHex(header.proposer),
        round: found.commit.round,
        signers: found.commit.signatures.map((signature) => toHex(signature.validator)) });
    }
    return { from, to, blocks };
  });

  app.get<{ Querystring: Static<typeof TxSearch> }>('/v1/txs', {
    schema: { summary: 'Transactions of recent blocks (newest first), filtered by contract, '
      + `sender address or the sender's agency; reads at most ${txSearchBlocksMax} blocks`,
    querystring: TxSearch },
  }, (request) => searchTxs(backend, request.query));
}

function searchTxs(backend: ApiBackend, query: Static<typeof TxSearch>): unknown {
  const status = backend.status();
  const suite: CryptoSuite = getSuite(checkSuiteName(status.suite));
  const { from, to } = range(status.height, query, txSearchBlocksMax);
  const limit = query.limit ?? txSearchResultsMax;
  const sender = query.sender === undefined ? undefined
    : toHex(fromHex(query.sender, 'sender'));
  const agencyOf = memberAgencies(backend);
  const txs = [];
  // The lowest height whose transactions were all considered: the client continues below it.
  let scannedFrom = to + 1;
  let decoded = 0;
  for (let height = to; height >= from && txs.length < limit; height--) {
    if (decoded >= txSearchDecodedMax) break;
    const found = backend.block(height);
    const count = found?.block.txs.length ?? 0;
    let index = count - 1;
    for (; found !== undefined && index >= 0 && txs.length < limit; index--) {
      const { tx, hash } = decodeTx(suite, found.block.txs[index] as Uint8Array);
      decoded += 1;
      const address = toHex(suite.address(tx.sender));
      if (query.contract !== undefined && tx.contract !== query.contract) continue;
      if (sender !== undefined && address !== sender) continue;
      const agency = agencyOf(address);
      if (query.agency !== undefined && agency !== query.agency) continue;
      const lookup = backend.tx(hash);
      txs.push({ hash: toHex(hash), height, index, sender: address, agency,
        contract: tx.contract, method: tx.method, nonce: tx.nonce,
        status: lookup?.status === 'committed' ? lookup.receipt.status : null,
        ...(hasPersonalArgs(tx.contract, tx.method) ? { argsRedacted: true } : {}) });
    }
    if (index < 0) scannedFrom = height;
  }
  return { from, to, scannedFrom, txs };
}

/** The agency each address belongs to (members, revoked ones too, and root admin keys). */
function memberAgencies(backend: ApiBackend): (address: string) => string | null {
  const known = new Map<string, string | null>();
  return (address) => {
    const cached = known.get(address);
    if (cached !== undefined || known.has(address)) return cached ?? null;
    const record = backend.query('identity', 'member', { address: fromHex(address, 'address') });
    const agency = record !== null && typeof record === 'object' && !Array.isArray(record)
      && !(record instanceof Uint8Array)
      ? (record as Record<string, CborValue>).agency : undefined;
    const found = typeof agency === 'string' ? agency : null;
    known.set(address, found);
    return found;
  };
}
