/**
 * The `/client/v11/databases/:id` body: Heroku's `info` list of `{name, values}` pairs that
 * `pg:info` prints, `resource_url` (the CLI matches it against config vars to name the
 * database), and the numbers behind them. A server that does not answer is reported in
 * `Status`, not as an error, so `pg:info` still shows the rest.
 */
import type { RequestContext } from './context.js';
import type { DataAddon, PostgresFacts } from './data-port.js';
import { addonUrl, attachmentNames } from './data-access.js';

function megabytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

const planTitle = (plan: string) => plan.split('-').map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : w)).join(' ');

export async function databaseInfo(ctx: RequestContext, addon: DataAddon): Promise<Record<string, unknown>> {
  const url = addonUrl(addon);
  let facts: PostgresFacts | undefined;
  let problem: string | undefined;
  try {
    facts = await ctx.deps.data!.postgresFacts(addon);
  } catch (err) {
    problem = err instanceof Error ? err.message : String(err);
  }
  const schedules = await ctx.deps.store.pgBackupSchedules.listForAddon(addon.id);
  const info: Array<{ name: string; values: unknown[]; resolve_db_name?: boolean }> = [
    { name: 'Plan', values: [planTitle(addon.plan)] },
    { name: 'Status', values: [facts ? 'Available' : `Unavailable: ${problem}`] },
  ];
  if (facts) {
    const limit = facts.storageLimitBytes ? ` / ${megabytes(facts.storageLimitBytes)} (${((facts.dataSizeBytes / facts.storageLimitBytes) * 100).toFixed(2)}%)` : '';
    info.push(
      { name: 'Connections', values: [facts.connectionLimit && facts.connectionLimit > 0 ? `${facts.connections}/${facts.connectionLimit}` : String(facts.connections)] },
      { name: 'PG Version', values: [facts.serverVersion] },
      { name: 'Data Size', values: [`${megabytes(facts.dataSizeBytes)}${limit}`] },
      { name: 'Tables', values: [facts.tables] },
    );
  }
  info.push(
    { name: 'Created', values: [addon.createdAt] },
    { name: 'Backups', values: schedules.map((s) => `Scheduled daily at ${String(s.hour).padStart(2, '0')}:00 ${s.timezone}, keeping ${s.retainDaily} daily and ${s.retainWeekly} weekly`) },
    { name: 'Continuous Protection', values: ['Off'] },
    { name: 'Rollback', values: ['Unsupported'] },
    { name: 'Fork/Follow', values: ['Unsupported'] },
  );
  return {
    addon_id: addon.id,
    name: addon.name,
    plan: addon.plan,
    app_uuid: addon.appId,
    attachment_names: attachmentNames(addon, addon.appId),
    resource_url: url,
    available: facts !== undefined,
    num_bytes: facts?.dataSizeBytes ?? null,
    num_tables: facts?.tables ?? null,
    num_connections: facts?.connections ?? null,
    postgres_version: facts?.serverVersion ?? null,
    waiting: false,
    following: null,
    info,
  };
}
