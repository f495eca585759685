// Sign-in: a member chooses their keystore file and types its passphrase; the key is decrypted
// in this page and kept in memory only (see session.tsx). Once signed in, the page shows who the
// node says the key belongs to: address, agency and roles from the identity contract.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote, PortalError } from '../errors.js';
import { loadAgencies } from '../governance.js';
import { useLoad } from '../hooks.js';
import { keystoreBytesMax, useSession } from '../session.js';
import type { Session } from '../session.js';

async function readKeystoreFile(file: File | null): Promise<string> {
  if (file === null) throw new PortalError('noKeystore');
  if (file.size > keystoreBytesMax) throw new PortalError('notKeystore');
  return file.text();
}

function SignInForm() {
  const { t } = useTranslation();
  const { signIn } = useSession();
  const [file, setFile] = useState<File | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (passphrase === '') { setError(new PortalError('noPassphrase')); return; }
    setWorking(true);
    try {
      await signIn(await readKeystoreFile(file), passphrase);
      setPassphrase('');
    } catch (caught) {
      setError(caught);
    } finally {
      setWorking(false);
    }
  };
  return (
    <form className="card form" onSubmit={(event) => void submit(event)}
      data-testid="signin-form">
      <h2>{t('signin.title')}</h2>
      <p className="muted">{t('signin.hint')}</p>
      <label className="field">
        <span>{t('signin.keystore')}</span>
        <input type="file" accept=".key,.json,application/json" data-testid="keystore"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      </label>
      <label className="field">
        <span>{t('signin.passphrase')}</span>
        <input type="password" value={passphrase} autoComplete="current-password"
          data-testid="passphrase" onChange={(e) => setPassphrase(e.target.value)} />
      </label>
      {error !== null && <ErrorNote error={error} testId="signin-error" />}
      <div className="actions">
        <button type="submit" className="primary" disabled={working} data-testid="signin">
          {working ? t('signin.opening') : t('signin.submit')}</button>
      </div>
    </form>
  );
}

export function RoleList({ roles }: { roles: readonly string[] }) {
  const { t } = useTranslation();
  return <>{roles.map((role) => (
    <span key={role} className="tag">{t(`roles.${role}`, { defaultValue: role })}</span>))}</>;
}

function WhoAmI({ session }: { session: Session }) {
  const { t } = useTranslation();
  const { signOut } = useSession();
  const agencies = useLoad(loadAgencies, 'agencies');
  const member = session.member;
  const agency = agencies.value?.find((a) => a.id === member?.agency);
  return (
    <section className="card" data-testid="whoami">
      <h2>{t('signin.signedIn')}</h2>
      <dl>
        <dt>{t('signin.address')}</dt><dd className="mono">{session.address}</dd>
        {member === null ? null : <>
          <dt>{t('signin.agency')}</dt>
          <dd>{agency?.name ?? member.agency}
            <div className="muted mono small">{member.agency}</div></dd>
          <dt>{t('signin.roles')}</dt><dd data-testid="roles"><RoleList roles={member.roles} />
            {member.root && <span className="muted"> {t('signin.rootKey')}</span>}</dd>
          <dt>{t('signin.status')}</dt>
          <dd>{t(`status.${member.status}`, { defaultValue: member.status })}</dd>
        </>}
      </dl>
      {member === null && <p className="notice">{t('signin.notMember')}</p>}
      <p className="muted">{t('signin.memoryOnly')}</p>
      <div className="actions">
        <a className="button primary" href="#/governance">{t('signin.toGovernance')}</a>
        <button type="button" onClick={signOut} data-testid="signout">{t('signin.signOut')}</button>
      </div>
    </section>
  );
}

export function SignInPage() {
  const { session } = useSession();
  return (
    <div className="page narrow" data-testid="signin-page">
      {session === null ? <SignInForm /> : <WhoAmI session={session} />}
    </div>
  );
}
