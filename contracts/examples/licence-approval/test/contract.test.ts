// What the licence workflow promises: only staff may submit, only the listed agencies' staff or
// admins may approve, each agency counts once, and the licence is issued at the second agency.
import assert from 'node:assert/strict';
import { tests } from 'zhengwu/contract/testing';

const market = 'CN-BJ/GOV/11110000000000001M/market';
const tax = 'CN-BJ/GOV/11110000000000002T/tax';
const health = 'CN-BJ/GOV/11110000000000004H/health';

export const cases = tests({
  'declared roles refuse callers without them'(chain) {
    const clerk = chain.account({ agency: market, roles: ['staff'] });
    const auditor = chain.account({ agency: market, roles: ['auditor'] });
    const stranger = chain.account();
    assert.equal(chain.call(auditor, 'submit', { id: 'L1', holder: 'A' }).status, 'UNAUTHORIZED');
    assert.equal(chain.call(stranger, 'submit', { id: 'L1', holder: 'A' }).status,
      'UNAUTHORIZED');
    assert.equal(chain.call(clerk, 'submit', { id: 'L1', holder: 'A' }).status, 'ok');
  },
  'two of three agencies issue the licence, each counted once'(chain) {
    const clerk = chain.account({ agency: market, roles: ['staff'] });
    const marketAdmin = chain.account({ agency: market, roles: ['admin'] });
    const taxStaff = chain.account({ agency: tax, roles: ['staff'] });
    const healthAdmin = chain.account({ agency: health, roles: ['admin'] });
    chain.call(clerk, 'submit', { id: 'L2', holder: 'B' });
    assert.equal(chain.call(healthAdmin, 'approve', { id: 'L2' }).status, 'UNAUTHORIZED');
    const first = chain.call(marketAdmin, 'approve', { id: 'L2' });
    assert.deepEqual(first.result, { issued: false, approvals: [market] });
    const again = chain.call(clerk, 'approve', { id: 'L2' });
    assert.deepEqual(again.result, { issued: false, approvals: [market] });
    const second = chain.call(taxStaff, 'approve', { id: 'L2' });
    assert.deepEqual(second.result, { issued: true, approvals: [market, tax] });
    assert.equal((chain.query('get', { id: 'L2' }) as { issued: boolean }).issued, true);
  },
});
export { cases as tests };
