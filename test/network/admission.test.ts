// Unit checks of the pre-TLS admission bookkeeping that the socket tests cannot reach cheaply:
// many members' hosts do not push validators' hosts out of the known set, IPv4-mapped addresses
// count as their IPv4 host, and every refusal comes with its reason while slots are released
// exactly once.
import { describe, expect, it } from 'vitest';
import { HandshakeSlots, normalizeHost } from '../../src/network/admission.js';
import type { PendingEntry } from '../../src/network/admission.js';
import { networkDefaults } from '../../src/network/index.js';

const bounds = { ...networkDefaults, knownAddressesMax: 4, handshakesPendingMax: 2,
  handshakesPerAddressMax: 2, handshakesKnownMax: 1, connectsBurstMax: 3,
  connectsPerSecondMax: 1 };

function entry(host: string, known: boolean, acceptedMs: number): PendingEntry {
  return { host, known, acceptedMs, secured: false };
}

describe('handshake slots', () => {
  it('keeps priority hosts known however many other hosts authenticate', () => {
    const slots = new HandshakeSlots<PendingEntry>(bounds);
    slots.remember('10.0.0.1', true);
    for (let i = 0; i < 100; i++) slots.remember(`10.1.0.${i}`, false);
    expect(slots.isKnown('10.0.0.1')).toBe(true);
    expect(slots.isKnown('10.1.0.99')).toBe(true);
    expect(slots.isKnown('10.1.0.0')).toBe(false);
    expect(slots.isKnown('::ffff:10.0.0.1')).toBe(true);
  });

  it('normalizes IPv4-mapped addresses only', () => {
    expect(normalizeHost('::FFFF:127.0.0.2')).toBe('127.0.0.2');
    expect(normalizeHost('::ffff:abcd')).toBe('::ffff:abcd');
    expect(normalizeHost(undefined)).toBe('');
  });

  it('refuses with a reason at each cap and frees slots once', () => {
    const slots = new HandshakeSlots<PendingEntry>(bounds);
    slots.remember('10.0.0.1', true);
    const known = slots.admit('10.0.0.1', 0);
    expect(known).toEqual({ admitted: true, known: true, evict: undefined });
    const held = entry('10.0.0.1', true, 0);
    slots.add(held);
    expect(slots.admit('10.0.0.1', 0)).toEqual({ admitted: false,
      reason: 'too many handshakes from known addresses' });
    slots.release(held);
    slots.release(held);
    expect(slots.pending).toBe(0);
    const first = entry('10.9.0.1', false, 1);
    const second = entry('10.9.0.1', false, 2);
    for (const e of [first, second]) {
      expect(slots.admit(e.host, e.acceptedMs)).toMatchObject({ admitted: true, known: false });
      slots.add(e);
    }
    // Third attempt from 10.9.0.1: its burst of 3 allows it, its per-address cap does not.
    expect(slots.admit('10.9.0.1', 3)).toEqual({ admitted: false,
      reason: 'too many handshakes from this address' });
    // A fourth within the same instant is over the attempt rate.
    expect(slots.admit('10.9.0.1', 3)).toEqual({ admitted: false,
      reason: 'connection attempts from this address over the rate' });
    // The pool is full: a newcomer holding none evicts the oldest of the busiest address.
    expect(slots.admit('10.9.0.2', 3)).toEqual({ admitted: true, known: false, evict: first });
  });
});
