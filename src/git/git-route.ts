/**
 * Which URLs are git's: `/<app>.git/...`. The first path segment ends in `.git`, which no API
 * route does (app names cannot contain dots), so the control plane can offer every request to
 * the git service first.
 */
export type GitRoute =
  | { kind: 'advertise'; app: string; service: 'git-receive-pack' | 'git-upload-pack' }
  | { kind: 'rpc'; app: string; service: 'git-receive-pack' | 'git-upload-pack' }
  | { kind: 'error'; status: number; message: string; allow?: string };

const SERVICES = ['git-receive-pack', 'git-upload-pack'] as const;
const isService = (s: string | null): s is (typeof SERVICES)[number] => (SERVICES as readonly (string | null)[]).includes(s);
// App names (`my-app`) or ids (UUIDs); resolveApp decides which exist.
const APP = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** undefined: not a git URL, leave it to the API. */
export function matchGitRoute(method: string | undefined, url: string | undefined): GitRoute | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url ?? '/', 'http://berth.invalid');
  } catch {
    return undefined;
  }
  const match = /^\/([^/]+)\.git(\/.*)?$/.exec(parsed.pathname);
  if (!match) return undefined;
  const app = match[1] ?? '';
  const rest = match[2] ?? '';
  if (!APP.test(app)) return { kind: 'error', status: 404, message: "Couldn't find that app." };
  const wrongMethod = (allow: string): GitRoute =>
    ({ kind: 'error', status: 405, message: `Use ${allow} for ${parsed.pathname}.`, allow });

  if (rest === '/info/refs') {
    if (method !== 'GET' && method !== 'HEAD') return wrongMethod('GET');
    const service = parsed.searchParams.get('service');
    if (!isService(service)) {
      return { kind: 'error', status: 403, message: "Berth speaks git's smart HTTP protocol only; use git 1.6.6 or newer." };
    }
    return { kind: 'advertise', app, service };
  }
  const rpc = rest.slice(1);
  if (isService(rpc)) {
    if (method !== 'POST') return wrongMethod('POST');
    return { kind: 'rpc', app, service: rpc };
  }
  return {
    kind: 'error',
    status: 404,
    message: `${parsed.pathname} is not a git endpoint. ${app}.git is a git remote: git clone <berth git URL>/${app}.git`,
  };
}
