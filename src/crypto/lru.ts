// A small least-recently-used cache for parsed keys, keyed by their raw bytes in hex. Parsing a
// key costs about as much as one signature check, so validators and busy senders stay parsed.
// A JavaScript Map iterates in insertion order, so re-inserting on a hit keeps the oldest entry
// first and eviction is O(1).
export class KeyCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly entriesMax: number) {}

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    if (this.entries.size >= this.entriesMax && !this.entries.has(key)) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(key, value);
  }

  get size(): number {
    return this.entries.size;
  }
}
