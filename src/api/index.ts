// Public entry of `api`: the HTTP + WebSocket server and the backend interface it serves.
export { createApiServer } from './server.js';
export type { ApiInit } from './server.js';
export { KeyedBuckets, QueryBudget, apiLimitDefaults } from './guard.js';
export type { ApiLimits } from './guard.js';
export { subscriberTooSlowCloseCode } from './subscribers.js';
export type {
  ApiBackend, NodeStatus, TxLookup, BlockLookup, StateLookup, ChainEvent, EvidenceRecord,
} from './backend.js';
export type { ProofMaterial } from './views.js';
export {
  contractValueKey, evidenceFormat, receiptReaderHeader, sharingContractName,
} from './data-routes.js';
export type {
  AccessReceiptRecord, CatalogEntryRecord, DataPage, DataQueries, ReceiptReader, ReceiptReaders,
  SharingRequestRecord,
} from './data-routes.js';
export type { ExchangeBackend } from './exchange-routes.js';
export { usageProofHeader } from './subject-routes.js';
export type { SubjectBackend } from './subject-routes.js';
