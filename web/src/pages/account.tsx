// Account: API keys (OAuth authorizations: create, list, revoke), SSH keys and the password.
import { useState } from 'preact/hooks';
import { api } from '../api/client.js';
import type { AccountJson, AuthorizationJson } from '../api/types.js';
import { Confirm } from '../components/confirm.js';
import { ErrorText, Loaded } from '../components/notice.js';
import { when } from '../lib/time.js';
import { useResource } from '../lib/use-resource.js';

function ApiKeys() {
  const keys = useResource<AuthorizationJson[]>('/oauth/authorizations');
  const [description, setDescription] = useState('');
  const [created, setCreated] = useState<AuthorizationJson | undefined>();
  const [revoking, setRevoking] = useState<AuthorizationJson | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const create = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    try {
      setCreated(await api.request<AuthorizationJson>('POST', '/oauth/authorizations', { body: { description: description.trim() || 'Dashboard key', scope: ['global'] } }));
      setDescription('');
      await keys.reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <section aria-labelledby="api-keys">
      <h2 id="api-keys">API keys</h2>
      <Loaded resource={keys}>
        {(list) =>
          list.length === 0 ? (
            <p class="empty">No API keys.</p>
          ) : (
            <ul class="rows keys">
              {list.map((k) => (
                <li key={k.id} data-key={k.id}>
                  <strong>{k.description || 'API key'}</strong> <span class="muted">created {when(k.created_at)}</span>
                  <button type="button" class="small danger" aria-label={`Revoke ${k.description || k.id}`} onClick={() => setRevoking(k)}>
                    Revoke
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      <form class="inline" onSubmit={create} aria-label="Create an API key">
        <label class="field grow">
          Description
          <input name="description" value={description} placeholder="CI deploys" onInput={(e) => setDescription((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" class="primary">
          Create API key
        </button>
      </form>
      {created?.access_token && (
        <p role="status" class="ok-text">
          New key (shown once, copy it now): <code class="secret" data-new-key>{created.access_token.token}</code>
        </p>
      )}
      <ErrorText error={error} />
      {revoking && (
        <Confirm
          title="Revoke this API key?"
          confirmLabel="Revoke"
          danger
          onClose={() => setRevoking(undefined)}
          onConfirm={async () => {
            await api.request('DELETE', `/oauth/authorizations/${encodeURIComponent(revoking.id)}`).catch((e: Error) => setError(e));
            await keys.reload();
          }}
        >
          <p>Anything using “{revoking.description || revoking.id}” stops working at once.</p>
        </Confirm>
      )}
    </section>
  );
}

function Password() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<Error | undefined>();
  const [done, setDone] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    setDone(false);
    try {
      await api.request('PATCH', '/account', { body: { current_password: current, password: next } });
      setCurrent('');
      setNext('');
      setDone(true);
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <section aria-labelledby="password">
      <h2 id="password">Password</h2>
      <form class="stack narrow" onSubmit={submit} aria-label="Change password">
        <label class="field">
          Current password
          <input type="password" name="current_password" autocomplete="current-password" required value={current} onInput={(e) => setCurrent((e.target as HTMLInputElement).value)} />
        </label>
        <label class="field">
          New password
          <input type="password" name="new_password" autocomplete="new-password" required minLength={8} value={next} onInput={(e) => setNext((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" class="primary">
          Change password
        </button>
      </form>
      {done && (
        <p role="status" class="ok-text">
          <span aria-hidden="true">✓ </span>Password changed.
        </p>
      )}
      <ErrorText error={error} />
    </section>
  );
}

export function AccountPage() {
  const account = useResource<AccountJson>('/account');
  return (
    <>
      <h1>Account</h1>
      <Loaded resource={account}>{(a) => <p>Signed in as {a.email}.</p>}</Loaded>
      <ApiKeys />
      <Password />
    </>
  );
}
