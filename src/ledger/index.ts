// Public entry of `ledger`: transactions, blocks, receipts, the mempool and block execution.
export { txVersion, txSignBytes, encodeTx, signTx, txHash, decodeTx, verifyTxSignature }
  from './tx.js';
export type { TxBody, SignedTx, TxEnvelope } from './tx.js';
export {
  zeroHash, encodeHeader, decodeHeader, blockHash, encodeBlock, decodeBlock, encodeCommit,
  decodeCommit, commitHash, txRoot, encodeReceipt, decodeReceipt, receiptsRoot, commitToValue,
  commitFromValue, receiptToValue,
} from './block.js';
export type { BlockHeader, Block, Receipt, ContractEvent } from './block.js';
export { ContractRegistry } from './contract.js';
export type {
  Contract, MethodSpec, CallContext, QueryContext, ContractState,
} from './contract.js';
export { stateTreeKey, accountContract } from './state-keys.js';
export { executeBlock, accountNonce, gasCosts } from './execute.js';
export type {
  StateReader, StateUpdate, BlockContext, ExecutionEnvironment, BlockResult,
} from './execute.js';
export { Mempool } from './mempool.js';
export type { MempoolInit, MempoolComponents } from './mempool.js';
export { runQuery } from './query.js';
export { checkGenesis, defaultParams } from './genesis.js';
export type {
  Genesis, GenesisAgency, GenesisValidator, ChainParams, LoadedGenesis,
} from './genesis.js';
