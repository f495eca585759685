// What the catalog promises: only an agency's staff publish its entries, every version is
// reviewed by the configured data authority before it is served, invalid entries are refused
// with errors naming each field, entries are versioned and can be disabled, and the browse
// queries (provider, category, sharing type, keyword) find exactly the right entries.
import assert from 'node:assert/strict';
import { tests } from 'zhengwu/contract/testing';
import type { ContractTestChain } from 'zhengwu/contract/testing';
import {
  agencies, enterpriseCode, entry, licenceCode, ok, people, publishApproved, secretCode,
  setUpCatalog,
} from './fixtures.js';
import type { Catalog, People } from './fixtures.js';

interface Head {
  status: string;
  provider: string;
  versions: number;
  current: { version: number; name: string; publishedAt: number; sharingType: string } | null;
  pending: { version: number } | null;
  lastReview: { reason: string } | null;
}

interface Page {
  items: { code: string }[];
  next: string | null;
}

function setUp(chain: ContractTestChain): { p: People; catalog: Catalog } {
  const p = people(chain);
  return { p, catalog: setUpCatalog(chain, p) };
}

function codes(value: unknown): string[] {
  return (value as Page).items.map((item) => item.code);
}

export const cases = tests({
  'a version is served only after the data authority approves it': { deploy: false,
    run(chain) {
      const { p, catalog } = setUp(chain);
      const submitted = ok(chain.call(p.marketStaff, 'publish', { entry: entry() }));
      assert.deepEqual(submitted.result, { code: enterpriseCode, version: 1 });
      assert.deepEqual(submitted.events.map((event) => event.name), ['EntrySubmitted']);
      let head = chain.query('entry', { code: enterpriseCode }) as unknown as Head;
      assert.equal(head.status, 'in-review');
      assert.equal(head.current, null);
      assert.equal(chain.call(p.fakeAuthority, 'review',
        { code: enterpriseCode, version: 1, approve: true }).status, 'UNAUTHORIZED');
      assert.equal(chain.call(p.marketStaff, 'review',
        { code: enterpriseCode, version: 1, approve: true }).status, 'UNAUTHORIZED');
      const reviewed = ok(chain.call(p.authority, 'review',
        { code: enterpriseCode, version: 1, approve: true }));
      assert.deepEqual(reviewed.events.map((event) => event.name), ['EntryPublished']);
      head = chain.query('entry', { code: enterpriseCode }) as unknown as Head;
      assert.equal(head.status, 'published');
      assert.equal(head.provider, agencies.market);
      assert.ok((head.current?.publishedAt ?? 0) > 1_700_000_000_000, 'publish date = block time');
      assert.deepEqual(codes(catalog.query('reviewQueue', null)), []);
    } },
  'only staff or admin of an agency publish, and only its own entries': { deploy: false,
    run(chain) {
      const { p } = setUp(chain);
      assert.equal(chain.call(p.marketAuditor, 'publish', { entry: entry() }).status,
        'UNAUTHORIZED');
      assert.equal(chain.call(p.outsider, 'publish', { entry: entry() }).status, 'UNAUTHORIZED');
      ok(chain.call(p.marketAdmin, 'publish', { entry: entry() }));
      ok(chain.call(p.taxStaff, 'registerDuty',
        { code: 'market-registration', name: 'x', legalBasis: 'y' }));
      const taken = chain.call(p.taxStaff, 'publish', { entry: entry() });
      assert.equal(taken.status, 'UNAUTHORIZED');
      assert.match(taken.error, /provided by .*market/);
    } },
  'invalid entries are refused with every field named': { deploy: false, run(chain) {
    const { p } = setUp(chain);
    const bad = chain.call(p.marketStaff, 'publish', { entry: entry({ code: '401/12',
      sharingType: 'NOT_SHARED', legalBasis: '', format: 'pdf', grade: 'secret',
      items: [{ name: 'a', type: 'string', personal: false, sensitive: false },
        { name: 'a', type: 'float', personal: 'yes', sensitive: false }],
      schemaHash: 'XYZ', extra: 1 }) });
    assert.equal(bad.status, 'INVALID_ARGUMENT');
    for (const field of ['code:', 'legalBasis: required when sharingType is NOT_SHARED',
      'format:', 'grade:', 'items[1].name: repeats', 'items[1].type:', 'items[1].personal:',
      'schemaHash:', 'extra: not a catalog field']) {
      assert.ok(bad.error.includes(field), `${field} in ${bad.error}`);
    }
    const noConditions = chain.call(p.marketStaff, 'publish',
      { entry: entry({ conditions: '' }) });
    assert.match(noConditions.error, /conditions: required when sharingType is CONDITIONAL/);
    const unknownDuty = chain.call(p.marketStaff, 'publish',
      { entry: entry({ duties: ['tax-collection'] }) });
    assert.match(unknownDuty.error, /duties\[0\]: .* has no duty tax-collection/);
    const errors = chain.query('validate', { entry: entry({ providerCode: '123' }) }) as
      { field: string }[];
    assert.deepEqual(errors.map((error) => error.field), ['providerCode']);
    assert.deepEqual(chain.query('validate', { entry: entry() }), []);
  } },
  'resource codes: class 1-3, item, sub-item, detail, sequence': { deploy: false, run(chain) {
    setUp(chain);
    const valid = ['1010010001/000001', '201001/000009', '302003012345678/123456'];
    const invalid = ['0010010001/000001', '4010010001/000001', '10100/000001',
      '101001/00001', '101001000001', '101001/0000001', '1010010123456789a/000001'];
    for (const code of valid) {
      assert.deepEqual(chain.query('validate', { entry: entry({ code }) }), [], code);
    }
    for (const code of invalid) {
      const errors = chain.query('validate', { entry: entry({ code }) }) as { field: string }[];
      assert.deepEqual(errors.map((error) => error.field), ['code'], code);
    }
  } },
  'a new version stays pending while the old one is served; rejection keeps the old': {
    deploy: false, run(chain) {
      const { p, catalog } = setUp(chain);
      publishApproved(catalog, p);
      ok(chain.call(p.marketStaff, 'publish', { entry: entry({ name: '企业登记信息（第二版）' }) }));
      assert.equal(chain.call(p.marketStaff, 'publish', { entry: entry() }).status,
        'CONTRACT_FAILED', 'one version under review at a time');
      let head = chain.query('entry', { code: enterpriseCode }) as unknown as Head;
      assert.equal(head.status, 'published');
      assert.equal(head.current?.version, 1);
      assert.equal(head.pending?.version, 2);
      assert.deepEqual(codes(chain.query('reviewQueue', null)), [enterpriseCode]);
      assert.equal(chain.call(p.authority, 'review',
        { code: enterpriseCode, version: 2, approve: false }).status, 'BAD_ARGUMENTS');
      assert.equal(chain.call(p.authority, 'review',
        { code: enterpriseCode, version: 1, approve: false, reason: 'x' }).status,
      'CONTRACT_FAILED', 'the version under review is 2');
      ok(chain.call(p.authority, 'review',
        { code: enterpriseCode, version: 2, approve: false, reason: 'abstract too vague' }));
      head = chain.query('entry', { code: enterpriseCode }) as unknown as Head;
      assert.equal(head.current?.version, 1);
      assert.equal(head.lastReview?.reason, 'abstract too vague');
      ok(chain.call(p.marketStaff, 'publish', { entry: entry({ sharingType: 'UNCONDITIONAL' }) }));
      ok(chain.call(p.authority, 'review', { code: enterpriseCode, version: 3, approve: true }));
      head = chain.query('entry', { code: enterpriseCode }) as unknown as Head;
      assert.equal(head.current?.version, 3);
      const history = chain.query('versions', { code: enterpriseCode }) as unknown as
        { items: { version: number }[] };
      assert.deepEqual(history.items.map((v) => v.version), [1, 3]);
      assert.deepEqual(codes(chain.query('bySharingType', { type: 'CONDITIONAL' })), []);
      assert.deepEqual(codes(chain.query('bySharingType', { type: 'UNCONDITIONAL' })),
        [enterpriseCode]);
    } },
  'a rejected first version leaves a rejected entry that can be resubmitted': { deploy: false,
    run(chain) {
      const { p } = setUp(chain);
      ok(chain.call(p.marketStaff, 'publish', { entry: entry() }));
      ok(chain.call(p.authority, 'review',
        { code: enterpriseCode, version: 1, approve: false, reason: 'no schema' }));
      assert.equal((chain.query('entry', { code: enterpriseCode }) as unknown as Head).status,
        'rejected');
      ok(chain.call(p.marketStaff, 'publish', { entry: entry() }));
      assert.equal((chain.query('entry', { code: enterpriseCode }) as unknown as Head).status,
        'in-review');
    } },
  'disabling takes an entry out of the sharing-type index; republishing restores it': {
    deploy: false, run(chain) {
      const { p, catalog } = setUp(chain);
      publishApproved(catalog, p);
      assert.equal(chain.call(p.taxStaff, 'disable', { code: enterpriseCode, reason: 'x' })
        .status, 'UNAUTHORIZED');
      assert.equal(chain.call(p.marketStaff, 'disable', { code: enterpriseCode, reason: '' })
        .status, 'BAD_ARGUMENTS');
      const disabled = ok(chain.call(p.marketStaff, 'disable',
        { code: enterpriseCode, reason: 'source system retired' }));
      assert.deepEqual(disabled.events.map((event) => event.name), ['EntryDisabled']);
      assert.equal((chain.query('entry', { code: enterpriseCode }) as unknown as Head).status,
        'disabled');
      assert.deepEqual(codes(chain.query('bySharingType', { type: 'CONDITIONAL' })), []);
      assert.equal(chain.call(p.authority, 'disable', { code: enterpriseCode, reason: 'again' })
        .status, 'CONTRACT_FAILED');
      publishApproved(catalog, p);
      assert.equal((chain.query('entry', { code: enterpriseCode }) as unknown as Head).status,
        'published');
      assert.deepEqual(codes(chain.query('bySharingType', { type: 'CONDITIONAL' })),
        [enterpriseCode]);
    } },
  'browse by provider, category prefix and sharing type, page by page': { deploy: false,
    run(chain) {
      const { p, catalog } = setUp(chain);
      publishApproved(catalog, p);
      publishApproved(catalog, p, { code: licenceCode, name: '营业执照', sharingType:
        'UNCONDITIONAL', legalBasis: '', conditions: '' });
      publishApproved(catalog, p, { code: secretCode, name: '涉密登记', sharingType:
        'NOT_SHARED', conditions: '' });
      ok(chain.call(p.marketStaff, 'publish', { entry: entry({ code: '101001/000001' }) }));
      assert.deepEqual(codes(chain.query('byProvider', { agency: agencies.market })),
        ['101001/000001', enterpriseCode, licenceCode, secretCode]);
      assert.deepEqual(codes(chain.query('byProvider', { agency: agencies.tax })), []);
      assert.deepEqual(codes(chain.query('byCategory', { prefix: '301001' })),
        [enterpriseCode, licenceCode]);
      assert.deepEqual(codes(chain.query('byCategory', { prefix: '3' })),
        [enterpriseCode, licenceCode, secretCode]);
      const first = chain.query('byCategory', { prefix: '3', limit: 2 }) as unknown as Page;
      assert.deepEqual(codes(first), [enterpriseCode, licenceCode]);
      assert.deepEqual(codes(chain.query('byCategory',
        { prefix: '3', limit: 2, after: first.next ?? '' })), [secretCode]);
      assert.deepEqual(codes(chain.query('bySharingType', { type: 'NOT_SHARED' })),
        [secretCode]);
      assert.equal(chain.call(p.authority, 'review', { code: '101001/000001', version: 1,
        approve: true }).status, 'ok');
    } },
  'keyword search over published names and abstracts is bounded and resumable': {
    deploy: false, run(chain) {
      const { p, catalog } = setUp(chain);
      publishApproved(catalog, p);
      publishApproved(catalog, p, { code: licenceCode, name: '营业执照信息',
        abstract: 'Business licences issued', sharingType: 'UNCONDITIONAL' });
      ok(chain.call(p.marketStaff, 'publish', { entry: entry({ code: secretCode,
        name: '营业执照（待审）' }) }));
      assert.deepEqual(codes(chain.query('search', { keyword: '营业执照' })), [licenceCode]);
      assert.deepEqual(codes(chain.query('search', { keyword: 'LICENCES' })), [licenceCode]);
      const first = chain.query('search', { keyword: 'e', scan: 1 }) as unknown as Page;
      assert.deepEqual(codes(first), [enterpriseCode]);
      assert.equal(first.next, enterpriseCode);
      assert.deepEqual(codes(chain.query('search', { keyword: 'e', scan: 1,
        after: first.next ?? '' })), [licenceCode]);
    } },
  'duties belong to the signer\'s agency': { deploy: false, run(chain) {
    const { p } = setUp(chain);
    const bad = chain.call(p.taxStaff, 'registerDuty', { code: 'x y', name: '', legalBasis: '' });
    assert.equal(bad.status, 'INVALID_ARGUMENT');
    assert.match(bad.error, /code: .*; name: .*; legalBasis: /);
    ok(chain.call(p.taxStaff, 'registerDuty',
      { code: 'tax-registration', name: '税务登记', legalBasis: '《税收征收管理法》' }));
    const duties = chain.query('duties', { agency: agencies.tax }) as unknown as
      { items: { code: string; agency: string }[] };
    assert.deepEqual(duties.items.map((duty) => [duty.agency, duty.code]),
      [[agencies.tax, 'tax-registration']]);
    assert.equal(chain.call(p.outsider, 'registerDuty',
      { code: 'x', name: 'x', legalBasis: 'x' }).status, 'UNAUTHORIZED');
  } },
  'gas stays moderate for publishing and reviewing': { deploy: false, run(chain) {
    const { p } = setUp(chain);
    const published = ok(chain.call(p.marketStaff, 'publish', { entry: entry() }));
    const reviewed = ok(chain.call(p.authority, 'review',
      { code: enterpriseCode, version: 1, approve: true }));
    assert.ok(published.gasUsed < 500_000, `publish used ${published.gasUsed}`);
    assert.ok(reviewed.gasUsed < 500_000, `review used ${reviewed.gasUsed}`);
  } },
  'init takes the authority agency and runs once': { deploy: false, run(chain) {
    const p = people(chain);
    assert.equal(chain.deploy({}).status, 'BAD_ARGUMENTS');
    ok(chain.deploy({ authorityAgency: agencies.data }));
    assert.equal(chain.call(p.authority, 'init', { authorityAgency: agencies.tax }).status,
      'UNAUTHORIZED');
  } },
});
export { cases as tests };
