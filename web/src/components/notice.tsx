// Inline messages: errors (role=alert), empty states and a "reconnecting" line for polls.
import type { ComponentChildren } from 'preact';
import type { Resource } from '../lib/use-resource.js';

export function ErrorText({ error }: { error: Error | undefined | null }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      <span aria-hidden="true">✕ </span>
      {error.message}
    </p>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

/** Loading / unavailable / stale states of a resource; renders `children` once data is there. */
export function Loaded<T>({ resource, empty, children }: { resource: Resource<T>; empty?: string; children: (data: T) => ComponentChildren }) {
  if (resource.data !== undefined) {
    return (
      <>
        {resource.error && !resource.missing && (
          <p class="stale" role="status">
            Berth is not answering ({resource.error.message}); retrying…
          </p>
        )}
        {children(resource.data)}
      </>
    );
  }
  if (resource.loading) return <p class="muted">Loading…</p>;
  if (resource.missing) return <Empty>{empty ?? 'Nothing here (this Berth does not offer it).'}</Empty>;
  return <ErrorText error={resource.error} />;
}
