/**
 * Turns platform events into app webhook events: for an app with a webhook that includes the
 * entity, it loads the entity, serializes it in the API's shape (Heroku's payload: action, actor,
 * data, previous_data, resource, version, …) and records the event with one delivery per
 * matching webhook; then it wakes the sender. It runs after the change committed and never in
 * the caller's way: `publish` returns at once, failures are logged.
 */
import { randomUUID } from 'node:crypto';
import type { PlatformEvent, PlatformEvents } from '../core/platform-events.js';
import type { Account, App } from '../core/model.js';
import type { ApiDeps } from './context.js';
import { planOf } from './addon-access.js';
import { signedUrl, STREAM_URL_TTL_SECONDS } from './capability-url.js';
import { dynoJson } from './resources/dynos.js';
import { serializeApp } from './serialize.js';
import { serializeAddon } from './serialize-addons.js';
import { serializeBuild, serializeFormation, serializeRelease } from './serialize-deploy.js';

/** Events kept per app (older ones go with their deliveries). */
export const WEBHOOK_EVENTS_KEPT = 1000;
/** Events waiting to be recorded, all apps together; beyond it new ones are dropped and counted. */
export const WEBHOOK_EVENTS_WAITING = 10_000;

type Data = Record<string, unknown>;

export class WebhookRecorder implements PlatformEvents {
  /** Serialized per app, so an app's events are recorded (and delivered) in the order they happened. */
  readonly #chains = new Map<string, Promise<void>>();
  #waiting = 0;
  #dropped = 0;

  constructor(
    private readonly deps: Pick<ApiDeps, 'store' | 'urls' | 'urlSigningKey' | 'now' | 'log' | 'addons'>,
    private readonly recorded: () => void,
  ) {}

  publish(event: PlatformEvent): void {
    if (this.#waiting >= WEBHOOK_EVENTS_WAITING) {
      if (this.#dropped++ % 1000 === 0) this.deps.log({ at: 'warn', msg: 'webhook events dropped: the store is not keeping up', dropped: this.#dropped });
      return;
    }
    this.#waiting++;
    const previous = this.#chains.get(event.appId) ?? Promise.resolve();
    const next = previous
      .then(() => this.record(event))
      .catch((err: unknown) => this.deps.log({ at: 'warn', msg: 'webhook event not recorded', entity: event.entity, action: event.action, app_id: event.appId, error: err instanceof Error ? err.message : String(err) }))
      .finally(() => {
        this.#waiting--;
        if (this.#chains.get(event.appId) === next) this.#chains.delete(event.appId);
      });
    this.#chains.set(event.appId, next);
  }

  /** Resolves once every event published so far is recorded (tests, clean stop). */
  async settled(): Promise<void> {
    while (this.#chains.size > 0) await Promise.all([...this.#chains.values()]);
  }

  private async record(event: PlatformEvent): Promise<void> {
    const { store } = this.deps;
    const hooks = await store.webhooks.list(event.appId);
    if (!hooks.some((h) => h.include.includes(event.entity))) return;
    const app = await store.apps.findById(event.appId);
    if (!app) return;
    const owner = await store.accounts.findById(app.ownerId);
    if (!owner) return;
    const items = await this.data(event, app, owner);
    for (const { resource, data, previous } of items) {
      const id = randomUUID();
      const now = this.deps.now().toISOString();
      const actor = event.actor ?? { id: owner.id, email: owner.email };
      const payload = {
        action: event.action,
        actor: { email: actor.email, id: actor.id },
        created_at: now,
        data,
        id,
        previous_data: previous ?? {},
        published_at: now,
        resource,
        sequence: null,
        updated_at: now,
        version: 'application/vnd.heroku+json; version=3',
      };
      const { deliveries } = await store.webhooks.recordEvent({ id, appId: app.id, include: event.entity, payload, keepEvents: WEBHOOK_EVENTS_KEPT });
      if (deliveries.length > 0) this.recorded();
    }
  }

  private stream(path: string): string {
    return signedUrl(this.deps, 'GET', path, STREAM_URL_TTL_SECONDS);
  }

  /** The entity's API shape now (one item per formation type for api:formation). */
  private async data(event: PlatformEvent, app: App, owner: Account): Promise<Array<{ resource: string; data: Data; previous?: Data }>> {
    const { store } = this.deps;
    switch (event.entity) {
      case 'api:release': {
        const release = await store.releases.findById(app.id, event.releaseId);
        if (!release) return [];
        const current = await store.releases.current(app.id);
        const stream = release.releaseCommand === null ? null : this.stream(`/streams/releases/${release.id}`);
        return [{ resource: 'release', data: serializeRelease(release, app, current?.id, stream) }];
      }
      case 'api:build': {
        const build = await store.builds.find(app.id, event.buildId);
        return build ? [{ resource: 'build', data: serializeBuild(build, this.stream(`/streams/builds/${build.id}`)) }] : [];
      }
      case 'api:formation': {
        const formations = await store.formations.list(app.id);
        return formations.filter((f) => event.types === undefined || event.types.includes(f.type)).map((f) => ({ resource: 'formation', data: serializeFormation(f, app) }));
      }
      case 'api:app': {
        const current = (await store.releases.currentSummaries([app.id])).get(app.id);
        const previous: Data = {};
        if (event.previous?.name !== undefined) previous.name = event.previous.name;
        if (event.previous?.maintenance !== undefined) previous.maintenance = event.previous.maintenance;
        return [{ resource: 'app', data: serializeApp(app, owner, this.deps.urls, current), previous }];
      }
      case 'api:addon': {
        const addon = await store.addons.findById(event.addonId);
        if (!addon) return [];
        const plan = planOf({ deps: this.deps as ApiDeps }, addon);
        const attachments = await store.addonAttachments.listForAddon(addon.id);
        const addonApp = addon.appId === app.id ? app : await store.apps.findById(addon.appId);
        return addonApp ? [{ resource: 'addon', data: serializeAddon({ addon, app: addonApp, plan, attachments }, new Set()) }] : [];
      }
      case 'dyno':
        return [{ resource: 'dyno', data: dynoJson(app, event.dyno) }];
    }
  }
}
