// What the sharing contract promises: UNCONDITIONAL entries are granted at once, CONDITIONAL ones
// wait for the provider (all or some items, reasons required), NOT_SHARED ones go to the data
// authority only; provider deadlines count working days in Beijing time with the authority's
// calendar, and overdue requests escalate when touched or swept; grants expire by height and can
// be revoked, and checkGrant answers exactly for any height; access receipts are recorded only by
// the provider's node, flag served-without-grant, and the citizen's view lists every access newest
// first, covert ones as covert until their disclosure height.
import assert from 'node:assert/strict';
import { tests } from 'zhengwu/contract/testing';
import type { ContractTestChain, TestReceipt } from 'zhengwu/contract/testing';
import {
  agencies, enterpriseCode, licenceCode, ok, people, publishApproved, secretCode, setUpCatalog,
} from '../../catalog/test/fixtures.js';
import type { Catalog, People } from '../../catalog/test/fixtures.js';

interface Request {
  id: string;
  status: string;
  items: string[];
  grantedItems: string[];
  deadline: number | null;
  submittedAt: number;
  submittedHeight: number;
  validUntil: number;
  escalation: { reason: string } | null;
}

interface GrantCheck {
  allowed: boolean;
  grants: string[];
  missing: string[];
}

const dayMs = 86_400_000;
const hash = (n: number): string => n.toString(16).padStart(64, '0');

function setUp(chain: ContractTestChain): { p: People; catalog: Catalog } {
  const p = people(chain);
  const catalog = setUpCatalog(chain, p, true);
  ok(chain.deploy({ catalog: 'catalog' }), 'deploy sharing');
  ok(catalog.call(p.taxStaff, 'registerDuty', { code: 'tax-registration', name: '税务登记',
    legalBasis: '《税收征收管理法》' }));
  publishApproved(catalog, p);
  publishApproved(catalog, p, { code: licenceCode, name: '营业执照', sharingType: 'UNCONDITIONAL',
    legalBasis: '', conditions: '' });
  publishApproved(catalog, p, { code: secretCode, name: '涉密登记', sharingType: 'NOT_SHARED',
    conditions: '' });
  return { p, catalog };
}

function ask(chain: ContractTestChain, p: People, entry: string, items: string[],
  extra: Record<string, unknown> = {}): TestReceipt {
  const args = Object.fromEntries(Object.entries({ entry, items,
    purpose: 'tax registration check', scenario: 'new enterprise tax registration',
    duty: 'tax-registration', validUntil: 1_000, ...extra })
    .filter(([, value]) => value !== undefined));
  return chain.call(p.taxStaff, 'request', args as never);
}

function requested(receipt: TestReceipt): Request {
  ok(receipt, 'request');
  return receipt.result as unknown as Request;
}

function check(chain: ContractTestChain, items: string[], height?: number,
  entry = enterpriseCode): GrantCheck {
  return chain.query('checkGrant', { requester: agencies.tax, entry, items,
    ...(height === undefined ? {} : { height }) }) as unknown as GrantCheck;
}

/** The test's own working-day rule, computed with Date (the contract has none). */
function expectedDeadline(time: number, days: number, holidays: readonly string[] = []): number {
  const offset = 8 * 3_600_000;
  let day = Math.floor((time + offset) / dayMs);
  for (let found = 0; found < days;) {
    day += 1;
    const date = new Date(day * dayMs);
    const iso = date.toISOString().slice(0, 10);
    const weekday = date.getUTCDay();
    if (weekday !== 0 && weekday !== 6 && !holidays.includes(iso)) found += 1;
  }
  return (day + 1) * dayMs - offset;
}

function beijingDate(time: number, plusDays = 0): string {
  return new Date(time + 8 * 3_600_000 + plusDays * dayMs).toISOString().slice(0, 10);
}

export const cases = tests({
  'an UNCONDITIONAL entry is granted at once, to the requester only': { deploy: false,
    run(chain) {
      const { p } = setUp(chain);
      const receipt = ask(chain, p, licenceCode, ['name', 'creditCode']);
      assert.deepEqual(receipt.events.map((event) => event.name),
        ['RequestSubmitted', 'Granted']);
      assert.equal(requested(receipt).status, 'granted');
      assert.deepEqual(check(chain, ['name', 'creditCode'], undefined, licenceCode),
        { allowed: true, grants: ['0000000001'], missing: [] });
      assert.equal(check(chain, ['legalRepresentative'], undefined, licenceCode).allowed, false);
      const police = chain.query('checkGrant', { requester: agencies.police, entry: licenceCode,
        items: ['name'] }) as unknown as GrantCheck;
      assert.equal(police.allowed, false);
      assert.ok(receipt.gasUsed < 1_000_000, `request used ${receipt.gasUsed}`);
    } },
  'a CONDITIONAL entry waits for the provider, who may approve some items with a reason': {
    deploy: false, run(chain) {
      const { p } = setUp(chain);
      const pending = requested(ask(chain, p, enterpriseCode,
        ['name', 'creditCode', 'legalRepresentative']));
      assert.equal(pending.status, 'pending');
      assert.equal(check(chain, ['name']).allowed, false);
      assert.equal(chain.call(p.taxStaff, 'decide', { id: pending.id, approve: true }).status,
        'UNAUTHORIZED');
      assert.equal(chain.call(p.marketAuditor, 'decide', { id: pending.id, approve: true })
        .status, 'UNAUTHORIZED');
      assert.equal(chain.call(p.marketStaff, 'decide', { id: pending.id, approve: true,
        items: ['name', 'creditCode'] }).status, 'BAD_ARGUMENTS', 'partial needs a reason');
      assert.equal(chain.call(p.marketStaff, 'decide', { id: pending.id, approve: true,
        items: ['name', 'phone'] }).status, 'BAD_ARGUMENTS');
      const decided = ok(chain.call(p.marketStaff, 'decide', { id: pending.id, approve: true,
        items: ['name', 'creditCode'], reason: 'legal representative is personal data' }));
      assert.deepEqual(decided.events.map((event) => event.name), ['Granted']);
      assert.equal((decided.events[0]?.data as { partial: boolean }).partial, true);
      assert.deepEqual(check(chain, ['name', 'creditCode']).allowed, true);
      assert.deepEqual(check(chain, ['name', 'legalRepresentative']).missing,
        ['legalRepresentative']);
      assert.equal(chain.call(p.marketStaff, 'decide', { id: pending.id, approve: true }).status,
        'CONTRACT_FAILED', 'decided once');
    } },
  'a rejection needs a reason': { deploy: false, run(chain) {
    const { p } = setUp(chain);
    const pending = requested(ask(chain, p, enterpriseCode, ['name']));
    assert.equal(chain.call(p.marketStaff, 'decide', { id: pending.id, approve: false }).status,
      'BAD_ARGUMENTS');
    const rejected = ok(chain.call(p.marketStaff, 'decide', { id: pending.id, approve: false,
      reason: 'no duty covers this' }));
    assert.deepEqual(rejected.events.map((event) => event.name), ['Rejected']);
    const stored = chain.query('getRequest', { id: pending.id }) as unknown as Request;
    assert.equal(stored.status, 'rejected');
  } },
  'a NOT_SHARED entry goes to the data authority only': { deploy: false, run(chain) {
    const { p } = setUp(chain);
    const receipt = ask(chain, p, secretCode, ['name']);
    assert.deepEqual(receipt.events.map((event) => event.name), ['RequestSubmitted', 'Escalated']);
    const escalated = requested(receipt);
    assert.equal(escalated.status, 'escalated');
    assert.equal(escalated.escalation?.reason, 'not-shared');
    assert.deepEqual((chain.query('escalated', null) as unknown as { items: Request[] }).items
      .map((r) => r.id), [escalated.id]);
    assert.equal(chain.call(p.marketStaff, 'decide', { id: escalated.id, approve: true }).status,
      'UNAUTHORIZED');
    assert.equal(chain.call(p.fakeAuthority, 'decide', { id: escalated.id, approve: true })
      .status, 'UNAUTHORIZED');
    ok(chain.call(p.authority, 'decide', { id: escalated.id, approve: true }));
    assert.equal(check(chain, ['name'], undefined, secretCode).allowed, true);
    assert.deepEqual((chain.query('escalated', null) as unknown as { items: Request[] }).items,
      []);
  } },
  'requests are checked: items, own data, basis, validity, entry status': { deploy: false,
    run(chain) {
      const { p, catalog } = setUp(chain);
      assert.match(ask(chain, p, enterpriseCode, ['phone']).error, /items: /);
      assert.match(ask(chain, p, enterpriseCode, ['name', 'name']).error, /items: distinct/);
      assert.match(ask(chain, p, enterpriseCode, ['name'], { duty: 'no-such-duty' }).error,
        /duty: .* has no duty no-such-duty/);
      assert.match(ask(chain, p, enterpriseCode, ['name'], { duty: undefined }).error,
        /duty or legalBasis/);
      ok(ask(chain, p, enterpriseCode, ['name'], { duty: undefined, legalBasis: '《税收征收管理法》' }));
      assert.match(ask(chain, p, enterpriseCode, ['name'], { validUntil: 1 }).error,
        /validFrom\/validUntil/);
      assert.equal(ask(chain, p, '399999/000001', ['name']).status, 'NOT_FOUND');
      assert.equal(chain.call(p.marketStaff, 'request', { entry: licenceCode, items: ['name'],
        purpose: 'x', scenario: 'y', legalBasis: 'z', validUntil: 1_000 }).error,
      'an agency does not request its own data');
      assert.equal(chain.call(p.outsider, 'request', { entry: licenceCode, items: ['name'],
        purpose: 'x', scenario: 'y', legalBasis: 'z', validUntil: 1_000 }).status,
      'UNAUTHORIZED');
      ok(catalog.call(p.marketStaff, 'disable', { code: licenceCode, reason: 'retired' }));
      assert.match(ask(chain, p, licenceCode, ['name']).error, /is disabled/);
    } },
  'the provider deadline is 5 working days in Beijing time, holidays included': {
    deploy: false, run(chain) {
      const { p } = setUp(chain);
      const first = requested(ask(chain, p, enterpriseCode, ['name']));
      assert.equal(first.deadline, expectedDeadline(first.submittedAt, 5));
      assert.equal(chain.query('deadlineFor', { time: first.submittedAt }), first.deadline);
      // The authority marks the next three calendar days holidays and a Saturday a workday.
      const holidays = [1, 2, 3].map((n) => beijingDate(first.submittedAt, n));
      assert.equal(chain.call(p.marketStaff, 'setCalendar', { holidays }).status,
        'UNAUTHORIZED');
      assert.equal(chain.call(p.authority, 'setCalendar', { holidays: ['2026-02-30'] }).status,
        'BAD_ARGUMENTS');
      ok(chain.call(p.authority, 'setCalendar', { holidays }));
      const second = requested(ask(chain, p, enterpriseCode, ['creditCode']));
      assert.equal(second.deadline, expectedDeadline(second.submittedAt, 5, holidays));
      assert.ok((second.deadline ?? 0) > (first.deadline ?? 0));
      // Known dates: Friday 2026-10-09 10:00 Beijing -> end of Friday 2026-10-16.
      const friday = Date.UTC(2026, 9, 9, 2);
      assert.equal(chain.query('deadlineFor', { time: friday }), Date.UTC(2026, 9, 16, 16));
      ok(chain.call(p.authority, 'setCalendar', { workdays: ['2026-10-10'] }));
      assert.equal(chain.query('deadlineFor', { time: friday }), Date.UTC(2026, 9, 15, 16));
    } },
  'an overdue request escalates when touched, and by anyone\'s sweep': { deploy: false,
    run(chain) {
      const { p } = setUp(chain);
      const one = requested(ask(chain, p, enterpriseCode, ['name']));
      const two = requested(ask(chain, p, enterpriseCode, ['creditCode']));
      chain.advanceTime(12 * dayMs);
      const late = ok(chain.call(p.marketStaff, 'decide', { id: one.id, approve: true }));
      assert.equal((late.result as { applied: boolean }).applied, false);
      assert.deepEqual(late.events.map((event) => event.name), ['Escalated', 'Escalated'],
        'the touched request and, through the sweep, the other overdue one');
      assert.equal((chain.query('getRequest', { id: two.id }) as unknown as Request).status,
        'escalated');
      ok(chain.call(p.authority, 'decide', { id: one.id, approve: false, reason: 'no basis' }));
      const three = requested(ask(chain, p, enterpriseCode, ['legalRepresentative']));
      chain.advanceTime(12 * dayMs);
      const swept = ok(chain.call(p.outsider, 'escalateOverdue', null));
      assert.deepEqual(swept.result, { escalated: 1, expired: 0 });
      const stored = chain.query('getRequest', { id: three.id }) as unknown as Request;
      assert.equal(stored.escalation?.reason, 'overdue');
    } },
  'grants expire by height, can be revoked, and checkGrant is exact at any height': {
    deploy: false, run(chain) {
      const { p } = setUp(chain);
      assert.equal(ask(chain, p, licenceCode, ['name'], { validUntil: 0 }).status,
        'BAD_ARGUMENTS');
      const short = requested(ask(chain, p, licenceCode, ['name'], { validUntil: 40 }));
      const granted = short.submittedHeight;
      assert.equal(check(chain, ['name'], granted, licenceCode).allowed, true);
      assert.equal(check(chain, ['name'], 39, licenceCode).allowed, true);
      assert.equal(check(chain, ['name'], 40, licenceCode).allowed, false);
      while ((chain.call(p.outsider, 'escalateOverdue', null).result as { expired: number })
        .expired === 0) { /* blocks pass until height 40 */ }
      assert.equal((chain.query('getRequest', { id: short.id }) as unknown as Request).status,
        'expired');
      assert.equal(check(chain, ['name'], 39, licenceCode).allowed, true, 'history stays');
      const long = requested(ask(chain, p, licenceCode, ['name'], { validUntil: 10_000 }));
      assert.equal(chain.call(p.taxStaff, 'revoke', { id: long.id, reason: 'x' }).status,
        'UNAUTHORIZED');
      assert.equal(chain.call(p.marketStaff, 'revoke', { id: long.id, reason: '' }).status,
        'BAD_ARGUMENTS');
      const revoked = ok(chain.call(p.marketStaff, 'revoke', { id: long.id,
        reason: 'misuse reported' }));
      assert.deepEqual(revoked.events.map((event) => event.name), ['Revoked']);
      assert.equal(check(chain, ['name'], undefined, licenceCode).allowed, false);
      assert.equal(check(chain, ['name'], long.submittedHeight, licenceCode).allowed, true);
    } },
  'the requester cancels a waiting request': { deploy: false, run(chain) {
    const { p } = setUp(chain);
    const pending = requested(ask(chain, p, enterpriseCode, ['name']));
    assert.equal(chain.call(p.policeStaff, 'cancel', { id: pending.id }).status, 'UNAUTHORIZED');
    assert.deepEqual(ok(chain.call(p.taxStaff, 'cancel', { id: pending.id })).events
      .map((event) => event.name), ['Cancelled']);
    const mine = chain.query('requests', { agency: agencies.tax, side: 'requester' }) as
      unknown as { items: Request[] };
    assert.deepEqual(mine.items.map((r) => r.status), ['cancelled']);
    const inbox = chain.query('requests', { agency: agencies.market, side: 'provider',
      status: 'pending' }) as unknown as { items: Request[] };
    assert.deepEqual(inbox.items, []);
  } },
  'access receipts: only the provider\'s node records them; ungranted service is flagged': {
    deploy: false, run(chain) {
      const { p } = setUp(chain);
      requested(ask(chain, p, licenceCode, ['name']));
      const access = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
        requester: agencies.tax, requesterMember: 'ab'.repeat(20), officialId: 'TAX-0042',
        caseNumber: '京税登〔2026〕17号', system: 'tax registration system',
        purpose: 'tax registration check', entry: licenceCode, items: ['name'],
        subjects: [hash(1), hash(2)], requestHash: hash(10), responseHash: hash(11),
        outcome: 'served', ...extra });
      assert.equal(chain.call(p.marketStaff, 'recordAccess', access() as never).status,
        'UNAUTHORIZED', 'staff are not the node');
      assert.equal(chain.call(p.taxNode, 'recordAccess', access() as never).status,
        'UNAUTHORIZED', 'the requester side does not record the provider receipt');
      const served = ok(chain.call(p.marketNode, 'recordAccess', access() as never));
      assert.deepEqual(served.events.map((event) => event.name), ['AccessRecorded']);
      const refused = ok(chain.call(p.marketNode, 'recordAccess', access({ requester:
        agencies.police, outcome: 'refused', responseHash: null,
        refusalReason: 'no grant' }) as never));
      assert.equal(chain.call(p.marketNode, 'recordAccess', access({ outcome: 'refused',
        responseHash: null }) as never).status, 'BAD_ARGUMENTS', 'a refusal needs a reason');
      const ungranted = ok(chain.call(p.marketNode, 'recordAccess',
        access({ items: ['creditCode'] }) as never));
      assert.deepEqual(ungranted.events.map((event) => event.name),
        ['AccessRecorded', 'UngrantedAccess']);
      const stored = chain.query('receipt', { id: refused.result }) as unknown as
        { outcome: string; grant: GrantCheck; refusalReason: string };
      assert.equal(stored.outcome, 'refused');
      assert.equal(stored.grant.allowed, false);
      assert.equal(chain.call(p.policeStaff, 'acknowledgeAccess',
        { id: served.result, responseHash: hash(11) } as never).status, 'UNAUTHORIZED');
      assert.equal(ok(chain.call(p.taxNode, 'acknowledgeAccess',
        { id: served.result, responseHash: hash(11) } as never)).result, true);
      assert.ok(served.gasUsed < 1_500_000, `recordAccess used ${served.gasUsed}`);
    } },
  'dataset versions: only the provider\'s node registers them, each above the last': {
    deploy: false, run(chain) {
      const { p } = setUp(chain);
      const version = (n: number, extra: Record<string, unknown> = {}): Record<string, unknown> =>
        ({ entry: licenceCode, version: n, hash: hash(20 + n), records: 10 * n, ...extra });
      assert.equal(chain.call(p.marketStaff, 'registerDataset', version(1) as never).status,
        'UNAUTHORIZED', 'staff are not the node');
      assert.equal(chain.call(p.taxNode, 'registerDataset', version(1) as never).status,
        'UNAUTHORIZED', 'another agency\'s node');
      assert.equal(chain.call(p.marketNode, 'registerDataset',
        version(1, { hash: 'xyz' }) as never).status, 'BAD_ARGUMENTS');
      const first = ok(chain.call(p.marketNode, 'registerDataset', version(1) as never));
      assert.deepEqual(first.events.map((event) => event.name), ['DatasetRegistered']);
      assert.equal(chain.call(p.marketNode, 'registerDataset', version(1) as never).status,
        'BAD_ARGUMENTS', 'versions only go up');
      ok(chain.call(p.marketNode, 'registerDataset', version(3) as never));
      const stored = chain.query('dataset', { entry: licenceCode }) as unknown as
        { version: number; records: number; hash: string };
      assert.deepEqual([stored.version, stored.records, stored.hash], [3, 30, hash(23)]);
      assert.equal(chain.query('dataset', { entry: enterpriseCode }), null);
    } },
  'auditors query receipts by agency, entry, time range and purpose': { deploy: false,
    run(chain) {
      const { p } = setUp(chain);
      requested(ask(chain, p, licenceCode, ['name']));
      const ids: string[] = [];
      for (const purpose of ['licence check', 'audit sample', 'licence renewal']) {
        ids.push(String(ok(chain.call(p.marketNode, 'recordAccess', { requester: agencies.tax,
          requesterMember: 'cd'.repeat(20), officialId: 'TAX-1', caseNumber: 'C-1',
          system: 'tax', purpose, entry: licenceCode, items: ['name'], subjects: [hash(7)],
          requestHash: hash(3), responseHash: hash(4), outcome: 'served' })).result));
      }
      const list = (args: Record<string, unknown>): string[] =>
        (chain.query('receipts', args as never) as unknown as { items: { id: string }[] }).items
          .map((r) => r.id);
      assert.deepEqual(list({ requester: agencies.tax }), ids);
      assert.deepEqual(list({ provider: agencies.market }), ids);
      assert.deepEqual(list({ requester: agencies.police }), []);
      assert.deepEqual(list({ entry: licenceCode, purpose: 'licence' }), [ids[0], ids[2]]);
      const time = (id: string | undefined): number => Number((id ?? '').slice(0, 14));
      assert.deepEqual(list({ from: time(ids[1]), to: time(ids[2]) }), [ids[1]]);
      assert.deepEqual(list({ from: time(ids[0]), to: time(ids[2]) + 1 }), ids);
      assert.throws(() => chain.query('receipts', { limit: 5 }), /from and to/);
    } },
  'the citizen sees every access newest first; covert ones as covert until disclosed': {
    deploy: false, run(chain) {
      const { p } = setUp(chain);
      requested(ask(chain, p, licenceCode, ['name']));
      const record = (purpose: string, disclosureHeight: number | null): string =>
        String(ok(chain.call(p.marketNode, 'recordAccess', { requester: agencies.tax,
          requesterMember: 'ef'.repeat(20), officialId: 'TAX-9', caseNumber: 'C-9',
          system: 'tax inspection', purpose, entry: licenceCode, items: ['name'],
          subjects: [hash(42)], requestHash: hash(5), responseHash: hash(6), outcome: 'served',
          disclosureHeight })).result);
      const open = record('registration check', null);
      const covert = record('investigation', 60);
      const later = record('annual review', null);
      const usage = (): { id: string; covert: boolean; purpose?: string;
        disclosedAfterHeight?: number }[] =>
        (chain.query('usage', { subject: hash(42) }) as unknown as { items: never[] }).items;
      const before = usage();
      assert.deepEqual(before.map((row) => row.id), [later, covert, open]);
      assert.deepEqual(before[1], { id: covert, covert: true, disclosedAfterHeight: 60 });
      assert.equal(before[0]?.purpose, 'annual review');
      assert.deepEqual((chain.query('usage', { subject: hash(43) }) as unknown as
        { items: unknown[] }).items, []);
      const paged = chain.query('usage', { subject: hash(42), limit: 2 }) as unknown as
        { items: { id: string }[]; next: string };
      assert.deepEqual(paged.items.map((row) => row.id), [later, covert]);
      assert.deepEqual((chain.query('usage', { subject: hash(42), after: paged.next }) as
        unknown as { items: { id: string }[] }).items.map((row) => row.id), [open]);
      while (((chain.query('usage', { subject: hash(42) }) as unknown as
        { items: { covert: boolean }[] }).items[1]?.covert ?? false)) {
        chain.call(p.outsider, 'escalateOverdue', null);
      }
      assert.equal(usage()[1]?.purpose, 'investigation');
      assert.equal(chain.call(p.marketNode, 'recordAccess', { requester: agencies.tax,
        requesterMember: 'ef'.repeat(20), officialId: 'TAX-9', caseNumber: 'C-9', system: 's',
        purpose: 'p', entry: licenceCode, items: ['name'], subjects: ['not-a-hash'],
        requestHash: hash(5), responseHash: hash(6), outcome: 'served' }).status,
      'BAD_ARGUMENTS', 'raw ids never go on chain: subjects are 64-hex pseudonyms');
    } },
});
export { cases as tests };
