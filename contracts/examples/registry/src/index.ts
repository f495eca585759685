// A registry with a counter: anyone registers a named entry once (first come, first served),
// its owner may update or remove it, and entries list in name order. The smallest useful
// example of state maps, counters, ordered ranges, events and failures with receipt codes.
import { Counter, StateMap, ctx, emit, fail, query, require, tx } from 'zhengwu/contract';

interface Entry {
  readonly name: string;
  readonly owner: string;
  readonly data: string;
  readonly height: number;
  readonly [key: string]: string | number;
}

const entries = new StateMap<Entry>('entry');
const total = new Counter('total');

function checkName(name: unknown): string {
  require(typeof name === 'string' && /^[a-z0-9.-]{1,64}$/.test(name),
    'name: 1-64 of a-z, 0-9, . and -', 'BAD_ARGUMENTS');
  return name;
}

export const register = tx((args: { name: string; data?: string }) => {
  const name = checkName(args.name);
  if (entries.has(name)) fail(`${name} is already registered`, 'ALREADY_EXISTS');
  const sender = ctx().sender ?? fail('no sender');
  entries.set(name, { name, owner: sender, data: args.data ?? '', height: ctx().height });
  const count = total.add(1);
  emit('Registered', { name, owner: sender, count });
  return count;
});

export const update = tx((args: { name: string; data: string }) => {
  const entry = entries.get(checkName(args.name)) ?? fail('no such entry', 'NOT_FOUND');
  require(entry.owner === ctx().sender, 'only the owner may update', 'UNAUTHORIZED');
  entries.set(entry.name, { ...entry, data: args.data, height: ctx().height });
  emit('Updated', { name: entry.name });
});

export const remove = tx((args: { name: string }) => {
  const entry = entries.get(checkName(args.name)) ?? fail('no such entry', 'NOT_FOUND');
  require(entry.owner === ctx().sender, 'only the owner may remove', 'UNAUTHORIZED');
  entries.delete(entry.name);
  total.add(-1);
  emit('Removed', { name: entry.name });
});

export const get = query((args: { name: string }) => entries.get(args.name) ?? null);

export const list = query((args: { after?: string; limit?: number } | null) =>
  entries.list({ ...(args?.after === undefined ? {} : { after: args.after }),
    limit: args?.limit ?? 50 }).map(([, entry]) => entry));

export const count = query(() => total.get());
