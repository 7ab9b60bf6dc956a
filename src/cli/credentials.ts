import { isAbsolute, join } from 'node:path';
import { CliError, UsageError } from './cli-error.js';

/** One saved login: the API key (`token`) and the authorization it belongs to. */
export interface Credential {
  email: string;
  token: string;
  authorization_id: string;
  /** Where this install's app repositories live (`https://host:port/`): git is set up for it. */
  git_url_prefix?: string;
  /** This install's local CA, saved at login when its git host and HTTPS use one. */
  ca_file?: string;
}

/** credentials.json: saved logins keyed by API URL. */
export type Credentials = Record<string, Credential>;

export const DEFAULT_API_URL = 'http://localhost:5000';

/** `$XDG_CONFIG_HOME/berth/credentials.json`, else `$HOME/.config/berth/credentials.json`. */
export function credentialsPath(env: NodeJS.ProcessEnv, fallbackHome: string): string {
  const xdg = env.XDG_CONFIG_HOME;
  const configHome = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || fallbackHome, '.config');
  return join(configHome, 'berth', 'credentials.json');
}

/** An http(s) URL without trailing slashes, so `http://h:5000/` and `http://h:5000` share a login. */
export function normalizeApiUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new UsageError(`API URL ${JSON.stringify(text)} is not a URL.`, 'Use the form http://localhost:5000 or https://berth.example.com.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`API URL ${JSON.stringify(text)} must start with http:// or https://.`);
  }
  return url.href.replace(/\/+$/, '');
}

export function parseCredentials(text: string, path: string): Credentials {
  const broken = (why: string) => new CliError(`Cannot read ${path}: ${why}.`, { hint: 'Fix the file, or delete it and run `berth login` again.' });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw broken('it is not valid JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw broken('expected an object keyed by API URL');
  const result: Credentials = {};
  for (const [url, entry] of Object.entries(data as Record<string, unknown>)) {
    const e = entry as Partial<Record<keyof Credential, unknown>> | null;
    if (typeof e !== 'object' || e === null || typeof e.token !== 'string') throw broken(`the entry for ${url} has no token`);
    result[url] = {
      email: typeof e.email === 'string' ? e.email : '',
      token: e.token,
      authorization_id: typeof e.authorization_id === 'string' ? e.authorization_id : '',
      ...(typeof e.git_url_prefix === 'string' ? { git_url_prefix: e.git_url_prefix } : {}),
      ...(typeof e.ca_file === 'string' ? { ca_file: e.ca_file } : {}),
    };
  }
  return result;
}

/** BERTH_API_URL, else the first saved login, else http://localhost:5000. */
export function chooseApiUrl(env: NodeJS.ProcessEnv, saved: Credentials): string {
  if (env.BERTH_API_URL) return normalizeApiUrl(env.BERTH_API_URL);
  const first = Object.keys(saved)[0];
  return first === undefined ? DEFAULT_API_URL : normalizeApiUrl(first);
}

export type KeySource = { key: string; from: 'BERTH_API_KEY' | 'credentials' };

/** BERTH_API_KEY, else the saved login for `apiUrl`. */
export function chooseApiKey(env: NodeJS.ProcessEnv, saved: Credentials, apiUrl: string): KeySource | undefined {
  if (env.BERTH_API_KEY) return { key: env.BERTH_API_KEY, from: 'BERTH_API_KEY' };
  const entry = findCredential(saved, apiUrl);
  return entry ? { key: entry.token, from: 'credentials' } : undefined;
}

export function findCredential(saved: Credentials, apiUrl: string): Credential | undefined {
  const key = Object.keys(saved).find((url) => sameUrl(url, apiUrl));
  return key === undefined ? undefined : saved[key];
}

/** Saves `credential` for `apiUrl` as the first entry: the newest login is the default API. */
export function withCredential(saved: Credentials, apiUrl: string, credential: Credential): Credentials {
  return { [apiUrl]: credential, ...withoutCredential(saved, apiUrl) };
}

export function withoutCredential(saved: Credentials, apiUrl: string): Credentials {
  return Object.fromEntries(Object.entries(saved).filter(([url]) => !sameUrl(url, apiUrl)));
}

function sameUrl(a: string, b: string): boolean {
  try {
    return normalizeApiUrl(a) === normalizeApiUrl(b);
  } catch {
    return a === b;
  }
}
