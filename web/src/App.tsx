// The portal shell: header with navigation, who is signed in and the language switch, and
// hash-based routes so that every page has a shareable address without server-side routing.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import './data.css';
import { switchLanguage } from './i18n.js';
import { shortHex } from './node.js';
import { AuditPage } from './pages/Audit.js';
import { CatalogPage } from './pages/Catalog.js';
import { ExplorerPage } from './pages/Explorer.js';
import { GovernancePage } from './pages/Governance.js';
import { MyDataPage } from './pages/MyData.js';
import { NetworkPage } from './pages/Network.js';
import { SharingPage } from './pages/Sharing.js';
import { SignInPage } from './pages/SignIn.js';
import { VerifyPage } from './pages/Verify.js';
import { SessionProvider, useSession } from './session.js';

function currentRoute(): string[] {
  const path = window.location.hash.replace(/^#\/?/, '');
  return path === '' ? ['network'] : path.split('/');
}

function SessionBadge() {
  const { t } = useTranslation();
  const { session, signOut } = useSession();
  if (session === null) {
    return <a className="button" href="#/signin" data-testid="nav-signin">{t('nav.signIn')}</a>;
  }
  const agency = session.member?.agency.split('/').pop() ?? t('signin.noAgency');
  return (
    <div className="session" data-testid="session">
      <a href="#/signin" title={session.address}>
        <span className="session-agency">{agency}</span>
        <span className="mono">{shortHex(session.address, 6)}</span>
      </a>
      <button type="button" onClick={signOut} data-testid="header-signout">
        {t('signin.signOut')}</button>
    </div>
  );
}

function Page({ route }: { route: string[] }) {
  const [page, ...rest] = route;
  switch (page) {
    case 'explorer': return <ExplorerPage path={rest} />;
    case 'verify': return <VerifyPage />;
    case 'governance': return <GovernancePage />;
    case 'catalog': return <CatalogPage path={rest} />;
    case 'sharing': return <SharingPage path={rest} />;
    case 'audit': return <AuditPage />;
    case 'mydata': return <MyDataPage />;
    case 'signin': return <SignInPage />;
    default: return <NetworkPage />;
  }
}

function Shell() {
  const { t } = useTranslation();
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const onChange = () => setRoute(currentRoute());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const links: [string, string][] = [['network', t('nav.network')],
    ['explorer', t('nav.explorer')], ['governance', t('nav.governance')],
    ['catalog', t('nav.catalog')], ['sharing', t('nav.sharing')], ['audit', t('nav.audit')],
    ['mydata', t('nav.mydata')], ['verify', t('nav.verify')]];
  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden>链</span>
          <div>
            <div className="brand-title">{t('app.title')}</div>
            <div className="brand-subtitle">{t('app.subtitle')}</div>
          </div>
        </div>
        <nav>
          {links.map(([id, label]) => (
            <a key={id} href={`#/${id}`} className={route[0] === id ? 'active' : ''}
              data-testid={`nav-${id}`}>{label}</a>
          ))}
        </nav>
        <SessionBadge />
        <button type="button" className="language" onClick={switchLanguage}
          data-testid="language">{t('app.language')}</button>
      </header>
      <main>
        <Page route={route} />
      </main>
    </div>
  );
}

export function App() {
  return <SessionProvider><Shell /></SessionProvider>;
}
