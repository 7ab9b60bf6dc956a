import { appPath, type ApiClient } from './api-client.js';
import type { BuildpackInstallationJson } from './api-types.js';
import type { CommandContext, FlagSpec } from './command.js';
import { UsageError } from './cli-error.js';

export const indexFlag: FlagSpec = { type: 'string', short: 'i', value: 'N', description: 'position in the list, from 1' };

/** The app's buildpack URLs in order. */
export async function installedBuildpacks(api: ApiClient, app: string): Promise<string[]> {
  const list = await api.get<BuildpackInstallationJson[]>(appPath(app, '/buildpack-installations'));
  return [...list].sort((a, b) => a.ordinal - b.ordinal).map((i) => i.buildpack.url);
}

export async function replaceBuildpacks(api: ApiClient, app: string, urls: readonly string[]): Promise<string[]> {
  const list = await api.put<BuildpackInstallationJson[]>(appPath(app, '/buildpack-installations'), { updates: urls.map((buildpack) => ({ buildpack })) });
  return [...list].sort((a, b) => a.ordinal - b.ordinal).map((i) => i.buildpack.url);
}

export function readIndex(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`--index ${JSON.stringify(text)} is invalid: use a whole number from 1.`);
  return Number(text);
}

/** `1. url` lines (or the one URL alone), as the official CLI shows a list. */
export function buildpackLines(urls: readonly string[], indent = ''): string[] {
  return urls.length === 1 ? [urls[0] as string] : urls.map((url, i) => `${indent}${i + 1}. ${url}`);
}

/** What `buildpacks:set/add/remove` print after the change. */
export function printUpdate(ctx: CommandContext, app: string, urls: readonly string[], action: string): void {
  if (urls.length === 0) {
    ctx.print(`Buildpack ${action}. Next release on ${app} will detect buildpacks normally.`);
    return;
  }
  if (urls.length === 1) ctx.print(`Buildpack ${action}. Next release on ${app} will use ${urls[0] as string}.`);
  else {
    ctx.print(`Buildpack ${action}. Next release on ${app} will use:`);
    for (const line of buildpackLines(urls, '  ')) ctx.print(line);
  }
  ctx.print(`Run \`git push berth main\` or \`berth deploy\` to create a new release using ${urls.length === 1 ? 'this buildpack' : 'these buildpacks'}.`);
}
