// Byzantine interceptors on the messages a production ConsensusDriver sends, for the ledger
// simulator. The node's driver and engine run correctly; its shell lies on the way out, one peer
// at a time. It can only re-sign what it signed itself: votes and proposals of other validators
// that it relays by gossip pass unchanged. Conflicting proposals carry real blocks (the same
// block with another time), so they are valid and can really be decided. Invalid ones carry a
// time that does not increase or a transaction with a forged signature. An equivocator also
// answers block-sync requests with a block that its commit does not sign. The behaviours are
// those of config.ts: equivocate, collude, amnesia, silent.
//
// An equivocator's votes for blocks nobody proposed use one made-up hash per slot, so each
// receiver sees at most a few distinct votes from it per slot. With `flood` every re-send (the
// driver gossips its own votes again and again) carries a fresh made-up hash instead: the
// engine counts at most conflictingVotesPerValidatorMax conflicting votes per validator and
// slot, so such a flood can keep some correct nodes from ever counting the equivocator's real
// vote, and with it a polka other correct nodes locked on. That stalls a height for good (a
// known engine issue, see ledger-controls.test.ts), so seeds run without it.
import {
  VoteType, bytesEqual, proposalSignBytes, toHex, voteSignBytes,
} from '../../src/core/index.js';
import type {
  Address, ChainId, Hash, SignedProposal, SignedVote,
} from '../../src/core/index.js';
import type { CryptoSuite, KeyPair } from '../../src/crypto/index.js';
import {
  blockHash, decodeBlock, encodeBlock, encodeTx, signTx, txRoot,
} from '../../src/ledger/index.js';
import type { Block } from '../../src/ledger/index.js';
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
  /** A fresh made-up hash in every equivocated vote (see the header). */
  readonly flood: boolean;
}

/** Chance that an equivocating node shows a peer something other than the real message. */
const equivocationChance = 0.5;
/** Chance that an equivocated proposal carries an invalid block. */
const invalidProposalChance = 0.2;
/** Variants below zero are invalid blocks: time 0, or a transaction with a forged signature. */
const invalidTime = -1;
const forgedTx = -2;
/** Conflicting blocks a colluding proposer makes per round, one per group of peers. */
const collusionVariants = 2;

export function interceptLedger(behavior: Behavior, context: LedgerInterceptContext,
  message: ConsensusMessage): ConsensusMessage | null {
  if (behavior === 'silent') return null;
  if (message.type === 'proposal') {
    if (!bytesEqual(message.proposal.proposer, context.self)) return message;
    return interceptProposal(behavior, context, message);
  }
  if (message.type === 'block-response' && behavior === 'equivocate' &&
      context.rng.chance(equivocationChance)) {
    const block = decodeBlock(message.block);
    return { ...message, block: encodeBlock(changeBlock(context, block, 0)) };
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
        : choice === 1 || variants.length === 0 ? madeUpHash(context, vote)
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
      if (context.rng.chance(invalidProposalChance)) {
        return variant(context, message, context.rng.pick([invalidTime, forgedTx]));
      }
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

/** The proposed block changed (see changeBlock), re-hashed and re-proposed. */
function variant(context: LedgerInterceptContext, message: ConsensusMessage & {
  type: 'proposal' }, which: number): ConsensusMessage {
  const key = `${toHex(message.proposal.blockHash)}/${which}`;
  const cached = context.variants.get(key);
  if (cached !== undefined) return cached;
  const block = changeBlock(context, decodeBlock(message.block), which);
  const changed = { ...message.proposal, blockHash: blockHash(context.suite.hash, block.header),
    polRound: -1 };
  const signature = context.suite.sign(context.key.privateKey,
    proposalSignBytes(context.chainId, changed));
  const out: ConsensusMessage = { type: 'proposal', proposal: { ...changed, signature },
    block: encodeBlock(block) };
  context.variants.set(key, out);
  return out;
}

/**
 * Variant `which` >= 0 of a block: another time, so a valid conflicting block. Invalid ones:
 * time 0 (times must increase), or an extra transaction whose signature does not verify.
 */
function changeBlock(context: LedgerInterceptContext, block: Block, which: number): Block {
  if (which === forgedTx) {
    const tx = signTx(context.suite, context.key.privateKey, { chainId: context.chainId,
      sender: context.key.publicKey, nonce: 0, expiryHeight: block.header.height,
      gasLimit: 100_000, contract: 'notary', method: 'put',
      args: { hash: new Uint8Array(32), meta: {} } });
    const forged = encodeTx({ ...tx, signature: tx.signature.map((byte) => byte ^ 1) });
    const txs = [...block.txs, forged];
    return { ...block, txs, header: { ...block.header, txRoot: txRoot(context.suite.hash, txs) } };
  }
  const time = which === invalidTime ? 0 : block.header.time + 1 + which;
  return { ...block, header: { ...block.header, time } };
}

function revote(context: LedgerInterceptContext, vote: SignedVote, blockHash: Hash | null)
  : ConsensusMessage {
  const changed = { ...vote, blockHash };
  const signature = context.suite.sign(context.key.privateKey,
    voteSignBytes(context.chainId, changed));
  return { type: 'vote', vote: { ...changed, signature } };
}

/** A hash no block has: fresh each time when flooding, else one per (height, round, type). */
function madeUpHash(context: LedgerInterceptContext, vote: SignedVote): Hash {
  if (context.flood) return Uint8Array.from({ length: 32 }, () => context.rng.int(0, 255)) as Hash;
  return context.suite.hash(new TextEncoder().encode(
    `made-up/${vote.height}/${vote.round}/${vote.type}`)) as Hash;
}
