/** App and dyno metrics by minute (migration 0020), on both dialects: upserts by minute, reads by range, pruning by age. */
import type { Kysely, Selectable } from 'kysely';
import type { AppMetricRows, AppMinute, DynoMinute } from '../core/app-metrics.js';
import type { AppMetricsRepository } from './port.js';
import type { AppMetricMinutesTable, Database, DynoMetricMinutesTable } from './schema.js';

/** Rows per INSERT: well under SQLite's bound-parameter limit. */
const BATCH = 400;

const counts = (json: string): Record<string, number> => JSON.parse(json) as Record<string, number>;
const num = (x: number | null): number | null => (x === null ? null : Number(x));

const toMinute = (r: Selectable<AppMetricMinutesTable>): AppMinute => ({
  minute: Number(r.minute),
  requests: { '2xx': Number(r.r2xx), '3xx': Number(r.r3xx), '4xx': Number(r.r4xx), '5xx': Number(r.r5xx) },
  p50: num(r.p50),
  p95: num(r.p95),
  p99: num(r.p99),
  errors: counts(r.errors),
  restarts: Number(r.restarts),
  crashes: Number(r.crashes),
  runtimeErrors: counts(r.runtime_errors),
});

const toDyno = (r: Selectable<DynoMetricMinutesTable>): DynoMinute => ({
  dyno: r.dyno,
  type: r.type,
  minute: Number(r.minute),
  rssMb: num(r.rss_mb),
  swapMb: num(r.swap_mb),
  quotaMb: Number(r.quota_mb),
  load: num(r.load),
});

function batches<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += BATCH) out.push(rows.slice(i, i + BATCH));
  return out;
}

export class KyselyAppMetrics implements AppMetricsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async save(appId: string, rows: AppMetricRows): Promise<boolean> {
    const app = await this.db.selectFrom('apps').select('id').where('id', '=', appId).executeTakeFirst();
    if (!app) return false;
    for (const batch of batches(rows.minutes)) {
      await this.db
        .insertInto('app_metric_minutes')
        .values(
          batch.map((m) => ({
            app_id: appId,
            minute: m.minute,
            r2xx: m.requests['2xx'],
            r3xx: m.requests['3xx'],
            r4xx: m.requests['4xx'],
            r5xx: m.requests['5xx'],
            p50: m.p50,
            p95: m.p95,
            p99: m.p99,
            errors: JSON.stringify(m.errors),
            restarts: m.restarts,
            crashes: m.crashes,
            runtime_errors: JSON.stringify(m.runtimeErrors),
          })),
        )
        .onConflict((oc) =>
          oc.columns(['app_id', 'minute']).doUpdateSet((eb) => ({
            r2xx: eb.ref('excluded.r2xx'),
            r3xx: eb.ref('excluded.r3xx'),
            r4xx: eb.ref('excluded.r4xx'),
            r5xx: eb.ref('excluded.r5xx'),
            p50: eb.ref('excluded.p50'),
            p95: eb.ref('excluded.p95'),
            p99: eb.ref('excluded.p99'),
            errors: eb.ref('excluded.errors'),
            restarts: eb.ref('excluded.restarts'),
            crashes: eb.ref('excluded.crashes'),
            runtime_errors: eb.ref('excluded.runtime_errors'),
          })),
        )
        .execute();
    }
    for (const batch of batches(rows.dynos)) {
      await this.db
        .insertInto('dyno_metric_minutes')
        .values(batch.map((d) => ({ app_id: appId, dyno: d.dyno, minute: d.minute, type: d.type, rss_mb: d.rssMb, swap_mb: d.swapMb, quota_mb: d.quotaMb, load: d.load })))
        .onConflict((oc) =>
          oc.columns(['app_id', 'dyno', 'minute']).doUpdateSet((eb) => ({
            type: eb.ref('excluded.type'),
            rss_mb: eb.ref('excluded.rss_mb'),
            swap_mb: eb.ref('excluded.swap_mb'),
            quota_mb: eb.ref('excluded.quota_mb'),
            load: eb.ref('excluded.load'),
          })),
        )
        .execute();
    }
    return true;
  }

  async read(appId: string, from: number, to: number): Promise<AppMetricRows> {
    const minutes = await this.db
      .selectFrom('app_metric_minutes')
      .selectAll()
      .where('app_id', '=', appId)
      .where('minute', '>=', from)
      .where('minute', '<=', to)
      .orderBy('minute')
      .execute();
    const dynos = await this.db
      .selectFrom('dyno_metric_minutes')
      .selectAll()
      .where('app_id', '=', appId)
      .where('minute', '>=', from)
      .where('minute', '<=', to)
      .orderBy('minute')
      .orderBy('dyno')
      .execute();
    return { minutes: minutes.map(toMinute), dynos: dynos.map(toDyno) };
  }

  async prune(before: number): Promise<number> {
    const a = await this.db.deleteFrom('app_metric_minutes').where('minute', '<', before).executeTakeFirst();
    const d = await this.db.deleteFrom('dyno_metric_minutes').where('minute', '<', before).executeTakeFirst();
    return Number(a.numDeletedRows) + Number(d.numDeletedRows);
  }
}
