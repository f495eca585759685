// The ledger simulator's invariants, on top of checker.ts (agreement, commits verified with core
// `verifyCommit`, one payload per signed slot), read from each node's own ChainStore, so that
// what is checked is what survived on disk:
//  - every height from 1 to the store's latest is present, and a store never goes back;
//  - each stored block hashes to its stored hash, its commit is for that hash, and its header
//    carries the previous height's stored state and receipts roots;
//  - correct nodes agree on the state root and receipts root at every height;
//  - every transaction acknowledged to a client as committed ('ok' receipt, seen only after the
//    block was durable) is in the store of every correct node that reached its height;
//  - with governance changing the validator set: each commit carries >2/3 of the power of its
//    own height's set (as the first correct node's Chain.validatorsAt gave it), every correct
//    node's Chain.validatorsAt agrees on the set of every height it committed, each block's
//    header names that set, and the sets follow the changes governance executed: a change
//    executed at height H applies from H + 2 exactly (checkSchedule).
import { bytesEqual, fromHex, toHex, validatorSetHash } from '../../src/core/index.js';
import type { ChainId, Commit, ValidatorSet, VerifySignature } from '../../src/core/index.js';
import type { CryptoSuite } from '../../src/crypto/index.js';
import { blockHash, decodeBlock, decodeCommit, decodeReceipt } from '../../src/ledger/index.js';
import type { ChainStore } from '../../src/storage/index.js';
import { Checker } from './checker.js';

/** A node's validator set of a height, as its own Chain gives it (Chain.validatorsAt). */
export type SetsOf = (height: number) => ValidatorSet;

/** A validator-set change governance executed, and the set it must give from H + 2. */
export interface ExecutedChange {
  readonly executedHeight: number;
  readonly set: ValidatorSet;
  readonly what: string;
}

/** Heights after a change's execution at which the new set signs (governanceLimits). */
const validatorDelayHeights = 2;

export class LedgerChecker extends Checker {
  /** The validator set of each height, from the first correct node to commit that height. */
  private readonly sets = new Map<number, { readonly set: ValidatorSet; readonly hash: string }>();
  /** The set a commit being checked must carry (see validatorsOf). */
  private checkingSet: ValidatorSet;
  /** `stateRoot/receiptsRoot` at each height, from the first correct node to store it. */
  private readonly results = new Map<number, string>();
  /** Acknowledged transactions and the height they committed at. */
  readonly acknowledged = new Map<string, number>();

  constructor(chainId: ChainId, set: ValidatorSet, verify: VerifySignature,
    private readonly suite: CryptoSuite) {
    super(chainId, set, verify);
    this.checkingSet = set;
  }

  protected override validatorsOf(_height: number): ValidatorSet {
    return this.checkingSet;
  }

  /**
   * Checks the heights a node's store gained since `checked` (the highest height already
   * checked) and returns their commits, oldest first.
   */
  checkStore(node: number, correct: boolean, store: ChainStore, checked: number, setsOf: SetsOf)
    : Commit[] {
    const latest = store.latestHeight();
    if (latest < checked) {
      this.report('went-back', `node ${node} store at height ${latest} after ${checked}`);
      return [];
    }
    const commits: Commit[] = [];
    for (let height = checked + 1; height <= latest; height++) {
      const commit = this.checkHeight(node, correct, store, height, setsOf);
      if (commit === undefined) break;
      commits.push(commit);
    }
    return commits;
  }

  private checkHeight(node: number, correct: boolean, store: ChainStore, height: number,
    setsOf: SetsOf): Commit | undefined {
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
    this.checkingSet = this.checkSet(node, correct, height, header.validatorsHash, setsOf(height));
    this.onDecide(node, correct, height - 1, commit);
    if (correct) this.checkResult(node, height, result.stateRoot, result.receiptsRoot);
    return commit;
  }

  /**
   * The node's set of `height` must be the one its block names and, for a correct node, the one
   * every other correct node has; returns the set the height's commit is verified with.
   */
  private checkSet(node: number, correct: boolean, height: number, named: Uint8Array,
    own: ValidatorSet): ValidatorSet {
    const hash = validatorSetHash(this.suite.hash, own);
    if (!bytesEqual(hash, named)) {
      this.report('validator-set', `node ${node} block ${height} names another validator set ` +
        'than its Chain.validatorsAt');
    }
    const reference = this.sets.get(height);
    if (reference === undefined) {
      if (correct) this.sets.set(height, { set: own, hash: toHex(hash) });
      return own;
    }
    if (correct && reference.hash !== toHex(hash)) {
      this.report('validator-set', `height ${height}: node ${node} has validator set ` +
        `${toHex(hash).slice(0, 12)}, another correct node ${reference.hash.slice(0, 12)}`);
    }
    return reference.set;
  }

  /**
   * The sets of all committed heights follow the executed changes: the genesis set until the
   * first change's height + 2, each change's set from its height + 2 on. `changes` is ascending
   * by executed height, at most one per height.
   */
  checkSchedule(genesis: ValidatorSet, changes: readonly ExecutedChange[]): number {
    let checked = 0;
    for (const [height, reference] of [...this.sets].sort(([a], [b]) => a - b)) {
      let expected = genesis;
      let what = 'the genesis set';
      for (const change of changes) {
        if (change.executedHeight + validatorDelayHeights > height) break;
        expected = change.set;
        what = `${change.what} (executed at ${change.executedHeight})`;
      }
      checked++;
      if (toHex(validatorSetHash(this.suite.hash, expected)) !== reference.hash) {
        this.report('validator-set', `height ${height} is signed by another set than ${what}`);
      }
    }
    return checked;
  }

  /** The validator set of a committed height, as the correct nodes agree on it. */
  setAt(height: number): ValidatorSet | undefined {
    return this.sets.get(height)?.set;
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
