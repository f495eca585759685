// The signed-in member. The keystore is opened in this page (scrypt and the suite's cipher, in
// JavaScript), and the private key lives only in this module's React state: it is never sent to
// the node, never written to storage, and signing out (or closing the tab) drops it. Everything
// the node learns is the signed transactions the member chooses to send.
import { createContext, useCallback, useContext, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { toHex } from '../../src/core/index.js';
import { openKeystoreAsync } from '../../src/crypto/index.js';
import { Account, getSuite } from '../../src/sdk/index.js';
import { PortalError } from './errors.js';
import { loadMember } from './governance.js';
import type { MemberView } from './governance.js';
import { client } from './node.js';

export interface Session {
  readonly account: Account;
  readonly address: string;
  /** The member record, or null when the key belongs to no agency. */
  readonly member: MemberView | null;
}

interface SessionContextValue {
  readonly session: Session | null;
  /** Opens the keystore with the passphrase; throws BAD_PASSPHRASE and friends as ZwError. */
  signIn(keystoreText: string, passphrase: string): Promise<void>;
  signOut(): void;
  /** Re-reads the member record, e.g. after a governance change. */
  refresh(): Promise<void>;
}

const SessionContext = createContext<SessionContextValue | null>(null);

/** A keystore file is small JSON; anything larger is not one. */
export const keystoreBytesMax = 64 * 1024;

async function openSession(keystoreText: string, passphrase: string): Promise<{
  session: Session; wipe: () => void }> {
  const opened = await openKeystoreAsync(keystoreText, passphrase);
  const wipe = () => opened.privateKey.fill(0);
  try {
    const status = await client.status();
    if (opened.suite !== status.suite) {
      throw new PortalError('wrongSuite', { file: opened.suite, chain: status.suite });
    }
    if (opened.purpose !== 'signing') throw new PortalError('notSigningKey');
    const account = new Account(getSuite(status.suite), opened, client);
    const address = toHex(opened.address);
    return { session: { account, address, member: await loadMember(address) }, wipe };
  } catch (error) {
    wipe();
    throw error;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  // Overwrites the current private key's bytes; held beside the state, not in it.
  const wipeRef = useRef<(() => void) | null>(null);
  const signIn = useCallback(async (keystoreText: string, passphrase: string) => {
    const opened = await openSession(keystoreText, passphrase);
    wipeRef.current?.();
    wipeRef.current = opened.wipe;
    setSession(opened.session);
  }, []);
  const signOut = useCallback(() => {
    wipeRef.current?.();
    wipeRef.current = null;
    setSession(null);
  }, []);
  const address = session?.address;
  const refresh = useCallback(async () => {
    if (address === undefined) return;
    const member = await loadMember(address);
    setSession((previous) => (previous === null || previous.address !== address ? previous
      : { ...previous, member }));
  }, [address]);
  const value = useMemo(() => ({ session, signIn, signOut, refresh }),
    [session, signIn, signOut, refresh]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (value === null) throw new Error('useSession outside SessionProvider');
  return value;
}
