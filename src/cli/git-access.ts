import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ApiError, type ApiClient } from './api-client.js';
import { berthExecutable } from './berth-executable.js';
import type { CommandContext } from './command.js';
import { findCredential, withCredential, type Credential, type Credentials } from './credentials.js';
import { GitHostConfig, shellQuote } from './git-host-config.js';

/** What `GET /instance` answers. */
interface InstanceJson {
  git_url_prefix: string;
  ca_certificate: string | null;
}

/** `!'/path/bin/berth' git:credentials`: how git runs our helper (it appends get/store/erase). */
export const helperCommand = (): string => `!${shellQuote(berthExecutable())} git:credentials`;

/** The saved copy of an install's CA, beside credentials.json: `ca/<host>-<port>.pem`. */
export function caFilePath(credentialsPath: string, gitUrlPrefix: string): string {
  const url = new URL(gitUrlPrefix);
  return join(dirname(credentialsPath), 'ca', `${url.hostname}-${url.port || '443'}.pem`);
}

/**
 * Asks the API where its git host is and which CA signs it, saves that CA, and returns the login
 * with `git_url_prefix` and `ca_file` filled in. Undefined from a Berth without `GET /instance`.
 */
export async function learnGitHost(api: ApiClient, credentialsPath: string, login: Credential): Promise<Credential | undefined> {
  let instance: InstanceJson;
  try {
    instance = await api.get<InstanceJson>('/instance');
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return undefined;
    throw err;
  }
  const prefix = new URL(instance.git_url_prefix).href;
  const { ca_file: _old, ...rest } = login;
  if (instance.ca_certificate === null) return { ...rest, git_url_prefix: prefix };
  const caFile = caFilePath(credentialsPath, prefix);
  await mkdir(dirname(caFile), { recursive: true, mode: 0o700 });
  await writeFile(caFile, instance.ca_certificate, { mode: 0o644 });
  return { ...rest, git_url_prefix: prefix, ca_file: caFile };
}

/** Points git at our helper and the saved CA for the login's git host; true when it changed anything. */
export function configureGitHost(env: NodeJS.ProcessEnv, login: Credential): Promise<boolean> {
  if (login.git_url_prefix === undefined) return Promise.resolve(false);
  return new GitHostConfig(env).configure(login.git_url_prefix, helperCommand(), login.ca_file);
}

/**
 * After a logout: unless another saved login uses the same git host (the API over http and
 * https), removes the helper, the CA setting and the saved CA file.
 */
export async function forgetGitHost(env: NodeJS.ProcessEnv, removed: Credential, remaining: Credentials): Promise<boolean> {
  const prefix = removed.git_url_prefix;
  if (prefix === undefined) return false;
  if (Object.values(remaining).some((c) => c.git_url_prefix === prefix)) return false;
  await new GitHostConfig(env).unconfigure(prefix);
  if (removed.ca_file !== undefined) await rm(removed.ca_file, { force: true });
  return true;
}

/** A line saying what git now does for the host. */
export function gitSetupMessage(login: Credential): string {
  return `git: ${login.git_url_prefix} uses this login${login.ca_file === undefined ? '' : ' and trusts its CA'} (\`git push berth main\` needs nothing else)`;
}

/**
 * For apps:create and git:remote: makes sure git is set up for the saved login of the API in use
 * (a login from before git setup existed learns its git host now). Returns the message to show
 * when something changed; nothing without a saved login (BERTH_API_KEY alone).
 */
export async function ensureGitAccess(ctx: CommandContext): Promise<string | undefined> {
  const saved = await ctx.credentials.read();
  let login = findCredential(saved, ctx.apiUrl);
  if (login === undefined) return undefined;
  if (login.git_url_prefix === undefined) {
    const learned = await learnGitHost(ctx.api, ctx.credentials.path, login);
    if (learned === undefined) return undefined;
    login = learned;
    await ctx.credentials.write(withCredential(saved, ctx.apiUrl, login));
  }
  return (await configureGitHost(ctx.io.env, login)) ? gitSetupMessage(login) : undefined;
}
