// The ledger simulator's governance client: at moments drawn from the seed, the agencies'
// administrators change the validator set through the production `governance` contract — one
// proposes add-validator, remove-validator or set-validator-power, others vote yes until the
// default 2/3-of-agencies policy executes it — while the run's faults go on. Like a real client
// it hears nothing when its transaction is lost, so it reads the chain (the most advanced live
// correct node's, through Chain.query) and re-sends after a while.
//
// It keeps its own model of the set: one change is in flight at a time, so the set a change
// produces is known before it is proposed. Changes are chosen so that byzantine validators keep
// less than a third of the new set's power (crashed correct validators all come back at GST, so
// liveness after GST needs nothing more); changes of a byzantine validator's power within that
// bound are drawn on purpose. The negative control's `unsafe` mode instead only draws power
// changes that raise the byzantine share, with no bound. Executed changes go to the checker,
// which checks that each one signs exactly from its execution height + 2.
import { asHeight, compareBytes, encode } from '../../src/core/index.js';
import type { CborValue, Hash, PublicKey, ValidatorSet } from '../../src/core/index.js';
import type { KeyPair } from '../../src/crypto/index.js';
import { encodeTx, signTx } from '../../src/ledger/index.js';
import type { Chain } from '../../src/node/index.js';
import type { ExecutedChange } from './ledger-checker.js';
import { agencyOfNode } from './ledger-world.js';
import type { World } from './ledger-world.js';
import { Prng } from './prng.js';

export type ValidatorChanges = 'off' | 'safe' | 'unsafe';

/** What the governance client needs from the simulation. */
export interface GovernanceHost {
  /** The chain of the most advanced live correct node, or null when none is up. */
  readChain(): Chain | null;
  /** Submits a transaction to a random live correct node; true when that node admitted it. */
  submit(bytes: Uint8Array, hash: Hash): boolean;
  /** A governance outcome the model did not expect (a violation). */
  report(detail: string): void;
}

export interface GovernanceStats {
  changesProposed: number;
  changesExecuted: number;
  changesExpired: number;
  /** Executed changes of a byzantine validator's power, or adding or removing one. */
  byzantineChanges: number;
  /** Governance transactions a node admitted (re-sends included). */
  governanceTxs: number;
  /** Largest validator count of any executed set. */
  setSizeMax: number;
}

type Change =
  | { readonly kind: 'add-validator'; readonly node: number; readonly power: number }
  | { readonly kind: 'remove-validator'; readonly node: number }
  | { readonly kind: 'set-validator-power'; readonly node: number; readonly power: number };

interface Admin {
  readonly key: KeyPair;
  readonly address: Uint8Array;
  readonly agency: string;
  /** Null: re-read from the chain before the next transaction. */
  nextNonce: number | null;
  /** The transaction in flight and when it was sent. */
  pending: { readonly hash: Hash; readonly sentMs: number } | null;
}

interface Active {
  readonly change: Change;
  readonly powers: ReadonlyMap<number, number>;
  readonly proposer: number;
  /** Agencies (by index) that vote yes, in order, after the proposer's own yes. */
  readonly voters: readonly number[];
  /** Ids of the proposals sent for this change (re-sends reuse the nonce: one commits). */
  readonly candidates: Uint8Array[];
  proposalId: Uint8Array | null;
}

interface ProposalView {
  readonly status: string;
  readonly votes: Readonly<Record<string, unknown>>;
  readonly executedHeight: number | null;
}

/** Largest power a change gives a validator. */
const powerMax = 4;
/** A transaction not seen on chain after this long is given up and its nonce re-read. */
const resendAfterMs = 2_000;
/** Heights a proposal stays open. */
const deadlineHeights = 100;
const txExpiryHeights = 200;
const txGasLimit = 1_000_000;
/** Chance that a change is drawn among those touching a byzantine validator. */
const byzantineChangeChance = 0.4;

export class LedgerGovernance {
  readonly stats: GovernanceStats = { changesProposed: 0, changesExecuted: 0, changesExpired: 0,
    byzantineChanges: 0, governanceTxs: 0, setSizeMax: 0 };
  /** Executed changes, ascending by height, for the checker. */
  readonly executed: ExecutedChange[] = [];
  /** Whether every executed set kept byzantine power below a third. */
  withinBound = true;
  private readonly rng: Prng;
  private readonly admins: Admin[];
  /** The model: power of each node in the newest scheduled set. */
  private powers: Map<number, number>;
  private active: Active | null = null;
  private nextChangeMs: number;

  constructor(private readonly world: World, seed: number,
    private readonly byzantine: ReadonlySet<number>, private readonly mode: ValidatorChanges,
    private readonly host: GovernanceHost) {
    this.rng = new Prng(seed).fork().fork().fork().fork().fork();
    this.admins = world.admins.map((key, index) => ({ key,
      address: world.suite.address(key.publicKey), agency: world.agencies[index] ?? '',
      nextNonce: null, pending: null }));
    this.powers = new Map(world.genesis.genesis.validators.map((validator, index) =>
      [index, validator.power]));
    this.nextChangeMs = this.rng.int(200, 1_500);
  }

  /** One look at the chain: starts a change when due, sends what is missing, notes outcomes. */
  tick(now: number, changesEndMs: number): void {
    if (this.active === null) {
      if (now < this.nextChangeMs || now >= changesEndMs) return;
      this.active = this.plan();
      if (this.active === null) this.nextChangeMs = now + 1_000;
      return;
    }
    const chain = this.host.readChain();
    if (chain === null) return;
    for (const admin of this.admins) this.clearPending(admin, chain, now);
    const active = this.active;
    if (active.proposalId === null) {
      active.proposalId = active.candidates.find((id) => this.proposal(chain, id) !== null)
        ?? null;
      if (active.proposalId === null) {
        this.send(chain, now, active.proposer, 'propose', this.proposeArgs(active.change),
          active.candidates);
        return;
      }
    }
    const proposal = this.proposal(chain, active.proposalId);
    if (proposal === null) return;
    if (proposal.status === 'open') {
      for (const voter of active.voters) {
        if (proposal.votes[this.admins[voter]?.agency ?? ''] !== undefined) continue;
        this.send(chain, now, voter, 'vote', { id: active.proposalId, vote: 'yes' }, null);
      }
      return;
    }
    this.closed(active, proposal, now);
  }

  /**
   * At the end of the run: the change in flight may have executed after the client's last look
   * (it stops looking when the load ends), so read its outcome once more from the chain.
   */
  finish(now: number): void {
    const active = this.active;
    const chain = this.host.readChain();
    if (active === null || chain === null) return;
    const id = active.proposalId ?? active.candidates.find((candidate) =>
      this.proposal(chain, candidate) !== null);
    const proposal = id === undefined ? null : this.proposal(chain, id);
    if (proposal !== null && proposal.status !== 'open') this.closed(active, proposal, now);
  }

  /** The validator set a node index model maps to, sorted by address. */
  setOf(powers: ReadonlyMap<number, number>): ValidatorSet {
    const validators = [...powers].map(([node, power]) => {
      const key = this.world.nodeKeys[node];
      if (key === undefined) throw new Error(`node ${node} has a key`);
      return { address: key.address, publicKey: key.key.publicKey as PublicKey, power };
    }).sort((a, b) => compareBytes(a.address, b.address));
    return { validators };
  }

  private closed(active: Active, proposal: ProposalView, now: number): void {
    this.active = null;
    this.nextChangeMs = now + this.rng.int(100, 1_500);
    if (proposal.status === 'expired' || proposal.status === 'rejected') {
      this.stats.changesExpired++;
      return;
    }
    if (proposal.status !== 'executed' || proposal.executedHeight === null) {
      this.host.report(`${describeChange(active.change)} ended ${proposal.status}, not executed`);
      return;
    }
    this.powers = new Map(active.powers);
    this.stats.changesExecuted++;
    this.stats.setSizeMax = Math.max(this.stats.setSizeMax, this.powers.size);
    if (this.byzantine.has(active.change.node)) this.stats.byzantineChanges++;
    if (!this.within(this.powers)) this.withinBound = false;
    this.executed.push({ executedHeight: proposal.executedHeight, set: this.setOf(this.powers),
      what: describeChange(active.change) });
  }

  /** Draws the next change and who votes for it; null when no change is allowed. */
  private plan(): Active | null {
    const all = this.candidates();
    const touching = all.filter((candidate) => this.byzantine.has(candidate.change.node));
    const pool = touching.length > 0 && this.rng.chance(byzantineChangeChance) ? touching : all;
    if (pool.length === 0) return null;
    const { change, powers } = this.rng.pick(pool);
    const agencies = this.admins.length;
    const proposer = this.rng.int(0, agencies - 1);
    const others = Array.from({ length: agencies }, (_, i) => i).filter((i) => i !== proposer);
    for (let i = others.length - 1; i > 0; i--) {
      const j = this.rng.int(0, i);
      [others[i], others[j]] = [others[j] as number, others[i] as number];
    }
    // The default policy needs 2/3 of the agencies; sometimes one more votes than needed (its
    // vote then finds the proposal executed and fails, which must change nothing).
    const needed = Math.ceil((2 * agencies) / 3) - 1 + (this.rng.chance(0.3) ? 1 : 0);
    this.stats.changesProposed++;
    return { change, powers, proposer, voters: others.slice(0, needed), candidates: [],
      proposalId: null };
  }

  private candidates(): { change: Change; powers: Map<number, number> }[] {
    const out: { change: Change; powers: Map<number, number> }[] = [];
    const add = (change: Change): void => {
      const powers = new Map(this.powers);
      if (change.kind === 'remove-validator') powers.delete(change.node);
      else powers.set(change.node, change.power);
      if (powers.size > 0) out.push({ change, powers });
    };
    for (let node = 0; node < this.world.nodeKeys.length; node++) {
      const current = this.powers.get(node);
      if (current !== undefined) add({ kind: 'remove-validator', node });
      for (let power = 1; power <= powerMax; power++) {
        if (current === undefined) add({ kind: 'add-validator', node, power });
        else if (power !== current) add({ kind: 'set-validator-power', node, power });
      }
    }
    if (this.mode !== 'unsafe') return out.filter((candidate) => this.within(candidate.powers));
    const now = this.share(this.powers);
    return out.filter((candidate) => {
      const next = this.share(candidate.powers);
      return candidate.change.kind === 'set-validator-power' &&
        next.faulty * now.total > now.faulty * next.total;
    });
  }

  /** Byzantine validators hold less than a third of the power. */
  private within(powers: ReadonlyMap<number, number>): boolean {
    const { faulty, total } = this.share(powers);
    return faulty * 3 < total;
  }

  /** Byzantine and total power of a set. */
  private share(powers: ReadonlyMap<number, number>): { faulty: number; total: number } {
    let total = 0;
    let faulty = 0;
    for (const [node, power] of powers) {
      total += power;
      if (this.byzantine.has(node)) faulty += power;
    }
    return { faulty, total };
  }

  private proposeArgs(change: Change): CborValue {
    const key = this.world.nodeKeys[change.node];
    if (key === undefined) throw new Error(`node ${change.node} has a key`);
    const payload: CborValue = change.kind === 'add-validator'
      ? { publicKey: key.key.publicKey, power: change.power,
        agency: agencyOfNode(this.world, change.node) }
      : change.kind === 'remove-validator' ? { address: key.address }
        : { address: key.address, power: change.power };
    return { kind: change.kind, payload, reason: `simulated: ${describeChange(change)}`,
      legalBasis: 'ledger simulator', deadlineBlocks: deadlineHeights };
  }

  private proposal(chain: Chain, id: Uint8Array): ProposalView | null {
    return chain.query('governance', 'proposal', { id }) as unknown as ProposalView | null;
  }

  /** Drops the admin's in-flight transaction once it is on chain, or when it is overdue. */
  private clearPending(admin: Admin, chain: Chain, now: number): void {
    const pending = admin.pending;
    if (pending === null) return;
    if (chain.store.tx(pending.hash) !== undefined) {
      admin.pending = null;
    } else if (now - pending.sentMs > resendAfterMs) {
      admin.pending = null;
      admin.nextNonce = null;
    }
  }

  /** Signs and submits one governance call of an admin with nothing in flight. */
  private send(chain: Chain, now: number, index: number, method: string, args: CborValue,
    candidates: Uint8Array[] | null): void {
    const admin = this.admins[index];
    if (admin === undefined || admin.pending !== null) return;
    const nonce = admin.nextNonce ?? chain.nonceOf(admin.address);
    const suite = this.world.suite;
    const bytes = encodeTx(signTx(suite, admin.key.privateKey, {
      chainId: this.world.genesis.chainId, sender: admin.key.publicKey, nonce,
      expiryHeight: asHeight(chain.height + txExpiryHeights), gasLimit: txGasLimit,
      contract: 'governance', method, args }));
    const hash = suite.hash(bytes) as Hash;
    if (!this.host.submit(bytes, hash)) {
      admin.nextNonce = null;
      return;
    }
    this.stats.governanceTxs++;
    admin.nextNonce = nonce + 1;
    admin.pending = { hash, sentMs: now };
    candidates?.push(suite.hash(encode(['zw/proposal/1', hash])));
  }
}

function describeChange(change: Change): string {
  return change.kind === 'remove-validator' ? `remove-validator node ${change.node}`
    : `${change.kind} node ${change.node} power ${change.power}`;
}
