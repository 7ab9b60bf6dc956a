// The shell: who is signed in (session cookie or in-memory key), the hash route, the header and
// navigation, and which page to draw. A 401 from any call brings the login page back.
import { useEffect, useState } from 'preact/hooks';
import { api } from './api/client.js';
import { logOut, restoreSession, type SignedIn } from './api/session.js';
import { parseHash, type Route } from './lib/route.js';
import { LoginPage } from './pages/login.js';
import { AppsPage } from './pages/apps-list.js';
import { AccountPage } from './pages/account.js';
import { AppPage } from './pages/app-page.js';

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** Asked once, as soon as the script runs (not after the first paint). */
const restoring = restoreSession();

export function Shell() {
  const route = useRoute();
  const [user, setUser] = useState<SignedIn | null | undefined>(undefined);
  useEffect(() => {
    api.onUnauthorized(() => setUser(null));
    void restoring.then((u) => setUser(u ?? null));
  }, []);
  useEffect(() => {
    const main = document.getElementById('main');
    if (main && user) main.focus({ preventScroll: true });
  }, [route.page, route.page === 'app' ? route.app : '', route.page === 'app' ? route.tab : '']);

  if (user === undefined) return <p class="muted boot">Loading…</p>;
  if (user === null) return <LoginPage onLoggedIn={setUser} />;
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="#/apps">
          Berth
        </a>
        <nav aria-label="Main">
          <a href="#/apps" aria-current={route.page === 'apps' ? 'page' : undefined}>
            Apps
          </a>
          <a href="#/account" aria-current={route.page === 'account' ? 'page' : undefined}>
            Account
          </a>
        </nav>
        <span class="who" title="Signed in as">
          {user.email}
        </span>
        <button type="button" class="link" onClick={() => void logOut().then(() => setUser(null))}>
          Log out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {route.page === 'apps' && <AppsPage />}
        {route.page === 'account' && <AccountPage />}
        {route.page === 'app' && <AppPage app={route.app} tab={route.tab} />}
        {route.page === 'not-found' && (
          <>
            <h1>Not found</h1>
            <p>
              There is no page at <code>{route.hash}</code>. <a href="#/apps">Back to your apps</a>.
            </p>
          </>
        )}
      </main>
    </>
  );
}
