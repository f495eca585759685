// The v1 routes. Each declares its schema (TypeBox, i.e. JSON Schema) for validation and for the
// OpenAPI document, then delegates to the backend and presents the result with ./views.
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  ErrorCode, ZwError, fromBase64, fromHex, fromJsonValue, limits, toBase64, toHex, toJsonValue,
  decode,
} from '../core/index.js';
import { encodeCommit } from '../ledger/index.js';
import type { CborValue } from '../core/index.js';
import type { ApiBackend, NodeStatus } from './backend.js';
import { registerExplorerRoutes } from './explorer-routes.js';
import type { QueryBudget } from './guard.js';
import { refusePersonalQuery, refusePersonalState } from './personal.js';
import { commitView, headerView, proofView, receiptView } from './views.js';

const ErrorBody = Type.Object({ code: Type.String(), message: Type.String() });
const Hex = Type.String({ pattern: '^(0x)?([0-9a-fA-F]{2})*$', maxLength: 1024 });
const HeightQuery = Type.Optional(Type.Integer({ minimum: 0 }));

const SubmitBody = Type.Object({
  tx: Type.String({ description: 'signed transaction, canonical CBOR, base64', maxLength: 180_000 }),
}, { additionalProperties: false });

const StateQuery = Type.Object({
  proof: Type.Optional(Type.Boolean()),
  height: HeightQuery,
});

const QueryBody = Type.Object({
  contract: Type.String({ maxLength: 64 }),
  method: Type.String({ maxLength: 64 }),
  args: Type.Optional(Type.Unknown()),
}, { additionalProperties: false });

/**
 * Refuses a `$bigint` query argument of more than queryBigintDigitsMax digits before anything
 * converts it: the contract runtime's big-integer work grows faster than the digits. (The body
 * limit already bounds how many values there are to look at.)
 */
function checkQueryArgs(args: unknown): void {
  const stack: unknown[] = [args];
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) {
      stack.push(...(value as unknown[]));
    } else if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      const digits = record.$bigint;
      if (typeof digits === 'string' &&
          digits.replace(/^-/, '').length > limits.queryBigintDigitsMax) {
        throw new ZwError(ErrorCode.TOO_LARGE,
          `a $bigint argument may have at most ${limits.queryBigintDigitsMax} digits`);
      }
      stack.push(...Object.values(record));
    }
  }
}

function parseHexParam(value: string, what: string): Uint8Array {
  if (value.length > 2 + 2 * limits.stateKeyBytesMax) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, `${what} is too long`);
  }
  return fromHex(value, what);
}

function statusView(status: NodeStatus): unknown {
  return {
    chainId: status.chainId,
    suite: status.suite,
    hashAlgorithm: status.hashAlgorithm,
    genesisHash: toHex(status.genesisHash),
    moniker: status.moniker,
    agency: status.agency,
    nodeAddress: status.nodeAddress === null ? null : toHex(status.nodeAddress),
    height: status.height,
    latestBlockHash: status.latestBlockHash === null ? null : toHex(status.latestBlockHash),
    latestBlockTime: status.latestBlockTime,
    provableHeight: status.provableHeight,
    validators: status.validatorSet.validators.map((v) => ({
      address: toHex(v.address), publicKey: toHex(v.publicKey), power: v.power,
      agency: status.validatorAgencies.get(toHex(v.address)) ?? null,
    })),
    lastCommitSigners: status.lastCommitSigners.map(toHex),
    consensus: status.consensus,
    peers: status.peers,
    mempool: status.mempool,
    version: status.version,
  };
}

export function registerRoutes(app: FastifyInstance, backend: ApiBackend,
  budget: QueryBudget): void {
  const errors = { 400: ErrorBody, 404: ErrorBody, 413: ErrorBody, 429: ErrorBody,
    503: ErrorBody };
  app.get('/v1/status', { schema: { summary: 'Node and chain status' } },
    () => statusView(backend.status()));
  app.get('/v1/genesis', { schema: { summary: 'The genesis document' } }, () => backend.genesis());

  app.post<{ Body: Static<typeof SubmitBody> }>('/v1/txs', {
    schema: { summary: 'Submit a signed transaction', body: SubmitBody, response: errors },
  }, async (request, reply) => {
    const bytes = fromBase64(request.body.tx, 'tx');
    const hash = await backend.submitTx(bytes, request.ip);
    return reply.status(202).send({ hash: toHex(hash), status: 'pending' });
  });

  app.get<{ Params: { hash: string } }>('/v1/txs/:hash', {
    schema: { summary: 'A transaction: pending, committed (receipt and proof) or rejected',
      params: Type.Object({ hash: Hex }), response: { 404: ErrorBody } },
  }, (request) => txRoute(backend, request.params.hash));

  app.get<{ Params: { height: string } }>('/v1/blocks/:height', {
    schema: { summary: 'A block by height, or "latest"',
      params: Type.Object({ height: Type.String({ pattern: '^(latest|[0-9]{1,15})$' }) }),
      response: { 404: ErrorBody } },
  }, (request) => blockRoute(backend, request.params.height));

  app.get<{ Params: { address: string } }>('/v1/accounts/:address', {
    schema: { summary: 'An account: its next nonce', params: Type.Object({ address: Hex }) },
  }, (request) => {
    const address = parseHexParam(request.params.address, 'address');
    return { address: toHex(address), nonce: backend.accountNonce(address) };
  });

  app.get<{ Params: { contract: string; key: string }; Querystring: Static<typeof StateQuery> }>(
    '/v1/state/:contract/:key', {
      schema: { summary: 'A contract state value, optionally with a proof and at a past height',
        params: Type.Object({ contract: Type.String({ maxLength: 64 }), key: Hex }),
        querystring: StateQuery, response: { 404: ErrorBody } },
    }, (request) => stateRoute(backend, request.params, request.query));

  app.get<{ Querystring: { limit?: number; offset?: number } }>('/v1/evidence', {
    schema: { summary: 'Double-sign evidence recorded on chain, newest first',
      querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
        offset: Type.Optional(Type.Integer({ minimum: 0 })) }) },
  }, (request) => ({
    evidence: backend.evidence(request.query.limit ?? 20, request.query.offset ?? 0).map((e) => {
      const votes = decode(e.evidence) as CborValue[];
      return { id: e.id, height: e.height, validator: e.validator,
        votes: votes.map((vote) => toJsonValue(vote)) };
    }),
  }));

  registerGovernanceRoutes(app, backend, budget);
  registerExplorerRoutes(app, backend);

  app.post<{ Body: Static<typeof QueryBody> }>('/v1/query', {
    // Arguments are bounded in bytes before they are parsed and in digits before conversion;
    // the run is bounded by gas, and its time by the client's and the node's query budget
    // (QUERY_BUDGET, 429, when spent).
    bodyLimit: limits.queryBodyBytesMax,
    schema: { summary: 'Run a read-only contract method', body: QueryBody, response: errors },
  }, (request) => {
    refusePersonalQuery(request.body.contract, request.body.method);
    checkQueryArgs(request.body.args ?? null);
    const args = fromJsonValue(request.body.args ?? null);
    const result = budget.run(request.ip,
      () => backend.query(request.body.contract, request.body.method, args));
    return { result: toJsonValue(result) };
  });
}

function txRoute(backend: ApiBackend, hashHex: string): unknown {
  const found = backend.tx(parseHexParam(hashHex, 'transaction hash'));
  if (found === undefined) {
    throw new ZwError(ErrorCode.NOT_FOUND, `no transaction ${hashHex} is known to this node`);
  }
  switch (found.status) {
    case 'pending':
      return { hash: toHex(found.hash), status: 'pending' };
    case 'rejected':
      return { hash: toHex(found.hash), status: 'rejected',
        error: { code: found.code, message: found.message } };
    case 'committed':
      return { hash: toHex(found.hash), status: 'committed', height: found.height,
        index: found.index, blockHash: toHex(found.blockHash), receipt: receiptView(found.receipt),
        proof: found.proof === null ? null : proofView(found.proof) };
  }
}

function blockRoute(backend: ApiBackend, heightParam: string): unknown {
  const height = heightParam === 'latest' ? backend.status().height : Number(heightParam);
  const found = backend.block(height);
  if (found === undefined) throw new ZwError(ErrorCode.NOT_FOUND, `no block at height ${height}`);
  return {
    height: found.block.header.height,
    hash: toHex(found.hash),
    header: headerView(found.block.header),
    txs: found.txHashes.map(toHex),
    lastCommit: found.block.lastCommit === null ? null : commitView(found.block.lastCommit),
    commit: commitView(found.commit),
    commitEncoded: toBase64(encodeCommit(found.commit)),
  };
}

function stateRoute(
  backend: ApiBackend, params: { contract: string; key: string },
  query: Static<typeof StateQuery>,
): unknown {
  const key = parseHexParam(params.key, 'key');
  refusePersonalState(params.contract, key);
  const options = query.height === undefined
    ? { proof: query.proof ?? false } : { proof: query.proof ?? false, height: query.height };
  const found = backend.state(params.contract, key, options);
  let decoded: unknown = null;
  if (found.value !== undefined) {
    try {
      decoded = toJsonValue(decode(found.value));
    } catch {
      decoded = null;
    }
  }
  return {
    contract: params.contract,
    key: toHex(key),
    height: found.height,
    treeKey: toHex(found.treeKey),
    value: found.value === undefined ? null : toHex(found.value),
    decoded,
    proof: found.proof === null ? null : proofView(found.proof),
  };
}


const AgencyParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 256 }) });
const ProposalList = Type.Object({
  status: Type.Optional(Type.Union(['open', 'approved', 'rejected', 'expired', 'executed']
    .map((status) => Type.Literal(status)))),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});

/**
 * Read routes over the identity and governance contracts' queries: agencies, members,
 * proposals with their votes, and the validator set of any height. Writes (register a member,
 * propose, vote) are signed transactions through POST /v1/txs like every other change.
 */
function registerGovernanceRoutes(app: FastifyInstance, apiBackend: ApiBackend,
  budget: QueryBudget): void {
  // Every contract query these routes run is debited from the client's query budget too.
  const backend = {
    query: (request: { ip: string }, contract: string, method: string, args: CborValue) =>
      budget.run(request.ip, () => apiBackend.query(contract, method, args)),
    status: () => apiBackend.status(),
    validators: (height: number) => apiBackend.validators(height),
  };
  const notFoundIfNull = (value: CborValue, what: string): unknown => {
    if (value === null) throw new ZwError(ErrorCode.NOT_FOUND, `no ${what}`);
    return toJsonValue(value);
  };
  app.get('/v1/agencies', { schema: { summary: 'Member agencies' } },
    (request) => ({
      agencies: toJsonValue(backend.query(request, 'identity', 'agencies', null)),
    }));
  app.get<{ Params: Static<typeof AgencyParams> }>('/v1/agencies/:id', {
    schema: { summary: 'One agency (id URL-encoded)', params: AgencyParams,
      response: { 404: ErrorBody } },
  }, (request) => notFoundIfNull(backend.query(request, 'identity', 'agency',
    { id: request.params.id }), `agency ${request.params.id}`));
  app.get<{ Params: Static<typeof AgencyParams> }>('/v1/agencies/:id/members', {
    schema: { summary: 'An agency\'s members', params: AgencyParams },
  }, (request) => ({ members: toJsonValue(backend.query(request, 'identity', 'members',
    { agency: request.params.id })) }));
  app.get<{ Params: { address: string } }>('/v1/members/:address', {
    schema: { summary: 'A member by address', params: Type.Object({ address: Hex }),
      response: { 404: ErrorBody } },
  }, (request) => notFoundIfNull(backend.query(request, 'identity', 'member',
    { address: parseHexParam(request.params.address, 'address') }),
  `member ${request.params.address}`));
  app.get<{ Querystring: Static<typeof ProposalList> }>('/v1/proposals', {
    schema: { summary: 'Governance proposals, newest first', querystring: ProposalList },
  }, (request) => {
    const args: Record<string, CborValue> = {};
    if (request.query.status !== undefined) args.status = request.query.status;
    if (request.query.limit !== undefined) args.limit = request.query.limit;
    return { proposals: toJsonValue(backend.query(request, 'governance', 'proposals', args)) };
  });
  app.get<{ Params: { id: string } }>('/v1/proposals/:id', {
    schema: { summary: 'One proposal with its votes', params: Type.Object({ id: Hex }),
      response: { 404: ErrorBody } },
  }, (request) => notFoundIfNull(backend.query(request, 'governance', 'proposal',
    { id: parseHexParam(request.params.id, 'proposal id') }), `proposal ${request.params.id}`));
  app.get<{ Querystring: { height?: number } }>('/v1/validators', {
    schema: { summary: 'The validator set of a height (default: the next one)',
      querystring: Type.Object({ height: HeightQuery }) },
  }, (request) => {
    const height = request.query.height ?? backend.status().height + 1;
    return { height, validators: backend.validators(height).validators.map((v) => ({
      address: toHex(v.address), publicKey: toHex(v.publicKey), power: v.power })) };
  });
}
