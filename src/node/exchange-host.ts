// Wires the data exchange (src/exchange) to this node: its chain for queries and identities,
// its mempool for the receipts and acknowledgements it signs with the node key, its peer
// network, and exchange.db for the datasets it serves.
import { join } from 'node:path';
import { ErrorCode, ZwError, asChainId, asHeight, toHex } from '../core/index.js';
import type { CborValue, Hash } from '../core/index.js';
import type { CryptoSuite, KeyPair } from '../crypto/index.js';
import { encodeTx, signTx } from '../ledger/index.js';
import type { IdentifySender, Receipt } from '../ledger/index.js';
import { ExchangeService, checkReceiptReader, sharingContract } from '../exchange/index.js';
import type { CommittedCall, ExchangeIdentity, ExchangePeer } from '../exchange/index.js';
import type { Network, PeerMessage } from '../network/index.js';
import { DatasetStore } from '../storage/index.js';
import type { Chain } from './chain.js';

export interface NodeExchangeInit {
  readonly suite: CryptoSuite;
  readonly chainId: string;
  readonly agency: string;
  readonly key: KeyPair;
  /** The chain's per-transaction gas ceiling, which the node's own calls use. */
  readonly txGasMax: number;
  readonly chain: Chain;
  readonly identify: IdentifySender;
  readonly network: Network;
  readonly dataDir: string;
  /** Admits a transaction this node signed, as a client's would be. */
  readonly admit: (bytes: Uint8Array) => Promise<Hash>;
  /** Subject ids of normalized personal ids, through the subject-key agencies (ADR 0013). */
  readonly deriveSubjects?: (ids: readonly string[], progress?: (derived: number) => void) =>
    Promise<readonly string[]>;
  readonly log: (level: 'info' | 'warn', message: string, fields: Record<string, unknown>) =>
    void;
}

/** How long the node waits for its own receipt or acknowledgement to commit. */
const commitWaitMs = 60_000;
/** Expiry of the node's own transactions, in heights from now. */
const ownTxExpiryHeights = 100;

export class NodeExchange {
  readonly service: ExchangeService;
  readonly datasets: DatasetStore;
  private readonly pending = new Map<string, (receipt: Receipt) => void>();
  /** The node's transactions are signed one at a time, so their nonces never collide. */
  private queue: Promise<unknown> = Promise.resolve();
  private nextNonce = 0;

  constructor(private readonly init: NodeExchangeInit) {
    this.datasets = new DatasetStore(join(init.dataDir, 'exchange.db'));
    const { chain } = init;
    this.service = new ExchangeService({
      chainId: init.chainId, suite: init.suite, agency: init.agency, nodeKey: init.key,
      datasets: this.datasets,
      height: () => chain.height,
      query: (contract, method, args) => chain.query(contract, method, args),
      identify: (address) => this.identify(address),
      submit: (contract, method, args) => this.submit(contract, method, args),
      peersOf: (agency) => init.network.peers()
        .filter((peer) => peer.agency === agency)
        .map((peer): ExchangePeer => ({ address: peer.address, agency: peer.agency })),
      send: (peer, message) => { init.network.send(peer, message); },
      ...(init.deriveSubjects === undefined ? {} : { deriveSubjects: init.deriveSubjects }),
      log: init.log,
    });
  }

  private identify(address: Uint8Array): ExchangeIdentity | ZwError | null {
    const { chain } = this.init;
    const who = this.init.identify(chain.latestState, address, sharingContract, chain.height + 1);
    if (who instanceof ZwError) return who;
    return who.agency === null ? null : { agency: who.agency, roles: who.roles };
  }

  /** Who signed a receipt reader proof (ADR 0010); throws when it does not hold. */
  receiptReader(proof: Uint8Array): ExchangeIdentity {
    const { chain, chainId, suite } = this.init;
    return checkReceiptReader({ chainId, suite, height: () => chain.height,
      identify: (address) => this.identify(address) }, proof);
  }

  /** Routes a peer's data message to the service. */
  onPeerMessage(peer: ExchangePeer, message: PeerMessage): boolean {
    if (message.type !== 'data-request' && message.type !== 'data-response') return false;
    this.service.onMessage(peer, message);
    return true;
  }

  /** Called with every committed block (its time and height) and its receipts. */
  onCommitted(time: number, height: number, receipts: readonly Receipt[]): void {
    for (const receipt of receipts) {
      const waiter = this.pending.get(toHex(receipt.txHash));
      if (waiter !== undefined) waiter(receipt);
    }
    try {
      this.service.onBlock(time, height);
    } catch (error) {
      // A chain without the sharing contracts (or an old genesis) has nothing to sweep.
      this.init.log('warn', 'deadline check failed', { err: (error as Error).message });
    }
  }

  private submit(contract: string, method: string, args: CborValue): Promise<CommittedCall> {
    // Only signing and admission are serialized; the commits are awaited side by side (the
    // wrapper object keeps the queue from adopting the commit promise).
    const run = this.queue.then(() => this.submitNow(contract, method, args));
    this.queue = run.catch(() => undefined);
    return run.then(({ committed }) => committed);
  }

  /** Signs and admits one transaction; resolves to a promise of its commit. */
  private async submitNow(contract: string, method: string, args: CborValue):
    Promise<{ committed: Promise<CommittedCall> }> {
    const { suite, key, chain } = this.init;
    const nonce = Math.max(this.nextNonce, chain.nonceOf(suite.address(key.publicKey)));
    const tx = signTx(suite, key.privateKey, { chainId: asChainId(this.init.chainId),
      sender: key.publicKey, nonce, expiryHeight: asHeight(chain.height + ownTxExpiryHeights),
      gasLimit: this.init.txGasMax, contract, method, args });
    const bytes = encodeTx(tx);
    await this.init.admit(bytes);
    this.nextNonce = nonce + 1;
    // Registered right after admission: a block needs consensus rounds over the network, so the
    // transaction cannot commit before this continuation runs.
    const hash = toHex(suite.hash(bytes));
    const committed = new Promise<CommittedCall>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(hash);
        reject(new ZwError(ErrorCode.UNAVAILABLE, `${contract}.${method} did not commit in time`));
      }, commitWaitMs);
      this.pending.set(hash, (receipt) => {
        clearTimeout(timer);
        this.pending.delete(hash);
        resolve({ txHash: receipt.txHash, status: receipt.status, error: receipt.error,
          result: receipt.result });
      });
    });
    return { committed };
  }

  close(): void {
    this.service.close();
    this.datasets.close();
  }
}
