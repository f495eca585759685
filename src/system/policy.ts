// Governance policies: which votes decide a proposal of each kind. A policy is evaluated over the
// electorate — the agencies that are ACTIVE when the votes are counted — so a suspended or removed
// agency's vote stops counting the moment its status changes. Arithmetic is on bigint integers
// only: a fraction p/q is met when yes · q ≥ p · total, never by dividing, so every node agrees.
import { badArguments, readBoolean, readInteger, readRecord } from './args.js';
import type { ArgRecord } from './args.js';
import type { CborValue } from '../core/index.js';
import { governanceLimits } from './limits.js';

/** Every kind of proposal; each has its own policy. */
export const proposalKinds = [
  'add-agency', 'suspend-agency', 'reinstate-agency', 'remove-agency', 'rotate-agency-key',
  'rotate-node-key', 'add-validator', 'remove-validator', 'set-validator-power', 'set-params',
  'deploy-contract', 'upgrade-contract', 'freeze-contract', 'unfreeze-contract', 'set-policy',
] as const;

export type ProposalKind = (typeof proposalKinds)[number];

export function isProposalKind(value: unknown): value is ProposalKind {
  return typeof value === 'string' && (proposalKinds as readonly string[]).includes(value);
}

export type Policy =
  /** Every active agency votes yes. */
  | { readonly type: 'ALL'; readonly weighted?: boolean }
  /** More than half of the active agencies (or of their weight) vote yes. */
  | { readonly type: 'MAJORITY'; readonly weighted?: boolean }
  /** One yes vote is enough. No default uses it. */
  | { readonly type: 'ANY'; readonly weighted?: boolean }
  /** At least n agencies (or n units of weight) vote yes. */
  | { readonly type: 'N_OF'; readonly n: number; readonly weighted?: boolean }
  /** At least numerator/denominator of the agencies (or of their weight) vote yes. */
  | { readonly type: 'FRACTION'; readonly numerator: number; readonly denominator: number;
    readonly weighted?: boolean }
  /**
   * Named agencies, e.g. "the data authority AND the provider": with `all` every listed agency
   * must be active and vote yes; without, one listed active agency's yes is enough.
   */
  | { readonly type: 'LIST'; readonly agencies: readonly string[]; readonly all: boolean;
    readonly weighted?: boolean };

/** One agency of the electorate as the tally sees it. */
export interface Voter {
  readonly agency: string;
  /** Weight when the policy is weighted; 1 otherwise. A positive safe integer. */
  readonly weight: number;
  /** The agency's current vote, or undefined if it has not voted. */
  readonly vote: boolean | undefined;
}

/** passed: the policy is met; failed: it can no longer be met by any votes still to come. */
export type Outcome = 'passed' | 'failed' | 'pending';

interface Sums {
  readonly total: bigint;
  readonly yes: bigint;
  readonly no: bigint;
}

function sums(voters: readonly Voter[], weighted: boolean): Sums {
  let total = 0n;
  let yes = 0n;
  let no = 0n;
  for (const voter of voters) {
    const weight = weighted ? BigInt(voter.weight) : 1n;
    total += weight;
    if (voter.vote === true) yes += weight;
    if (voter.vote === false) no += weight;
  }
  return { total, yes, no };
}

/** Whether `yes` reaches the threshold now, and whether it still could with the undecided. */
function threshold(reached: (yes: bigint) => boolean, s: Sums): Outcome {
  if (s.total > 0n && reached(s.yes)) return 'passed';
  const best = s.total - s.no;
  return s.total > 0n && reached(best) ? 'pending' : 'failed';
}

/**
 * Evaluates `policy` over the electorate: the ACTIVE agencies only, each listed once. The caller
 * MUST leave out suspended and removed agencies; their votes then simply do not count.
 */
export function evaluatePolicy(policy: Policy, electorate: readonly Voter[]): Outcome {
  if (policy.type === 'LIST') return evaluateList(policy, electorate);
  const s = sums(electorate, policy.weighted === true);
  switch (policy.type) {
    case 'ALL': return threshold((yes) => yes === s.total, s);
    case 'MAJORITY': return threshold((yes) => 2n * yes > s.total, s);
    case 'ANY': return threshold((yes) => yes > 0n, s);
    case 'N_OF': return threshold((yes) => yes >= BigInt(policy.n), s);
    case 'FRACTION': return threshold(
      (yes) => yes * BigInt(policy.denominator) >= BigInt(policy.numerator) * s.total, s);
  }
}

function evaluateList(policy: Extract<Policy, { type: 'LIST' }>,
  electorate: readonly Voter[]): Outcome {
  const listed = policy.agencies.map((agency) => electorate.find((v) => v.agency === agency));
  if (policy.all) {
    // A listed agency that is not active can never approve, so the proposal fails.
    if (listed.some((voter) => voter === undefined || voter.vote === false)) return 'failed';
    return listed.every((voter) => voter?.vote === true) ? 'passed' : 'pending';
  }
  if (listed.some((voter) => voter?.vote === true)) return 'passed';
  return listed.some((voter) => voter !== undefined && voter.vote === undefined)
    ? 'pending' : 'failed';
}

const agencyIdPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}(\/[A-Za-z0-9][A-Za-z0-9._:-]{0,63}){2,3}$/;

/** An X-Road style identifier: instance/memberClass/memberCode[/subsystem]. */
export function isAgencyId(value: string): boolean {
  return agencyIdPattern.test(value) && value.length <= governanceLimits.agencyIdBytesMax;
}

/** Checks an untrusted policy and returns it in canonical form (optional fields dropped). */
export function readPolicy(value: CborValue | undefined): Policy {
  const record = readRecord(value, 'policy',
    ['type', 'n', 'numerator', 'denominator', 'agencies', 'all', 'weighted']);
  const weighted = record.weighted === undefined ? false : readBoolean(record.weighted,
    'policy.weighted');
  const extra = weighted ? { weighted: true } : {};
  const only = (fields: readonly string[]): void => {
    for (const key of Object.keys(record)) {
      if (key !== 'type' && key !== 'weighted' && !fields.includes(key)) {
        throw badArguments(`policy ${String(record.type)} takes no ${key}`);
      }
    }
  };
  switch (record.type) {
    case 'ALL': case 'MAJORITY': case 'ANY':
      only([]);
      return { type: record.type, ...extra };
    case 'N_OF':
      only(['n']);
      return { type: 'N_OF', n: readInteger(record.n, 'policy.n', 1,
        governanceLimits.policyDenominatorMax), ...extra };
    case 'FRACTION':
      only(['numerator', 'denominator']);
      return { ...readFraction(record), ...extra };
    case 'LIST':
      only(['agencies', 'all']);
      return { type: 'LIST', agencies: readListAgencies(record.agencies),
        all: readBoolean(record.all, 'policy.all'), ...extra };
    default:
      throw badArguments('policy.type must be ALL, MAJORITY, ANY, N_OF, FRACTION or LIST');
  }
}

function readFraction(record: ArgRecord): Policy {
  const denominator = readInteger(record.denominator, 'policy.denominator', 1,
    governanceLimits.policyDenominatorMax);
  const numerator = readInteger(record.numerator, 'policy.numerator', 1, denominator);
  return { type: 'FRACTION', numerator, denominator };
}

function readListAgencies(value: CborValue | undefined): string[] {
  if (!Array.isArray(value) || value.length === 0 ||
      value.length > governanceLimits.policyAgenciesMax) {
    throw badArguments(`policy.agencies must list 1-${governanceLimits.policyAgenciesMax} agencies`);
  }
  const agencies = value.map((item: CborValue) => {
    if (typeof item !== 'string' || !isAgencyId(item)) {
      throw badArguments('policy.agencies must be agency identifiers');
    }
    return item;
  }).sort();
  if (new Set(agencies).size !== agencies.length) throw badArguments('policy.agencies repeats');
  return agencies;
}

/** The policy as a canonical CBOR value, for state and events. */
export function policyToValue(policy: Policy): CborValue {
  return policy as unknown as CborValue;
}

const twoThirds: Policy = { type: 'FRACTION', numerator: 2, denominator: 3 };
const majority: Policy = { type: 'MAJORITY' };

/**
 * The strict defaults, used until a set-policy proposal replaces one: membership, validator,
 * parameter, key and policy changes need 2/3 of the active agencies; contract deploy, upgrade,
 * freeze and unfreeze need a MAJORITY. No kind defaults to ANY.
 */
export function defaultPolicy(kind: ProposalKind): Policy {
  switch (kind) {
    case 'deploy-contract': case 'upgrade-contract': case 'freeze-contract':
    case 'unfreeze-contract':
      return majority;
    default:
      return twoThirds;
  }
}
