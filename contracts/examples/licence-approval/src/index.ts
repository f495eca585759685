// A licence that needs the sign-off of two of three agencies (market regulation, tax, public
// security) before it is issued — written with the declarative access rules of
// `zhengwu/contract`: `tx(run, { roles })` refuses callers without the role, and `Approvals`
// records each agency's approval once and says when the policy is met.
import { Approvals, StateMap, ctx, emit, fail, query, require, tx } from 'zhengwu/contract';

const approvers = ['CN-BJ/GOV/11110000000000001M/market', 'CN-BJ/GOV/11110000000000002T/tax',
  'CN-BJ/GOV/11110000000000003P/police'];

type Licence = {
  readonly id: string;
  readonly holder: string;
  readonly issued: boolean;
  readonly approvals: readonly string[];
};

const licences = new StateMap<Licence>('licence');
const signOff = new Approvals('approvals', { n: 2, of: approvers });

export const submit = tx((args: { id: string; holder: string }) => {
  require(typeof args?.id === 'string' && args.id.length > 0, 'id is required', 'BAD_ARGUMENTS');
  require(!licences.has(args.id), `licence ${args.id} exists`, 'ALREADY_EXISTS');
  licences.set(args.id, { id: args.id, holder: String(args.holder), issued: false,
    approvals: [] });
  emit('LicenceSubmitted', { id: args.id, agency: ctx().agency });
  return args.id;
}, { roles: ['staff', 'admin'] });

export const approve = tx((args: { id: string }) => {
  const licence = licences.get(args?.id) ?? fail('no such licence', 'NOT_FOUND');
  const approvals = signOff.approve(licence.id);
  const issued = signOff.met(licence.id);
  licences.set(licence.id, { ...licence, approvals, issued });
  emit(issued ? 'LicenceIssued' : 'LicenceApproved', { id: licence.id, agency: ctx().agency });
  return { issued, approvals };
}, { roles: ['admin', 'staff'] });

export const get = query((args: { id: string }) => licences.get(args?.id) ?? null);
