import { appPath, type ApiClient } from './api-client.js';
import type { ReleaseJson } from './api-types.js';
import { CliError } from './cli-error.js';

/** The newest release, as config:set asks for it (`Range: version ..; order=desc,max=1`). */
export async function latestRelease(api: ApiClient, app: string): Promise<ReleaseJson> {
  const [release] = await api.page<ReleaseJson>(appPath(app, '/releases'), 'version ..; order=desc,max=1');
  if (!release) throw new CliError(`${app} has no releases.`);
  return release;
}

/** `v3`, `3` or a release id → the release. */
export function getRelease(api: ApiClient, app: string, identity: string): Promise<ReleaseJson> {
  const id = identity.toLowerCase().replace(/^v(?=\d+$)/, '');
  return api.get<ReleaseJson>(appPath(app, `/releases/${encodeURIComponent(id)}`));
}

/** `done, v12` once a change has made a release. */
export async function doneWithVersion(api: ApiClient, app: string): Promise<string> {
  return `done, v${(await latestRelease(api, app)).version}`;
}
