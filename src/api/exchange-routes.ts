// Data exchange routes. Each takes a request a member signed in their own client (see
// core/exchange-wire.ts), so the node acts on behalf of a member it can name, never on an
// unauthenticated HTTP call:
//   POST /v1/exchange/datasets   a provider's system hands this node a dataset (signed upload:
//                                the request's raw bytes as application/octet-stream, or a
//                                small one as JSON {request: base64})
//   POST /v1/exchange/fetch      a requester fetches granted data through this node
//   GET  /v1/exchange/datasets/:entry   what this node holds for an entry (no records)
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode, ZwError, fromBase64, limits, toJsonValue } from '../core/index.js';
import type { CborValue } from '../core/index.js';
import type { FetchResult, StoredDatasetRow, UploadResult } from '../exchange/index.js';

/** What the node offers the exchange routes. */
export interface ExchangeBackend {
  uploadDataset(request: Uint8Array): Promise<UploadResult>;
  fetchData(request: Uint8Array): Promise<FetchResult>;
  dataset(entry: string): StoredDatasetRow | undefined;
}

const ErrorBody = Type.Object({ code: Type.String(), message: Type.String(),
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown())) });

const base64Length = (bytes: number): number => Math.ceil(bytes / 3) * 4;

const UploadBody = Type.Object({
  request: Type.String({ description: 'signed upload request, canonical CBOR, base64',
    maxLength: base64Length(limits.exchangeUploadJsonBytesMax) }),
}, { additionalProperties: false });

/** Media type of an upload sent as the signed request's own bytes. */
export const uploadMediaType = 'application/octet-stream';

const FetchBody = Type.Object({
  request: Type.String({ description: 'signed fetch request, canonical CBOR, base64',
    maxLength: base64Length(limits.exchangeRequestBytesMax) }),
}, { additionalProperties: false });

const EntryParams = Type.Object({ entry: Type.String({ minLength: 1, maxLength: 40 }) });

function decodeBase64(text: string): Uint8Array {
  try {
    return fromBase64(text);
  } catch {
    throw new ZwError(ErrorCode.MALFORMED, 'request must be base64');
  }
}

const jsonUploadBytesMax = base64Length(limits.exchangeUploadJsonBytesMax) + 1024;

/**
 * What every route taking a signed upload shares: a large upload comes as raw bytes, so nothing
 * parses it before the signature is checked (a 40 MB JSON body took the node ~0.9 s to parse);
 * only small uploads may come as JSON, refused from their declared length before a byte of the
 * body is read.
 */
export const signedUploadRoute = {
  bodyLimit: limits.exchangeUploadBytesMax,
  onRequest: (request: FastifyRequest, _reply: FastifyReply,
    done: (error?: Error) => void): void => {
    const length = Number(request.headers['content-length'] ?? Number.NaN);
    const json = (request.headers['content-type'] ?? '').startsWith('application/json');
    if (json && !(length <= jsonUploadBytesMax)) {
      done(new ZwError(ErrorCode.TOO_LARGE, `an upload over ` +
        `${limits.exchangeUploadJsonBytesMax} bytes must be sent as ${uploadMediaType}`));
      return;
    }
    done();
  },
  body: { content: { 'application/json': { schema: UploadBody },
    [uploadMediaType]: { schema: { description: 'the signed upload request\'s bytes' } } } },
};

/** An upload's body: the signed request's bytes, or a small one as JSON. */
export type SignedUploadBody = Static<typeof UploadBody> | Buffer;

/** The signed request's bytes, from either form of the body. */
export function uploadBytes(body: SignedUploadBody): Uint8Array {
  return Buffer.isBuffer(body) ? new Uint8Array(body.buffer, body.byteOffset, body.length)
    : decodeBase64(body.request);
}

export function registerExchangeRoutes(app: FastifyInstance, backend: ExchangeBackend,
  uploadsInFlightMax: number = limits.exchangeUploadsInFlightMax): void {
  // Uploads are the one large body: only a few are held at once, so parallel ones cannot add
  // up to the node's memory. The count is taken when the body has been read.
  let uploadsInFlight = 0;
  const upload = async (bytes: () => Uint8Array): Promise<UploadResult> => {
    if (uploadsInFlight >= uploadsInFlightMax) {
      throw new ZwError(ErrorCode.UNAVAILABLE,
        `this node is already taking ${uploadsInFlightMax} uploads; retry when one is done`);
    }
    uploadsInFlight += 1;
    try {
      // The exchange checks size, then the signature over the raw request, and only then
      // decodes the dataset (core/exchange-wire.ts).
      return await backend.uploadDataset(bytes());
    } finally {
      uploadsInFlight -= 1;
    }
  };
  app.addContentTypeParser(uploadMediaType, { parseAs: 'buffer' },
    (_request, body, done) => { done(null, body); });
  app.post<{ Body: SignedUploadBody }>('/v1/exchange/datasets', {
    // An upload carries a whole dataset, so it has its own body limit.
    bodyLimit: signedUploadRoute.bodyLimit, onRequest: signedUploadRoute.onRequest,
    schema: {
      summary: 'Store a dataset on this (the provider\'s) node, encrypted at rest',
      description: 'The request is an upload signed by an exchange, operator or admin member ' +
        'of this node\'s agency: {entry, records: [{subject?, data}]}. A subject may be a ' +
        'personal id; the node stores only its derived pseudonymous subject id with the record. ' +
        'The version\'s hash and size are registered on chain before the records are stored.',
      tags: ['exchange'], body: signedUploadRoute.body,
      response: { 200: Type.Object({ entry: Type.String(), version: Type.Integer(),
        records: Type.Integer(), hash: Type.String() }), 400: ErrorBody, 403: ErrorBody,
      413: ErrorBody, 503: ErrorBody },
    },
  }, (request) => upload(() => uploadBytes(request.body)));

  app.post<{ Body: Static<typeof FetchBody> }>('/v1/exchange/fetch', {
    schema: {
      summary: 'Fetch granted data from the providing agency\'s node',
      description: 'The request is a fetch signed by a staff or admin member of this node\'s ' +
        'agency. The provider checks the grant, records an access receipt on chain and sends ' +
        'the granted items encrypted to this node, which checks them against the receipt\'s ' +
        'response hash and acknowledges it on chain. A refusal is ACCESS_REFUSED (403) with ' +
        'the refusal\'s receipt id in details.',
      tags: ['exchange'], body: FetchBody,
      response: { 200: Type.Object({ receiptId: Type.String(), requestHash: Type.String(),
        responseHash: Type.String(), acknowledged: Type.Boolean(), payload: Type.Unknown() }),
      400: ErrorBody, 403: ErrorBody, 502: ErrorBody, 503: ErrorBody },
    },
  }, async (request) => {
    const result = await backend.fetchData(decodeBase64(request.body.request));
    return { receiptId: result.receiptId, requestHash: result.requestHash,
      responseHash: result.responseHash, acknowledged: result.acknowledged,
      payload: toJsonValue(result.payload as unknown as CborValue) };
  });

  app.get<{ Params: Static<typeof EntryParams> }>('/v1/exchange/datasets/:entry', {
    schema: {
      summary: 'The dataset this node holds for a catalog entry (version, record count, hash)',
      tags: ['exchange'], params: EntryParams,
      response: { 200: Type.Object({ entry: Type.String(), version: Type.Integer(),
        records: Type.Integer(), hash: Type.String(), uploadedBy: Type.String(),
        height: Type.Integer() }), 404: ErrorBody },
    },
  }, (request) => {
    const found = backend.dataset(request.params.entry);
    if (found === undefined) {
      throw new ZwError(ErrorCode.NOT_FOUND, `this node holds no dataset for ${request.params.entry}`);
    }
    return found;
  });
}
