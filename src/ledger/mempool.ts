// The mempool: admitted transactions waiting for a block. It holds only transactions whose form,
// chain and signature were already checked (the node checks signatures on worker threads before
// calling `add`), bounds itself by count, bytes and per-sender count, and hands the proposer
// transactions in nonce order so that each one can execute. Non-members (senders that only
// public contracts accept) get a far smaller share: a few pending transactions per sender and a
// bounded total, so keys made up by the thousand cannot fill the pool members rely on.
import { ErrorCode, ZwError, limits, toHex } from '../core/index.js';
import type { ChainId } from '../core/index.js';
import type { TxEnvelope } from './tx.js';

export interface MempoolInit {
  readonly chainId: ChainId;
  readonly txsMax?: number;
  readonly bytesMax?: number;
  readonly perSenderTxsMax?: number;
  readonly nonceGapMax?: number;
  readonly expiryHeightsMax?: number;
  readonly nonMemberPerSenderTxsMax?: number;
  readonly nonMemberTxsMax?: number;
}

/** Who sent a transaction, as admission found it. */
export interface AdmissionOptions {
  /** False for a sender that is no member (a public-contract call); default true. */
  readonly member?: boolean;
}

export interface MempoolComponents {
  /** The next nonce of an account in the latest committed state. */
  nonceOf(address: Uint8Array): number;
  /** The latest committed height. */
  height(): number;
  /** The account address of a sender public key. */
  addressOf(publicKey: Uint8Array): Uint8Array;
}

interface Entry {
  readonly envelope: TxEnvelope;
  readonly hashHex: string;
  readonly member: boolean;
}

interface SenderQueue {
  readonly address: Uint8Array;
  readonly byNonce: Map<number, Entry>;
}

export class Mempool {
  private readonly byHash = new Map<string, Entry>();
  private readonly senders = new Map<string, SenderQueue>();
  private totalBytes = 0;
  private nonMemberTxs = 0;
  private readonly nonMemberPerSenderTxsMax: number;
  private readonly nonMemberTxsMax: number;
  private readonly txsMax: number;
  private readonly bytesMax: number;
  private readonly perSenderTxsMax: number;
  private readonly nonceGapMax: number;
  private readonly expiryHeightsMax: number;

  constructor(private readonly init: MempoolInit, private readonly components: MempoolComponents) {
    this.txsMax = init.txsMax ?? limits.mempoolTxsMax;
    this.bytesMax = init.bytesMax ?? limits.mempoolBytesMax;
    this.perSenderTxsMax = init.perSenderTxsMax ?? limits.mempoolPerSenderTxsMax;
    this.nonceGapMax = init.nonceGapMax ?? limits.nonceGapMax;
    this.expiryHeightsMax = init.expiryHeightsMax ?? limits.txExpiryHeightsMax;
    this.nonMemberPerSenderTxsMax = init.nonMemberPerSenderTxsMax ??
      limits.nonMemberPendingPerSenderTxsMax;
    this.nonMemberTxsMax = init.nonMemberTxsMax ?? limits.nonMemberPendingTxsMax;
  }

  get size(): number {
    return this.byHash.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  has(hashHex: string): boolean {
    return this.byHash.has(hashHex);
  }

  /** Admits a signature-checked transaction or throws a ZwError saying why not. */
  add(envelope: TxEnvelope, options: AdmissionOptions = {}): void {
    const member = options.member ?? true;
    const { tx } = envelope;
    const hashHex = toHex(envelope.hash);
    if (this.byHash.has(hashHex)) {
      throw new ZwError(ErrorCode.DUPLICATE, 'transaction is already in the mempool');
    }
    this.checkChainAndExpiry(envelope);
    const address = this.components.addressOf(tx.sender);
    const senderKey = toHex(address);
    const next = this.components.nonceOf(address);
    if (tx.nonce < next) {
      throw new ZwError(ErrorCode.NONCE_TOO_LOW,
        `nonce ${tx.nonce} was already used; the account's next nonce is ${next}`);
    }
    if (tx.nonce >= next + this.nonceGapMax) {
      throw new ZwError(ErrorCode.NONCE_TOO_HIGH,
        `nonce ${tx.nonce} is more than ${this.nonceGapMax} past the next nonce ${next}`);
    }
    const queue = this.senders.get(senderKey) ?? { address, byNonce: new Map<number, Entry>() };
    if (queue.byNonce.has(tx.nonce)) {
      throw new ZwError(ErrorCode.DUPLICATE, `nonce ${tx.nonce} is already pending`);
    }
    if (queue.byNonce.size >= this.perSenderTxsMax) {
      throw new ZwError(ErrorCode.SENDER_QUOTA,
        `sender already has ${this.perSenderTxsMax} pending transactions`);
    }
    if (!member && queue.byNonce.size >= this.nonMemberPerSenderTxsMax) {
      throw new ZwError(ErrorCode.SENDER_QUOTA, `a non-member sender may have at most ` +
        `${this.nonMemberPerSenderTxsMax} pending transactions`);
    }
    if (!member && this.nonMemberTxs >= this.nonMemberTxsMax) {
      throw new ZwError(ErrorCode.RATE_LIMITED, `the mempool already holds ` +
        `${this.nonMemberTxsMax} transactions of non-members; retry later`);
    }
    const bytesAfter = this.totalBytes + envelope.bytes.length;
    if (this.byHash.size >= this.txsMax || bytesAfter > this.bytesMax) {
      throw new ZwError(ErrorCode.MEMPOOL_FULL, 'mempool is full; retry later');
    }
    const entry: Entry = { envelope, hashHex, member };
    if (!member) this.nonMemberTxs += 1;
    queue.byNonce.set(tx.nonce, entry);
    this.senders.set(senderKey, queue);
    this.byHash.set(hashHex, entry);
    this.totalBytes += envelope.bytes.length;
  }

  private checkChainAndExpiry(envelope: TxEnvelope): void {
    const { tx } = envelope;
    if (tx.chainId !== this.init.chainId) {
      throw new ZwError(ErrorCode.WRONG_CHAIN,
        `transaction is for chain ${tx.chainId}, this is ${this.init.chainId}`);
    }
    const nextHeight = this.components.height() + 1;
    if (tx.expiryHeight < nextHeight) {
      throw new ZwError(ErrorCode.EXPIRED,
        `transaction expired at height ${tx.expiryHeight}; the next block is ${nextHeight}`);
    }
    if (tx.expiryHeight > nextHeight + this.expiryHeightsMax) {
      throw new ZwError(ErrorCode.EXPIRY_TOO_FAR,
        `expiry height may be at most ${this.expiryHeightsMax} past the next block`);
    }
  }

  /**
   * Transactions for the next block: for each sender, the run of consecutive nonces starting at
   * its account nonce, up to the count and byte limits.
   */
  reap(txsMax: number, bytesMax: number): TxEnvelope[] {
    const out: TxEnvelope[] = [];
    let bytes = 0;
    for (const queue of this.senders.values()) {
      let nonce = this.components.nonceOf(queue.address);
      for (;;) {
        const entry = queue.byNonce.get(nonce);
        if (entry === undefined) break;
        if (out.length >= txsMax || bytes + entry.envelope.bytes.length > bytesMax) return out;
        out.push(entry.envelope);
        bytes += entry.envelope.bytes.length;
        nonce += 1;
      }
    }
    return out;
  }

  /**
   * After a block commits: drops its transactions, those whose nonce is now used, and those that
   * expired. Call AFTER the block's state is committed, so nonceOf sees the new nonces.
   */
  update(committedHashes: readonly string[]): void {
    for (const hashHex of committedHashes) this.remove(hashHex);
    const nextHeight = this.components.height() + 1;
    for (const [senderKey, queue] of this.senders) {
      const next = this.components.nonceOf(queue.address);
      for (const [nonce, entry] of queue.byNonce) {
        if (nonce < next || entry.envelope.tx.expiryHeight < nextHeight) {
          this.remove(entry.hashHex);
        }
      }
      if (queue.byNonce.size === 0) this.senders.delete(senderKey);
    }
  }

  private remove(hashHex: string): void {
    const entry = this.byHash.get(hashHex);
    if (entry === undefined) return;
    this.byHash.delete(hashHex);
    this.totalBytes -= entry.envelope.bytes.length;
    if (!entry.member) this.nonMemberTxs -= 1;
    const senderKey = toHex(this.components.addressOf(entry.envelope.tx.sender));
    const queue = this.senders.get(senderKey);
    queue?.byNonce.delete(entry.envelope.tx.nonce);
    if (queue !== undefined && queue.byNonce.size === 0) this.senders.delete(senderKey);
  }
}
