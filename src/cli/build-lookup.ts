import { appPath, type ApiClient } from './api-client.js';
import type { BuildJson } from './api-types.js';
import { CliError } from './cli-error.js';

/** The newest builds first (`Range: created_at ..; max=N, order=desc`). */
export function recentBuilds(api: ApiClient, app: string, max: number): Promise<BuildJson[]> {
  return api.page<BuildJson>(appPath(app, '/builds'), `created_at ..; max=${max}, order=desc`);
}

/** The build with this id, or the newest one. */
export async function findBuild(api: ApiClient, app: string, id: string | undefined): Promise<BuildJson> {
  if (id !== undefined) return api.get<BuildJson>(appPath(app, `/builds/${encodeURIComponent(id)}`));
  const [latest] = await recentBuilds(api, app, 1);
  if (!latest) throw new CliError(`${app} has no builds yet.`, { hint: 'Deploy with `git push berth main` or `berth deploy`.' });
  return latest;
}
