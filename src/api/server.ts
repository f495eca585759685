// HTTP API v1 and the WebSocket event stream. Every request body and parameter is checked against
// a JSON schema before a handler runs; every error leaves as JSON {code, message} with a stable
// code and an HTTP status that matches it. The OpenAPI document is generated from the same schemas
// and served at /openapi.json.
import Fastify from 'fastify';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import swagger from '@fastify/swagger';
import fastifyStatic from '@fastify/static';
import websocket from '@fastify/websocket';
import type { WebSocket } from 'ws';
import {
  ErrorCode, isZwError, limits, toHex,
} from '../core/index.js';
import type { ErrorCode as ErrorCodeType } from '../core/index.js';
import type { ApiBackend, ChainEvent } from './backend.js';
import { registerDataRoutes } from './data-routes.js';
import { registerExchangeRoutes } from './exchange-routes.js';
import { QueryBudget, apiLimitDefaults, clientConnectionsMax, guardConnections } from './guard.js';
import type { ApiLimits } from './guard.js';
import { eventView as personalEventView } from './personal.js';
import { registerRoutes } from './routes.js';
import { SubscriberQueues } from './subscribers.js';

export interface ApiInit {
  readonly host: string;
  readonly port: number;
  /** Logger options passed to fastify (pino); false silences request logs. */
  readonly logger: boolean | { level: string };
  /** Folder of the built portal (web/dist), served at `/` when present. */
  readonly portalRoot?: string;
  /** Bounds on clients lower than the defaults (core/limits.ts), e.g. from the node's config. */
  readonly limits?: Partial<ApiLimits>;
  /** The process's open-file limit (RLIMIT_NOFILE); client connections stay well under it. */
  readonly openFileLimit?: number;
}

const statusOfCode: Partial<Record<ErrorCodeType, number>> = {
  NOT_FOUND: 404,
  TOO_LARGE: 413,
  MEMPOOL_FULL: 503,
  UNAVAILABLE: 503,
  HEIGHT_UNAVAILABLE: 404,
  UNAUTHORIZED: 403,
  QUERY_BUDGET: 429,
  RATE_LIMITED: 429,
  SENDER_QUOTA: 429,
  TOO_MANY_CONNECTIONS: 503,
  ACCESS_REFUSED: 403,
  SUBJECT_PROOF_REQUIRED: 401,
  SUBJECT_PROOF_INVALID: 403,
  HASH_MISMATCH: 502,
  INTERNAL: 500,
};

function sendError(reply: FastifyReply, code: ErrorCodeType, message: string,
  details?: Readonly<Record<string, unknown>>): FastifyReply {
  // Budgets and rates refill within a second.
  if (statusOfCode[code] === 429) void reply.header('retry-after', '1');
  return reply.status(statusOfCode[code] ?? 400)
    .send(details === undefined ? { code, message } : { code, message, details });
}

function handleError(error: FastifyError | Error, reply: FastifyReply): FastifyReply {
  if (isZwError(error)) return sendError(reply, error.code, error.message, error.details);
  const fastifyError = error as FastifyError;
  if (fastifyError.validation !== undefined) {
    return sendError(reply, ErrorCode.INVALID_ARGUMENT, fastifyError.message);
  }
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return sendError(reply, ErrorCode.TOO_LARGE, fastifyError.message);
  }
  if (fastifyError.statusCode !== undefined && fastifyError.statusCode < 500) {
    return sendError(reply, ErrorCode.MALFORMED, fastifyError.message);
  }
  reply.log.error({ err: error }, 'unexpected error');
  return sendError(reply, ErrorCode.INTERNAL, 'internal error');
}

export async function createApiServer(
  backend: ApiBackend, init: ApiInit,
): Promise<FastifyInstance> {
  // A state key is up to 255 bytes, i.e. 510 hex digits in a path parameter; fastify's default
  // of 100 characters would turn long keys into "no route".
  const bounds: ApiLimits = { ...apiLimitDefaults, ...init.limits };
  // Slow clients are timed out at every stage: headers, the whole request, the wait between
  // kept-alive requests, and any silence on the socket (slowloris).
  const app = Fastify({ logger: init.logger, bodyLimit: limits.httpBodyBytesMax,
    routerOptions: { maxParamLength: 2 * limits.stateKeyBytesMax + 16 },
    connectionTimeout: bounds.idleTimeoutMs, keepAliveTimeout: bounds.keepAliveTimeoutMs,
    requestTimeout: bounds.requestTimeoutMs,
    http: { headersTimeout: bounds.headersTimeoutMs, requestTimeout: bounds.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, bounds.headersTimeoutMs) } });
  guardConnections(app.server,
    clientConnectionsMax(bounds.connectionsMax, init.openFileLimit ?? Number.MAX_SAFE_INTEGER),
    bounds.connectionsPerAddressMax);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Zhengwu node API', version: '1.0.0',
        description: 'Submit transactions, read blocks, state and proofs, subscribe to events.' },
    },
  });
  await app.register(websocket, { options: { maxPayload: 4096 } });
  app.setErrorHandler((error, _request, reply) => handleError(error as Error, reply));
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, ErrorCode.NOT_FOUND, `no route ${request.method} ${request.url}`));
  registerRoutes(app, backend,
    new QueryBudget(bounds.queryClientMsPerSecond, bounds.queryNodeMsPerSecond));
  registerDataRoutes(app, backend);
  registerExchangeRoutes(app, backend.exchangeBackend(), bounds.uploadsInFlightMax);
  if (init.portalRoot !== undefined && existsSync(join(init.portalRoot, 'index.html'))) {
    // The portal is static files; it talks to this node through the same public API as any
    // other client, so serving it adds no routes of its own.
    await app.register(fastifyStatic, { root: init.portalRoot, prefix: '/', index: 'index.html',
      wildcard: true, schemaHide: true });
  }
  const queues = new SubscriberQueues(bounds);
  app.get('/v1/events', { websocket: true, schema: { hide: true } },
    (socket, request) => streamEvents(backend, queues, socket,
      request.query as Record<string, string>));
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  await app.listen({ host: init.host, port: init.port });
  return app;
}

/** Streams chain events to one WebSocket, optionally filtered by type and contract. */
function streamEvents(backend: ApiBackend, queues: SubscriberQueues, socket: WebSocket,
  query: Record<string, string>): void {
  const types = new Set((query.types ?? 'block,tx,event').split(','));
  const contract = query.contract;
  const subscriber = queues.join(socket);
  if (subscriber === undefined) return;
  const unsubscribe = backend.subscribe((event) => {
    if (!types.has(event.type)) return;
    if (contract !== undefined && event.type === 'event' && event.contract !== contract) return;
    subscriber.send(JSON.stringify(eventView(event)));
  });
  socket.on('close', unsubscribe);
  socket.on('error', unsubscribe);
}

function eventView(event: ChainEvent): unknown {
  switch (event.type) {
    case 'block':
      return { type: 'block', height: event.height, hash: toHex(event.hash),
        time: event.header.time, txCount: event.txCount };
    case 'tx':
      return { type: 'tx', height: event.height, hash: toHex(event.receipt.txHash),
        status: event.receipt.status, error: event.receipt.error, gasUsed: event.receipt.gasUsed };
    case 'event':
      // Personal events (./personal) keep only their public fields on the stream.
      return { type: 'event', height: event.height, txHash: toHex(event.txHash),
        ...personalEventView(event.contract, event.name, event.data) };
  }
}
