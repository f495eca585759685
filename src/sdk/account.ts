// An account that signs and sends transactions through one node. It learns the chain id and its
// nonce from the node once, then numbers its transactions locally so that many can be in flight
// at once without waiting for each other.
import {
  ErrorCode, asChainId, encodeExchangeRequest, encodeReceiptReaderProof,
  exchangeRequestSignBytes, isZwError, receiptReaderSignBytes, toHex,
} from '../core/index.js';
import type { CborValue, ChainId, ExchangeAction, Height } from '../core/index.js';
import { issueSubjectCredential, randomBytes, signSubjectRequest } from '../crypto/index.js';
import type { CryptoSuite, KeyPair, SubjectAction } from '../crypto/index.js';
import { encodeTx, signTx } from '../ledger/index.js';
import type { ZhengwuClient, TxView } from './client.js';

export interface SendOptions {
  /** Gas the transaction may use. */
  readonly gasLimit?: number;
  /** How many blocks from now the transaction stays valid. */
  readonly validForBlocks?: number;
}

const defaultGasLimit = 1_000_000;
const defaultValidForBlocks = 1_000;
const heightRefreshMs = 5_000;

/**
 * Answers by which the node says it did not admit a transaction: its nonce was not used, so the
 * account must not skip it (a skipped nonce would hold every later transaction until expiry).
 */
const notAdmittedCodes: ReadonlySet<string> = new Set([ErrorCode.RATE_LIMITED,
  ErrorCode.MEMPOOL_FULL, ErrorCode.TOO_MANY_CONNECTIONS]);

export class Account {
  private next: Promise<{ chainId: ChainId; nonce: number; height: number }> | undefined;
  private nonce = 0;
  private height = 0;
  private heightReadAt = 0;

  constructor(
    readonly suite: CryptoSuite, private readonly key: KeyPair,
    readonly client: ZhengwuClient,
  ) {}

  get address(): string {
    return toHex(this.suite.address(this.key.publicKey));
  }

  get publicKey(): Uint8Array {
    return this.key.publicKey;
  }

  private async chainInfo(): Promise<{ chainId: ChainId; height: number }> {
    this.next ??= (async () => {
      const status = await this.client.status();
      const nonce = await this.client.nonce(this.suite.address(this.key.publicKey));
      this.nonce = nonce;
      return { chainId: asChainId(status.chainId), nonce, height: status.height };
    })();
    return this.next;
  }

  /** The chain height, re-read at most every few seconds, from which expiry heights count. */
  private async recentHeight(initial: number): Promise<number> {
    const now = Date.now();
    if (this.heightReadAt === 0) {
      this.height = initial;
      this.heightReadAt = now;
    } else if (now - this.heightReadAt > heightRefreshMs) {
      this.heightReadAt = now;
      this.height = (await this.client.status()).height;
    }
    return this.height;
  }

  /** Forgets the cached nonce, e.g. after a transaction was rejected by the node. */
  resync(): void {
    this.next = undefined;
    this.heightReadAt = 0;
  }

  /** Builds and signs a transaction with the next local nonce; returns its encoded bytes. */
  async build(contract: string, method: string, args: CborValue, options: SendOptions = {}):
    Promise<Uint8Array> {
    return (await this.signNext(contract, method, args, options)).bytes;
  }

  private async signNext(contract: string, method: string, args: CborValue,
    options: SendOptions): Promise<{ bytes: Uint8Array; nonce: number }> {
    const info = await this.chainInfo();
    const nonce = this.nonce;
    this.nonce += 1;
    const height = await this.recentHeight(info.height);
    const tx = signTx(this.suite, this.key.privateKey, {
      chainId: info.chainId,
      sender: this.key.publicKey,
      nonce,
      expiryHeight: (height + (options.validForBlocks ?? defaultValidForBlocks)) as Height,
      gasLimit: options.gasLimit ?? defaultGasLimit,
      contract,
      method,
      args,
    });
    return { bytes: encodeTx(tx), nonce };
  }

  /**
   * Signs a data-exchange request (an upload or a fetch, see core/exchange-wire.ts) that this
   * member's agency node will act on; valid for `validForBlocks` heights from now.
   */
  async exchangeRequest(action: ExchangeAction, body: CborValue, validForBlocks = 30):
    Promise<Uint8Array> {
    const info = await this.chainInfo();
    const height = await this.recentHeight(info.height);
    const request = { chainId: info.chainId, action, signer: this.key.publicKey,
      expiryHeight: height + validForBlocks, nonce: randomBytes(16), body };
    return encodeExchangeRequest({ ...request,
      signature: this.suite.sign(this.key.privateKey, exchangeRequestSignBytes(request)) });
  }

  /** A subject request (ADR 0013) signed by this member: derive ids, or read usage as auditor. */
  async subjectRequest(action: SubjectAction, body: CborValue, validForBlocks = 20):
    Promise<Uint8Array> {
    const info = await this.chainInfo();
    const height = await this.recentHeight(info.height);
    return signSubjectRequest(this.suite, this.key.privateKey, { chainId: info.chainId, action,
      signer: this.key.publicKey, expiryHeight: height + validForBlocks, nonce: randomBytes(16),
      body });
  }

  /**
   * A receipt reader proof (core/receipt-reader.ts) signed by this member: it lets a node show
   * this member the personal fields of the receipts they may read (ADR 0010).
   */
  async receiptReaderProof(validForBlocks = 20): Promise<Uint8Array> {
    const info = await this.chainInfo();
    const height = await this.recentHeight(info.height);
    const proof = { chainId: info.chainId, signer: this.key.publicKey,
      expiryHeight: height + validForBlocks, nonce: randomBytes(16) };
    return encodeReceiptReaderProof({ ...proof,
      signature: this.suite.sign(this.key.privateKey, receiptReaderSignBytes(proof)) });
  }

  /** A subject credential signed by this member (who needs the `subject-credential` role). */
  async subjectCredential(subject: string, holder: Uint8Array, validForBlocks: number):
    Promise<{ credential: Uint8Array; expiryHeight: number }> {
    const info = await this.chainInfo();
    const height = await this.recentHeight(info.height);
    const expiryHeight = height + validForBlocks;
    return { expiryHeight, credential: issueSubjectCredential(this.suite, this.key,
      { chainId: info.chainId, subject, holder, expiryHeight }) };
  }

  async send(contract: string, method: string, args: CborValue, options: SendOptions = {}):
    Promise<string> {
    const { bytes, nonce } = await this.signNext(contract, method, args, options);
    try {
      return await this.client.submit(bytes);
    } catch (error) {
      if (isZwError(error) && notAdmittedCodes.has(error.code)) this.giveBack(nonce);
      throw error;
    }
  }

  /**
   * Takes back a nonce the node did not admit: reused by the next transaction when none was
   * signed after it, else the nonce is read from the node again (later ones fill in behind).
   */
  private giveBack(nonce: number): void {
    if (this.nonce === nonce + 1) this.nonce = nonce;
    else this.resync();
  }

  async sendAndWait(
    contract: string, method: string, args: CborValue, options: SendOptions = {},
  ): Promise<TxView> {
    return this.client.waitForTx(await this.send(contract, method, args, options));
  }
}
