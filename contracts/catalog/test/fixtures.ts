// Shared test fixtures for the catalog and sharing contracts: the agencies of a small city, their
// members with roles, and valid catalog entries to vary. Not a test file itself.
import assert from 'node:assert/strict';
import type { Value } from 'zhengwu/contract';
import type { ContractTestChain, TestAccount, TestReceipt } from 'zhengwu/contract/testing';

export const agencies = {
  market: 'CN-BJ/GOV/11110000000021131M/market',
  tax: 'CN-BJ/GOV/11110000000021132M/tax',
  police: 'CN-BJ/GOV/11110000000021133M/police',
  data: 'CN-BJ/GOV/11110000000021134M/data-bureau',
} as const;

export interface People {
  readonly marketStaff: TestAccount;
  readonly marketAdmin: TestAccount;
  readonly marketAuditor: TestAccount;
  readonly marketNode: TestAccount;
  readonly taxStaff: TestAccount;
  readonly taxNode: TestAccount;
  readonly policeStaff: TestAccount;
  readonly authority: TestAccount;
  /** Holds `data-authority` but in the wrong agency: must not count as the authority. */
  readonly fakeAuthority: TestAccount;
  readonly outsider: TestAccount;
}

export function people(chain: ContractTestChain): People {
  const member = (agency: string, roles: string[]): TestAccount =>
    chain.account({ agency, roles });
  return {
    marketStaff: member(agencies.market, ['staff']),
    marketAdmin: member(agencies.market, ['admin']),
    marketAuditor: member(agencies.market, ['auditor']),
    marketNode: member(agencies.market, ['exchange']),
    taxStaff: member(agencies.tax, ['staff']),
    taxNode: member(agencies.tax, ['operator']),
    policeStaff: member(agencies.police, ['staff']),
    authority: member(agencies.data, ['data-authority', 'staff']),
    fakeAuthority: member(agencies.tax, ['data-authority']),
    outsider: chain.account(),
  };
}

export const enterpriseCode = '301001001/000001';
export const licenceCode = '301001002/000001';
export const secretCode = '301002001/000001';

/** A valid CONDITIONAL entry (the enterprise registry); override fields per test. */
export function entry(overrides: Record<string, Value> = {}): Record<string, Value> {
  return {
    code: enterpriseCode, name: '企业登记信息', providerCode: '11110000000021131M',
    abstract: 'Registered enterprises: name, credit code, legal representative, capital.',
    format: 'database',
    items: [
      { name: 'name', type: 'string', personal: false, sensitive: false },
      { name: 'creditCode', type: 'string', personal: false, sensitive: false },
      { name: 'legalRepresentative', type: 'string', personal: true, sensitive: false },
    ],
    sharingType: 'CONDITIONAL', legalBasis: '《企业信息公示暂行条例》',
    conditions: 'for tax registration and supervision only', method: 'api',
    open: 'conditional-open', updateCycle: 'daily', related: [], grade: 'important',
    duties: ['market-registration'], schemaHash: 'ab'.repeat(32),
    ...overrides,
  };
}

export function ok(receipt: TestReceipt, what = 'call'): TestReceipt {
  assert.equal(receipt.status, 'ok', `${what}: ${receipt.status} ${receipt.error}`);
  return receipt;
}

/** The catalog as seen from a test: the contract under test, or one the tested contract uses. */
export interface Catalog {
  call(from: TestAccount, method: string, args: Value): TestReceipt;
  query(method: string, args: Value): Value;
}

/** Deploys the catalog (`used`: beside the contract under test) and registers a duty. */
export function setUpCatalog(chain: ContractTestChain, p: People, used = false): Catalog {
  const init = { authorityAgency: agencies.data };
  ok(used ? chain.deployContract('catalog', init) : chain.deploy(init), 'deploy catalog');
  const catalog: Catalog = used
    ? { call: (from, method, args) => chain.callContract('catalog', from, method, args),
      query: (method, args) => chain.queryContract('catalog', method, args) }
    : { call: (from, method, args) => chain.call(from, method, args),
      query: (method, args) => chain.query(method, args) };
  ok(catalog.call(p.marketStaff, 'registerDuty', { code: 'market-registration',
    name: '市场主体登记注册', legalBasis: '《市场主体登记管理条例》' }), 'registerDuty');
  return catalog;
}

/** Publishes an entry and has the authority approve it. */
export function publishApproved(catalog: Catalog, p: People,
  overrides: Record<string, Value> = {}): void {
  const submitted = ok(catalog.call(p.marketStaff, 'publish', { entry: entry(overrides) }),
    'publish');
  const { code, version } = submitted.result as { code: string; version: number };
  ok(catalog.call(p.authority, 'review', { code, version, approve: true }), 'review');
}
