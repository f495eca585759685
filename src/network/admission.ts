// Admission of inbound TCP connections before they are authenticated. A socket that has not yet
// completed TLS and our hello proves nothing about who holds it, so such sockets get only a small
// fixed budget, kept apart from the authenticated peer slots:
//  - each remote address has a token bucket of connection attempts, so a flood of connects is
//    refused at accept, before any TLS work;
//  - each remote address may hold `handshakesPerAddressMax` handshaking sockets;
//  - addresses where an authorized peer was seen (and persistent peers' hosts) are "known" and
//    draw on their own pool, so strangers filling the anonymous pool cannot lock a validator out;
//  - when the anonymous pool is full, a newcomer evicts the oldest socket of the addresses
//    holding the most (one still in TLS first) if they hold more than it does, so no address
//    can squat on the pool and a newcomer is not refused merely because strangers came first.
// Time comes in as an argument (monotonic milliseconds); the network owns sockets and timers.
import { isIP } from 'node:net';
import type { NetworkLimits } from './limits.js';
import { TokenBucket } from './rate.js';

export type AdmissionLimits = Pick<NetworkLimits, 'handshakesPendingMax'
  | 'handshakesPerAddressMax' | 'handshakesKnownMax' | 'knownAddressesMax'
  | 'connectsPerSecondMax' | 'connectsBurstMax' | 'connectAddressesTrackedMax'>;

/** One inbound connection that has not yet proved who it is. */
export interface PendingEntry {
  /** The remote address, normalized (see `normalizeHost`). */
  readonly host: string;
  /** Whether it counts in the known pool rather than the anonymous one. */
  readonly known: boolean;
  readonly acceptedMs: number;
  /** Set once TLS is up; entries still in TLS are evicted first. */
  secured: boolean;
}

export type AdmissionVerdict<T> =
  | { readonly admitted: false; readonly reason: string }
  | { readonly admitted: true; readonly known: boolean; readonly evict: T | undefined };

/** IPv4-mapped IPv6 addresses name the same host as their IPv4 form. */
export function normalizeHost(address: string | undefined): string {
  const lower = (address ?? '').toLowerCase();
  return lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4 ? lower.slice(7) : lower;
}

export class HandshakeSlots<T extends PendingEntry> {
  private readonly entries = new Set<T>();
  private readonly perHost = new Map<string, number>();
  private anonymous = 0;
  private known = 0;
  /**
   * Known addresses in least-recently-seen-first order: those of priority peers (validators,
   * persistent peers) apart, so that many other members' hosts cannot push them out.
   */
  private readonly knownHosts = new Map<string, true>();
  private readonly priorityHosts = new Map<string, true>();
  /** Attempt buckets in least-recently-used-first order. */
  private readonly attempts = new Map<string, TokenBucket>();

  constructor(private readonly bounds: AdmissionLimits) {}

  /** Handshaking connections held now, for logs and tests. */
  get pending(): number {
    return this.entries.size;
  }

  /**
   * Marks `host` as one where an authorized peer lives (or a persistent peer is configured);
   * `priority` when that peer is a validator or persistent peer.
   */
  remember(host: string, priority: boolean): void {
    const key = normalizeHost(host);
    if (key === '') return;
    const hosts = priority ? this.priorityHosts : this.knownHosts;
    hosts.delete(key);
    hosts.set(key, true);
    while (hosts.size > this.bounds.knownAddressesMax) {
      const oldest = hosts.keys().next().value as string;
      hosts.delete(oldest);
    }
  }

  isKnown(host: string): boolean {
    const key = normalizeHost(host);
    return this.priorityHosts.has(key) || this.knownHosts.has(key);
  }

  /**
   * Decides on a new inbound connection from `host` (normalized). When admitted with `evict`,
   * the caller drops that entry (and `release`s it) before adding the new one.
   */
  admit(host: string, nowMs: number): AdmissionVerdict<T> {
    if (!this.takeAttempt(host, nowMs)) {
      return { admitted: false, reason: 'connection attempts from this address over the rate' };
    }
    const ownCount = this.perHost.get(host) ?? 0;
    if (ownCount >= this.bounds.handshakesPerAddressMax) {
      return { admitted: false, reason: 'too many handshakes from this address' };
    }
    if (this.isKnown(host)) {
      if (this.known >= this.bounds.handshakesKnownMax) {
        return { admitted: false, reason: 'too many handshakes from known addresses' };
      }
      return { admitted: true, known: true, evict: undefined };
    }
    if (this.anonymous < this.bounds.handshakesPendingMax) {
      return { admitted: true, known: false, evict: undefined };
    }
    const evict = this.evictionFor(ownCount);
    if (evict === undefined) return { admitted: false, reason: 'too many handshakes' };
    return { admitted: true, known: false, evict };
  }

  add(entry: T): void {
    if (this.entries.has(entry)) return;
    this.entries.add(entry);
    this.perHost.set(entry.host, (this.perHost.get(entry.host) ?? 0) + 1);
    if (entry.known) this.known++;
    else this.anonymous++;
  }

  /** Frees the entry's slot; later calls for the same entry do nothing. */
  release(entry: T): void {
    if (!this.entries.delete(entry)) return;
    const count = (this.perHost.get(entry.host) ?? 1) - 1;
    if (count === 0) this.perHost.delete(entry.host);
    else this.perHost.set(entry.host, count);
    if (entry.known) this.known--;
    else this.anonymous--;
  }

  /** All held entries (for shutdown). */
  held(): T[] {
    return [...this.entries];
  }

  private takeAttempt(host: string, nowMs: number): boolean {
    let bucket = this.attempts.get(host);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.bounds.connectsPerSecondMax, this.bounds.connectsBurstMax,
        nowMs);
    } else {
      this.attempts.delete(host);
    }
    this.attempts.set(host, bucket);
    while (this.attempts.size > this.bounds.connectAddressesTrackedMax) {
      const oldest = this.attempts.keys().next().value as string;
      this.attempts.delete(oldest);
    }
    return bucket.take(1, nowMs);
  }

  /**
   * The anonymous entry a newcomer holding `ownCount` entries may evict: the oldest entry of the
   * addresses holding the most, if they hold more than the newcomer does. Against many
   * addresses holding one each, the pool turns over first in, first out, so an honest
   * handshake (tens of milliseconds) completes before as many newer strangers have been
   * admitted at their per-address rates; known addresses do not depend on this at all.
   */
  private evictionFor(ownCount: number): T | undefined {
    let busiestCount = 0;
    for (const entry of this.entries) {
      if (!entry.known) busiestCount = Math.max(busiestCount, this.perHost.get(entry.host) ?? 0);
    }
    if (busiestCount <= ownCount) return undefined;
    let victim: T | undefined;
    for (const entry of this.entries) {
      if (entry.known || (this.perHost.get(entry.host) ?? 0) !== busiestCount) continue;
      if (victim === undefined || evictsBefore(entry, victim)) victim = entry;
    }
    return victim;
  }
}

/** Eviction order: sockets still in TLS before those awaiting a hello, oldest first. */
function evictsBefore(a: PendingEntry, b: PendingEntry): boolean {
  if (a.secured !== b.secured) return !a.secured;
  return a.acceptedMs < b.acceptedMs;
}
