// Public entry of `exchange`: off-chain encrypted data exchange between agency nodes, with an
// on-chain access receipt for every fetch, served or refused.
export {
  ExchangeService, catalogContract, sharingContract, exchangeDefaults,
} from './service.js';
export type {
  ExchangeHost, ExchangeIdentity, ExchangePeer, ExchangeTimeouts, CommittedCall, DatasetRows,
  StoredDatasetRow, UploadResult, FetchResult, UploadJobView,
} from './service.js';
export {
  parseFetchBody, parseUploadBody, encodePayload, subjectIdOf, subjectsPerFetchMax, resolveSubjects,
} from './records.js';
export type { DatasetRecord, FetchBody, Payload, RecordValue, UploadBody } from './records.js';
export { checkReceiptReader } from './receipt-readers.js';
