// Public entry of `storage`: the chain database and the validator's signer-state file.
export { ChainStore } from './chain-store.js';
export type {
  StoredBlock, StoredResult, StoredTx, BlockBatch, StoredEvidence,
} from './chain-store.js';
export { SignerStateFile, compareSteps } from './signer-state.js';
export type { SignedStep } from './signer-state.js';
export { DataIndex, dataIndexSchemaVersion } from './data-index.js';
export type {
  AccessReceiptRow, CatalogEntryRow, CatalogSearch, DataIndexRow, Page, ReceiptSearch,
  RequestSearch, SharingRequestRow,
} from './data-index.js';
export { DatasetStore } from './dataset-store.js';
export type { StoredDataset, StoredRecord } from './dataset-store.js';
