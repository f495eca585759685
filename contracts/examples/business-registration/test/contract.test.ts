// What the workflow promises: a business is registered only after market regulation, tax and
// public security all approve, only configured approvers decide for their agency, each agency
// decides once, and one rejection (with a reason) ends the application.
import assert from 'node:assert/strict';
import { tests } from 'zhengwu/contract/testing';
import type { ContractTestChain, TestAccount } from 'zhengwu/contract/testing';

interface People {
  readonly market: TestAccount;
  readonly tax: TestAccount;
  readonly police: TestAccount;
  readonly applicant: TestAccount;
}

function setUp(chain: ContractTestChain): People {
  const people = { market: chain.account(), tax: chain.account(), police: chain.account(),
    applicant: chain.account() };
  const deployed = chain.deploy({ approvers: { market: [people.market.address],
    tax: [people.tax.address], police: [people.police.address] } });
  assert.equal(deployed.status, 'ok', deployed.error);
  return people;
}

export const cases = tests({
  'registers after all three approvals': { deploy: false, run(chain) {
    const p = setUp(chain);
    assert.equal(chain.call(p.applicant, 'submit', { id: 'B-1', name: '北京示例科技有限公司' })
      .status, 'ok');
    for (const agency of ['market', 'tax'] as const) {
      const receipt = chain.call(p[agency], 'approve', { id: 'B-1', agency });
      assert.equal(receipt.status, 'ok', receipt.error);
    }
    assert.equal((chain.query('get', { id: 'B-1' }) as { status: string }).status, 'pending');
    const last = chain.call(p.police, 'approve', { id: 'B-1', agency: 'police' });
    assert.deepEqual(last.events.map((event) => event.name), ['Approved', 'BusinessRegistered']);
    assert.equal((chain.query('get', { id: 'B-1' }) as { status: string }).status, 'registered');
  } },
  'only an agency\'s approvers decide for it, once': { deploy: false, run(chain) {
    const p = setUp(chain);
    chain.call(p.applicant, 'submit', { id: 'B-2', name: 'Example Ltd' });
    assert.equal(chain.call(p.tax, 'approve', { id: 'B-2', agency: 'market' }).status,
      'UNAUTHORIZED');
    assert.equal(chain.call(p.applicant, 'approve', { id: 'B-2', agency: 'tax' }).status,
      'UNAUTHORIZED');
    assert.equal(chain.call(p.tax, 'approve', { id: 'B-2', agency: 'tax' }).status, 'ok');
    assert.equal(chain.call(p.tax, 'approve', { id: 'B-2', agency: 'tax' }).status,
      'CONTRACT_FAILED');
  } },
  'a rejection needs a reason and ends the application': { deploy: false, run(chain) {
    const p = setUp(chain);
    chain.call(p.applicant, 'submit', { id: 'B-3', name: 'Example Ltd' });
    assert.equal(chain.call(p.police, 'reject', { id: 'B-3', agency: 'police', reason: '' })
      .status, 'BAD_ARGUMENTS');
    assert.equal(chain.call(p.police, 'reject',
      { id: 'B-3', agency: 'police', reason: 'seal record missing' }).status, 'ok');
    assert.equal(chain.call(p.market, 'approve', { id: 'B-3', agency: 'market' }).status,
      'CONTRACT_FAILED');
    const rejected = chain.query('list', { status: 'rejected' }) as { id: string }[];
    assert.deepEqual(rejected.map((application) => application.id), ['B-3']);
  } },
  'init cannot be called again': { deploy: false, run(chain) {
    const p = setUp(chain);
    assert.equal(chain.call(p.applicant, 'init', { approvers: {} }).status, 'UNAUTHORIZED');
  } },
});
export { cases as tests };
