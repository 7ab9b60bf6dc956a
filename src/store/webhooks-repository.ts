/**
 * App webhooks, their events and deliveries on Kysely (both dialects). Recording an event makes
 * its deliveries in the same transaction, so a restart between the two cannot lose one; the
 * deliveries table is the sender's queue (`due`, `nextDue`, `recordAttempt`).
 */
import type { Kysely, Selectable } from 'kysely';
import type { WebhookEntity } from '../core/platform-events.js';
import type { WebhookLevel } from '../core/webhook-rules.js';
import type {
  AppWebhook,
  AppWebhookChanges,
  AppWebhookDelivery,
  AppWebhookEvent,
  AppWebhookRepository,
  AttemptOutcome,
  DeliveryAttempt,
  DeliveryStatus,
  DueDelivery,
  NewAppWebhook,
} from './webhook-records.js';
import type { AppWebhookDeliveriesTable, AppWebhookEventsTable, AppWebhooksTable, Database } from './schema.js';
import type { StoreClock } from './kysely-store.js';
import { inTransaction, lockAppForInsert } from './app-lock.js';

const toWebhook = (row: Selectable<AppWebhooksTable>): AppWebhook => ({
  id: row.id,
  appId: row.app_id,
  url: row.url,
  include: JSON.parse(row.include) as WebhookEntity[],
  level: row.level as WebhookLevel,
  secret: row.secret,
  authorization: row.authorization_header,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toEvent = (row: Selectable<AppWebhookEventsTable>): AppWebhookEvent => ({
  id: row.id,
  appId: row.app_id,
  include: row.include as WebhookEntity,
  payload: JSON.parse(row.payload) as Record<string, unknown>,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

type DeliveryRow = Selectable<AppWebhookDeliveriesTable> & { level: string; include: string };

const toDelivery = (row: DeliveryRow): AppWebhookDelivery => ({
  id: row.id,
  appId: row.app_id,
  webhookId: row.webhook_id,
  level: row.level as WebhookLevel,
  eventId: row.event_id,
  include: row.include as WebhookEntity,
  status: row.status as DeliveryStatus,
  numAttempts: Number(row.num_attempts),
  nextAttemptAt: row.next_attempt_at,
  lastAttempt: row.last_attempt === null ? null : (JSON.parse(row.last_attempt) as DeliveryAttempt),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const OPEN: DeliveryStatus[] = ['pending', 'retrying'];

export class KyselyAppWebhooks implements AppWebhookRepository {
  constructor(private readonly db: Kysely<Database>, private readonly clock: StoreClock) {}

  async create(input: NewAppWebhook): Promise<AppWebhook> {
    const now = this.clock.now().toISOString();
    const row: Selectable<AppWebhooksTable> = {
      id: this.clock.newId(),
      app_id: input.appId,
      url: input.url,
      include: JSON.stringify(input.include),
      level: input.level,
      secret: input.secret,
      authorization_header: input.authorization,
      created_at: now,
      updated_at: now,
    };
    await inTransaction(this.db, async (db) => {
      await lockAppForInsert(db, input.appId, {
        table: 'app_webhooks',
        limit: input.limit,
        tooMany: (limit) => `The app already has ${limit} webhooks, the most an app may have. Remove one with \`berth webhooks:remove ID\` first.`,
      });
      await db.insertInto('app_webhooks').values(row).execute();
    });
    return toWebhook(row);
  }

  async list(appId: string): Promise<AppWebhook[]> {
    const rows = await this.db.selectFrom('app_webhooks').selectAll().where('app_id', '=', appId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toWebhook);
  }

  async find(appId: string, id: string): Promise<AppWebhook | undefined> {
    const row = await this.db.selectFrom('app_webhooks').selectAll().where('app_id', '=', appId).where('id', '=', id).executeTakeFirst();
    return row && toWebhook(row);
  }

  async update(appId: string, id: string, changes: AppWebhookChanges): Promise<AppWebhook | undefined> {
    const set: Partial<Selectable<AppWebhooksTable>> = { updated_at: this.clock.now().toISOString() };
    if (changes.url !== undefined) set.url = changes.url;
    if (changes.include !== undefined) set.include = JSON.stringify(changes.include);
    if (changes.level !== undefined) set.level = changes.level;
    if (changes.secret !== undefined) set.secret = changes.secret;
    if (changes.authorization !== undefined) set.authorization_header = changes.authorization;
    await this.db.updateTable('app_webhooks').set(set).where('app_id', '=', appId).where('id', '=', id).execute();
    return this.find(appId, id);
  }

  async delete(appId: string, id: string): Promise<AppWebhook | undefined> {
    const found = await this.find(appId, id);
    if (found) await this.db.deleteFrom('app_webhooks').where('app_id', '=', appId).where('id', '=', id).execute();
    return found;
  }

  async recordEvent(input: { id: string; appId: string; include: WebhookEntity; payload: Record<string, unknown>; keepEvents: number }) {
    const now = this.clock.now().toISOString();
    const event: Selectable<AppWebhookEventsTable> = {
      id: input.id,
      app_id: input.appId,
      include: input.include,
      payload: JSON.stringify(input.payload),
      created_at: now,
      updated_at: now,
    };
    const deliveries = await inTransaction(this.db, async (db) => {
      await db.insertInto('app_webhook_events').values(event).execute();
      const hooks = (await db.selectFrom('app_webhooks').selectAll().where('app_id', '=', input.appId).execute()).map(toWebhook);
      const made: AppWebhookDelivery[] = [];
      for (const hook of hooks.filter((h) => h.include.includes(input.include))) {
        const row: Selectable<AppWebhookDeliveriesTable> = {
          id: this.clock.newId(),
          app_id: input.appId,
          webhook_id: hook.id,
          event_id: event.id,
          status: 'pending',
          num_attempts: 0,
          next_attempt_at: now,
          last_attempt: null,
          created_at: now,
          updated_at: now,
        };
        await db.insertInto('app_webhook_deliveries').values(row).execute();
        made.push(toDelivery({ ...row, level: hook.level, include: input.include }));
      }
      const old = await db
        .selectFrom('app_webhook_events')
        .select('id')
        .where('app_id', '=', input.appId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1_000_000)
        .offset(input.keepEvents)
        .execute();
      if (old.length > 0) {
        const ids = old.map((o) => o.id);
        await db.deleteFrom('app_webhook_deliveries').where('event_id', 'in', ids).execute();
        await db.deleteFrom('app_webhook_events').where('id', 'in', ids).execute();
      }
      return made;
    });
    return { event: toEvent(event), deliveries };
  }

  async listEvents(appId: string): Promise<AppWebhookEvent[]> {
    const rows = await this.db.selectFrom('app_webhook_events').selectAll().where('app_id', '=', appId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toEvent);
  }

  async findEvent(appId: string, id: string): Promise<AppWebhookEvent | undefined> {
    const row = await this.db.selectFrom('app_webhook_events').selectAll().where('app_id', '=', appId).where('id', '=', id).executeTakeFirst();
    return row && toEvent(row);
  }

  private deliveries() {
    return this.db
      .selectFrom('app_webhook_deliveries as d')
      .innerJoin('app_webhooks as w', 'w.id', 'd.webhook_id')
      .innerJoin('app_webhook_events as e', 'e.id', 'd.event_id')
      .selectAll('d')
      .select(['w.level as level', 'e.include as include']);
  }

  async listDeliveries(appId: string, status?: DeliveryStatus): Promise<AppWebhookDelivery[]> {
    let query = this.deliveries().where('d.app_id', '=', appId);
    if (status !== undefined) query = query.where('d.status', '=', status);
    const rows = await query.orderBy('d.created_at').orderBy('d.id').execute();
    return rows.map(toDelivery);
  }

  async findDelivery(appId: string, id: string): Promise<AppWebhookDelivery | undefined> {
    const row = await this.deliveries().where('d.app_id', '=', appId).where('d.id', '=', id).executeTakeFirst();
    return row && toDelivery(row);
  }

  async due(now: string, limit: number): Promise<DueDelivery[]> {
    const rows = await this.deliveries().where('d.status', 'in', OPEN).where('d.next_attempt_at', '<=', now).orderBy('d.next_attempt_at').orderBy('d.id').limit(limit).execute();
    const out: DueDelivery[] = [];
    for (const row of rows) {
      const hook = await this.db.selectFrom('app_webhooks').selectAll().where('id', '=', row.webhook_id).executeTakeFirst();
      const event = await this.db.selectFrom('app_webhook_events').selectAll().where('id', '=', row.event_id).executeTakeFirst();
      if (hook && event) out.push({ delivery: toDelivery(row), webhook: toWebhook(hook), event: toEvent(event) });
    }
    return out;
  }

  async nextDue(): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('app_webhook_deliveries')
      .select((eb) => eb.fn.min<string | null>('next_attempt_at').as('next'))
      .where('status', 'in', OPEN)
      .executeTakeFirst();
    return row?.next ?? undefined;
  }

  async recordAttempt(id: string, outcome: AttemptOutcome): Promise<AppWebhookDelivery | undefined> {
    const now = this.clock.now().toISOString();
    await this.db
      .updateTable('app_webhook_deliveries')
      .set((eb) => ({
        status: outcome.status,
        num_attempts: eb('num_attempts', '+', 1),
        next_attempt_at: outcome.nextAttemptAt,
        last_attempt: JSON.stringify(outcome.attempt),
        updated_at: now,
      }))
      .where('id', '=', id)
      .execute();
    const row = await this.deliveries().where('d.id', '=', id).executeTakeFirst();
    return row && toDelivery(row);
  }
}
