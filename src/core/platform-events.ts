/**
 * What happened on the platform, as one small event bus: the places where releases, builds,
 * formations, apps, add-ons and dynos change publish here, and subscribers (app webhooks) listen.
 * An event names the entity and what happened to it; the subscriber loads and serializes it.
 * Publishing never waits and never throws: a failing subscriber is reported, never the publisher.
 */
import type { DynoRecord } from './dyno-host.js';

/** The entities an app webhook can subscribe to (Heroku's `include` values Berth produces). */
export const WEBHOOK_ENTITIES = ['api:addon', 'api:app', 'api:build', 'api:formation', 'api:release', 'dyno'] as const;
export type WebhookEntity = (typeof WEBHOOK_ENTITIES)[number];

export type EventAction = 'create' | 'update' | 'destroy';

/** Who caused it; null for the platform itself (a crash, a restart, a finished build). */
export type EventActor = { id: string; email: string } | null;

export type PlatformEvent =
  | { entity: 'api:release'; action: EventAction; appId: string; releaseId: string; actor?: EventActor }
  | { entity: 'api:build'; action: EventAction; appId: string; buildId: string; actor?: EventActor }
  | { entity: 'api:formation'; action: EventAction; appId: string; types?: readonly string[]; actor?: EventActor }
  | { entity: 'api:app'; action: EventAction; appId: string; previous?: { name?: string; maintenance?: boolean }; actor?: EventActor }
  | { entity: 'api:addon'; action: EventAction; appId: string; addonId: string; actor?: EventActor }
  | { entity: 'dyno'; action: EventAction; appId: string; dyno: DynoRecord; actor?: EventActor };

export interface PlatformEvents {
  publish(event: PlatformEvent): void;
}

/** A bus with no subscriber (tests and tools that need none). */
export const noPlatformEvents: PlatformEvents = { publish: () => undefined };

/** Fan-out to subscribers; each is called in turn and its throw goes to `onError`. */
export class PlatformEventBus implements PlatformEvents {
  readonly #subscribers = new Set<(event: PlatformEvent) => void>();

  constructor(private readonly onError: (err: unknown, event: PlatformEvent) => void) {}

  subscribe(listener: (event: PlatformEvent) => void): () => void {
    this.#subscribers.add(listener);
    return () => this.#subscribers.delete(listener);
  }

  publish(event: PlatformEvent): void {
    for (const listener of this.#subscribers) {
      try {
        listener(event);
      } catch (err) {
        this.onError(err, event);
      }
    }
  }
}
