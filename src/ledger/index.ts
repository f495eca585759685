// Public entry of `ledger`: transactions, blocks, receipts, the mempool and block execution.
export { txVersion, txSignBytes, encodeTx, signTx, txHash, decodeTx, verifyTxSignature }
  from './tx.js';
export type { TxBody, SignedTx, TxEnvelope } from './tx.js';
export {
  zeroHash, encodeHeader, decodeHeader, blockHash, encodeBlock, decodeBlock, encodeCommit,
  decodeCommit, commitHash, txRoot, encodeReceipt, decodeReceipt, receiptsRoot, commitToValue,
  commitFromValue, receiptToValue, signedVoteToValue, signedVoteFromValue, evidenceToValue,
  evidenceFromValue, evidenceHash,
} from './block.js';
export type { BlockHeader, Block, Receipt, ContractEvent, Evidence } from './block.js';
export { ContractRegistry } from './contract.js';
export type {
  Contract, MethodSpec, CallContext, QueryContext, ContractState, ContractResolver,
} from './contract.js';
export { stateTreeKey, accountContract } from './state-keys.js';
export { executeBlock, accountNonce, gasCosts, evidenceContract } from './execute.js';
export type { SystemCall } from './execute.js';
export type {
  StateReader, StateUpdate, BlockContext, ExecutionEnvironment, BlockResult, SenderIdentity,
  IdentifySender,
} from './execute.js';
export { Mempool } from './mempool.js';
export type { MempoolInit, MempoolComponents } from './mempool.js';
export { runQuery } from './query.js';
export { checkGenesis, defaultParams, genesisCalls } from './genesis.js';
export type {
  Genesis, GenesisAgency, GenesisNode, GenesisValidator, ChainParams, LoadedGenesis,
  GenesisContract,
} from './genesis.js';
export { validateBlock, checkEvidence, evidenceId } from './validate.js';
export type { BlockExpectations } from './validate.js';
