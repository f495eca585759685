// The invariants the simulator checks at every decision and every signature, over the whole run
// including restarts:
//  - agreement: no two correct nodes decide different values at a height (a fork);
//  - every decision carries a commit that core `verifyCommit` accepts (>2/3 of the power of
//    THAT height's validator set, real signatures of distinct validators, for that height and
//    block);
//  - each node's decided heights are contiguous from 1;
//  - a correct validator never signs two different payloads for one (height, round, type);
//  - a correct signer refuses nothing except right after a restart inside that height, since
//    otherwise a refusal would mean the engine itself tried to double-sign.
// Violations are collected, not thrown, so a negative control can assert that one happens.
import { toHex, verifyCommit } from '../../src/core/index.js';
import type {
  ChainId, Commit, Height, ValidatorSet, VerifySignature,
} from '../../src/core/index.js';

export type ViolationKind =
  | 'fork' | 'bad-commit' | 'non-contiguous' | 'double-sign' | 'unexpected-refusal' | 'liveness'
  // The ledger simulator's (ledger-checker.ts): results, durability and acknowledged txs.
  | 'state-root' | 'went-back' | 'bad-store' | 'lost-tx' | 'exception'
  // Validator-set changes (ledger-checker.ts, ledger-governance.ts).
  | 'validator-set';

export interface Violation {
  readonly kind: ViolationKind;
  readonly timeMs: number;
  readonly detail: string;
}

/** Violations recorded per run before the checker stops collecting (the first is what matters). */
const violationsMax = 20;

export class Checker {
  readonly violations: Violation[] = [];
  /** Value decided at each height by the first correct node to decide it. */
  readonly decided = new Map<number, string>();
  private readonly signed = new Map<string, string>();
  now = 0;

  constructor(
    private readonly chainId: ChainId,
    private readonly set: ValidatorSet,
    private readonly verify: VerifySignature,
  ) {}

  report(kind: ViolationKind, detail: string): void {
    if (this.violations.length < violationsMax) {
      this.violations.push({ kind, timeMs: this.now, detail });
    }
  }

  /** A node decided; `previousHeight` is the last height it had decided before. */
  onDecide(node: number, correct: boolean, previousHeight: number, commit: Commit): void {
    const height = commit.height;
    if (height !== previousHeight + 1) {
      this.report('non-contiguous', `node ${node} decided ${height} after ${previousHeight}`);
    }
    try {
      verifyCommit(this.chainId, this.validatorsOf(height), commit, { height: height as Height,
        blockHash: commit.blockHash }, this.verify);
    } catch (error) {
      this.report('bad-commit', `node ${node} height ${height}: ${(error as Error).message}`);
    }
    if (!correct) return;
    const value = toHex(commit.blockHash);
    const first = this.decided.get(height);
    if (first === undefined) this.decided.set(height, value);
    else if (first !== value) {
      this.report('fork', `height ${height}: node ${node} decided ${value.slice(0, 12)}, ` +
        `another correct node ${first.slice(0, 12)}`);
    }
  }

  /** The set a commit of `height` must carry >2/3 of; one set for every height here. */
  protected validatorsOf(_height: number): ValidatorSet {
    return this.set;
  }

  /** A correct validator's signer released a signature over `payload`. */
  onSign(validator: number, slot: string, payload: Uint8Array): void {
    const key = `${validator}/${slot}`;
    const hex = toHex(payload);
    const previous = this.signed.get(key);
    if (previous === undefined) this.signed.set(key, hex);
    else if (previous !== hex) {
      this.report('double-sign', `validator ${validator} signed two payloads for ${slot}`);
    }
  }

  get signatures(): number {
    return this.signed.size;
  }
}
