// Every bound in the system, in one place, with its unit last. A limit that protects a node from
// its peers or clients is enforced where input enters; a limit on consensus data (block size, gas)
// is part of the chain's rules and is checked identically by every node.

export const limits = {
  /** Largest encoded signed transaction accepted anywhere. */
  txBytesMax: 64 * 1024,
  /** Largest HTTP request body the API reads. */
  httpBodyBytesMax: 256 * 1024,
  /**
   * Data exchange: a signed fetch request; one encrypted response (records beyond it are paged,
   * each page its own access receipt); a signed dataset upload (its own HTTP body limit); the
   * records of one upload and of one fetch page.
   */
  exchangeRequestBytesMax: 32 * 1024,
  exchangeResponseBytesMax: 4 * 1024 * 1024,
  exchangeUploadBytesMax: 32 * 1024 * 1024,
  exchangeUploadRecordsMax: 200_000,
  exchangeFetchRecordsMax: 10_000,
  /** Largest encoded block a proposer may build. */
  blockBytesMax: 4 * 1024 * 1024,
  /**
   * A proposed block larger than this travels as parts of this size, each proven against the
   * parts' Merkle root, so no peer must buffer a multi-megabyte frame to start checking it.
   */
  blockPartBytes: 64 * 1024,
  /** Most parts of one block: blockBytesMax / blockPartBytes, rounded up. */
  blockPartsMax: 64,
  /** Most transactions in one block. */
  blockTxsMax: 5_000,
  /** How far ahead of the current height a transaction's expiry may be. */
  txExpiryHeightsMax: 10_000,
  /** Mempool bounds: total transactions, total bytes, and per sender. */
  mempoolTxsMax: 50_000,
  mempoolBytesMax: 256 * 1024 * 1024,
  mempoolPerSenderTxsMax: 1_000,
  /** How far past the sender's next nonce a transaction may be queued. */
  nonceGapMax: 1_000,
  /** Contract and method names. */
  contractNameBytesMax: 64,
  methodNameBytesMax: 64,
  /** Encoded transaction arguments. */
  argsBytesMax: 32 * 1024,
  /** State keys and values, per entry. */
  stateKeyBytesMax: 256,
  stateValueBytesMax: 64 * 1024,
  /** Notarization metadata: entries, and bytes per key and value. */
  notaryMetaEntriesMax: 32,
  notaryMetaKeyBytesMax: 64,
  notaryMetaValueBytesMax: 1024,
  /** Events per receipt and bytes per event. */
  eventsPerTxMax: 64,
  eventBytesMax: 8 * 1024,
  /** Gas per transaction unless the chain config says otherwise. */
  txGasMax: 10_000_000,
  /** Signature checks handed to one worker in one batch. */
  verifyBatchTxsMax: 256,
  /** WebSocket subscribers per node and queued messages per subscriber. */
  subscribersMax: 1_000,
  subscriberQueueMessagesMax: 10_000,
  /** Blocks returned by one range query. */
  blockRangeMax: 100,
  /** A contract bundle as deployed (it travels inside one transaction). */
  contractSourceBytesMax: 60 * 1024,
  /** Instrumented contract code is stored in chunks of this size (under the state value limit). */
  contractCodeChunkBytes: 32 * 1024,
  /** QuickJS heap of one contract's runtime (one per contract per block). */
  contractMemoryBytesMax: 32 * 1024 * 1024,
  /**
   * QuickJS stack of one contract's runtime. WebAssembly frames also use the host's native stack,
   * so this times (call depth + 1) must stay well inside Node's ~1 MB stack: QuickJS must report
   * the overflow, never V8 (which would abort the whole WebAssembly module).
   */
  contractStackBytesMax: 64 * 1024,
  /** Nested contract-to-contract calls below the transaction's own call. */
  contractCallDepthMax: 4,
  /** One value crossing the contract boundary (arguments, results, state values, events). */
  contractValueBytesMax: 64 * 1024,
  /** Entries returned by one state range call. */
  contractRangeEntriesMax: 100,
  /** Contract runtimes kept alive within one block; the least recently used is dropped. */
  contractRuntimesPerBlockMax: 16,
  /** Steps a contract's module code may take when it is loaded (not charged to any caller). */
  contractLoadStepsMax: 1_000_000,
  /** Gas budget of one read-only contract query (queries are not charged, only bounded). */
  contractQueryGasMax: 10_000_000,
  /** Keys per leaf page of a contract's ordered key index (a B+ tree; see src/vm/key-index.ts). */
  contractIndexPageKeysMax: 32,
  /**
   * Children per internal node of a contract's key index. With keys of at most 255 bytes a node
   * stays under 17 KiB, well inside one state value; 500,000 keys need 4 levels.
   */
  contractIndexChildrenMax: 64,
} as const;

export type Limits = typeof limits;
