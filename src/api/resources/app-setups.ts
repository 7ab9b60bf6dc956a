import { randomBytes } from 'node:crypto';
import { describeManifestProblems, parseAppManifest, resolveManifestEnv, type AppManifest, type ManifestProblem } from '../../core/app-manifest.js';
import { notFound, PlatformError } from '../../core/errors.js';
import type { App } from '../../core/model.js';
import { parseProcfile } from '../../core/procfile.js';
import type { AppSetup } from '../../store/port.js';
import { runAppSetup } from '../app-setup-runner.js';
import { BLOB_URL_TTL_SECONDS, signedUrl, streamUrl } from '../capability-url.js';
import type { RequestContext, Route } from '../context.js';
import { isUuid } from '../app-access.js';
import { optionalObject, optionalString } from '../params.js';
import { readTarballFiles } from '../tarball-files.js';
import { buildSource } from './builds.js';

/** app.json and the Procfile are read from the tarball; larger files are refused. */
const MANIFEST_BYTES = 512 * 1024;
/** A tarball that unpacks to more than this before its end is not scanned further. */
const SCAN_BYTES = 2 * 1024 * 1024 * 1024;

async function setupJson(ctx: RequestContext, setup: AppSetup) {
  const build = setup.buildId ? await ctx.deps.store.builds.findById(setup.buildId) : undefined;
  return {
    id: setup.id,
    created_at: setup.createdAt,
    updated_at: setup.updatedAt,
    status: setup.status,
    failure_message: setup.failureMessage,
    app: setup.appId ? { id: setup.appId, name: setup.appName } : null,
    build: build ? { id: build.id, status: build.status, output_stream_url: streamUrl(ctx, `/streams/builds/${build.id}`) } : null,
    manifest_errors: setup.manifestErrors,
    postdeploy: setup.postdeploy ? { output: setup.postdeploy.output, exit_code: setup.postdeploy.exitCode } : null,
    resolved_success_url: setup.resolvedSuccessUrl,
  };
}

function stringMap(value: unknown, path: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new PlatformError('invalid_params', `${path} must be an object of NAME: "value".`);
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new PlatformError('invalid_params', `${path}.${key} must be a string.`);
    out[key] = v;
  }
  return out;
}

function buildpackOverrides(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new PlatformError('invalid_params', 'overrides.buildpacks must be an array of {"url": …} objects.');
  return value.map((entry, i) => {
    const url = typeof entry === 'object' && entry !== null ? (entry as { url?: unknown }).url : undefined;
    if (typeof url !== 'string' || url === '') throw new PlatformError('invalid_params', `overrides.buildpacks[${i}].url must be a buildpack URL or name.`);
    return url;
  });
}

/** What can be checked before anything is created: add-on plans exist, formation types are in the Procfile. */
function platformProblems(ctx: RequestContext, manifest: AppManifest, procfile: string | undefined): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  manifest.addons.forEach((addon, i) => {
    try {
      ctx.deps.addons.catalog.resolvePlan(addon.plan);
    } catch (err) {
      problems.push({ path: `addons[${i}]`, message: err instanceof Error ? err.message : String(err) });
    }
  });
  if (procfile !== undefined) {
    let types: string[] | undefined;
    try {
      types = Object.keys(parseProcfile(procfile));
    } catch {
      // A malformed Procfile fails the build, which says where.
    }
    for (const type of Object.keys(manifest.formation)) {
      if (types && !types.includes(type)) problems.push({ path: `formation.${type}`, message: `the Procfile declares no ${type} process (it has: ${types.join(', ') || 'none'}).` });
    }
  }
  return problems;
}

/**
 * App setups (Heroku's `POST /app-setups`, behind "Deploy to Heroku" buttons): one call that
 * reads app.json from a source tarball, creates the app, sets its config (values, overrides,
 * generated secrets), provisions its add-ons, builds and releases it, scales its formation and
 * runs its postdeploy script. app.json problems fail the setup before anything is created.
 */
export const appSetupRoutes: Route[] = [
  {
    method: 'POST',
    path: '/app-setups',
    access: 'account',
    async handler(ctx) {
      const body = await ctx.body();
      const appParams = optionalObject(body, 'app') ?? {};
      const blob = optionalObject(body, 'source_blob');
      const url = blob && optionalString(blob, 'url', 4096);
      if (!blob || !url) throw new PlatformError('invalid_params', 'source_blob.url is required: the URL of a .tgz of your source with its app.json (POST /sources gives one to upload to).');
      const overrides = optionalObject(body, 'overrides') ?? {};
      const envOverrides = stringMap(overrides.env, 'overrides.env');
      const buildpacks = buildpackOverrides(overrides.buildpacks);
      const source = buildSource(ctx, url);
      const key = source.kind === 'blob' ? source.key : await ctx.deps.platform.fetchSource(source.url);
      if (!(await ctx.deps.blobs.stat(key))) throw new PlatformError('invalid_params', 'source_blob.url points to a source that was never uploaded: PUT the tarball to its put_url first.');
      const files = await readTarballFiles(await ctx.deps.blobs.get(key), ['app.json', 'Procfile'], { maxFileBytes: MANIFEST_BYTES, maxScanBytes: SCAN_BYTES }).catch((err: unknown) => {
        throw new PlatformError('invalid_params', `source_blob.url is not a readable .tar.gz: ${err instanceof Error ? err.message : String(err)}`);
      });
      const environment = optionalString(body, 'environment', 16) ?? undefined;
      if (environment !== undefined && environment !== 'review' && environment !== 'test') throw new PlatformError('invalid_params', 'environment must be "review" or "test" (the app.json environment laid over its top level).');
      const { manifest, problems } = parseAppManifest(files.get('app.json') ?? '{}', environment);
      const env = resolveManifestEnv(manifest.env, envOverrides, () => randomBytes(32).toString('hex'));
      const all = [...problems, ...env.problems, ...platformProblems(ctx, manifest, files.get('Procfile'))];
      const setup = await ctx.deps.store.appSetups.create(ctx.account.id);
      if (all.length > 0) {
        const failed = await ctx.deps.store.appSetups.update(setup.id, { status: 'failed', manifestErrors: all.map((p) => `${p.path}: ${p.message}`), failureMessage: describeManifestProblems(all) });
        return { status: 201, body: await setupJson(ctx, failed ?? setup) };
      }
      const name = optionalString(appParams, 'name', 64) ?? manifest.name;
      const stack = optionalString(appParams, 'stack', 64) ?? manifest.stack;
      const region = optionalString(appParams, 'region', 64);
      const created = await ctx.internal
        .call<{ id: string; name: string }>(ctx.account, 'POST', '/apps', { ...(name ? { name } : {}), ...(stack ? { stack } : {}), ...(region ? { region } : {}) })
        .catch(async (err: unknown) => {
          await ctx.deps.store.appSetups.update(setup.id, { status: 'failed', failureMessage: `The app could not be created: ${err instanceof Error ? err.message : String(err)}` });
          throw err;
        });
      const app = (await ctx.deps.store.apps.findById(created.id)) as App;
      const started = await ctx.deps.store.appSetups.update(setup.id, { appId: app.id, appName: app.name });
      ctx.deps.logs.emit(app.id, 'api', `App setup started by ${ctx.account.email}`);
      void runAppSetup(ctx.deps, ctx.internal, ctx.account, {
        setupId: setup.id,
        app,
        manifest,
        env: env.vars,
        buildpacks: buildpacks ?? manifest.buildpacks,
        sourceUrl: signedUrl(ctx.deps, 'GET', `/blobs/${key}`, BLOB_URL_TTL_SECONDS),
        sourceVersion: (blob && optionalString(blob, 'version', 256)) ?? null,
      });
      return { status: 201, body: await setupJson(ctx, started ?? setup) };
    },
  },
  {
    method: 'GET',
    path: '/app-setups/:setup',
    // The setup's own account (or an admin) sees it; anyone else gets the 404 of a missing one.
    access: 'account',
    async handler(ctx) {
      const id = ctx.params.setup as string;
      const setup = isUuid(id) ? await ctx.deps.store.appSetups.find(id.toLowerCase()) : undefined;
      if (!setup || (setup.accountId !== ctx.account.id && !ctx.account.isAdmin)) throw notFound('app setup', id);
      return { status: 200, body: await setupJson(ctx, setup) };
    },
  },
];
