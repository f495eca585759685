// Business registration needing three agencies' sign-off: market regulation (名称与登记),
// tax (税务登记) and public security (印章备案). An applicant submits; each agency's approver
// approves or rejects with a reason; when all three approve the business is registered. Until
// on-chain roles exist, an agency's approvers are the addresses configured at deployment (init).
import { StateMap, ctx, emit, fail, query, require, state, tx } from 'zhengwu/contract';
import type { Value } from 'zhengwu/contract';

const agencies = ['market', 'tax', 'police'] as const;
type Agency = (typeof agencies)[number];
type Decision = 'pending' | 'approved' | 'rejected';

interface Application {
  readonly id: string;
  readonly name: string;
  readonly applicant: string;
  readonly submittedAt: number;
  readonly status: 'pending' | 'registered' | 'rejected';
  readonly decisions: { readonly [agency: string]: Decision };
  readonly reasons: { readonly [agency: string]: string };
  readonly registeredAt: number | null;
  readonly [key: string]: Value;
}

type Approvers = { readonly [agency: string]: readonly string[] };

const applications = new StateMap<Application>('application');

function approvers(): Approvers {
  return state.get<Approvers>('approvers') ?? fail('not configured');
}

export const init = tx((args: { approvers: Approvers }) => {
  for (const agency of agencies) {
    const list = args.approvers?.[agency];
    require(Array.isArray(list) && list.length > 0, `approvers.${agency} must list addresses`,
      'BAD_ARGUMENTS');
  }
  state.set('approvers', args.approvers);
});

export const submit = tx((args: { id: string; name: string }) => {
  require(typeof args.id === 'string' && /^[A-Za-z0-9-]{1,40}$/.test(args.id), 'bad id',
    'BAD_ARGUMENTS');
  require(typeof args.name === 'string' && args.name.length > 0 && args.name.length <= 100,
    'name: 1-100 characters', 'BAD_ARGUMENTS');
  if (applications.has(args.id)) fail(`application ${args.id} exists`, 'ALREADY_EXISTS');
  const applicant = ctx().sender ?? fail('no sender');
  applications.set(args.id, { id: args.id, name: args.name, applicant,
    submittedAt: ctx().time, status: 'pending',
    decisions: { market: 'pending', tax: 'pending', police: 'pending' }, reasons: {},
    registeredAt: null });
  emit('Submitted', { id: args.id, name: args.name, applicant });
  return args.id;
});

function decide(id: string, agency: Agency, decision: Decision, reason: string): Application {
  require(agencies.includes(agency), `unknown agency ${String(agency)}`, 'BAD_ARGUMENTS');
  const sender = ctx().sender ?? fail('no sender');
  require((approvers()[agency] ?? []).includes(sender), `not an approver for ${agency}`,
    'UNAUTHORIZED');
  const application = applications.get(id) ?? fail(`no application ${id}`, 'NOT_FOUND');
  require(application.status === 'pending', `application ${id} is ${application.status}`);
  require(application.decisions[agency] === 'pending', `${agency} has already decided`);
  const decisions = { ...application.decisions, [agency]: decision };
  const reasons = decision === 'rejected'
    ? { ...application.reasons, [agency]: reason } : application.reasons;
  const done = agencies.every((each) => decisions[each] === 'approved');
  const status = decision === 'rejected' ? 'rejected' : done ? 'registered' : 'pending';
  const next: Application = { ...application, decisions, reasons, status,
    registeredAt: status === 'registered' ? ctx().time : null };
  applications.set(id, next);
  emit(decision === 'approved' ? 'Approved' : 'Rejected', { id, agency, reason });
  if (status === 'registered') emit('BusinessRegistered', { id, name: next.name });
  return next;
}

export const approve = tx((args: { id: string; agency: Agency }) =>
  decide(args.id, args.agency, 'approved', ''));

export const reject = tx((args: { id: string; agency: Agency; reason: string }) => {
  require(typeof args.reason === 'string' && args.reason.length > 0,
    'a rejection needs a reason', 'BAD_ARGUMENTS');
  return decide(args.id, args.agency, 'rejected', args.reason);
});

export const get = query((args: { id: string }) => applications.get(args.id) ?? null);

export const list = query((args: { status?: string } | null) =>
  applications.list({ limit: 100 }).map(([, application]) => application)
    .filter((application) => args?.status === undefined || application.status === args.status));
