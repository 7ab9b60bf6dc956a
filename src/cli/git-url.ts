import { APP_NAME_PATTERN } from '../core/app-name.js';

export interface GitRemote {
  name: string;
  url: string;
}

/**
 * The app a Berth git URL points at: the `<name>.git` at its end, as in
 * `https://localhost:5443/my-app.git` or `git@host:my-app.git`. Undefined when the URL does not
 * end that way or the name is not a valid app name.
 */
export function appNameFromGitUrl(url: string): string | undefined {
  const match = /(?:^|[/:])([^/:@?#]+)\.git\/*$/.exec(url.trim());
  const name = match?.[1];
  return name !== undefined && APP_NAME_PATTERN.test(name) ? name : undefined;
}

/** `git remote -v` output → one entry per remote (its fetch URL). */
export function parseRemoteList(output: string): GitRemote[] {
  const remotes = new Map<string, string>();
  for (const line of output.split('\n')) {
    const match = /^(\S+)\s+(\S+)(?:\s+\((fetch|push)\))?\s*$/.exec(line);
    if (!match) continue;
    const [, name, url, kind] = match as unknown as [string, string, string, string | undefined];
    if (!remotes.has(name) || kind === 'fetch') remotes.set(name, url);
  }
  return [...remotes].map(([name, url]) => ({ name, url }));
}

/**
 * Remotes to repoint after `apps:rename OLD NEW`: the `berth` remote when it named OLD, and any
 * remote whose URL is the old app's URL (the new git URL with NEW swapped back to OLD).
 */
export function remotesToRename(remotes: readonly GitRemote[], oldName: string, newName: string, newGitUrl: string): string[] {
  const oldGitUrl = swapAppName(newGitUrl, newName, oldName);
  return remotes
    .filter((r) => (r.name === 'berth' && appNameFromGitUrl(r.url) === oldName) || (oldGitUrl !== undefined && r.url === oldGitUrl))
    .map((r) => r.name);
}

/** Remotes to remove after `apps:destroy`: the `berth` remote naming the app, and any remote with its exact URL. */
export function remotesToRemove(remotes: readonly GitRemote[], appName: string, gitUrl: string): string[] {
  return remotes.filter((r) => (r.name === 'berth' && appNameFromGitUrl(r.url) === appName) || r.url === gitUrl).map((r) => r.name);
}

function swapAppName(gitUrl: string, from: string, to: string): string | undefined {
  const suffix = `${from}.git`;
  const trimmed = gitUrl.replace(/\/+$/, '');
  if (!trimmed.endsWith(`/${suffix}`) && !trimmed.endsWith(`:${suffix}`)) return undefined;
  return `${trimmed.slice(0, -suffix.length)}${to}.git`;
}
