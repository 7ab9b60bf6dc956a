import { formatBytes } from '../../core/disk-policy.js';
import { jsonFlag, type Command } from '../command.js';
import { formatTable } from '../format.js';

interface UsageJson {
  slugs_bytes: number;
  unpacked_slugs_bytes: number;
  build_cache_bytes: number;
  repo_bytes: number;
  logs_bytes: number;
  total_bytes: number;
}

interface DiskJson {
  apps: Array<{ app: { id: string; name: string } } & UsageJson>;
  totals: UsageJson;
  budget_bytes: number;
  keep_releases: number;
  filesystem: { size_bytes: number; free_bytes: number };
  last_collection: { at: string; freed_bytes: number; pruned_slugs: number; dropped_caches: number } | null;
}

const cells = (u: UsageJson) => [u.slugs_bytes, u.unpacked_slugs_bytes, u.build_cache_bytes, u.repo_bytes, u.logs_bytes, u.total_bytes].map(formatBytes);

export const adminDisk: Command = {
  name: 'admin:disk',
  summary: 'disk usage per app and in total, against the disk budget (admins only)',
  usage: 'admin:disk [--json]',
  flags: { json: jsonFlag },
  examples: ['berth admin:disk', 'berth admin:disk --json'],
  async run(ctx) {
    const disk = await ctx.api.get<DiskJson>('/admin/disk');
    if (ctx.bool('json')) return void ctx.printJson(disk);
    const rows = [['APP', 'SLUGS', 'UNPACKED', 'CACHE', 'REPO', 'LOGS', 'TOTAL'], ...disk.apps.map((a) => [a.app.name, ...cells(a)]), ['(total)', ...cells(disk.totals)]];
    for (const line of formatTable(rows)) ctx.print(line);
    const share = disk.budget_bytes > 0 ? Math.round((disk.totals.total_bytes / disk.budget_bytes) * 100) : 0;
    ctx.print('');
    ctx.print(`Budget: ${formatBytes(disk.totals.total_bytes)} of ${formatBytes(disk.budget_bytes)} used (${share}%); slugs of the last ${disk.keep_releases} releases per app are kept.`);
    ctx.print(`Filesystem: ${formatBytes(disk.filesystem.free_bytes)} free of ${formatBytes(disk.filesystem.size_bytes)}.`);
    const gc = disk.last_collection;
    ctx.print(gc ? `Last collection: ${gc.at}, freed ${formatBytes(gc.freed_bytes)} (${gc.pruned_slugs} slugs, ${gc.dropped_caches} build caches).` : 'No collection has run since the control plane started.');
  },
};
