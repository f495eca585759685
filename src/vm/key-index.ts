// The layout of a contract's namespace and the ordered index of its keys. The state tree stores
// keys by hash, so it cannot list them in order; `range` needs its own index, kept in the same
// namespace and written through the same metered state, so it is part of consensus state and
// costs gas like any other write. The index is a two-level B+ tree: a directory of pages, each
// page a sorted list of keys. Order is JavaScript string order (UTF-16 code units), which every
// node computes identically.
import { ErrorCode, ZwError, assert, decode, encode, limits, utf8 } from '../core/index.js';

/** A contract's raw key-value namespace, already metered by the ledger. */
export interface RawState {
  get(key: Uint8Array): Uint8Array | undefined;
  set(key: Uint8Array, value: Uint8Array): void;
  delete(key: Uint8Array): void;
}

const dataPrefix = 0x64; // 'd': the contract's own values
const directoryKey = new Uint8Array([0x69]); // 'i': the index directory
const pagePrefix = 0x70; // 'p': index pages

/** The raw key of a contract's value; user keys are 1..255 bytes of UTF-8. */
export function dataKey(key: string): Uint8Array {
  const bytes = utf8(key);
  if (bytes.length === 0 || bytes.length >= limits.stateKeyBytesMax) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'state key must be 1-255 bytes of UTF-8');
  }
  const out = new Uint8Array(bytes.length + 1);
  out[0] = dataPrefix;
  out.set(bytes, 1);
  return out;
}

function pageKey(id: number): Uint8Array {
  return new Uint8Array([pagePrefix, (id >>> 24) & 0xff, (id >>> 16) & 0xff, (id >>> 8) & 0xff,
    id & 0xff]);
}

/** Directory: the next page id and, sorted by first key, each page's first key and id. */
interface Directory {
  nextPage: number;
  entries: [string, number][];
}

export interface RangeOptions {
  readonly prefix?: string;
  readonly start?: string;
  readonly end?: string;
  readonly limit: number;
}

/** The index of the page that holds (or would hold) `key`: the last whose first key <= key. */
function findPage(directory: Directory, key: string): number {
  let low = 0;
  let high = directory.entries.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    const entry = directory.entries[middle];
    assert(entry !== undefined, 'directory entry exists');
    if (entry[0] <= key) low = middle; else high = middle - 1;
  }
  return low;
}

/** Where `key` goes in a sorted list, and whether it is there already. */
function position(keys: readonly string[], key: string): { at: number; found: boolean } {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((keys[middle] as string) < key) low = middle + 1; else high = middle;
  }
  return { at: low, found: keys[low] === key };
}

export class KeyIndex {
  constructor(private readonly state: RawState) {}

  private directory(): Directory {
    const stored = this.state.get(directoryKey);
    if (stored === undefined) return { nextPage: 1, entries: [['', 0]] };
    const [nextPage, entries] = decode(stored) as unknown as [number, [string, number][]];
    return { nextPage, entries: entries.map(([first, id]) => [first, id]) };
  }

  private page(id: number): string[] {
    const stored = this.state.get(pageKey(id));
    return stored === undefined ? [] : [...(decode(stored) as unknown as string[])];
  }

  private writeDirectory(directory: Directory): void {
    this.state.set(directoryKey, encode([directory.nextPage, directory.entries]));
  }

  /** Adds a key (no-op when present). */
  insert(key: string): void {
    const directory = this.directory();
    const slot = findPage(directory, key);
    const entry = directory.entries[slot];
    assert(entry !== undefined, 'a page covers every key');
    const keys = this.page(entry[1]);
    const { at, found } = position(keys, key);
    if (found) return;
    keys.splice(at, 0, key);
    if (keys.length <= limits.contractIndexPageKeysMax) {
      this.state.set(pageKey(entry[1]), encode(keys));
      if (this.state.get(directoryKey) === undefined) this.writeDirectory(directory);
      return;
    }
    const right = keys.splice(keys.length >> 1);
    const id = directory.nextPage;
    directory.nextPage += 1;
    directory.entries.splice(slot + 1, 0, [right[0] as string, id]);
    this.state.set(pageKey(entry[1]), encode(keys));
    this.state.set(pageKey(id), encode(right));
    this.writeDirectory(directory);
  }

  /** Removes a key (no-op when absent); an emptied page other than the first is dropped. */
  remove(key: string): void {
    const directory = this.directory();
    const slot = findPage(directory, key);
    const entry = directory.entries[slot];
    assert(entry !== undefined, 'a page covers every key');
    const keys = this.page(entry[1]);
    const { at, found } = position(keys, key);
    if (!found) return;
    keys.splice(at, 1);
    if (keys.length === 0 && slot > 0) {
      this.state.delete(pageKey(entry[1]));
      directory.entries.splice(slot, 1);
      this.writeDirectory(directory);
      return;
    }
    this.state.set(pageKey(entry[1]), encode(keys));
  }

  /** Keys in order from `start` (or `prefix`), before `end`, sharing `prefix`, at most `limit`. */
  range(options: RangeOptions): string[] {
    const prefix = options.prefix ?? '';
    const start = options.start !== undefined && options.start > prefix ? options.start : prefix;
    const directory = this.directory();
    const found: string[] = [];
    for (let slot = findPage(directory, start); slot < directory.entries.length; slot++) {
      const entry = directory.entries[slot];
      assert(entry !== undefined, 'slot is in range');
      const keys = this.page(entry[1]);
      for (let i = position(keys, start).at; i < keys.length; i++) {
        const key = keys[i] as string;
        if (!key.startsWith(prefix) || (options.end !== undefined && key >= options.end)) {
          return found;
        }
        found.push(key);
        if (found.length >= options.limit) return found;
      }
    }
    return found;
  }
}
