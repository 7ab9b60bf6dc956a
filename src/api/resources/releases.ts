import { PlatformError } from '../../core/errors.js';
import { defaultPage } from '../../core/range.js';
import type { App } from '../../core/model.js';
import type { Release } from '../../store/port.js';
import type { RequestContext, Route } from '../context.js';
import { routeApp } from '../app-access.js';
import { pageReply, pageRequest } from '../page-reply.js';
import { optionalString } from '../params.js';
import { findRelease, releaseJson } from '../release-access.js';
import { announceRelease } from '../releasing.js';
import { eligibleForRollback } from '../serialize-deploy.js';
import { slugPruned } from '../../store/releases-repository.js';

const RELEASE_RANGE_FIELDS = ['version'] as const;

function checkVersionBound(bound: string | undefined): void {
  if (bound !== undefined && !/^\d{1,9}$/.test(bound)) {
    throw new PlatformError('bad_request', `Invalid Range header: release versions are whole numbers, got ${JSON.stringify(bound)}. Example: "version ..; max=15, order=desc".`);
  }
}

/** POST {"slug": id}: release a prebuilt, uploaded slug after the safety check. */
async function deploySlug(ctx: RequestContext, app: App, slugId: unknown, description: string | null | undefined): Promise<Release> {
  if (typeof slugId !== 'string') throw new PlatformError('invalid_params', 'slug must be the id of a slug of this app.');
  const slug = await ctx.deps.store.slugs.find(app.id, slugId.toLowerCase());
  if (!slug) throw new PlatformError('not_found', `Couldn't find that slug: ${slugId}.`);
  if (slug.size === null) throw new PlatformError('invalid_params', `Slug ${slug.id} has no uploaded tarball yet: PUT the .tgz to the slug's blob.url first, then create the release.`);
  if (slug.prunedAt !== null) throw slugPruned(slug.id, slug.prunedAt);
  const check = await ctx.deps.platform.validateSlug(slug);
  if (!check.ok) throw new PlatformError('invalid_params', `Slug ${slug.id} cannot be released: ${check.reason}`);
  const label = slug.commit ? slug.commit.slice(0, 7) : `slug ${slug.id.slice(0, 8)}`;
  return ctx.deps.store.releases.create({
    appId: app.id,
    slugId: slug.id,
    description: description ?? `Deploy ${label}`,
    user: { id: ctx.account.id, email: ctx.account.email },
  });
}

/** POST {"release": id}: a new release with the old release's slug AND config vars. */
async function rollback(ctx: RequestContext, app: App, identity: unknown): Promise<Release> {
  const target = await findRelease(ctx, app, identity);
  if (!eligibleForRollback(target)) {
    const why =
      target.slugId === null ? 'it has no slug (no code was deployed in it)'
      : target.slugPrunedAt !== null ? `its slug was garbage-collected on ${target.slugPrunedAt} to keep the disk budget (Berth keeps the slugs of the last releases)`
      : `its status is ${target.status}`;
    throw new PlatformError('invalid_params', `Cannot roll back to v${target.version}: ${why}. Pick a release with eligible_for_rollback: true (berth releases).`);
  }
  return ctx.deps.store.releases.create({
    appId: app.id,
    slugId: target.slugId,
    configVars: target.configVars,
    description: `Rollback to v${target.version}`,
    user: { id: ctx.account.id, email: ctx.account.email },
  });
}

export const releaseRoutes: Route[] = [
  {
    method: 'GET',
    path: '/apps/:app/releases',
    access: { app: 'view' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const page = pageRequest(ctx, RELEASE_RANGE_FIELDS, defaultPage('version'));
      checkVersionBound(page.start);
      checkVersionBound(page.end);
      const { releases } = ctx.deps.store;
      const [result, current] = await Promise.all([releases.list(app.id, page), releases.current(app.id)]);
      return pageReply(page, result, result.items.map((r) => releaseJson(ctx, r, app, current?.id)));
    },
  },
  {
    method: 'GET',
    path: '/apps/:app/releases/:release',
    access: { app: 'view' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const release = await findRelease(ctx, app, ctx.params.release);
      const current = await ctx.deps.store.releases.current(app.id);
      return { status: 200, body: releaseJson(ctx, release, app, current?.id) };
    },
  },
  {
    method: 'GET',
    path: '/apps/:app/releases/:release/config-vars',
    access: { app: 'deploy' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const release = await findRelease(ctx, app, ctx.params.release);
      return { status: 200, body: release.configVars };
    },
  },
  {
    method: 'POST',
    path: '/apps/:app/releases',
    access: { app: 'deploy' },
    async handler(ctx) {
      const body = await ctx.body();
      const app = routeApp(ctx);
      const description = optionalString(body, 'description', 1024);
      if (body.oci_image !== undefined && body.oci_image !== null) {
        throw new PlatformError('invalid_params', 'oci_image releases are not supported: Berth runs slugs. Send {"slug": id} or {"release": id}.');
      }
      const hasSlug = body.slug !== undefined && body.slug !== null;
      const hasRelease = body.release !== undefined && body.release !== null;
      if (hasSlug === hasRelease) {
        throw new PlatformError('invalid_params', 'Send either {"slug": "<slug id>"} to deploy a slug or {"release": "<release id or version>"} to roll back, not both and not neither.');
      }
      const release = hasSlug ? await deploySlug(ctx, app, body.slug, description) : await rollback(ctx, app, body.release);
      announceRelease(ctx.deps, app, release);
      const current = await ctx.deps.store.releases.current(app.id);
      return { status: 201, body: releaseJson(ctx, release, app, current?.id) };
    },
  },
];
