import { appPath } from '../api-client.js';
import type { AppJson } from '../api-types.js';
import { jsonFlag, type Command } from '../command.js';
import { acmLabel, type DomainJson } from '../domain-types.js';
import { formatTable } from '../format.js';

export const certsAuto: Command = {
  name: 'certs:auto',
  summary: "show the app's automatic certificates (ACME): each hostname's status and, when it failed, why",
  usage: 'certs:auto [-a APP] [--json]',
  flags: { json: jsonFlag },
  needsApp: true,
  examples: ['berth certs:auto', 'berth certs:auto --json -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const [info, list] = await Promise.all([ctx.api.get<AppJson & { acm: boolean }>(appPath(app)), ctx.api.list<DomainJson>(appPath(app, '/domains'))]);
    // Unlike Heroku's (custom domains only), <app>.<domain> is listed too: Berth gets its certificate as well.
    const domains = list;
    if (ctx.bool('json')) return void ctx.printJson({ acm: info.acm, domains: domains.map((d) => ({ hostname: d.hostname, kind: d.kind, acm_status: d.acm_status, acm_status_reason: d.acm_status_reason, updated_at: d.updated_at })) });
    const b = ctx.colours.out.bold;
    if (!info.acm) return void ctx.print(b(`=== Automatic Certificate Management is disabled on ${app}`));
    ctx.print(b(`=== Automatic Certificate Management is enabled on ${app}`));
    if (domains.length === 0) return;
    ctx.print();
    const rows = domains.map((d) => [d.hostname, d.sni_endpoint ? 'Uploaded certificate' : acmLabel(d.acm_status), d.acm_status_reason ?? '']);
    for (const line of formatTable([['Domain', 'Status', 'Reason'], ...rows])) ctx.print(line);
    if (domains.some((d) => d.acm_status === 'failing')) {
      ctx.print();
      ctx.note('Failing hostnames are retried with backoff; check that their DNS points at this host (berth domains), or retry now with berth certs:auto:refresh.');
    }
  },
};
