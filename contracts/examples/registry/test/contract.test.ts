// What the registry promises: first registration wins, only owners change entries, the count
// follows, and entries list in name order page by page.
import assert from 'node:assert/strict';
import { tests } from 'zhengwu/contract/testing';

export const cases = tests({
  'first registration wins and the count follows'(chain) {
    const alice = chain.account();
    const bob = chain.account();
    assert.equal(chain.call(alice, 'register', { name: 'beijing', data: 'a' }).result, 1);
    assert.equal(chain.call(bob, 'register', { name: 'beijing' }).status, 'ALREADY_EXISTS');
    assert.equal(chain.call(bob, 'register', { name: 'tianjin' }).result, 2);
    assert.equal(chain.query('count'), 2);
  },
  'only the owner updates or removes'(chain) {
    const alice = chain.account();
    const bob = chain.account();
    chain.call(alice, 'register', { name: 'x', data: 'one' });
    assert.equal(chain.call(bob, 'update', { name: 'x', data: 'two' }).status, 'UNAUTHORIZED');
    assert.equal(chain.call(alice, 'update', { name: 'x', data: 'two' }).status, 'ok');
    assert.equal((chain.query('get', { name: 'x' }) as { data: string }).data, 'two');
    assert.equal(chain.call(alice, 'remove', { name: 'x' }).status, 'ok');
    assert.equal(chain.query('get', { name: 'x' }), null);
    assert.equal(chain.query('count'), 0);
  },
  'lists in name order, page by page'(chain) {
    const alice = chain.account();
    for (const name of ['c', 'a', 'e', 'b', 'd']) chain.call(alice, 'register', { name });
    const first = chain.query('list', { limit: 3 }) as { name: string }[];
    assert.deepEqual(first.map((entry) => entry.name), ['a', 'b', 'c']);
    const next = chain.query('list', { after: 'c' }) as { name: string }[];
    assert.deepEqual(next.map((entry) => entry.name), ['d', 'e']);
  },
});
export { cases as tests };
