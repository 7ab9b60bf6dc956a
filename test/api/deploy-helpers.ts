// Helpers for the deploy-pipeline API tests: real tarballs (GNU tar), slugs uploaded through
// their capability URLs, releases made the way clients make them.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ApiHarness } from '../support/api-harness.js';
import { expectJson, jsonBody, uniqueName } from './helpers.js';

export interface ReleaseJson {
  id: string;
  version: number;
  description: string;
  status: string;
  current: boolean;
  eligible_for_rollback: boolean;
  output_stream_url: string | null;
  slug: { id: string } | null;
  stack: { id: string; name: string } | null;
  user: { id: string; email: string };
  app: { id: string; name: string };
  addon_plan_names: string[];
  artifacts: Array<{ type: string; id: string }>;
  created_at: string;
  updated_at: string;
}

export interface SlugJson {
  id: string;
  blob: { method: string; url: string };
  checksum: string | null;
  commit: string | null;
  process_types: Record<string, string>;
  size: number | null;
  stack: { id: string; name: string };
}

/**
 * A .tgz of `files` (path → content; a content of `{ link }` makes a symlink), made by GNU tar.
 * `transform` is a GNU tar --transform expression applied with -P (to craft `../` entries).
 */
export async function tarball(files: Record<string, string | { link: string }>, transform?: string): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-tgz-'));
  try {
    for (const [path, content] of Object.entries(files)) {
      const target = join(dir, path);
      await mkdir(dirname(target), { recursive: true });
      if (typeof content === 'string') await writeFile(target, content);
      else await symlink(content.link, target);
    }
    return await new Promise<Buffer>((resolve, reject) => {
      const extra = transform === undefined ? [] : ['-P', `--transform=${transform}`];
      execFile('tar', ['-czf', '-', ...extra, '-C', dir, '.'], { encoding: 'buffer', timeout: 10_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const sha256 = (data: Buffer): string => `SHA256:${createHash('sha256').update(data).digest('hex')}`;

export const APP_FILES = { 'app/server.js': 'require("http").createServer((q, s) => s.end("ok")).listen(process.env.PORT)\n', 'app/Procfile': 'web: node server.js\n' };

export async function newApp(api: ApiHarness, key: string, prefix = 'deploy'): Promise<{ id: string; name: string }> {
  return expectJson<{ id: string; name: string }>(await api.request('/apps', { key, method: 'POST', body: jsonBody({ name: uniqueName(prefix) }) }), 201);
}

/** PUT a body to a capability URL with an empty Content-Type, as the heroku-builds plugin does. */
export function putBlob(url: string, body: Buffer): Promise<Response> {
  return fetch(url, { method: 'PUT', body, headers: { 'content-type': '' } });
}

/** POST /apps/:app/slugs and upload a real tarball; returns the slug JSON. */
export async function uploadSlug(
  api: ApiHarness,
  key: string,
  app: string,
  options: { processTypes?: Record<string, string>; commit?: string; data?: Buffer } = {},
): Promise<SlugJson> {
  const data = options.data ?? (await tarball(APP_FILES));
  const body: Record<string, unknown> = { process_types: options.processTypes ?? { web: 'node server.js' }, checksum: sha256(data) };
  if (options.commit) body.commit = options.commit;
  const slug = await expectJson<SlugJson>(await api.request(`/apps/${app}/slugs`, { key, method: 'POST', body: jsonBody(body) }), 201);
  const put = await putBlob(slug.blob.url, data);
  if (put.status !== 200) throw new Error(`slug upload failed: ${put.status} ${await put.text()}`);
  return slug;
}

/** Uploads a slug and releases it (POST /apps/:app/releases {"slug"}); returns the release. */
export async function deploy(api: ApiHarness, key: string, app: string, options: Parameters<typeof uploadSlug>[3] = {}): Promise<ReleaseJson> {
  const slug = await uploadSlug(api, key, app, options);
  return expectJson<ReleaseJson>(await api.request(`/apps/${app}/releases`, { key, method: 'POST', body: jsonBody({ slug: slug.id }) }), 201);
}

export async function setConfig(api: ApiHarness, key: string, app: string, patch: Record<string, string | null>): Promise<Record<string, string>> {
  return expectJson<Record<string, string>>(await api.request(`/apps/${app}/config-vars`, { key, method: 'PATCH', body: jsonBody(patch) }), 200);
}

/** The official CLI's "latest release" request after config:set (releases sdk, desc, max=1). */
export async function latestRelease(api: ApiHarness, key: string, app: string): Promise<ReleaseJson> {
  const res = await api.request(`/apps/${app}/releases`, { key, headers: { accept: 'application/vnd.heroku+json; version=3.sdk', range: 'version ..; order=desc,max=1' } });
  const [release] = await expectJson<ReleaseJson[]>(res, res.status === 206 ? 206 : 200);
  if (!release) throw new Error('no release');
  return release;
}
