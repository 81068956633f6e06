import { render } from 'preact';
import { isAppError } from '@smartmirror/api';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { createAdminApi, type AdminApi } from './api.ts';
import { t, type StringKey } from './strings.ts';
import { ErrorLine, useAction } from './ui.tsx';
import { LabelsView } from './views/labels.tsx';
import { CatalogView } from './views/catalog.tsx';
import { RecommendationsView } from './views/recommendations.tsx';
import { BoughtView } from './views/bought.tsx';
import { AnalyticsView } from './views/analytics.tsx';
import { SettingsView } from './views/settings.tsx';
import './styles.css';

const TABS = ['labels', 'catalog', 'recommendations', 'bought', 'analytics', 'settings'] as const;
type Tab = (typeof TABS)[number];
const TAB_TEXT: Record<Tab, StringKey> = {
  labels: 'navLabels',
  catalog: 'navCatalog',
  recommendations: 'navRecommendations',
  bought: 'navBought',
  analytics: 'navAnalytics',
  settings: 'navSettings',
};

function tabFromHash(): Tab {
  const h = location.hash.replace(/^#\/?/, '').split('/')[0];
  return TABS.find((tab) => tab === h) ?? 'labels';
}

function Login({ api, onDone }: { api: AdminApi; onDone: () => void }) {
  const [token, setToken] = useState('');
  const { busy, error, setError, run } = useAction();
  return (
    <main class="login">
      <h1>{t('appTitle')}</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            try {
              const s = await api.login(token);
              if (s.role === 'admin') onDone();
            } catch (err) {
              // On this page UNAUTHENTICATED means a wrong token, not an ended session.
              if (isAppError(err) && err.code === 'UNAUTHENTICATED') return setError(t('loginWrong'));
              throw err;
            }
          });
        }}
      >
        <h2>{t('loginTitle')}</h2>
        <label>
          {t('loginToken')}
          <input type="password" name="token" autocomplete="current-password" value={token} onInput={(e) => setToken(e.currentTarget.value)} required />
        </label>
        <button type="submit" disabled={busy}>
          {t('loginSubmit')}
        </button>
        <ErrorLine error={error} />
      </form>
    </main>
  );
}

function Shell({ api, onLogout }: { api: AdminApi; onLogout: () => void }) {
  const [tab, setTab] = useState<Tab>(tabFromHash());
  useEffect(() => {
    const on = (): void => setTab(tabFromHash());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return (
    <div class="shell">
      <header>
        <h1>{t('appTitle')}</h1>
        <nav>
          {TABS.map((id) => (
            <a key={id} href={`#${id}`} aria-current={tab === id ? 'page' : undefined}>
              {t(TAB_TEXT[id])}
            </a>
          ))}
        </nav>
        <button
          type="button"
          class="link"
          onClick={() => {
            void api.logout().finally(onLogout);
          }}
        >
          {t('logout')}
        </button>
      </header>
      <main>
        {tab === 'labels' && <LabelsView api={api} />}
        {tab === 'catalog' && <CatalogView api={api} />}
        {tab === 'recommendations' && <RecommendationsView api={api} />}
        {tab === 'bought' && <BoughtView api={api} />}
        {tab === 'analytics' && <AnalyticsView api={api} />}
        {tab === 'settings' && <SettingsView api={api} />}
      </main>
    </div>
  );
}

function App() {
  const [state, setState] = useState<'checking' | 'out' | 'in'>('checking');
  const api = useMemo(() => createAdminApi(() => setState('out')), []);
  useEffect(() => {
    api
      .session()
      .then((s) => setState(s.authenticated && s.role === 'admin' ? 'in' : 'out'))
      .catch(() => setState('out'));
  }, [api]);
  if (state === 'checking') return <p class="loading">{t('loading')}</p>;
  if (state === 'out') return <Login api={api} onDone={() => setState('in')} />;
  return <Shell api={api} onLogout={() => setState('out')} />;
}

render(<App />, document.getElementById('app') ?? document.body);
