import { PlatformError } from '../../core/errors.js';
import type { BuildpackRef } from '../../store/port.js';
import type { Route } from '../context.js';
import { routeApp } from '../app-access.js';
import { updatesArray } from '../params.js';
import { serializeBuildpackInstallation } from '../serialize-deploy.js';

export const MAX_BUILDPACKS = 20;
const MAX_BUILDPACK_LENGTH = 1024;

/**
 * A buildpack reference: a built-in name (`nodejs`), a registry-style name (`heroku/nodejs`), a
 * path, or a git URL (`https://…/x.git#ref`). Which of them resolve is the builder's call; here
 * only its shape is checked.
 */
export function buildpackRef(value: unknown, field: string): BuildpackRef {
  if (typeof value !== 'string' || value.trim() === '') throw new PlatformError('invalid_params', `${field} must name a buildpack: a built-in name like "nodejs", or a git URL like "https://example.com/buildpack.git#v1".`);
  if (value.length > MAX_BUILDPACK_LENGTH || /[\s\0-\x1f\x7f]/.test(value)) {
    throw new PlatformError('invalid_params', `${field} ${JSON.stringify(value.slice(0, 80))} is invalid: at most ${MAX_BUILDPACK_LENGTH} characters, without spaces or control characters.`);
  }
  // The buildpack registry's answer for a built-in (`urn:buildpack:heroku/nodejs`) is named as Heroku names it.
  return { url: value, name: value.startsWith('urn:buildpack:') ? value.slice('urn:buildpack:'.length) : value };
}

export const buildpackInstallationRoutes: Route[] = [
  {
    method: 'GET',
    path: '/apps/:app/buildpack-installations',
    access: { app: 'view' },
    async handler(ctx) {
      const app = routeApp(ctx);
      return { status: 200, body: (await ctx.deps.store.buildpackInstallations.list(app.id)).map(serializeBuildpackInstallation) };
    },
  },
  {
    method: 'PUT',
    path: '/apps/:app/buildpack-installations',
    access: { app: 'deploy' },
    async handler(ctx) {
      const body = await ctx.body();
      const app = routeApp(ctx);
      const refs = updatesArray(body, MAX_BUILDPACKS, true).map((u, i) => buildpackRef(u.buildpack, `updates[${i}].buildpack`));
      const installed = await ctx.deps.store.buildpackInstallations.replace(app.id, refs);
      return { status: 200, body: installed.map(serializeBuildpackInstallation) };
    },
  },
];
