import { CliError } from './cli-error.js';
import { appNameFromGitUrl } from './git-url.js';

export interface AppSources {
  /** First positional argument, for commands like `apps:destroy NAME`. */
  argument?: string;
  /** `-a/--app`. */
  flag?: string;
  /** BERTH_APP. */
  env?: string;
  /** URL of the `berth` git remote in cwd, if there is one. */
  remoteUrl?: string;
}

export const NO_APP_MESSAGE =
  'No app specified: use -a APP, set BERTH_APP, or run inside a git repo with a berth remote (berth git:remote -a APP)';

/** The app a command acts on: argument, then --app, then BERTH_APP, then the `berth` remote. */
export function pickApp(sources: AppSources): string {
  const explicit = sources.argument || sources.flag || sources.env;
  if (explicit) return explicit;
  if (sources.remoteUrl !== undefined) {
    const fromRemote = appNameFromGitUrl(sources.remoteUrl);
    if (fromRemote !== undefined) return fromRemote;
    throw new CliError(`The berth git remote (${sources.remoteUrl}) does not end in /APP.git, so it names no app.`, {
      hint: 'Fix it with `berth git:remote -a APP`, or use -a APP.',
    });
  }
  throw new CliError(NO_APP_MESSAGE);
}

/** True when the sources settle the app without asking git. */
export function hasExplicitApp(sources: AppSources): boolean {
  return Boolean(sources.argument || sources.flag || sources.env);
}

/** pickApp, asking git for the `berth` remote only when nothing else names the app. */
export async function findApp(sources: AppSources, git: { remoteUrl(name: string): Promise<string | undefined> }): Promise<string> {
  if (hasExplicitApp(sources) || sources.remoteUrl !== undefined) return pickApp(sources);
  const remoteUrl = await git.remoteUrl('berth');
  return pickApp(remoteUrl === undefined ? sources : { ...sources, remoteUrl });
}
