import { UsageError } from '../cli-error.js';
import { jsonFlag, type Command } from '../command.js';
import { formatKeyValues } from '../format.js';

interface QuotaJson {
  account: { id: string; email: string };
  max_size: string;
  max_quantity: number;
  max_one_offs_per_app: number;
  max_one_offs: number;
}

const COUNT_FLAGS = { 'max-quantity': 'max_quantity', 'max-one-offs-per-app': 'max_one_offs_per_app', 'max-one-offs': 'max_one_offs' } as const;

/** Parses `--max-quantity 20` style values: whole numbers only. */
function countValue(flag: string, text: string): number {
  if (!/^\d{1,4}$/.test(text)) throw new UsageError(`--${flag} ${JSON.stringify(text)} is not a count: use a whole number, e.g. --${flag} 20.`);
  return Number(text);
}

export const accountsQuota: Command = {
  name: 'accounts:quota',
  summary: "show or set an account's quota: largest dyno size, dynos per type, one-off dynos (admins only)",
  usage: 'accounts:quota EMAIL [--max-size SIZE] [--max-quantity N] [--max-one-offs-per-app N] [--max-one-offs N] [--json]',
  args: [{ name: 'EMAIL', required: true, description: 'the account (email or id)' }],
  flags: {
    'max-size': { type: 'string', value: 'SIZE', description: 'largest dyno size its apps may use (e.g. performance-l)' },
    'max-quantity': { type: 'string', value: 'N', description: 'dynos per process type' },
    'max-one-offs-per-app': { type: 'string', value: 'N', description: 'one-off dynos running at once in one app' },
    'max-one-offs': { type: 'string', value: 'N', description: 'one-off dynos running at once across its apps' },
    json: jsonFlag,
  },
  examples: ['berth accounts:quota dev@example.com', 'berth accounts:quota dev@example.com --max-size performance-m --max-quantity 20'],
  async run(ctx) {
    const path = `/accounts/${encodeURIComponent(ctx.args[0] as string)}/quota`;
    const patch: Record<string, unknown> = {};
    const size = ctx.string('max-size');
    if (size !== undefined) patch.max_size = size;
    for (const [flag, field] of Object.entries(COUNT_FLAGS)) {
      const text = ctx.string(flag);
      if (text !== undefined) patch[field] = countValue(flag, text);
    }
    const quota = Object.keys(patch).length > 0 ? await ctx.api.patch<QuotaJson>(path, patch) : await ctx.api.get<QuotaJson>(path);
    if (ctx.bool('json')) return void ctx.printJson(quota);
    ctx.print(ctx.colours.out.bold(`=== Quota of ${quota.account.email}`));
    for (const line of formatKeyValues([
      ['Largest dyno size', quota.max_size],
      ['Dynos per type', String(quota.max_quantity)],
      ['One-off dynos per app', String(quota.max_one_offs_per_app)],
      ['One-off dynos in all', String(quota.max_one_offs)],
    ])) ctx.print(line);
  },
};
