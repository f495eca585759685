// What the token promises: only the issuer mints; a transfer moves exactly its amount between
// two distinct well-formed addresses and only from a sufficient balance; every refusal leaves
// balances and supply unchanged; events report mints and transfers; nothing moves through
// another contract, and init runs only at deployment.
import assert from 'node:assert/strict';
import { tests } from 'zhengwu/contract/testing';
import type { ContractTestChain, TestAccount, TestReceipt } from 'zhengwu/contract/testing';

/** Deploys the token with `issuer` as its issuer and mints `amount` to each holder. */
function issued(chain: ContractTestChain, holders: readonly TestAccount[], amount: bigint):
  TestAccount {
  const issuer = chain.account();
  assert.equal(chain.deploy({ issuer: issuer.address }).status, 'ok');
  for (const holder of holders) {
    assert.equal(chain.call(issuer, 'mint', { to: holder.address, amount }).status, 'ok');
  }
  return issuer;
}

/** Whole units as a bigint: the chain returns safe integers as numbers, larger ones as bigint. */
function units(value: unknown): bigint {
  assert.ok(typeof value === 'number' || typeof value === 'bigint', `units, not ${String(value)}`);
  return BigInt(value);
}

function balanceOf(chain: ContractTestChain, account: TestAccount): bigint {
  return units(chain.query('balanceOf', { address: account.address }));
}

function supply(chain: ContractTestChain): bigint {
  return units(chain.query('totalSupply'));
}

/** Each event as [name, data] with its amount as a bigint. */
function events(receipt: TestReceipt): [string, Record<string, unknown>][] {
  return receipt.events.map((event) => {
    const data = event.data as Record<string, unknown>;
    return [event.name, { ...data, amount: units(data.amount) }];
  });
}

export const cases = tests({
  'the issuer mints, supply follows, Minted is emitted': { deploy: false, run(chain) {
    const alice = chain.account();
    const issuer = issued(chain, [], 0n);
    const receipt = chain.call(issuer, 'mint', { to: alice.address, amount: 500 });
    assert.equal(receipt.status, 'ok');
    assert.equal(units(receipt.result), 500n);
    assert.deepEqual(events(receipt),
      [['Minted', { to: alice.address, amount: 500n }]]);
    chain.call(issuer, 'mint', { to: alice.address, amount: 10n ** 18n });
    assert.equal(balanceOf(chain, alice), 10n ** 18n + 500n);
    assert.equal(supply(chain), 10n ** 18n + 500n);
    assert.equal(chain.query('issuer'), issuer.address);
  } },
  'the deployer is the issuer when init names none'(chain) {
    const alice = chain.account();
    assert.notEqual(chain.query('issuer'), alice.address);
    assert.equal(chain.call(alice, 'mint', { to: alice.address, amount: 1 }).status,
      'UNAUTHORIZED');
    assert.equal(supply(chain), 0n);
  },
  'only the issuer mints': { deploy: false, run(chain) {
    const alice = chain.account();
    issued(chain, [alice], 100n);
    const receipt = chain.call(alice, 'mint', { to: alice.address, amount: 1 });
    assert.equal(receipt.status, 'UNAUTHORIZED');
    assert.equal(receipt.events.length, 0);
    assert.equal(balanceOf(chain, alice), 100n);
    assert.equal(supply(chain), 100n);
  } },
  'a transfer moves its amount and emits Transfer': { deploy: false, run(chain) {
    const alice = chain.account();
    const bob = chain.account();
    issued(chain, [alice], 100n);
    const receipt = chain.call(alice, 'transfer', { to: bob.address, amount: 30 });
    assert.equal(receipt.status, 'ok');
    assert.equal(units(receipt.result), 70n);
    assert.deepEqual(events(receipt),
      [['Transfer', { from: alice.address, to: bob.address, amount: 30n }]]);
    assert.equal(chain.call(bob, 'transfer', { to: alice.address, amount: 30n }).status, 'ok');
    assert.equal(balanceOf(chain, alice), 100n);
    assert.equal(balanceOf(chain, bob), 0n);
    assert.equal(supply(chain), 100n);
  } },
  'an insufficient balance is refused and nothing moves': { deploy: false, run(chain) {
    const alice = chain.account();
    const bob = chain.account();
    issued(chain, [alice], 100n);
    const receipt = chain.call(alice, 'transfer', { to: bob.address, amount: 101 });
    assert.equal(receipt.status, 'INVALID_ARGUMENT');
    assert.match(receipt.error, /insufficient balance/);
    assert.equal(receipt.events.length, 0);
    assert.equal(chain.call(bob, 'transfer', { to: alice.address, amount: 1 }).status,
      'INVALID_ARGUMENT');
    assert.equal(balanceOf(chain, alice), 100n);
    assert.equal(balanceOf(chain, bob), 0n);
  } },
  'a transfer to oneself is refused': { deploy: false, run(chain) {
    const alice = chain.account();
    issued(chain, [alice], 100n);
    const receipt = chain.call(alice, 'transfer', { to: alice.address, amount: 1 });
    assert.equal(receipt.status, 'INVALID_ARGUMENT');
    assert.equal(balanceOf(chain, alice), 100n);
  } },
  'malformed recipients and amounts are refused': { deploy: false, run(chain) {
    const alice = chain.account();
    const bob = chain.account();
    const issuer = issued(chain, [alice], 100n);
    const badRecipients = [bob.address.toUpperCase(), bob.address.slice(2), `0x${bob.address}`,
      42, null];
    for (const to of badRecipients) {
      assert.equal(chain.call(alice, 'transfer', { to, amount: 1 }).status, 'BAD_ARGUMENTS',
        `to ${String(to)}`);
    }
    // Fractions cannot even be encoded in a transaction, so they never reach the contract.
    const badAmounts = [0, -1, 0n, -5n, '5', null, true, [1]];
    for (const amount of badAmounts) {
      assert.equal(chain.call(alice, 'transfer', { to: bob.address, amount }).status,
        'BAD_ARGUMENTS', `amount ${String(amount)}`);
      assert.equal(chain.call(issuer, 'mint', { to: bob.address, amount }).status,
        'BAD_ARGUMENTS', `mint amount ${String(amount)}`);
    }
    assert.equal(chain.call(alice, 'transfer', null).status, 'BAD_ARGUMENTS');
    assert.equal(chain.call(alice, 'transfer', [bob.address, 1]).status, 'BAD_ARGUMENTS');
    assert.equal(balanceOf(chain, alice), 100n);
    assert.equal(balanceOf(chain, bob), 0n);
    assert.equal(supply(chain), 100n);
  } },
  'the total supply stops at 2^64 - 1': { deploy: false, run(chain) {
    const alice = chain.account();
    const issuer = issued(chain, [alice], (1n << 64n) - 1n);
    const receipt = chain.call(issuer, 'mint', { to: alice.address, amount: 1 });
    assert.equal(receipt.status, 'INVALID_ARGUMENT');
    assert.equal(supply(chain), (1n << 64n) - 1n);
  } },
  'nothing moves through another contract': { deploy: false, run(chain) {
    const alice = chain.account();
    const mallory = chain.account();
    const issuer = issued(chain, [alice], 100n);
    assert.equal(chain.deployContract('relay').status, 'ok');
    const stolen = chain.callContract('relay', alice, 'forward',
      { method: 'transfer', args: { to: mallory.address, amount: 100 } });
    assert.equal(stolen.status, 'UNAUTHORIZED');
    const minted = chain.callContract('relay', issuer, 'forward',
      { method: 'mint', args: { to: mallory.address, amount: 100 } });
    assert.equal(minted.status, 'UNAUTHORIZED');
    assert.equal(balanceOf(chain, alice), 100n);
    assert.equal(balanceOf(chain, mallory), 0n);
  } },
  'init runs only at deployment, with a well-formed issuer': { deploy: false, run(chain) {
    const alice = chain.account();
    assert.equal(chain.deploy({ issuer: 'not an address' }).status, 'BAD_ARGUMENTS');
    issued(chain, [], 0n);
    const again = chain.call(alice, 'init', { issuer: alice.address });
    assert.equal(again.status, 'UNAUTHORIZED');
    assert.notEqual(chain.query('issuer'), alice.address);
  } },
  'queries refuse malformed addresses'(chain) {
    assert.throws(() => chain.query('balanceOf', { address: 'xyz' }), /address/);
    assert.equal(units(chain.query('balanceOf', { address: '0'.repeat(40) })), 0n);
  },
});
export { cases as tests };
