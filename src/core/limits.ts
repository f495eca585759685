// Every bound in the system, in one place, with its unit last. A limit that protects a node from
// its peers or clients is enforced where input enters; a limit on consensus data (block size, gas)
// is part of the chain's rules and is checked identically by every node.

export const limits = {
  /** Largest encoded signed transaction accepted anywhere. */
  txBytesMax: 64 * 1024,
  /** Largest HTTP request body the API reads. */
  httpBodyBytesMax: 256 * 1024,
  /**
   * Client connections to the API, in total and from one address (more are answered
   * TOO_MANY_CONNECTIONS and closed). The total is also held to apiFdSharePercent of the
   * process's open-file limit, so that storage, peers and the signer always find a descriptor.
   */
  apiConnectionsMax: 2_000,
  apiConnectionsPerAddressMax: 64,
  apiFdSharePercent: 40,
  /**
   * A client has this long to send its request headers, and its whole request; a kept-alive
   * connection waits this long for the next request; any connection silent for apiIdleTimeoutMs
   * (no byte either way) is closed.
   */
  apiHeadersTimeoutMs: 10_000,
  apiRequestTimeoutMs: 120_000,
  apiKeepAliveTimeoutMs: 5_000,
  apiIdleTimeoutMs: 30_000,
  /** POST /v1/query: its request body, and the decimal digits of one `$bigint` argument. */
  queryBodyBytesMax: 16 * 1024,
  queryBigintDigitsMax: 100,
  /**
   * Event-loop time contract queries may use, in milliseconds per second: per client address
   * and for the whole node. Each query's measured time is debited after it runs; a client or
   * node whose budget is spent is answered QUERY_BUDGET until it refills (a bucket holds one
   * second's worth), so queries can never take more than a bounded share of the node. (A
   * contract query costs ~10-80 ms here, so a client gets a few a second, the node ~10-40.)
   */
  queryClientMsPerSecond: 250,
  queryNodeMsPerSecond: 500,
  /**
   * Non-members (senders of public-contract calls): pending transactions per sender and in
   * total, and admissions per second per sender key and per client address (bursts of two
   * seconds' worth); beyond them RATE_LIMITED or SENDER_QUOTA.
   */
  nonMemberPendingPerSenderTxsMax: 100,
  nonMemberPendingTxsMax: 10_000,
  nonMemberTxsPerSecondPerSender: 100,
  nonMemberTxsPerSecondPerAddress: 200,
  /**
   * Data exchange: a signed fetch request; one encrypted response (records beyond it are paged,
   * each page its own access receipt); a signed dataset upload (its own HTTP body limit); the
   * records of one upload and of one fetch page.
   */
  exchangeRequestBytesMax: 32 * 1024,
  exchangeResponseBytesMax: 4 * 1024 * 1024,
  exchangeUploadBytesMax: 32 * 1024 * 1024,
  /** The largest upload that may come as JSON (base64); larger ones come as raw bytes. */
  exchangeUploadJsonBytesMax: 1024 * 1024,
  exchangeUploadRecordsMax: 200_000,
  exchangeFetchRecordsMax: 10_000,
  /**
   * CBOR items (values, array and map heads) in one upload's body, counted before it is decoded,
   * and uploads being checked or stored at once (more are refused UNAVAILABLE until one ends).
   */
  exchangeUploadItemsMax: 4_000_000,
  exchangeUploadsInFlightMax: 2,
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
  /**
   * Encoded transaction arguments: room for a deployment's bundle (contractSourceBytesMax) and
   * its init arguments, while the whole transaction stays within txBytesMax.
   */
  argsBytesMax: 63 * 1024,
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
  /**
   * Bytes queued (sent, not yet written to the socket) for one subscriber and for all of them;
   * a subscriber past either is closed with code 4008 (too slow), the slowest first.
   */
  subscriberQueuedBytesMax: 4 * 1024 * 1024,
  subscribersQueuedBytesMax: 64 * 1024 * 1024,
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
  /**
   * Inside a contract: the longest string (UTF-16 units; room for the hex text of a largest value)
   * and the largest bigint (bits) that built-ins and operators may produce. Work on them is
   * charged by size (src/vm/builtins.ts), and these bound the work that one operation can do.
   */
  contractStringCharsMax: 128 * 1024,
  contractBigIntBitsMax: 1024,
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
  /** Personal ids one member's derive request may name (ADR 0013). */
  subjectDeriveIdsMax: 32,
  /** Blinded elements in one subject-key evaluation between nodes. */
  subjectEvalBatchMax: 256,
  /** Evaluations a subject-key node performs for one requesting agency per minute. */
  subjectEvalsPerAgencyPerMinuteMax: 60_000,
  /** Evaluation batches one peer may have waiting at a subject-key node. */
  subjectEvalsInFlightPerPeerMax: 4,
  /** How long a node waits for a subject-key node's evaluation, in milliseconds. */
  subjectEvalTimeoutMs: 60_000,
  /** A signed subject request (derive or usage, credential included). */
  subjectRequestBytesMax: 4 * 1024,
  /** An encoded subject credential. */
  subjectCredentialBytesMax: 1_024,
  /** How far ahead of the next height a usage or derive request may expire. */
  subjectRequestExpiryHeightsMax: 100,
} as const;

export type Limits = typeof limits;
