// The ledger simulator's invariants, on top of checker.ts (agreement, commits verified with core
// `verifyCommit`, one payload per signed slot), read from each node's own ChainStore, so that
// what is checked is what survived on disk:
//  - every height from 1 to the store's latest is present, and a store never goes back;
//  - each stored block hashes to its stored hash, its commit is for that hash, and its header
//    carries the previous height's stored state and receipts roots;
//  - correct nodes agree on the state root and receipts root at every height;
//  - every transaction acknowledged to a client as committed ('ok' receipt, seen only after the
//    block was durable) is in the store of every correct node that reached its height.
import { bytesEqual, fromHex, toHex } from '../../src/core/index.js';
import type { ChainId, Commit, ValidatorSet, VerifySignature } from '../../src/core/index.js';
import type { CryptoSuite } from '../../src/crypto/index.js';
import { blockHash, decodeBlock, decodeCommit, decodeReceipt } from '../../src/ledger/index.js';
import type { ChainStore } from '../../src/storage/index.js';
import { Checker } from './checker.js';

export class LedgerChecker extends Checker {
  /** `stateRoot/receiptsRoot` at each height, from the first correct node to store it. */
  private readonly results = new Map<number, string>();
  /** Acknowledged transactions and the height they committed at. */
  readonly acknowledged = new Map<string, number>();

  constructor(chainId: ChainId, set: ValidatorSet, verify: VerifySignature,
    private readonly suite: CryptoSuite) {
    super(chainId, set, verify);
  }

  /**
   * Checks the heights a node's store gained since `checked` (the highest height already
   * checked) and returns their commits, oldest first.
   */
  checkStore(node: number, correct: boolean, store: ChainStore, checked: number): Commit[] {
    const latest = store.latestHeight();
    if (latest < checked) {
      this.report('went-back', `node ${node} store at height ${latest} after ${checked}`);
      return [];
    }
    const commits: Commit[] = [];
    for (let height = checked + 1; height <= latest; height++) {
      const commit = this.checkHeight(node, correct, store, height);
      if (commit === undefined) break;
      commits.push(commit);
    }
    return commits;
  }

  private checkHeight(node: number, correct: boolean, store: ChainStore, height: number)
    : Commit | undefined {
    const stored = store.block(height);
    const result = store.result(height);
    if (stored === undefined || result === undefined) {
      this.report('bad-store', `node ${node} is missing height ${height} below its latest`);
      return undefined;
    }
    const header = decodeBlock(stored.block).header;
    const commit = decodeCommit(stored.commit);
    if (!bytesEqual(blockHash(this.suite.hash, header), stored.hash) ||
        !bytesEqual(commit.blockHash, stored.hash) || commit.height !== height) {
      this.report('bad-store', `node ${node} height ${height}: block, hash and commit differ`);
    }
    const previous = height > 1 ? store.result(height - 1) : undefined;
    if (previous !== undefined && (!bytesEqual(header.lastStateRoot, previous.stateRoot) ||
        !bytesEqual(header.lastReceiptsRoot, previous.receiptsRoot))) {
      this.report('state-root', `node ${node} block ${height} signs other roots than it stored`);
    }
    this.onDecide(node, correct, height - 1, commit);
    if (correct) this.checkResult(node, height, result.stateRoot, result.receiptsRoot);
    return commit;
  }

  private checkResult(node: number, height: number, stateRoot: Uint8Array,
    receiptsRoot: Uint8Array): void {
    const roots = `${toHex(stateRoot)}/${toHex(receiptsRoot)}`;
    const first = this.results.get(height);
    if (first === undefined) this.results.set(height, roots);
    else if (first !== roots) {
      this.report('state-root', `height ${height}: node ${node} has roots ${roots.slice(0, 12)}, ` +
        `another correct node ${first.slice(0, 12)}`);
    }
  }

  acknowledge(txHash: string, height: number): void {
    this.acknowledged.set(txHash, height);
  }

  /** Every acknowledged transaction is in this store with an 'ok' receipt, if it got there. */
  checkAcknowledged(node: number, store: ChainStore): number {
    const latest = store.latestHeight();
    let missing = 0;
    for (const [hash, height] of this.acknowledged) {
      if (height > latest) continue;
      const stored = store.tx(fromHex(hash));
      if (stored === undefined || stored.height !== height ||
          decodeReceipt(stored.receipt).status !== 'ok') {
        missing++;
        this.report('lost-tx', `node ${node} lacks acknowledged tx ${hash.slice(0, 12)} ` +
          `of height ${height}`);
      }
    }
    return missing;
  }
}
