// The portal shell: header with navigation and the language switch, and hash-based routes so
// that every page has a shareable address without server-side routing.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { switchLanguage } from './i18n.js';
import { NetworkPage } from './pages/Network.js';
import { ExplorerPage } from './pages/Explorer.js';
import { VerifyPage } from './pages/Verify.js';

function currentRoute(): string[] {
  const path = window.location.hash.replace(/^#\/?/, '');
  return path === '' ? ['network'] : path.split('/');
}

export function App() {
  const { t } = useTranslation();
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const onChange = () => setRoute(currentRoute());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const [page, ...rest] = route;
  const links: [string, string][] = [['network', t('nav.network')],
    ['explorer', t('nav.explorer')], ['verify', t('nav.verify')]];
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
            <a key={id} href={`#/${id}`} className={page === id ? 'active' : ''}
              data-testid={`nav-${id}`}>{label}</a>
          ))}
        </nav>
        <button type="button" className="language" onClick={switchLanguage}
          data-testid="language">{t('app.language')}</button>
      </header>
      <main>
        {page === 'explorer' ? <ExplorerPage path={rest} />
          : page === 'verify' ? <VerifyPage /> : <NetworkPage />}
      </main>
    </div>
  );
}
