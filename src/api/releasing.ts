import type { App } from '../core/model.js';
import type { Release } from '../store/port.js';
import type { ApiDeps } from './context.js';

type NotifyDeps = Pick<ApiDeps, 'log'>;

/**
 * Calls a platform notification without waiting for it and without letting it fail the request
 * (the store already committed); a failure is logged with what was being notified.
 */
export function notifyPlatform(deps: NotifyDeps, what: string, appId: string, call: () => void | Promise<void>): void {
  Promise.resolve()
    .then(call)
    .catch((err: unknown) => deps.log({ at: 'error', during: what, app_id: appId, error: err instanceof Error ? err.message : String(err) }));
}

/** `by user dev@example.com`, or `by Berth` for a release nobody asked for. */
export const byUser = (email: string | null | undefined): string => (email ? `by user ${email}` : 'by Berth');

/**
 * Tells the world about a committed release: the two `app[api]` lines Heroku writes
 * (`Set FOO config vars by user …`, `Release v3 created by user …`), then the platform, which
 * rolls the dynos (or runs the release phase first). Config values never appear: descriptions
 * name variables only. Also for the build pipeline in the composition root.
 */
export function announceRelease(deps: Pick<ApiDeps, 'log' | 'logs' | 'platform'>, app: App, release: Release): void {
  const by = byUser(release.userEmail);
  deps.logs.emit(app.id, 'api', `${release.description} ${by}`);
  deps.logs.emit(app.id, 'api', `Release v${release.version} created ${by}`);
  notifyPlatform(deps, 'releaseCreated', app.id, () => deps.platform.releaseCreated(app, release));
}
