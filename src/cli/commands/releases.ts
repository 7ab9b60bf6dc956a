import { appPath } from '../api-client.js';
import type { ReleaseJson } from '../api-types.js';
import { UsageError } from '../cli-error.js';
import { jsonFlag, type Command } from '../command.js';
import { formatTable, formatWhen } from '../format.js';

/** What the official CLI appends to a release that is not simply live. */
export function releaseStatusNote(status: ReleaseJson['status']): string {
  if (status === 'pending') return 'release command executing';
  if (status === 'failed') return 'release command failed';
  if (status === 'expired') return 'release expired';
  return '';
}

/** `-n N` → N, min..max. */
export function countFlag(text: string | undefined, fallback: number, max = 1000, min = 1): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new UsageError(`-n ${JSON.stringify(text)} is not a count: use a whole number from ${min} to ${max}.`);
  return n;
}

export const releases: Command = {
  name: 'releases',
  summary: 'list the newest releases of an app',
  usage: 'releases [-n N] [-a APP] [--json]',
  flags: {
    num: { type: 'string', short: 'n', value: 'N', description: 'how many releases to show (default 15)' },
    json: jsonFlag,
  },
  needsApp: true,
  examples: ['berth releases', 'berth releases -n 50 -a my-app', 'berth releases --json'],
  async run(ctx) {
    const app = ctx.app();
    const max = countFlag(ctx.string('num'), 15);
    const list = await ctx.api.page<ReleaseJson>(appPath(app, '/releases'), `version ..; max=${max}, order=desc`);
    if (ctx.bool('json')) return void ctx.printJson(list);
    if (list.length === 0) return void ctx.print(`${app} has no releases.`);
    const c = ctx.colours.out;
    const current = list.find((r) => r.current);
    ctx.print(c.bold(`=== ${app} Releases${current ? ` - Current: v${current.version}` : ''}`));
    const now = new Date();
    const rows = [...list]
      .sort((a, b) => b.version - a.version)
      .map((r) => {
        const note = releaseStatusNote(r.status);
        return [`v${r.version}`, note ? `${r.description} (${note})` : r.description, r.user.email, formatWhen(new Date(r.created_at), now)];
      });
    for (const line of formatTable(rows)) ctx.print(line);
  },
};
