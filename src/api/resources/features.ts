import { APP_FEATURES, findAppFeature, type AppFeatureDefinition } from '../../core/app-features.js';
import { notFound, PlatformError } from '../../core/errors.js';
import type { App } from '../../core/model.js';
import type { AppFeatureSetting } from '../../store/port.js';
import type { Route } from '../context.js';
import { routeApp } from '../app-access.js';
import { notifyPlatform } from '../releasing.js';

/** The `app-feature` shape: the catalogue entry plus the app's setting (off when never set). */
function serializeAppFeature(feature: AppFeatureDefinition, app: App, setting: AppFeatureSetting | undefined) {
  return {
    created_at: setting?.createdAt ?? app.createdAt,
    description: feature.description,
    display_name: feature.displayName,
    doc_url: feature.docUrl,
    enabled: setting?.enabled ?? false,
    feedback_email: feature.feedbackEmail,
    id: feature.id,
    name: feature.name,
    state: feature.state,
    updated_at: setting?.updatedAt ?? app.createdAt,
  };
}

function feature(identity: string): AppFeatureDefinition {
  const found = findAppFeature(identity);
  if (!found) throw notFound('app feature', `${identity} (known: ${APP_FEATURES.map((f) => f.name).join(', ')})`);
  return found;
}

/**
 * App features (Heroku labs): `log-runtime-metrics` and whatever src/core/app-features.ts adds.
 * Turning one on or off that running dynos read at start rolls the dynos like `ps:restart`.
 * Account features: there are none, but the official CLI's `labs` asks for them first.
 */
export const featureRoutes: Route[] = [
  {
    method: 'GET',
    path: '/apps/:app/features',
    access: { app: 'view' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const settings = await ctx.deps.store.appFeatures.list(app.id);
      return { status: 200, body: APP_FEATURES.map((f) => serializeAppFeature(f, app, settings.find((s) => s.name === f.name))) };
    },
  },
  {
    method: 'GET',
    path: '/apps/:app/features/:feature',
    access: { app: 'view' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const definition = feature(ctx.params.feature as string);
      return { status: 200, body: serializeAppFeature(definition, app, await ctx.deps.store.appFeatures.find(app.id, definition.name)) };
    },
  },
  {
    method: 'PATCH',
    path: '/apps/:app/features/:feature',
    access: { app: 'operate' },
    async handler(ctx) {
      const body = await ctx.body();
      const app = routeApp(ctx);
      const definition = feature(ctx.params.feature as string);
      if (typeof body.enabled !== 'boolean') {
        throw new PlatformError('invalid_params', `enabled must be true or false, e.g. {"enabled": true}, not ${JSON.stringify(body.enabled ?? null)}.`);
      }
      const { setting, changed } = await ctx.deps.store.appFeatures.set(app.id, definition.name, body.enabled);
      if (changed) {
        notifyPlatform(ctx.deps, 'appChanged', app.id, () => ctx.deps.platform.appChanged(app));
        if (definition.restartsDynos) ctx.deps.dynos.restart(app.id);
      }
      return { status: 200, body: serializeAppFeature(definition, app, setting) };
    },
  },
  { method: 'GET', path: '/account/features', access: 'account', handler: async () => ({ status: 200, body: [] }) },
  {
    method: 'GET',
    path: '/account/features/:feature',
    access: 'account',
    async handler(ctx) {
      throw notFound('account feature', ctx.params.feature as string);
    },
  },
];
