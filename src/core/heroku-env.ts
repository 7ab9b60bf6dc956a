/**
 * The environment that points the official `heroku` CLI at Berth and keeps it off Heroku's own
 * hosts: the CLI sends the API key to every host it talks to (the data API for `pg:*`, Redis's for
 * `redis:*`, the buildpack registry, particleboard, telemetry), so each gets Berth's address or is
 * switched off. One list for the banner and `berth heroku-env`.
 */
export interface HerokuEnvInput {
  /** Berth's API, e.g. `http://localhost:5000`. */
  apiUrl: string;
  /** `host:port` of git over HTTPS. */
  gitHost: string;
  /** The API key, or a shell expression that prints it (`$(cat ~/.berth/admin.key)`). */
  apiKey: string;
}

export const BUILDPACK_REGISTRY_PATH = '/buildpack-registry';

export function herokuEnvironment(o: HerokuEnvInput): Array<[name: string, value: string]> {
  const api = o.apiUrl.replace(/\/+$/, '');
  // The data and Redis commands take the scheme and port from HEROKU_HOST and swap only the host.
  const host = hostnameOf(api);
  return [
    ['HEROKU_HOST', api],
    ['HEROKU_API_KEY', o.apiKey],
    ['HEROKU_GIT_HOST', o.gitHost],
    ['HEROKU_PARTICLEBOARD_URL', api],
    ['HEROKU_DATA_HOST', host],
    ['HEROKU_REDIS_HOST', host],
    ['HEROKU_BUILDPACK_REGISTRY_URL', `${api}${BUILDPACK_REGISTRY_PATH}`],
    // `heroku login` (browser) would start at cli-auth.heroku.com; Berth answers 404 there: use `heroku login -i`.
    ['HEROKU_LOGIN_HOST', api],
    // pg:diagnose posts the database URL and the key to Heroku's pgdiagnose service, ps:exec to its
    // exec manager: aimed at Berth, which has neither, they fail there instead.
    ['PGDIAGNOSE_URL', host],
    ['HEROKU_EXEC_URL', `${api}/`],
    ['DISABLE_TELEMETRY', 'true'],
    ['HEROKU_SKIP_NEW_VERSION_CHECK', 'true'],
    ['HEROKU_DISABLE_AUTOUPDATE', 'true'],
    ['PGSSLMODE', 'prefer'],
  ];
}

function hostnameOf(url: string): string {
  const authority = url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split('/')[0] ?? '';
  const withoutUser = authority.slice(authority.lastIndexOf('@') + 1);
  if (withoutUser.startsWith('[')) return withoutUser.slice(1, withoutUser.indexOf(']'));
  return withoutUser.replace(/:\d*$/, '');
}

/** `export A=1 B=2` lines of at most about `width` characters, values quoted when the shell needs it. */
export function exportLines(vars: ReadonlyArray<readonly [string, string]>, options: { width?: number; quote?: boolean } = {}): string[] {
  const width = options.width ?? 100;
  const lines: string[] = [];
  let line = '';
  for (const [name, value] of vars) {
    const item = `${name}=${options.quote === false ? value : shellQuote(value)}`;
    if (line !== '' && line.length + 1 + item.length > width) {
      lines.push(line);
      line = '';
    }
    line = line === '' ? `export ${item}` : `${line} ${item}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
