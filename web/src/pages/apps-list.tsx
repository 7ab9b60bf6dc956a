// The apps list: name, status light (formation vs live dynos), last release, web URL, search,
// and creating an app.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../api/client.js';
import type { AppJson, DynoJson, FormationJson, ReleaseJson } from '../api/types.js';
import { HealthBadge } from '../components/status.js';
import { ErrorText, Loaded } from '../components/notice.js';
import { appHealth, formationModel, type Health } from '../lib/formation-model.js';
import { limiter } from '../lib/limiter.js';
import { appHref, navigate } from '../lib/route.js';
import { age } from '../lib/time.js';
import { useResource } from '../lib/use-resource.js';

const queue = limiter(6);

interface RowStatus {
  health: Health;
  release?: ReleaseJson;
}

function useAppStatus(app: string): RowStatus | undefined {
  const [status, setStatus] = useState<RowStatus | undefined>();
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Every 30 s while shown; a failed load (Berth restarting, a slow answer) tries again in 3 s.
    const load = async (): Promise<void> => {
      let ok = false;
      if (!document.hidden) {
        ok = await queue(async () => {
          if (!live) return true;
          const base = `/apps/${encodeURIComponent(app)}`;
          const signal = AbortSignal.timeout(15_000);
          const [formation, dynos, releases] = await Promise.all([
            api.get<FormationJson[]>(`${base}/formation`, { signal }),
            api.get<DynoJson[]>(`${base}/dynos`, { signal }),
            api.get<ReleaseJson[]>(`${base}/releases`, { headers: { Range: 'version ..; max=1, order=desc' }, signal }),
          ]);
          if (live) setStatus({ health: appHealth(formationModel(formation, dynos)), ...(releases[0] ? { release: releases[0] } : {}) });
          return true;
        }).catch(() => false);
      }
      if (live) timer = setTimeout(() => void load(), ok ? 30_000 : 3_000);
    };
    void load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [app]);
  return status;
}

function AppRow({ app }: { app: AppJson }) {
  const status = useAppStatus(app.name);
  return (
    <tr data-app={app.name}>
      <th scope="row">
        <a href={appHref(app.name)}>{app.name}</a>
      </th>
      <td>{status ? <HealthBadge health={status.health} /> : <span class="muted">…</span>}</td>
      <td>
        {status?.release ? (
          <span title={status.release.description}>
            v{status.release.version} · {age(status.release.created_at)} ago
          </span>
        ) : (
          <span class="muted">{status ? 'no release' : '…'}</span>
        )}
      </td>
      <td class="url">
        <a href={app.web_url} target="_blank" rel="noopener noreferrer">
          {app.web_url.replace(/^https?:\/\//, '').replace(/\/$/, '')}
        </a>
      </td>
    </tr>
  );
}

function CreateApp() {
  const [name, setName] = useState('');
  const [error, setError] = useState<Error | undefined>();
  const create = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    try {
      const app = await api.request<AppJson>('POST', '/apps', { body: name.trim() ? { name: name.trim() } : {} });
      navigate(appHref(app.name));
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <form class="inline" onSubmit={create} aria-label="Create an app">
      <label class="field">
        New app name
        <input name="new-app" value={name} placeholder="optional: Berth picks one" onInput={(e) => setName((e.target as HTMLInputElement).value)} />
      </label>
      <button type="submit" class="primary">
        Create app
      </button>
      <ErrorText error={error} />
    </form>
  );
}

export function AppsPage() {
  const apps = useResource<AppJson[]>('/apps', { pollMs: 30_000 });
  const [search, setSearch] = useState('');
  const shown = useMemo(() => {
    const q = search.trim().toLowerCase();
    return (apps.data ?? []).filter((a) => !q || a.name.toLowerCase().includes(q)).sort((a, b) => a.name.localeCompare(b.name));
  }, [apps.data, search]);
  return (
    <>
      <h1>Apps</h1>
      <div class="toolbar">
        <label class="field grow">
          Search apps
          <input type="search" name="search" value={search} onInput={(e) => setSearch((e.target as HTMLInputElement).value)} />
        </label>
      </div>
      <Loaded resource={apps}>
        {(list) =>
          list.length === 0 ? (
            <p class="empty">You have no apps yet. Create one below, or with <code>berth apps:create</code>.</p>
          ) : (
            <div class="scroll" tabIndex={0} role="region" aria-label="Apps">
              <table class="apps">
                <caption class="sr-only">
                  {shown.length} of {list.length} apps
                </caption>
                <thead>
                  <tr>
                    <th scope="col">App</th>
                    <th scope="col">Status</th>
                    <th scope="col">Last release</th>
                    <th scope="col">Web URL</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((app) => (
                    <AppRow key={app.id} app={app} />
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loaded>
      <CreateApp />
    </>
  );
}
