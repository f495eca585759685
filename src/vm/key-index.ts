// The layout of a contract's namespace and the ordered index of its keys. The state tree stores
// keys by hash, so it cannot list them in order; `range` needs its own index, kept in the same
// namespace and written through the same metered state, so it is part of consensus state and
// costs gas like any other write.
//
// The index is a B+ tree of any depth: a root pointer, internal nodes holding
// [separator, child id] pairs, and leaf pages holding sorted keys, each node one state value of
// bounded size (limits.contractIndex*). An operation reads the root pointer and one node per
// level, so its cost grows with the tree's depth (4 levels at 500,000 keys), never with the
// number of keys. Order is JavaScript string order (UTF-16 code units), which every node
// computes identically; every structural choice (where to split, when to merge, which id a new
// node takes) depends only on the sequence of operations, so every node writes the same bytes.
import { ErrorCode, ZwError, assert, decode, encode, limits, utf8 } from '../core/index.js';
import type { CborValue } from '../core/index.js';

/** A contract's raw key-value namespace, already metered by the ledger. */
export interface RawState {
  get(key: Uint8Array): Uint8Array | undefined;
  set(key: Uint8Array, value: Uint8Array): void;
  delete(key: Uint8Array): void;
}

const dataPrefix = 0x64; // 'd': the contract's own values
const rootKey = new Uint8Array([0x72]); // 'r': the root pointer and the next node id
const nodePrefix = 0x6e; // 'n': index nodes, by 4-byte id

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

function nodeKey(id: number): Uint8Array {
  assert(Number.isInteger(id) && id >= 0 && id <= 0xffffffff, 'node ids fit in 4 bytes');
  return new Uint8Array([nodePrefix, (id >>> 24) & 0xff, (id >>> 16) & 0xff, (id >>> 8) & 0xff,
    id & 0xff]);
}

/**
 * A leaf holds sorted keys. An internal node holds children sorted by separator: every key in
 * child i (i >= 1) is >= its separator and < the next child's; child 0 takes every key below
 * child 1's separator, so its own separator is only a lower bound that merges carry along.
 */
type IndexNode =
  | { readonly leaf: true; keys: string[] }
  | { readonly leaf: false; children: [string, number][] };

/** The root node's id, and the id the next new node takes (ids are never reused). */
interface Root {
  root: number;
  nextId: number;
}

/** One step of a root-to-leaf path: the node, its id, and the child taken (internal nodes). */
interface Step {
  readonly id: number;
  readonly node: IndexNode;
  slot: number;
}

export interface RangeOptions {
  readonly prefix?: string;
  readonly start?: string;
  readonly end?: string;
  readonly limit: number;
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

/** The child that holds (or would hold) `key`: the last whose separator is <= key, else 0. */
function childFor(children: readonly [string, number][], key: string): number {
  let low = 0;
  let high = children.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((children[middle] as [string, number])[0] <= key) low = middle; else high = middle - 1;
  }
  return low;
}

function size(node: IndexNode): number {
  return node.leaf ? node.keys.length : node.children.length;
}

function capacity(node: IndexNode): number {
  return node.leaf ? limits.contractIndexPageKeysMax : limits.contractIndexChildrenMax;
}

function decodeNode(bytes: Uint8Array): IndexNode {
  const [kind, items] = decode(bytes) as unknown as [number, unknown[]];
  if (kind === 0) return { leaf: true, keys: items as string[] };
  assert(kind === 1, 'an index node is a leaf (0) or internal (1)');
  return { leaf: false, children: (items as [string, number][]).map(([first, id]) => [first, id]) };
}

function encodeNode(node: IndexNode): Uint8Array {
  const bytes = node.leaf ? encode([0, node.keys])
    : encode([1, node.children as unknown as CborValue[]]);
  assert(bytes.length <= limits.stateValueBytesMax, 'an index node fits in one state value');
  return bytes;
}

export class KeyIndex {
  constructor(private readonly state: RawState) {}

  private readRoot(): Root {
    const stored = this.state.get(rootKey);
    if (stored === undefined) return { root: 0, nextId: 1 };
    const [root, nextId] = decode(stored) as unknown as [number, number];
    return { root, nextId };
  }

  private writeRoot(root: Root): void {
    this.state.set(rootKey, encode([root.root, root.nextId]));
  }

  /** A node; the root of an empty index is an empty leaf that was never written. */
  private read(id: number): IndexNode {
    const stored = this.state.get(nodeKey(id));
    return stored === undefined ? { leaf: true, keys: [] } : decodeNode(stored);
  }

  private write(id: number, node: IndexNode): void {
    assert(size(node) <= capacity(node), 'a written node is within its capacity');
    this.state.set(nodeKey(id), encodeNode(node));
  }

  /** The path from the root to the leaf that holds (or would hold) `key`. */
  private descend(root: number, key: string): Step[] {
    const path: Step[] = [];
    let id = root;
    for (;;) {
      const node = this.read(id);
      const step: Step = { id, node, slot: 0 };
      path.push(step);
      if (node.leaf) return path;
      step.slot = childFor(node.children, key);
      id = (node.children[step.slot] as [string, number])[1];
    }
  }

  /** Adds a key (no-op when present). */
  insert(key: string): void {
    const root = this.readRoot();
    const path = this.descend(root.root, key);
    const leaf = path[path.length - 1]?.node;
    assert(leaf?.leaf === true, 'a path ends at a leaf');
    const { at, found } = position(leaf.keys, key);
    if (found) return;
    leaf.keys.splice(at, 0, key);
    const nextId = root.nextId;
    const grown = this.splitUpwards(path, root);
    if (grown !== undefined) {
      const id = root.nextId;
      root.nextId += 1;
      this.write(id, { leaf: false, children: [['', root.root], grown] });
      root.root = id;
    }
    if (root.nextId !== nextId) this.writeRoot(root);
  }

  /**
   * Writes the changed nodes of `path` from the leaf up, splitting each that overflows in half
   * and adding the right half to its parent. Returns the root's new right sibling, if it split.
   */
  private splitUpwards(path: readonly Step[], root: Root): [string, number] | undefined {
    let carry: [string, number] | undefined;
    for (let level = path.length - 1; level >= 0; level--) {
      const step = path[level] as Step;
      const node = step.node;
      if (carry !== undefined) {
        assert(!node.leaf, 'only internal nodes take a split child');
        node.children.splice(step.slot + 1, 0, carry);
        carry = undefined;
      }
      if (size(node) <= capacity(node)) {
        this.write(step.id, node);
        return undefined;
      }
      const id = root.nextId;
      root.nextId += 1;
      const half = size(node) >> 1;
      const right: IndexNode = node.leaf ? { leaf: true, keys: node.keys.splice(half) }
        : { leaf: false, children: node.children.splice(half) };
      const separator = right.leaf ? right.keys[0] : right.children[0]?.[0];
      assert(separator !== undefined, 'a split leaves both halves non-empty');
      this.write(step.id, node);
      this.write(id, right);
      carry = [separator, id];
    }
    return carry;
  }

  /** Removes a key (no-op when absent); nodes that fall below a quarter full are merged. */
  remove(key: string): void {
    const root = this.readRoot();
    const path = this.descend(root.root, key);
    const leaf = path[path.length - 1]?.node;
    assert(leaf?.leaf === true, 'a path ends at a leaf');
    const { at, found } = position(leaf.keys, key);
    if (!found) return;
    leaf.keys.splice(at, 1);
    for (let level = path.length - 1; level > 0; level--) {
      const step = path[level] as Step;
      const parent = path[level - 1] as Step;
      if (!this.mergeIntoSibling(step, parent)) return;
    }
    this.shrinkRoot(path[0] as Step, root);
  }

  /**
   * Writes an underfull node merged with its right sibling (its left one for a last child) when
   * both fit comfortably in one node, and updates the parent in memory. Returns whether the
   * parent changed (and so must be written, and checked in turn); otherwise writes the node.
   */
  private mergeIntoSibling(step: Step, parent: Step): boolean {
    assert(!parent.node.leaf, 'a parent is an internal node');
    const children = parent.node.children;
    const count = size(step.node);
    if (count >= capacity(step.node) >> 2 || children.length < 2) {
      if (count === 0 && children.length === 1) {
        // An empty only child: the parent becomes empty too and is merged in its turn.
        this.state.delete(nodeKey(step.id));
        children.splice(parent.slot, 1);
        return true;
      }
      this.write(step.id, step.node);
      return false;
    }
    // The parent's slot is where the path went down, that is, this node's place.
    const place = parent.slot;
    const leftSlot = place + 1 < children.length ? place : place - 1;
    const leftEntry = children[leftSlot] as [string, number];
    const rightEntry = children[leftSlot + 1] as [string, number];
    const left = leftSlot === place ? step.node : this.read(leftEntry[1]);
    const right = leftSlot === place ? this.read(rightEntry[1]) : step.node;
    if (count > 0 && size(left) + size(right) > (capacity(step.node) * 3) >> 2) {
      this.write(step.id, step.node);
      return false;
    }
    if (left.leaf && right.leaf) {
      left.keys.push(...right.keys);
    } else if (!left.leaf && !right.leaf) {
      // The right node's first child takes the right node's separator from the parent: the
      // exact bound between the two, whatever child 0 of the right node had stored.
      const [first, ...rest] = right.children;
      if (first !== undefined) left.children.push([rightEntry[0], first[1]], ...rest);
    } else {
      assert(false, 'siblings are on the same level');
    }
    this.write(leftEntry[1], left);
    this.state.delete(nodeKey(rightEntry[1]));
    children.splice(leftSlot + 1, 1);
    return true;
  }

  /**
   * Writes the root; an internal root left with one child gives way to that child (already
   * written one level down), and one left with none to an empty leaf under a new id.
   */
  private shrinkRoot(step: Step, root: Root): void {
    let node = step.node;
    if (node.leaf || node.children.length >= 2) {
      this.write(step.id, node);
      return;
    }
    let id = step.id;
    while (!node.leaf && node.children.length <= 1) {
      this.state.delete(nodeKey(id));
      const only = node.children[0];
      if (only === undefined) {
        id = root.nextId;
        root.nextId += 1;
        break;
      }
      id = only[1];
      node = this.read(id);
    }
    root.root = id;
    this.writeRoot(root);
  }

  /** Keys in order from `start` (or `prefix`), before `end`, sharing `prefix`, at most `limit`. */
  range(options: RangeOptions): string[] {
    const prefix = options.prefix ?? '';
    const start = options.start !== undefined && options.start > prefix ? options.start : prefix;
    const path = this.descend(this.readRoot().root, start);
    const found: string[] = [];
    let leaf = path.pop()?.node;
    let from = leaf?.leaf === true ? position(leaf.keys, start).at : 0;
    while (leaf?.leaf === true) {
      for (let i = from; i < leaf.keys.length; i++) {
        const key = leaf.keys[i] as string;
        if (!key.startsWith(prefix) || (options.end !== undefined && key >= options.end)) {
          return found;
        }
        found.push(key);
        if (found.length >= options.limit) return found;
      }
      leaf = this.nextLeaf(path);
      from = 0;
    }
    return found;
  }

  /** Moves `path` (root to a leaf's parent) to the next leaf in key order, if there is one. */
  private nextLeaf(path: Step[]): IndexNode | undefined {
    let top = path[path.length - 1];
    while (top !== undefined && !top.node.leaf && top.slot + 1 >= top.node.children.length) {
      path.pop();
      top = path[path.length - 1];
    }
    if (top === undefined || top.node.leaf) return undefined;
    top.slot += 1;
    let id = (top.node.children[top.slot] as [string, number])[1];
    let node = this.read(id);
    while (!node.leaf) {
      path.push({ id, node, slot: 0 });
      const first = node.children[0];
      assert(first !== undefined, 'a non-root internal node has children');
      id = first[1];
      node = this.read(id);
    }
    return node;
  }
}
