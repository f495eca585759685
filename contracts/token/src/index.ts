// A fungible token: balances keyed by account address, issued by one issuer fixed at deployment
// (`init {issuer?}`, the deployer by default) and moved by their holders with `transfer`. It is
// the contract behind the benchmark's transfer figures (issue 8), so a transfer does the least
// work a correct transfer can: two balance reads, two balance writes and one event.
//
// Amounts are whole units: a positive safe integer or a bigint, at most 2^64 - 1 (the widest
// integer the canonical encoding holds). Arithmetic is done in bigint so that no sum loses
// precision; a stored integer reads back as a number when it is a safe integer, so every read
// goes through `units`. Balances that reach zero are kept at zero rather than deleted, because
// a delete would also rewrite the contract's ordered key index.
import { StateMap, ctx, emit, fail, query, require, state, tx } from 'zhengwu/contract';

/** The largest amount, balance and total supply: 2^64 - 1, a canonical CBOR integer. */
const amountMax = (1n << 64n) - 1n;

/** An account address as the chain writes it: 20 bytes in lowercase hex. */
const addressPattern = /^[0-9a-f]{40}$/;

interface Config {
  readonly issuer: string;
  readonly [key: string]: string;
}

/** Whole units as stored: canonical integers read back as numbers when safe. */
type Units = number | bigint;

const balances = new StateMap<Units>('b');
const configKey = 'config';
const supplyKey = 'supply';

function config(): Config {
  return state.get<Config>(configKey) ?? fail('token is not initialised');
}

function checkAddress(value: unknown, what: string): string {
  require(typeof value === 'string' && addressPattern.test(value),
    `${what}: an account address, 40 lowercase hex characters`, 'BAD_ARGUMENTS');
  return value;
}

function checkAmount(value: unknown): bigint {
  const amount = typeof value === 'bigint' ? value
    : typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value)
      : fail('amount: a positive safe integer or bigint', 'BAD_ARGUMENTS');
  require(amount > 0n, 'amount must be positive', 'BAD_ARGUMENTS');
  require(amount <= amountMax, 'amount must be at most 2^64 - 1', 'BAD_ARGUMENTS');
  return amount;
}

function checkArgs(args: unknown): Readonly<Record<string, unknown>> {
  require(args !== null && typeof args === 'object' && !Array.isArray(args),
    'arguments: {to, amount}', 'BAD_ARGUMENTS');
  return args as Readonly<Record<string, unknown>>;
}

/**
 * The signer, refusing calls made through another contract: the sender of a nested call is still
 * the transaction's signer, so without this any contract a holder calls could spend the holder's
 * tokens in their name.
 */
function directSigner(): string {
  const context = ctx();
  require(context.caller === null, 'call the token directly, not through a contract',
    'UNAUTHORIZED');
  return context.sender ?? fail('no sender');
}

function units(stored: Units | undefined): bigint {
  return BigInt(stored ?? 0);
}

function balance(address: string): bigint {
  return units(balances.get(address));
}

/** Runs once, at deployment (the runtime refuses any later call). */
export const init = tx((args: { issuer?: string } | null) => {
  require(!state.has(configKey), 'token is already initialised', 'ALREADY_EXISTS');
  const issuer = args?.issuer === undefined ? ctx().sender ?? fail('no sender')
    : checkAddress(args.issuer, 'issuer');
  state.set(configKey, { issuer });
  state.set(supplyKey, 0n);
  emit('Initialised', { issuer });
});

/** Creates `amount` new units in `to`'s balance; the issuer only. */
export const mint = tx((args: { to: string; amount: Units }) => {
  const record = checkArgs(args);
  const issuer = directSigner();
  require(issuer === config().issuer, 'only the issuer may mint', 'UNAUTHORIZED');
  const to = checkAddress(record.to, 'to');
  const amount = checkAmount(record.amount);
  const supply = units(state.get<Units>(supplyKey)) + amount;
  require(supply <= amountMax, 'total supply would exceed 2^64 - 1', 'INVALID_ARGUMENT');
  state.set(supplyKey, supply);
  const next = balance(to) + amount;
  balances.set(to, next);
  emit('Minted', { to, amount });
  return next;
});

/** Moves `amount` from the signer's balance to `to`'s; returns the signer's new balance. */
export const transfer = tx((args: { to: string; amount: Units }) => {
  const record = checkArgs(args);
  const from = directSigner();
  const to = checkAddress(record.to, 'to');
  require(to !== from, 'a transfer to oneself moves nothing', 'INVALID_ARGUMENT');
  const amount = checkAmount(record.amount);
  const available = balance(from);
  if (available < amount) {
    fail(`insufficient balance: ${available} < ${amount}`, 'INVALID_ARGUMENT');
  }
  balances.set(from, available - amount);
  balances.set(to, balance(to) + amount);
  emit('Transfer', { from, to, amount });
  return available - amount;
});

export const balanceOf = query((args: { address: string }) =>
  balance(checkAddress(args?.address, 'address')));

export const totalSupply = query(() => units(state.get<Units>(supplyKey)));

export const issuer = query(() => config().issuer);
