// Byzantine interceptors on the messages a production ConsensusDriver sends, for the ledger
// simulator. The node's driver and engine run correctly; its shell lies on the way out, one peer
// at a time. It can only re-sign what it signed itself: votes and proposals of other validators
// that it relays by gossip pass unchanged. Conflicting proposals carry real blocks (the same
// block with another time), so they are valid and can really be decided. The behaviours are
// those of config.ts: equivocate, collude, amnesia, silent.
import {
  VoteType, bytesEqual, proposalSignBytes, toHex, voteSignBytes,
} from '../../src/core/index.js';
import type {
  Address, ChainId, Hash, SignedProposal, SignedVote,
} from '../../src/core/index.js';
import type { CryptoSuite, KeyPair } from '../../src/crypto/index.js';
import { blockHash, decodeBlock, encodeBlock } from '../../src/ledger/index.js';
import type { ConsensusMessage } from '../../src/node/index.js';
import type { Behavior } from './config.js';
import type { Prng } from './prng.js';
import { colluderGroup } from './values.js';

/** What one byzantine node's shell knows when it intercepts a message to one peer. */
export interface LedgerInterceptContext {
  readonly rng: Prng;
  readonly suite: CryptoSuite;
  readonly chainId: ChainId;
  readonly key: KeyPair;
  readonly self: Address;
  readonly peer: number;
  /** Variant block hashes per `height/round`, shared by all colluders (they conspire). */
  readonly collusion: Map<string, readonly Hash[]>;
  /** The last proposal this node saw per `height/round`: amnesia prevotes it. */
  readonly seen: ReadonlyMap<string, Hash>;
  /** Variant proposals already built, per source block hash and variant. */
  readonly variants: Map<string, ConsensusMessage>;
}

/** Chance that an equivocating node shows a peer something other than the real message. */
const equivocationChance = 0.5;
/** Chance that an equivocated proposal carries an invalid block (its time does not increase). */
const invalidProposalChance = 0.2;
/** Conflicting blocks a colluding proposer makes per round, one per group of peers. */
const collusionVariants = 2;

export function interceptLedger(behavior: Behavior, context: LedgerInterceptContext,
  message: ConsensusMessage): ConsensusMessage | null {
  if (behavior === 'silent') return null;
  if (message.type === 'proposal') {
    if (!bytesEqual(message.proposal.proposer, context.self)) return message;
    return interceptProposal(behavior, context, message);
  }
  if (message.type !== 'vote' || !bytesEqual(message.vote.validator, context.self)) {
    return message;
  }
  const vote = message.vote;
  const slot = `${vote.height}/${vote.round}`;
  switch (behavior) {
    case 'equivocate': {
      if (!context.rng.chance(equivocationChance)) return message;
      const choice = context.rng.int(0, 2);
      const variants = context.collusion.get(slot) ?? [];
      const blockHash = choice === 0 ? null
        : choice === 1 || variants.length === 0 ? junkHash(context.rng)
          : variants[context.rng.int(0, variants.length - 1)] as Hash;
      return revote(context, vote, blockHash);
    }
    case 'collude': {
      const variants = context.collusion.get(slot);
      if (variants === undefined) return message;
      const group = colluderGroup(vote.height, vote.round, context.peer);
      return revote(context, vote, variants[group] ?? null);
    }
    case 'amnesia': {
      const proposed = context.seen.get(slot);
      if (vote.type !== VoteType.prevote || proposed === undefined) return message;
      return revote(context, vote, proposed);
    }
  }
}

function interceptProposal(behavior: Behavior, context: LedgerInterceptContext,
  message: ConsensusMessage & { type: 'proposal' }): ConsensusMessage {
  const { height, round } = message.proposal;
  switch (behavior) {
    case 'equivocate': {
      if (!context.rng.chance(equivocationChance)) return message;
      if (context.rng.chance(invalidProposalChance)) return variant(context, message, -1);
      return variant(context, message, context.rng.int(0, collusionVariants - 1));
    }
    case 'collude': {
      const slot = `${height}/${round}`;
      if (!context.collusion.has(slot)) {
        const hashes = Array.from({ length: collusionVariants }, (_, i) =>
          proposalOf(variant(context, message, i)).blockHash);
        context.collusion.set(slot, hashes);
      }
      return variant(context, message, colluderGroup(height, round, context.peer));
    }
    default: return message;
  }
}

function proposalOf(message: ConsensusMessage): SignedProposal {
  if (message.type !== 'proposal') throw new Error('a proposal variant is a proposal');
  return message.proposal;
}

/**
 * The proposed block with another time, re-hashed and re-proposed. Variant -1 gives it time 0,
 * which no block may have (times increase), so receivers judge it invalid.
 */
function variant(context: LedgerInterceptContext, message: ConsensusMessage & {
  type: 'proposal' }, which: number): ConsensusMessage {
  const key = `${toHex(message.proposal.blockHash)}/${which}`;
  const cached = context.variants.get(key);
  if (cached !== undefined) return cached;
  const block = decodeBlock(message.block);
  const time = which < 0 ? 0 : block.header.time + 1 + which;
  const header = { ...block.header, time };
  const changed = { ...message.proposal, blockHash: blockHash(context.suite.hash, header),
    polRound: -1 };
  const signature = context.suite.sign(context.key.privateKey,
    proposalSignBytes(context.chainId, changed));
  const out: ConsensusMessage = { type: 'proposal', proposal: { ...changed, signature },
    block: encodeBlock({ ...block, header }) };
  context.variants.set(key, out);
  return out;
}

function revote(context: LedgerInterceptContext, vote: SignedVote, blockHash: Hash | null)
  : ConsensusMessage {
  const changed = { ...vote, blockHash };
  const signature = context.suite.sign(context.key.privateKey,
    voteSignBytes(context.chainId, changed));
  return { type: 'vote', vote: { ...changed, signature } };
}

function junkHash(rng: Prng): Hash {
  return Uint8Array.from({ length: 32 }, () => rng.int(0, 255)) as Hash;
}
