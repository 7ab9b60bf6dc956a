// App settings besides config vars and domains: maintenance mode, buildpacks, collaborators,
// rename, and delete (type the app's name to confirm).
import { useState } from 'preact/hooks';
import { api } from '../api/client.js';
import type { AppJson, BuildpackInstallationJson, CollaboratorJson } from '../api/types.js';
import { Confirm } from '../components/confirm.js';
import { ErrorText, Loaded } from '../components/notice.js';
import { appHref, navigate } from '../lib/route.js';
import { useAction } from '../lib/use-action.js';
import { useResource } from '../lib/use-resource.js';

const appPath = (app: string) => `/apps/${encodeURIComponent(app)}`;

export function Maintenance({ app, onChanged }: { app: AppJson; onChanged(): void }) {
  const { run, error } = useAction(async () => onChanged());
  const toggle = () => run(() => api.request('PATCH', appPath(app.name), { body: { maintenance: !app.maintenance } }));
  return (
    <section aria-labelledby="maintenance">
      <h3 id="maintenance">Maintenance mode</h3>
      <p>
        {app.maintenance ? 'On: the router answers every request with the maintenance page (H80).' : 'Off: requests reach the web dynos.'}
      </p>
      <button type="button" role="switch" aria-checked={app.maintenance} onClick={() => void toggle()}>
        {app.maintenance ? 'Turn maintenance off' : 'Turn maintenance on'}
      </button>
      <ErrorText error={error} />
    </section>
  );
}

export function Buildpacks({ app }: { app: string }) {
  const path = `${appPath(app)}/buildpack-installations`;
  const list = useResource<BuildpackInstallationJson[]>(path);
  const [url, setUrl] = useState('');
  const { run, error } = useAction(list.reload);
  const put = (urls: string[]) => run(() => api.request('PUT', path, { body: { updates: urls.map((buildpack) => ({ buildpack })) } }));
  return (
    <section aria-labelledby="buildpacks">
      <h3 id="buildpacks">Buildpacks</h3>
      <Loaded resource={list}>
        {(items) => {
          const urls = items.sort((a, b) => a.ordinal - b.ordinal).map((i) => i.buildpack.url);
          return (
            <>
              {urls.length === 0 ? (
                <p class="empty">None set: detected on each push.</p>
              ) : (
                <ol class="rows">
                  {urls.map((u, i) => (
                    <li key={u}>
                      <code>{u}</code>
                      <button type="button" class="small danger" aria-label={`Remove buildpack ${u}`} onClick={() => void put(urls.filter((_, j) => j !== i))}>
                        Remove
                      </button>
                    </li>
                  ))}
                </ol>
              )}
              <form
                class="inline"
                aria-label="Add a buildpack"
                onSubmit={(e) => {
                  e.preventDefault();
                  void put([...urls, url.trim()]).then(() => setUrl(''));
                }}
              >
                <label class="field grow">
                  Buildpack
                  <input name="buildpack" value={url} placeholder="heroku/nodejs" required onInput={(e) => setUrl((e.target as HTMLInputElement).value)} />
                </label>
                <button type="submit">Add buildpack</button>
              </form>
            </>
          );
        }}
      </Loaded>
      <ErrorText error={error} />
    </section>
  );
}

export function Collaborators({ app }: { app: string }) {
  const path = `${appPath(app)}/collaborators`;
  const list = useResource<CollaboratorJson[]>(path);
  const [email, setEmail] = useState('');
  const { run, error } = useAction(list.reload);
  return (
    <section aria-labelledby="collaborators">
      <h3 id="collaborators">Collaborators</h3>
      <Loaded resource={list} empty="This Berth has no collaborators.">
        {(items) =>
          items.length === 0 ? (
            <p class="empty">Only the owner.</p>
          ) : (
            <ul class="rows">
              {items.map((c) => (
                <li key={c.id}>
                  {c.user.email} <span class="muted">{c.role ?? 'collaborator'}</span>
                  {c.role !== 'owner' && (
                    <button type="button" class="small danger" aria-label={`Remove ${c.user.email}`} onClick={() => void run(() => api.request('DELETE', `${path}/${encodeURIComponent(c.user.email)}`))}>
                      Remove
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      <form
        class="inline"
        aria-label="Add a collaborator"
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => api.request('POST', path, { body: { user: email.trim() } })).then(() => setEmail(''));
        }}
      >
        <label class="field grow">
          Email
          <input type="email" name="collaborator" value={email} required onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit">Add collaborator</button>
      </form>
      <ErrorText error={error} />
    </section>
  );
}

export function RenameAndDelete({ app }: { app: AppJson }) {
  const [name, setName] = useState(app.name);
  const [error, setError] = useState<Error | undefined>();
  const [deleting, setDeleting] = useState(false);
  const rename = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    try {
      const renamed = await api.request<AppJson>('PATCH', appPath(app.name), { body: { name: name.trim() } });
      navigate(appHref(renamed.name, 'settings'));
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <section aria-labelledby="rename">
      <h3 id="rename">Name</h3>
      <form class="inline" onSubmit={rename} aria-label="Rename the app">
        <label class="field grow">
          App name
          <input name="name" value={name} required onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" disabled={name.trim() === app.name}>
          Rename
        </button>
      </form>
      <p class="muted">Renaming changes the app's URL and git remote.</p>
      <h3>Delete app</h3>
      <button type="button" class="danger" onClick={() => setDeleting(true)}>
        Delete {app.name}…
      </button>
      <ErrorText error={error} />
      {deleting && (
        <Confirm
          title={`Delete ${app.name}?`}
          confirmLabel="Delete app"
          danger
          typeToConfirm={app.name}
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            try {
              await api.request('DELETE', appPath(app.name));
              navigate('#/apps');
            } catch (e) {
              setError(e as Error);
            }
          }}
        >
          <p>Its dynos stop and its releases, config vars, domains and add-ons are deleted. This cannot be undone.</p>
        </Confirm>
      )}
    </section>
  );
}
