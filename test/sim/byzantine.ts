// Byzantine interceptors on a node's outgoing messages. The node's engine runs correctly; its
// shell lies on the way out, one peer at a time, signing whatever it sends with the node's own
// key (it cannot forge anyone else's). Status and commit messages pass unchanged except from a
// silent node.
import { VoteType, proposalSignBytes, voteSignBytes } from '../../src/core/index.js';
import type { ChainId, Hash, SignedProposal, SignedVote } from '../../src/core/index.js';
import type { ConsensusState } from '../../src/consensus/index.js';
import type { Behavior } from './config.js';
import type { SimKey } from './keys.js';
import type { Prng } from './prng.js';
import { colluderGroup, evilValue } from './values.js';
import type { Wire } from './values.js';

export interface InterceptContext {
  readonly rng: Prng;
  readonly key: SimKey | undefined;
  /** The byzantine node's own engine state, for amnesia. */
  readonly state: ConsensusState;
  readonly peer: number;
  readonly chainId: ChainId;
}

/** Chance that an equivocating node shows a peer something other than the real message. */
const equivocationChance = 0.5;
/** Chance that an equivocated proposal carries an invalid value. */
const invalidProposalChance = 0.2;

export function intercept(behavior: Behavior, context: InterceptContext, message: Wire)
  : Wire | null {
  if (behavior === 'silent') return null;
  if (message.kind === 'status' || message.kind === 'commit') return message;
  switch (behavior) {
    case 'equivocate': {
      if (!context.rng.chance(equivocationChance)) return message;
      const variant = context.rng.int(0, 2);
      const valid = !context.rng.chance(invalidProposalChance);
      return replaceValue(context, message, variant === 2 ? null : variant, valid);
    }
    case 'collude': {
      const { height, round } = message.kind === 'vote' ? message.vote : message.proposal;
      return replaceValue(context, message, colluderGroup(height, round, context.peer), true);
    }
    case 'amnesia': return forgetLock(context, message);
  }
}

/** The same message for another value (variant null: a nil vote), signed afresh. */
function replaceValue(context: InterceptContext, message: Wire & { kind: 'vote' | 'proposal' },
  variant: number | null, valid: boolean): Wire {
  if (message.kind === 'vote') {
    const vote = message.vote;
    const blockHash = variant === null ? null : evilValue(vote.height, vote.round, variant);
    return { kind: 'vote', vote: resignVote(context, { ...vote, blockHash }) };
  }
  const proposal = message.proposal;
  const blockHash = evilValue(proposal.height, proposal.round, variant ?? 0, valid);
  const changed = { ...proposal, blockHash, polRound: -1 };
  const signature = sign(context, proposalSignBytes(context.chainId, changed));
  const signed: SignedProposal = { ...changed, signature };
  return { kind: 'proposal', proposal: signed };
}

/** Amnesia: prevote the round's proposal as if never locked on anything. */
function forgetLock(context: InterceptContext, message: Wire & { kind: 'vote' | 'proposal' })
  : Wire {
  if (message.kind !== 'vote' || message.vote.type !== VoteType.prevote) return message;
  const vote = message.vote;
  const record = context.state.rounds.get(vote.round);
  const proposed: Hash | undefined = record?.proposals[0]?.proposal.blockHash;
  if (proposed === undefined || context.state.height !== vote.height) return message;
  return { kind: 'vote', vote: resignVote(context, { ...vote, blockHash: proposed }) };
}

function resignVote(context: InterceptContext, vote: SignedVote): SignedVote {
  return { ...vote, signature: sign(context, voteSignBytes(context.chainId, vote)) };
}

function sign(context: InterceptContext, payload: Uint8Array): Uint8Array {
  if (context.key === undefined) throw new Error('a byzantine node has a key');
  return context.key.sign(payload);
}
