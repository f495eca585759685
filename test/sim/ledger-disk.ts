// The simulated disk of one node: what survives a crash. The chain database is the production
// ChainStore on an in-memory SQLite database, kept across the node's incarnations; the signer
// record is kept in memory with the same refusal rules as the SignerStateFile. Both have crash
// points. A crash at `commitBlock` strikes before the write (lost), in the middle of it (torn:
// the SQLite transaction aborts part-way and rolls back) or after it (durable, but nobody was
// told). A crash at `record` strikes before the write (lost, the signature never leaves) or
// after it (persisted, never sent). A dead node's process writes nothing more.
import { ChainStore, compareSteps } from '../../src/storage/index.js';
import type { BlockBatch, SignedStep } from '../../src/storage/index.js';
import type { SignerStore } from '../../src/node/index.js';

export type CrashPoint = 'none' | 'before' | 'torn' | 'after';

/** What the simulator decides at each durable write. */
export interface DiskHooks {
  /** Whether the process that owns this disk is alive; a dead one's writes never happen. */
  alive(): boolean;
  /** Where, if anywhere, this write is interrupted by a crash. */
  crashAt(write: 'block' | 'signer'): CrashPoint;
  /** Kills the node now; its objects stay referenced by the stack but do nothing visible. */
  crash(): void;
}

/** Thrown inside a torn block write, so that SQLite rolls the half-written transaction back. */
class TornWrite extends Error {}

export class SimDisk extends ChainStore {
  hooks: DiskHooks | undefined;
  /** Writes interrupted in the middle, to show they left nothing behind. */
  tornWrites = 0;

  constructor() {
    super(':memory:');
  }

  override commitBlock(batch: BlockBatch): void {
    const hooks = this.hooks;
    if (hooks !== undefined && !hooks.alive()) return;
    const point = hooks?.crashAt('block') ?? 'none';
    if (point === 'before') {
      hooks?.crash();
      return;
    }
    if (point === 'torn') {
      this.tornWrites++;
      hooks?.crash();
      try {
        super.commitBlock(tornBatch(batch));
      } catch (error) {
        if (!(error instanceof TornWrite)) throw error;
      }
      return;
    }
    super.commitBlock(batch);
    if (point === 'after') hooks?.crash();
  }
}

/**
 * The same batch, but the write dies after the block, result, transaction and some state rows
 * are in: iterating the state nodes throws half-way through, inside the SQLite transaction.
 */
function tornBatch(batch: BlockBatch): BlockBatch {
  const nodes = [...batch.stateNodes];
  const half = Math.floor(nodes.length / 2);
  nodes[Symbol.iterator] = function* torn() {
    yield* nodes.slice(0, half);
    throw new TornWrite('crash in the middle of the block write');
  };
  return { ...batch, stateNodes: nodes };
}

/** Refusals the simulator wants to hear about (a refusal away from a restart is a bug). */
export type RefusalListener = (next: SignedStep, last: SignedStep) => void;

/**
 * The validator's signer record, kept in memory across crashes. `record` refuses exactly what
 * SignerStateFile refuses: anything below the last signed step, or a different payload at it.
 */
export class SimSigner implements SignerStore {
  private persisted: SignedStep | undefined;
  hooks: DiskHooks | undefined;

  constructor(private readonly onRefusal: RefusalListener) {}

  get lastSigned(): SignedStep | undefined {
    return this.persisted;
  }

  record(next: SignedStep): void {
    const hooks = this.hooks;
    if (hooks !== undefined && !hooks.alive()) throw new Error('the process is dead');
    const last = this.persisted;
    if (last !== undefined) {
      const order = compareSteps(next, last);
      if (order < 0 || (order === 0 && next.payloadHash !== last.payloadHash)) {
        this.onRefusal(next, last);
        throw new Error(`refusing to sign h=${next.height} r=${next.round} s=${next.step}`);
      }
    }
    const point = hooks?.crashAt('signer') ?? 'none';
    if (point === 'before' || point === 'torn') {
      // The signer file is replaced by rename, so a torn write leaves the old one: as before.
      hooks?.crash();
      throw new Error('crashed before the signer record was written');
    }
    this.persisted = next;
    if (point === 'after') {
      hooks?.crash();
      throw new Error('crashed after the signer record was written');
    }
  }
}
