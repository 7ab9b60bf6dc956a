// One app: its name, web URL and the tabs (overview, resources, activity, logs, metrics, settings).
import { useEffect, useState } from 'preact/hooks';
import type { AppJson } from '../api/types.js';
import { ErrorText } from '../components/notice.js';
import { APP_TABS, appHref, type AppTab } from '../lib/route.js';
import { useResource } from '../lib/use-resource.js';
import { OverviewTab } from './app-overview.js';
import { ResourcesTab } from './app-resources.js';
import { ActivityTab } from './app-activity.js';
import { LogsTab } from './app-logs.js';
import { SettingsTab } from './app-settings.js';

type MetricsModule = typeof import('./app-metrics.js');

/** The metrics tab and uPlot load on first use: the first load of the other pages stays small. */
function LazyMetrics({ app }: { app: AppJson }) {
  const [mod, setMod] = useState<MetricsModule | undefined>();
  const [error, setError] = useState<Error | undefined>();
  useEffect(() => {
    import('./app-metrics.js').then((m) => setMod(() => m), (e: Error) => setError(e));
  }, []);
  if (error) return <ErrorText error={error} />;
  return mod ? <mod.MetricsTab app={app} /> : <p class="muted">Loading…</p>;
}

export function AppPage({ app, tab }: { app: string; tab: AppTab }) {
  const resource = useResource<AppJson>(`/apps/${encodeURIComponent(app)}`, { pollMs: 15_000 });
  if (resource.missing) {
    return (
      <>
        <h1>App not found</h1>
        <p>
          Couldn't find that app: <code>{app}</code>. <a href="#/apps">Back to your apps</a>.
        </p>
      </>
    );
  }
  const data = resource.data;
  return (
    <>
      <div class="app-head">
        <h1>
          <a href="#/apps" class="crumb">
            Apps
          </a>
          <span aria-hidden="true"> / </span>
          {app}
        </h1>
        {data && (
          <p class="muted">
            <a href={data.web_url} target="_blank" rel="noopener noreferrer">
              {data.web_url}
            </a>
            {data.maintenance && (
              <span class="badge badge-converging">
                <span aria-hidden="true">⚠</span> Maintenance mode
              </span>
            )}
          </p>
        )}
      </div>
      <nav class="tabs app-tabs" aria-label="App sections">
        {APP_TABS.map((t) => (
          <a key={t.tab} href={appHref(app, t.tab)} aria-current={t.tab === tab ? 'page' : undefined}>
            {t.label}
          </a>
        ))}
      </nav>
      {!data && resource.error && <ErrorText error={resource.error} />}
      {data && tab === 'overview' && <OverviewTab app={data} />}
      {data && tab === 'resources' && <ResourcesTab app={data} />}
      {data && tab === 'activity' && <ActivityTab app={data} />}
      {data && tab === 'logs' && <LogsTab app={data} />}
      {data && tab === 'metrics' && <LazyMetrics app={data} />}
      {data && tab === 'settings' && <SettingsTab app={data} onChanged={() => void resource.reload()} />}
    </>
  );
}
