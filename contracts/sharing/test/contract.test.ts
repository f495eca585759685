// What the sharing contract promises: UNCONDITIONAL entries are granted at once, CONDITIONAL ones
// wait for the provider (all or some items, reasons required), NOT_SHARED ones go to the data
// authority only; provider deadlines count working days in Beijing time with the authority's
// calendar, and overdue requests escalate when touched or swept; grants expire by height and can
// be revoked, and checkGrant finds every live grant (past 100 expired ones) and none on a disabled
// entry; access receipts are recorded only by the provider's node, only for a request the
// requester's member signed (checked on chain, once), flag served-without-grant and hold no
// personal field; a covert access needs its role, a legal basis and a delay within the chain's
// bound; the citizen's view lists every access newest first, covert ones as covert until their
// disclosure height.
import assert from 'node:assert/strict';
import { tests } from 'zhengwu/contract/testing';
import type { ContractTestChain, TestAccount, TestReceipt } from 'zhengwu/contract/testing';
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

function setUp(chain: ContractTestChain, init: Record<string, number> = {}, deploy = true):
  { p: People; catalog: Catalog } {
  const p = people(chain);
  const catalog = setUpCatalog(chain, p, true);
  const deployed = chain.deploy({ catalog: 'catalog', ...init });
  if (!deploy) {
    assert.equal(deployed.status, 'BAD_ARGUMENTS');
    return { p, catalog };
  }
  ok(deployed, 'deploy sharing');
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

/** A member's signed fetch of the licence register, as their client makes it. */
function fetchRequest(chain: ContractTestChain, from: TestAccount,
  body: Record<string, unknown> = {}, expiryHeight?: number): Uint8Array {
  return chain.exchangeRequest(from, 'fetch', { entry: licenceCode, items: ['name'],
    purpose: 'tax registration check', caseNumber: '京税登〔2026〕17号', officialId: 'TAX-0042',
    system: 'tax registration system', ...body } as never, expiryHeight);
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
        { allowed: true, grants: ['0000000001'], missing: [], reason: '' });
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
  'grants expire by height, can be revoked, and checkGrant is exact for now and later': {
    deploy: false, run(chain) {
      const { p } = setUp(chain);
      assert.equal(ask(chain, p, licenceCode, ['name'], { validUntil: 0 }).status,
        'BAD_ARGUMENTS');
      const short = requested(ask(chain, p, licenceCode, ['name'], { validUntil: 40 }));
      const granted = short.submittedHeight;
      assert.equal(check(chain, ['name'], granted, licenceCode).allowed, true);
      assert.equal(check(chain, ['name'], 39, licenceCode).allowed, true);
      assert.equal(check(chain, ['name'], 40, licenceCode).allowed, false);
      assert.throws(() => check(chain, ['name'], granted - 1, licenceCode), /current height/,
        'the past is in each receipt, not asked again');
      while ((chain.call(p.outsider, 'escalateOverdue', null).result as { expired: number })
        .expired === 0) { /* blocks pass until height 40 */ }
      assert.equal((chain.query('getRequest', { id: short.id }) as unknown as Request).status,
        'expired');
      const long = requested(ask(chain, p, licenceCode, ['name'], { validUntil: 10_000 }));
      assert.equal(chain.call(p.taxStaff, 'revoke', { id: long.id, reason: 'x' }).status,
        'UNAUTHORIZED');
      assert.equal(chain.call(p.marketStaff, 'revoke', { id: long.id, reason: '' }).status,
        'BAD_ARGUMENTS');
      const revoked = ok(chain.call(p.marketStaff, 'revoke', { id: long.id,
        reason: 'misuse reported' }));
      assert.deepEqual(revoked.events.map((event) => event.name), ['Revoked']);
      assert.equal(check(chain, ['name'], undefined, licenceCode).allowed, false);
    } },
  // Issue 12, point 12: grantCheck scanned the first 100 index keys of a requester and entry, and
  // expired grants stayed in the index, so a valid 101st grant was refused.
  'a valid grant behind 100 expired ones is honoured': { deploy: false, run(chain) {
    const { p } = setUp(chain);
    // One call is one block: the grant asked for at height h + n + 1 is valid at that height
    // only, so the 100 grants below have all expired when the last one is asked for.
    const start = requested(ask(chain, p, enterpriseCode, ['name'])).submittedHeight;
    for (let n = 0; n < 100; n += 1) {
      const short = requested(ask(chain, p, licenceCode, ['name'],
        { validUntil: start + n + 2 }));
      assert.equal(short.status, 'granted');
    }
    const valid = requested(ask(chain, p, licenceCode, ['name'], { validUntil: 100_000 }));
    assert.deepEqual(check(chain, ['name'], undefined, licenceCode),
      { allowed: true, grants: [valid.id], missing: [], reason: '' });
  } },
  'a requester holds a bounded number of live grants on one entry': { deploy: false,
    run(chain) {
      const { p } = setUp(chain);
      for (let n = 0; n < 32; n += 1) requested(ask(chain, p, licenceCode, ['name']));
      const refused = ask(chain, p, licenceCode, ['name']);
      assert.equal(refused.status, 'CONTRACT_FAILED');
      assert.match(refused.error, /32 live grants/);
    } },
  // Issue 12, point 12: a disabled entry was still served to the grants it had.
  'a disabled entry serves no one, whatever its grants': { deploy: false, run(chain) {
    const { p } = setUp(chain);
    requested(ask(chain, p, licenceCode, ['name']));
    assert.equal(check(chain, ['name'], undefined, licenceCode).allowed, true);
    ok(chain.callContract('catalog', p.marketStaff, 'disable',
      { code: licenceCode, reason: 'source system retired' }));
    assert.deepEqual(check(chain, ['name'], undefined, licenceCode), { allowed: false,
      grants: [], missing: ['name'], reason: `entry ${licenceCode} is disabled` });
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
  // Issue 12, point 10: a provider's node recorded receipts naming any requester, official and
  // purpose. Now the receipt carries the requester's signed request and the chain checks it.
  'access receipts carry the requester\'s signed request, checked on chain': {
    deploy: false, run(chain) {
      const { p } = setUp(chain);
      requested(ask(chain, p, licenceCode, ['name']));
      const signed = fetchRequest(chain, p.taxStaff, { subjects: [hash(1), hash(2)] });
      const access = (request: Uint8Array, extra: Record<string, unknown> = {}):
        Record<string, unknown> => ({ request, subjects: [hash(1), hash(2)],
        responseHash: hash(11), outcome: 'served', ...extra });
      assert.equal(chain.call(p.marketStaff, 'recordAccess', access(signed) as never).status,
        'UNAUTHORIZED', 'staff are not the node');
      assert.equal(chain.call(p.taxNode, 'recordAccess', access(signed) as never).status,
        'UNAUTHORIZED', 'the requester side does not record the provider receipt');
      // The forgeries: the provider's node signs a request itself, garbles a real one's
      // signature, or has a non-member sign one.
      const own = chain.call(p.marketNode, 'recordAccess',
        access(fetchRequest(chain, p.marketNode)) as never);
      assert.equal(own.status, 'UNAUTHORIZED');
      assert.match(own.error, /not staff or admin/);
      const garbled = Uint8Array.from(signed);
      garbled[garbled.length - 3] = (garbled[garbled.length - 3] ?? 0) ^ 1;
      const bad = chain.call(p.marketNode, 'recordAccess', access(garbled) as never);
      assert.equal(bad.status, 'UNAUTHORIZED');
      assert.match(bad.error, /does not verify/);
      assert.equal(chain.call(p.marketNode, 'recordAccess',
        access(fetchRequest(chain, p.outsider)) as never).status, 'UNAUTHORIZED');
      assert.equal(chain.call(p.marketNode, 'recordAccess',
        access(fetchRequest(chain, p.taxStaff, {}, 1)) as never).status, 'UNAUTHORIZED',
      'an expired request authorizes nothing');
      assert.equal(chain.call(p.marketNode, 'recordAccess', access(signed,
        { subjects: [hash(3)] }) as never).status, 'BAD_ARGUMENTS',
      'a receipt names only subjects the request names');
      const served = ok(chain.call(p.marketNode, 'recordAccess', access(signed) as never));
      assert.deepEqual(served.events.map((event) => event.name), ['AccessRecorded']);
      const replay = chain.call(p.marketNode, 'recordAccess', access(signed) as never);
      assert.equal(replay.status, 'ALREADY_EXISTS', 'a signed request makes one receipt');
      const stored = chain.query('receipt', { id: served.result }) as unknown as
        Record<string, unknown>;
      assert.equal(stored.requester, agencies.tax);
      assert.equal(stored.requesterMember, p.taxStaff.address);
      assert.equal(stored.subjectCount, 2);
      assert.equal(chain.query('requestRecorded', { hash: String(stored.requestHash) }),
        served.result);
      for (const field of ['purpose', 'officialId', 'caseNumber', 'subjects']) {
        assert.equal(stored[field], undefined, `the receipt holds no ${field}`);
      }
      const police = fetchRequest(chain, p.policeStaff);
      const refused = ok(chain.call(p.marketNode, 'recordAccess', access(police, {
        outcome: 'refused', responseHash: null, refusalReason: 'no grant' }) as never));
      assert.equal(chain.call(p.marketNode, 'recordAccess', access(fetchRequest(chain,
        p.policeStaff), { outcome: 'refused', responseHash: null }) as never).status,
      'BAD_ARGUMENTS', 'a refusal needs a reason');
      const ungranted = ok(chain.call(p.marketNode, 'recordAccess',
        access(fetchRequest(chain, p.taxStaff, { items: ['creditCode'] })) as never));
      assert.deepEqual(ungranted.events.map((event) => event.name),
        ['AccessRecorded', 'UngrantedAccess']);
      const refusal = chain.query('receipt', { id: refused.result }) as unknown as
        { outcome: string; requester: string; grant: GrantCheck };
      assert.deepEqual([refusal.outcome, refusal.requester, refusal.grant.allowed],
        ['refused', agencies.police, false]);
      assert.equal(chain.call(p.policeStaff, 'acknowledgeAccess',
        { id: served.result, responseHash: hash(11) } as never).status, 'UNAUTHORIZED');
      assert.equal(ok(chain.call(p.taxNode, 'acknowledgeAccess',
        { id: served.result, responseHash: hash(11), subjects: [hash(2), hash(1)] } as never))
        .result, true);
      assert.ok(served.gasUsed < 1_500_000, `recordAccess used ${served.gasUsed}`);
      // A page by offset names no subjects in the request: the provider names hash(3), whom it
      // did not serve; the requester's node lists what it got, and the chain records the dispute.
      const page = ok(chain.call(p.marketNode, 'recordAccess', access(fetchRequest(chain,
        p.taxStaff), { subjects: [hash(3)] }) as never));
      assert.equal(ok(chain.call(p.taxNode, 'acknowledgeAccess',
        { id: page.result, responseHash: hash(11), subjects: [] } as never)).result, false);
      const disputed = chain.query('usage', { subject: hash(3) }) as unknown as
        { items: { id: string; disputed: boolean }[] };
      assert.deepEqual(disputed.items.map((item) => [item.id, item.disputed]),
        [[page.result, true]]);
    } },
  // Issue 12, point 11: any staff member could hide an access from the citizen forever.
  'a covert access needs the covert-access role, a legal basis and a bounded delay': {
    deploy: false, run(chain) {
      const { p } = setUp(chain, { covertDelayBlocksMax: 100 });
      const start = requested(ask(chain, p, licenceCode, ['name'])).submittedHeight;
      const investigator = chain.account({ agency: agencies.tax,
        roles: ['staff', 'covert-access'] });
      const record = (from: TestAccount, disclosureHeight: number): TestReceipt =>
        chain.call(p.marketNode, 'recordAccess', { request: fetchRequest(chain, from,
          { subjects: [hash(42)], covert: { legalBasis: '《刑事诉讼法》第一百五十条',
            disclosureHeight } }), subjects: [hash(42)], responseHash: hash(6),
        outcome: 'served' } as never);
      const plain = record(p.taxStaff, start + 20);
      assert.equal(plain.status, 'UNAUTHORIZED');
      assert.match(plain.error, /covert-access/);
      const forever = record(investigator, 2 ** 53 - 1);
      assert.equal(forever.status, 'BAD_ARGUMENTS');
      assert.match(forever.error, /within 100 blocks/);
      assert.equal(record(investigator, start + 200).status, 'BAD_ARGUMENTS');
      const covert = ok(record(investigator, start + 20));
      const stored = chain.query('receipt', { id: covert.result }) as unknown as
        { disclosureHeight: number; covertBasis: string };
      assert.deepEqual([stored.disclosureHeight, stored.covertBasis],
        [start + 20, '《刑事诉讼法》第一百五十条']);
      assert.equal(chain.call(p.marketNode, 'recordAccess', { request: fetchRequest(chain,
        investigator, { covert: { disclosureHeight: start + 20 } }), subjects: [],
      responseHash: hash(6), outcome: 'served' } as never).status, 'BAD_ARGUMENTS',
      'a covert access names its legal basis');
    } },
  'sharing\'s covert bound is the chain\'s rule, set at deployment': { deploy: false,
    run(chain) {
      setUp(chain, { covertDelayBlocksMax: -1 }, false);
      assert.equal(chain.deploy({ catalog: 'catalog', covertDelayBlocksMax: 20_000_000 }).status,
        'BAD_ARGUMENTS');
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
  'auditors query receipts by agency, entry and time range': { deploy: false,
    run(chain) {
      const { p } = setUp(chain);
      requested(ask(chain, p, licenceCode, ['name']));
      const ids: string[] = [];
      for (const purpose of ['licence check', 'audit sample', 'licence renewal']) {
        ids.push(String(ok(chain.call(p.marketNode, 'recordAccess', {
          request: fetchRequest(chain, p.taxStaff, { purpose, subjects: [hash(7)] }),
          subjects: [hash(7)], responseHash: hash(4), outcome: 'served' })).result));
      }
      const list = (args: Record<string, unknown>): string[] =>
        (chain.query('receipts', args as never) as unknown as { items: { id: string }[] }).items
          .map((r) => r.id);
      assert.deepEqual(list({ requester: agencies.tax }), ids);
      assert.deepEqual(list({ provider: agencies.market }), ids);
      assert.deepEqual(list({ requester: agencies.police }), []);
      assert.deepEqual(list({ entry: licenceCode }), ids);
      const time = (id: string | undefined): number => Number((id ?? '').slice(0, 14));
      assert.deepEqual(list({ from: time(ids[1]), to: time(ids[2]) }), [ids[1]]);
      assert.deepEqual(list({ from: time(ids[0]), to: time(ids[2]) + 1 }), ids);
      assert.throws(() => chain.query('receipts', { limit: 5 }), /from and to/);
    } },
  'the citizen sees every access newest first; covert ones as covert until disclosed': {
    deploy: false, run(chain) {
      const { p } = setUp(chain);
      const start = requested(ask(chain, p, licenceCode, ['name'])).submittedHeight;
      const investigator = chain.account({ agency: agencies.tax,
        roles: ['staff', 'covert-access'] });
      const record = (from: TestAccount, system: string,
        covert: Record<string, unknown> | null): string =>
        String(ok(chain.call(p.marketNode, 'recordAccess', {
          request: fetchRequest(chain, from, { system, subjects: [hash(42)],
            ...(covert === null ? {} : { covert }) }),
          subjects: [hash(42)], responseHash: hash(6), outcome: 'served' })).result);
      const open = record(p.taxStaff, 'registration check', null);
      const covert = record(investigator, 'inspection',
        { legalBasis: '《税收征收管理法》第五十四条', disclosureHeight: start + 40 });
      const later = record(p.taxStaff, 'annual review', null);
      const usage = (): { id: string; covert: boolean; system?: string; purpose?: string;
        disclosedAfterHeight?: number }[] =>
        (chain.query('usage', { subject: hash(42) }) as unknown as { items: never[] }).items;
      const before = usage();
      assert.deepEqual(before.map((row) => row.id), [later, covert, open]);
      assert.deepEqual(before[1], { id: covert, covert: true,
        disclosedAfterHeight: start + 40 });
      assert.equal(before[0]?.system, 'annual review');
      assert.equal(before[0]?.purpose, undefined, 'the purpose is not in a public query');
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
      assert.equal(usage()[1]?.system, 'inspection');
      assert.equal(chain.call(p.marketNode, 'recordAccess', {
        request: fetchRequest(chain, p.taxStaff), subjects: ['not-a-hash'],
        responseHash: hash(6), outcome: 'served' }).status,
      'BAD_ARGUMENTS', 'raw ids never go on chain: subjects are 64-hex pseudonyms');
    } },
  // Issue 12, point 11: POST /v1/query refuses sharing.usage, but a deployed contract's query
  // could call it and hand the citizen's log to anyone through POST /v1/query.
  'a contract cannot read the citizen\'s log through its own query': { deploy: false,
    run(chain) {
      const { p } = setUp(chain);
      requested(ask(chain, p, licenceCode, ['name']));
      ok(chain.call(p.marketNode, 'recordAccess', { request: fetchRequest(chain, p.taxStaff,
        { subjects: [hash(42)] }), subjects: [hash(42)], responseHash: hash(6),
      outcome: 'served' }));
      const direct = chain.query('usage', { subject: hash(42) }) as unknown as
        { items: unknown[] };
      assert.equal(direct.items.length, 1, 'the node\'s own top-level query still reads it');
      ok(chain.deployContract('relay'), 'deploy relay');
      const relayed = (method: string, args: Record<string, unknown>): unknown =>
        chain.queryContract('relay', 'relay', { contract: chain.name, method, args } as never);
      assert.throws(() => relayed('usage', { subject: hash(42) }), (error: Error) => {
        assert.equal((error as Error & { code?: string }).code, 'UNAUTHORIZED');
        assert.match(error.message, /GET \/v1\/usage/);
        return true;
      });
      const receipt = relayed('receipts', { requester: agencies.tax }) as { items: unknown[] };
      assert.equal(receipt.items.length, 1, 'queries without personal fields stay callable');
    } },
});
export { cases as tests };
