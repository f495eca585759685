// Public entry of `sdk`: the client library for Node.js and browsers.
export { ZhengwuClient } from './client.js';
export type {
  ClientInit, StatusView, TxView, StateView, BlockView, ReceiptView, ProofView, ValidatorView,
} from './client.js';
export { Account } from './account.js';
export type { SendOptions } from './account.js';
export {
  trustFromGenesis, verifySignedHeader, verifyStateView, verifyTxView, receiptFromView,
} from './verify.js';
export type { TrustedChain, VerifiedState } from './verify.js';
export { getSuite, createKeystore, openKeystore } from '../crypto/index.js';
export type { CryptoSuite, KeyPair, SuiteName } from '../crypto/index.js';
export { notaryContractName, notarize, checkNotarization } from './notary.js';
export type { Notarization, NotaryCheck } from './notary.js';
export {
  propose, vote, proposal, proposals, agency, agencies, member, members, identityCall,
  receiptResult, identityContractName, governanceContractName,
  deployPayload, upgradePayload, deploymentApproval, proposeNodeRekey,
  initArgumentsHash as deploymentInitHash,
} from './governance.js';
export type {
  ProposalStatusFilter, DeploymentSpec, DeploymentApprovalView, NodeRekey,
} from './governance.js';
export { trustAtHeight } from './validators.js';
export {
  searchCatalog, sharingRequests, receipts, usage, evidenceBundle, verifyEvidenceBundle,
  normalizePersonalId, evidenceFormat, receiptReaderHeader,
} from './data.js';
export {
  deriveSubjects, createCitizenKey, issueCredential, credentialFile, readCredentialFile,
  credentialSubject, usageProof, citizenKeyFromHex, credentialFormat, usageProofHeader,
} from './subjects.js';
export type { UsageReader, CredentialFile } from './subjects.js';
export type {
  Page, CatalogEntryView, SharingRequestView, AccessReceiptView, UsageItem, UsagePage,
  PageOptions, CatalogSearchOptions, RequestSearchOptions, ReceiptSearchOptions, EvidenceBundle,
  VerifiedEvidence, ReceiptReaderAccount,
} from './data.js';
export { uploadDataset, datasetInfo, fetchData } from './exchange.js';
export type {
  UploadRecord, UploadReceipt, DatasetInfo, FetchInput, FetchedPayload, FetchedData,
  RecordValue,
} from './exchange.js';
export { blockSummaries, searchTxs } from './explorer.js';
export type {
  BlockSummaryView, TxSummaryView, HeightRange, TxSearchOptions, TxSearchPage,
} from './explorer.js';
