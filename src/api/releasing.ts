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

export { byUser } from '../core/release-announcement.js';

/**
 * Hands a committed release to the platform, which announces it (the two `app[api]` lines of
 * core/release-announcement.ts) and rolls the dynos (or runs the release phase first): the same
 * path as a release made by a build, so every release is announced in one place.
 */
export function announceRelease(deps: Pick<ApiDeps, 'log' | 'platform'>, app: App, release: Release): void {
  notifyPlatform(deps, 'releaseCreated', app.id, () => deps.platform.releaseCreated(app, release));
}
