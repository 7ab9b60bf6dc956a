// Activity: builds (output streamed live while running) and releases with a one-click rollback
// (after a confirmation), each saying who did it and when.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client.js';
import type { AppJson, BuildJson, ReleaseJson } from '../api/types.js';
import { BuildOutput } from '../components/build-output.js';
import { Confirm } from '../components/confirm.js';
import { ErrorText, Loaded } from '../components/notice.js';
import { age, when } from '../lib/time.js';
import { useResource, useTick } from '../lib/use-resource.js';

const BUILD_STATE: Record<string, { icon: string; cls: string }> = {
  pending: { icon: '◐', cls: 'badge-converging' },
  succeeded: { icon: '✓', cls: 'badge-ok' },
  failed: { icon: '✕', cls: 'badge-failing' },
};

function Builds({ app, now }: { app: string; now: number }) {
  const builds = useResource<BuildJson[]>(`/apps/${encodeURIComponent(app)}/builds`, { pollMs: 2000, headers: { Range: 'created_at ..; max=10, order=desc' } });
  const [open, setOpen] = useState<string | undefined>();
  // A running build opens by itself (its output streams) and stays open once it finished.
  const running = builds.data?.find((b) => b.status === 'pending')?.id;
  useEffect(() => {
    if (running && open === undefined) setOpen(running);
  }, [running]);
  return (
    <Loaded resource={builds}>
      {(list) => {
        const sorted = [...list].sort((a, b) => b.created_at.localeCompare(a.created_at));
        if (sorted.length === 0) return <p class="empty">No builds yet: push with <code>git push berth main</code>.</p>;
        const shown = open ?? running;
        return (
          <ul class="rows builds">
            {sorted.map((b) => {
              const s = BUILD_STATE[b.status] ?? { icon: '?', cls: '' };
              const expanded = shown === b.id;
              return (
                <li key={b.id} data-build={b.id} data-status={b.status}>
                  <span class={`badge ${s.cls}`}>
                    <span aria-hidden="true">{s.icon}</span> {b.status}
                  </span>{' '}
                  Build by {b.user.email} <span class="muted" title={when(b.created_at)}>{age(b.created_at, now)} ago</span>
                  {b.source_blob?.version && <code class="muted"> {b.source_blob.version.slice(0, 7)}</code>}
                  {b.output_stream_url && (
                    <button type="button" class="small" aria-expanded={expanded} onClick={() => setOpen(expanded ? '' : b.id)}>
                      {expanded ? 'Hide output' : 'Show output'}
                    </button>
                  )}
                  {expanded && b.output_stream_url && <BuildOutput url={b.output_stream_url} buildId={b.id} />}
                </li>
              );
            })}
          </ul>
        );
      }}
    </Loaded>
  );
}

function Releases({ app, now }: { app: string; now: number }) {
  const releases = useResource<ReleaseJson[]>(`/apps/${encodeURIComponent(app)}/releases`, { pollMs: 3000, headers: { Range: 'version ..; max=20, order=desc' } });
  const [target, setTarget] = useState<ReleaseJson | undefined>();
  const [error, setError] = useState<Error | undefined>();
  return (
    <>
      <ErrorText error={error} />
      <Loaded resource={releases}>
        {(list) =>
          list.length === 0 ? (
            <p class="empty">No releases yet.</p>
          ) : (
            <ul class="rows releases">
              {list.map((r) => (
                <li key={r.id} data-version={r.version}>
                  <strong>v{r.version}</strong> {r.description}{' '}
                  <span class="muted">
                    by {r.user.email}, <span title={when(r.created_at)}>{age(r.created_at, now)} ago</span>
                  </span>
                  {r.current && (
                    <span class="badge badge-ok">
                      <span aria-hidden="true">✓</span> current
                    </span>
                  )}
                  {r.status !== 'succeeded' && <span class="badge badge-converging">{r.status}</span>}
                  {!r.current && r.slug && r.status === 'succeeded' && (
                    <button type="button" class="small" onClick={() => setTarget(r)} aria-label={`Roll back to v${r.version}`}>
                      Roll back to here
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      {target && (
        <Confirm
          title={`Roll back to v${target.version}?`}
          confirmLabel={`Roll back to v${target.version}`}
          onClose={() => setTarget(undefined)}
          onConfirm={async () => {
            setError(undefined);
            await api.request('POST', `/apps/${encodeURIComponent(app)}/releases`, { body: { release: target.id } }).catch((e: Error) => setError(e));
            await releases.reload();
          }}
        >
          <p>
            A new release is made from v{target.version}'s slug and config vars; the dynos restart on it.
          </p>
        </Confirm>
      )}
    </>
  );
}

export function ActivityTab({ app }: { app: AppJson }) {
  const now = useTick(1000);
  return (
    <>
      <h2>Builds</h2>
      <Builds app={app.name} now={now} />
      <h2>Releases</h2>
      <Releases app={app.name} now={now} />
    </>
  );
}
