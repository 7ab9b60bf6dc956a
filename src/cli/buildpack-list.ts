import { CliError, UsageError } from './cli-error.js';

/**
 * The official CLI's edits of an app's buildpack list, as pure functions on URLs in order.
 * `index` is 1-based, as users type it; an index past the end appends.
 */

function checkIndex(index: number | undefined): void {
  if (index !== undefined && (!Number.isInteger(index) || index < 1)) throw new UsageError('Invalid index: use a whole number from 1.');
}

function notSet(list: readonly string[], url: string): void {
  if (list.includes(url)) throw new CliError(`The buildpack ${url} is already set on the app.`, { hint: 'See the list with `berth buildpacks`.' });
}

/** `buildpacks:set URL [--index N]`: replaces the buildpack at N (default 1). */
export function setBuildpack(list: readonly string[], url: string, index?: number): string[] {
  checkIndex(index);
  notSet(list, url);
  const at = index === undefined ? 0 : Math.min(index - 1, list.length);
  return [...list.slice(0, at), url, ...list.slice(at + 1)];
}

/** `buildpacks:add URL [--index N]`: inserts at N (default: last). */
export function addBuildpack(list: readonly string[], url: string, index?: number): string[] {
  checkIndex(index);
  notSet(list, url);
  const at = index === undefined ? list.length : Math.min(index - 1, list.length);
  return [...list.slice(0, at), url, ...list.slice(at)];
}

/** `buildpacks:remove URL` or `--index N`. */
export function removeBuildpack(list: readonly string[], target: { url?: string; index?: number }): string[] {
  if ((target.url === undefined) === (target.index === undefined)) throw new UsageError('Name the buildpack to remove: its URL, or --index N, not both.');
  if (list.length === 0) throw new CliError('The app has no buildpacks set, so there is nothing to remove: the next build detects them.');
  checkIndex(target.index);
  const at = target.index !== undefined ? target.index - 1 : list.indexOf(target.url as string);
  if (target.index !== undefined && at >= list.length) {
    throw new UsageError(list.length === 1 ? 'Invalid index: the only valid value is 1.' : `Invalid index: choose a value from 1 to ${list.length}.`);
  }
  if (at < 0) throw new CliError(`The buildpack ${target.url as string} is not set on the app; nothing was removed.`, { hint: 'See the list with `berth buildpacks`.' });
  return [...list.slice(0, at), ...list.slice(at + 1)];
}
