// The login page: email and password, or an API key (the same key the CLIs use).
import { useState } from 'preact/hooks';
import { logIn, type SignedIn } from '../api/session.js';
import { ErrorText } from '../components/notice.js';

export function LoginPage({ onLoggedIn }: { onLoggedIn(user: SignedIn): void }) {
  const [mode, setMode] = useState<'password' | 'key'>('password');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onLoggedIn(await logIn(mode === 'password' ? { email, password } : { apiKey: apiKey.trim() }));
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="login">
      <h1>Log in to Berth</h1>
      <div class="tabs" role="group" aria-label="How to log in">
        <button type="button" aria-pressed={mode === 'password'} onClick={() => setMode('password')}>
          Email and password
        </button>
        <button type="button" aria-pressed={mode === 'key'} onClick={() => setMode('key')}>
          API key
        </button>
      </div>
      <form onSubmit={submit} class="card">
        {mode === 'password' ? (
          <>
            <label class="field">
              Email
              <input type="email" name="email" autocomplete="username" required value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
            </label>
            <label class="field">
              Password
              <input type="password" name="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
            </label>
          </>
        ) : (
          <label class="field">
            API key
            <input type="password" name="api_key" autocomplete="off" required value={apiKey} onInput={(e) => setApiKey((e.target as HTMLInputElement).value)} />
            <small class="muted">
              From <code>berth auth:token</code> or the banner of <code>berth up</code>.
            </small>
          </label>
        )}
        <ErrorText error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </main>
  );
}
