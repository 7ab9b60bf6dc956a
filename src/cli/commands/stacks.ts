import { formatBytes } from '../../core/disk-policy.js';
import { jsonFlag, type Command } from '../command.js';
import { formatTable } from '../format.js';

/** GET /stacks as Berth answers it (Heroku's fields plus the image on this host). */
export interface StackJson {
  id: string;
  name: string;
  default: boolean;
  base: string;
  dyno_root: 'image' | 'host' | null;
  image_state: 'ready' | 'building' | null;
  version: string | null;
  built_at: string | null;
  content_hash: string | null;
  run_image_bytes: number | null;
  build_image_bytes: number | null;
  packages: number | null;
}

export const stacks: Command = {
  name: 'stacks',
  summary: "the stacks of this Berth: base, image version and content hash, image sizes",
  usage: 'stacks [--json]',
  flags: { json: jsonFlag },
  examples: ['berth stacks', 'berth stacks --json'],
  async run(ctx) {
    const list = await ctx.api.get<StackJson[]>('/stacks');
    if (ctx.bool('json')) return void ctx.printJson(list);
    const rows = [['STACK', 'BASE', 'VERSION', 'HASH', 'RUN IMAGE', 'BUILD IMAGE', 'DYNOS RUN ON']];
    for (const s of list) {
      const version = s.version ?? (s.image_state === 'building' ? '(building)' : '-');
      const where = s.dyno_root === 'image' ? 'the stack image' : "the host's root (--dyno-root host)";
      rows.push([`${s.default ? '* ' : '  '}${s.name}`, s.base, version, s.content_hash?.slice(0, 12) ?? '-', s.run_image_bytes === null ? '-' : formatBytes(s.run_image_bytes), s.build_image_bytes === null ? '-' : formatBytes(s.build_image_bytes), where]);
    }
    for (const line of formatTable(rows)) ctx.print(line);
    ctx.print('');
    ctx.print('heroku-24 and heroku-22 name berth-24 too.');
  },
};
