// Routes around subject ids (ADR 0013). Each takes a request a member signed in their own
// client, so the node acts for a member it can name:
//   POST /v1/subjects/derive        a member's node derives subject ids from personal ids
//                                   through the subject-key agencies (the ids go to this node
//                                   only; no client derives anything any more)
//   POST /v1/exchange/uploads       a dataset upload that answers 202 at once with a job: its
//                                   personal ids are derived in bounded batches off the event
//                                   loop, which for 200,000 records takes minutes
//   GET  /v1/exchange/uploads/:id   the job's progress and, once stored, its result
// The citizen's usage log (GET /v1/usage/:subject) checks its proof through the same backend.
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ErrorCode, ZwError, fromBase64, limits } from '../core/index.js';
import type { UploadJobView } from '../exchange/index.js';
import { signedUploadRoute, uploadBytes } from './exchange-routes.js';
import type { SignedUploadBody } from './exchange-routes.js';

export interface SubjectBackend {
  /** A member's signed derive request: the subject ids of its personal ids, in order. */
  deriveSubjects(request: Uint8Array): Promise<readonly string[]>;
  /** Throws SUBJECT_PROOF_REQUIRED or SUBJECT_PROOF_INVALID unless `proof` entitles its signer. */
  authorizeUsage(subject: string, proof: string | undefined): 'citizen' | 'auditor';
  startUpload(request: Uint8Array): UploadJobView;
  uploadJob(id: string): UploadJobView | undefined;
}

/** The header that carries a usage proof: base64 of a signed usage request. */
export const usageProofHeader = 'zw-usage-proof';

const base64Length = (bytes: number): number => Math.ceil(bytes / 3) * 4;

const DeriveBody = Type.Object({
  request: Type.String({ description: 'signed derive request (zw/subject-request/1), base64',
    maxLength: base64Length(limits.subjectRequestBytesMax) }),
}, { additionalProperties: false });


const JobParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{32}$' }) });

function decodeBase64(text: string): Uint8Array {
  try {
    return fromBase64(text);
  } catch {
    throw new ZwError(ErrorCode.MALFORMED, 'request must be base64');
  }
}

export function registerSubjectRoutes(app: FastifyInstance, backend: SubjectBackend): void {
  app.post<{ Body: Static<typeof DeriveBody> }>('/v1/subjects/derive', {
    schema: {
      summary: 'Derive subject ids from personal ids through the subject-key agencies',
      description: `A derive request signed by a member of this node's agency names 1-` +
        `${limits.subjectDeriveIdsMax} personal ids; the answer lists their subject ids in order.`,
      tags: ['subjects'], body: DeriveBody,
    },
  }, async (request) => ({
    subjects: [...await backend.deriveSubjects(decodeBase64(request.body.request))] }));

  // Raw bytes, or JSON only when small (see signedUploadRoute): size, then signature, then decode.
  app.post<{ Body: SignedUploadBody }>('/v1/exchange/uploads', {
    bodyLimit: signedUploadRoute.bodyLimit, onRequest: signedUploadRoute.onRequest,
    schema: {
      summary: 'Start storing a dataset on this (the provider\'s) node; answers 202 with a job',
      tags: ['exchange'], body: signedUploadRoute.body,
    },
  }, (request, reply) => {
    const job = backend.startUpload(uploadBytes(request.body));
    return reply.code(202).send(job);
  });

  app.get<{ Params: Static<typeof JobParams> }>('/v1/exchange/uploads/:id', {
    schema: { summary: 'An upload job: deriving, storing, stored (with its result) or failed',
      tags: ['exchange'], params: JobParams },
  }, (request) => {
    const job = backend.uploadJob(request.params.id);
    if (job === undefined) {
      throw new ZwError(ErrorCode.NOT_FOUND, `no upload job ${request.params.id} on this node`);
    }
    return job;
  });
}
