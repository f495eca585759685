// The simulated clients of a ledger run: a few accounts that notarize random document hashes,
// each keeping a few transactions in flight and tracking its own nonce. Like a real client, an
// account whose transactions were lost (its node crashed, or gossip was dropped) hears nothing,
// and after a while re-reads its nonce from the node it talks to and carries on from there.
import { toHex } from '../../src/core/index.js';
import type { Hash } from '../../src/core/index.js';
import type { KeyPair } from '../../src/crypto/index.js';
import type { Chain } from '../../src/node/index.js';
import type { LedgerSimConfig } from './ledger-config.js';
import { notarizationTx } from './ledger-world.js';
import type { World } from './ledger-world.js';
import type { Prng } from './prng.js';

interface Account {
  readonly key: KeyPair;
  readonly address: Uint8Array;
  nextNonce: number;
  /** Transactions submitted and not yet seen in any block, by hash. */
  readonly outstanding: Set<string>;
  lastProgressMs: number;
}

export interface ClientTx {
  readonly bytes: Uint8Array;
  readonly hash: Hash;
  readonly account: number;
}

export class LedgerClients {
  private readonly accounts: Account[];
  private readonly owners = new Map<string, Account>();
  private now = 0;

  constructor(private readonly world: World, private readonly rng: Prng,
    private readonly config: LedgerSimConfig) {
    this.accounts = world.accounts.map((key) => ({ key,
      address: world.suite.address(key.publicKey), nextNonce: 0, outstanding: new Set(),
      lastProgressMs: 0 }));
  }

  /** The next transaction to submit to a node with this chain, or null when all must wait. */
  next(now: number, chain: Chain): ClientTx | null {
    this.now = now;
    const index = this.rng.int(0, this.accounts.length - 1);
    const account = this.accounts[index];
    if (account === undefined) return null;
    if (account.outstanding.size >= this.config.outstandingPerAccountMax) {
      if (now - account.lastProgressMs < this.config.resyncAfterMs) return null;
      this.resync(account, chain);
    }
    const document = Uint8Array.from({ length: 32 }, () => this.rng.int(0, 255));
    const tx = notarizationTx(this.world, account.key, account.nextNonce, chain.height, document);
    return { ...tx, account: index };
  }

  admitted(now: number, tx: ClientTx): void {
    const account = this.accounts[tx.account];
    if (account === undefined) return;
    if (account.outstanding.size === 0) account.lastProgressMs = now;
    account.nextNonce++;
    const hash = toHex(tx.hash);
    account.outstanding.add(hash);
    this.owners.set(hash, account);
  }

  /** Not admitted (a stale nonce, most likely): re-read the nonce from that node. */
  rejected(chain: Chain, tx: ClientTx): void {
    const account = this.accounts[tx.account];
    if (account !== undefined) this.resync(account, chain);
  }

  /** Some node committed this transaction (whatever its status): it is no longer in flight. */
  onReceipt(now: number, hash: string): void {
    this.now = now;
    const account = this.owners.get(hash);
    if (account === undefined) return;
    this.owners.delete(hash);
    account.outstanding.delete(hash);
    account.lastProgressMs = this.now;
  }

  private resync(account: Account, chain: Chain): void {
    account.nextNonce = chain.nonceOf(account.address);
    for (const hash of account.outstanding) this.owners.delete(hash);
    account.outstanding.clear();
    account.lastProgressMs = this.now;
  }
}
