// Public entry of `consensus`: the pure Tendermint state machine (Buchman, Kwon, Milosevic 2018,
// Algorithm 1). The node shell owns clocks, storage and sockets; it feeds `step` inputs and
// performs the effects it returns, in the order documented in machine.ts.
export { initialState, step, gossipMessages, proposerOf } from './machine.js';
export { defaultConsensusInit, resolveConsensusInit } from './options.js';
export type { ConsensusInit, ResolvedConsensusInit } from './options.js';
export {
  initialProposerPriorities, nextHeightProposerPriorities, proposerIndexAt, ProposerSchedule,
} from './proposer.js';
export type { ProposerPriorities } from './proposer.js';
export type {
  Step, Lock, ResumePoint, StartHeightInput, ProposalInput, VoteInput, TimeoutInput, ValueInput,
  CommitInput, Input, RequestValueEffect, SignProposalEffect, SignVoteEffect,
  ScheduleTimeoutEffect, DecideEffect, EvidenceEffect, Effect, ProposalRecord, VoteTally,
  RoundRecord, RoundFlags, HeightContext, Decision, NextHeightMessage, ConsensusState, StepResult,
} from './types.js';
