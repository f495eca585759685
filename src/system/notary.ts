// The notarization (存证) system contract: anchors a document's hash with who anchored it, when
// (block height and time) and optional metadata. The document itself never goes on chain. A hash
// can be anchored once; the first record stands, so "when was this first notarized" has one answer.
import { ErrorCode, ZwError, decode, encode, limits, utf8 } from '../core/index.js';
import type { CborValue } from '../core/index.js';
import type { CallContext, Contract, MethodSpec, QueryContext } from '../ledger/index.js';

export const notaryContractName = 'notary';

/** Fixed cost of one notarization on top of the state writes. */
const putGas = 2_000;

export interface NotaryRecord {
  readonly hash: Uint8Array;
  readonly owner: Uint8Array;
  readonly height: number;
  readonly time: number;
  readonly txHash: Uint8Array;
  readonly meta: Readonly<Record<string, string>>;
}

function badArguments(message: string): ZwError {
  return new ZwError(ErrorCode.BAD_ARGUMENTS, message);
}

function readPutArgs(args: CborValue): { hash: Uint8Array; meta: Record<string, string> } {
  if (args === null || typeof args !== 'object' || Array.isArray(args) ||
      args instanceof Uint8Array) {
    throw badArguments('notary.put takes {hash: bytes32, meta?: {string: string}}');
  }
  const record = args as Readonly<Record<string, CborValue>>;
  for (const key of Object.keys(record)) {
    if (key !== 'hash' && key !== 'meta') throw badArguments(`unknown argument ${key}`);
  }
  const hash = record.hash;
  if (!(hash instanceof Uint8Array) || hash.length !== 32) {
    throw badArguments('hash must be 32 bytes');
  }
  return { hash, meta: readMeta(record.meta) };
}

function readMeta(value: CborValue | undefined): Record<string, string> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value) ||
      value instanceof Uint8Array) {
    throw badArguments('meta must be a map of strings');
  }
  const entries = Object.entries(value as Readonly<Record<string, CborValue>>);
  if (entries.length > limits.notaryMetaEntriesMax) {
    throw badArguments(`meta may have at most ${limits.notaryMetaEntriesMax} entries`);
  }
  const meta: Record<string, string> = {};
  for (const [key, item] of entries) {
    if (typeof item !== 'string') throw badArguments(`meta ${key} must be a string`);
    if (utf8(key).length > limits.notaryMetaKeyBytesMax ||
        utf8(item).length > limits.notaryMetaValueBytesMax) {
      throw badArguments(`meta ${key} is too long`);
    }
    meta[key] = item;
  }
  return meta;
}

function put(ctx: CallContext, args: CborValue): CborValue {
  const { hash, meta } = readPutArgs(args);
  ctx.chargeGas(putGas);
  if (ctx.state.get(hash) !== undefined) {
    throw new ZwError(ErrorCode.ALREADY_EXISTS, 'this document hash is already notarized');
  }
  const record: CborValue = { hash, owner: ctx.sender, height: ctx.height, time: ctx.time,
    txHash: ctx.txHash, meta };
  ctx.state.set(hash, encode(record));
  ctx.emit('Notarized', { hash, owner: ctx.sender });
  return record;
}

function get(ctx: QueryContext, args: CborValue): CborValue {
  const hash = (args as Readonly<Record<string, CborValue>> | null)?.hash;
  if (!(hash instanceof Uint8Array) || hash.length !== 32) {
    throw badArguments('notary.get takes {hash: bytes32}');
  }
  const stored = ctx.state.get(hash);
  return stored === undefined ? null : decode(stored);
}

export function decodeNotaryRecord(bytes: Uint8Array): NotaryRecord {
  return decode(bytes) as unknown as NotaryRecord;
}

export function notaryContract(): Contract {
  return {
    name: notaryContractName,
    methods: new Map<string, MethodSpec>([
      ['put', { kind: 'tx', run: put, checkArgs: (args) => { readPutArgs(args); } }],
      ['get', { kind: 'query', run: get }],
    ]),
  };
}
