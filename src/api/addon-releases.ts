import { attachmentConfigVars } from '../core/addon-naming.js';
import type { ConfigVars } from '../core/config-vars.js';
import { PlatformError } from '../core/errors.js';
import type { App } from '../core/model.js';
import type { Addon, Release, Store } from '../store/port.js';
import type { ApiDeps } from './context.js';
import { announceRelease } from './releasing.js';

/**
 * The config side of attachments, inside the caller's transaction: each call locks the app's
 * config, changes only the attachment's own vars (`<NAME>_<SUFFIX>`) and writes one release that
 * records the app's add-on plan names. A var that exists already is a clash: refused, and the
 * whole transaction rolls back, so nothing changes.
 */

export type User = { id: string; email: string } | null;

/** A committed release of an app, to announce after the transaction. */
export interface AppRelease {
  app: App;
  release: Release;
}

/** `heroku-postgresql:essential-0` for every live add-on attached to the app, sorted. */
export async function attachedPlanNames(tx: Store, appId: string): Promise<string[]> {
  const names = new Set<string>();
  for (const attachment of await tx.addonAttachments.listForApp(appId)) {
    const addon = await tx.addons.findById(attachment.addonId);
    if (addon && addon.state !== 'deprovisioned') names.add(`${addon.service}:${addon.plan}`);
  }
  return [...names].sort();
}

export function configClash(app: Pick<App, 'name'>, names: readonly string[]): PlatformError {
  const list = names.join(', ');
  return new PlatformError(
    'conflict',
    `The app ${app.name} already has the config var${names.length > 1 ? 's' : ''} ${list}. Unset ${names.length > 1 ? 'them' : 'it'} first (berth config:unset ${names.join(' ')} -a ${app.name}) or choose another attachment name (--as NAME). Nothing was changed.`,
  );
}

async function appOf(tx: Store, appId: string): Promise<App> {
  const app = await tx.apps.findById(appId);
  if (!app) throw new PlatformError('not_found', `Couldn't find that app: ${appId}.`);
  return app;
}

/**
 * Sets the vars of attachment `name` of `addon` on the app (after replacing `previous`, the
 * vars the attachment had, for a config change) and writes the release.
 */
export async function writeAttachmentVars(
  tx: Store,
  appId: string,
  change: { name: string; addon: Addon; previous?: Record<string, string> },
  description: string,
  user: User,
): Promise<AppRelease> {
  const app = await appOf(tx, appId);
  const current = await tx.configVars.lock(appId);
  const next: ConfigVars = Object.assign(Object.create(null) as ConfigVars, current);
  const old = change.previous ? attachmentConfigVars(change.name, change.previous) : {};
  for (const name of Object.keys(old)) delete next[name];
  const vars = attachmentConfigVars(change.name, change.addon.config);
  const clash = Object.keys(vars).filter((name) => Object.hasOwn(next, name));
  if (clash.length > 0) throw configClash(app, clash);
  Object.assign(next, vars);
  const release = await tx.releases.create({ appId, configVars: next, description, user, addonPlanNames: await attachedPlanNames(tx, appId) });
  return { app, release };
}

/** Removes the vars of attachment `name` of `addon` (already detached) and writes the release. */
export async function removeAttachmentVars(tx: Store, appId: string, name: string, addon: Addon, description: string, user: User): Promise<AppRelease> {
  const app = await appOf(tx, appId);
  const current = await tx.configVars.lock(appId);
  const next: ConfigVars = Object.assign(Object.create(null) as ConfigVars, current);
  for (const varName of Object.keys(attachmentConfigVars(name, addon.config))) delete next[varName];
  const release = await tx.releases.create({ appId, configVars: next, description, user, addonPlanNames: await attachedPlanNames(tx, appId) });
  return { app, release };
}

export const attachmentTaken = (app: Pick<App, 'name'>, name: string): PlatformError =>
  new PlatformError('conflict', `The app ${app.name} already has an attachment named ${name}. Choose another name (--as NAME), or detach that one first.`);

/** Hands committed releases to the platform like config changes: announced (`app[api]` lines), dynos rolled. */
export function announceAll(deps: Pick<ApiDeps, 'log' | 'platform'>, releases: readonly AppRelease[]): void {
  for (const { app, release } of releases) announceRelease(deps, app, release);
}
