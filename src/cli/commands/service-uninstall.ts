import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from '../command.js';
import { mustSystemctl, requireRoot, systemctl, systemdRunning, UNIT_DIR } from '../systemd.js';

export const serviceUninstall: Command = {
  name: 'service:uninstall',
  summary: 'stop and disable the Berth service and remove its unit (root); the data dir stays',
  usage: 'service:uninstall',
  flags: {},
  examples: ['sudo berth service:uninstall'],
  async run(ctx) {
    if (!(await systemdRunning())) {
      ctx.note('systemd is not running on this machine: there is no Berth service to remove.');
      ctx.note('A Berth started by hand stops with Ctrl-C, or SIGTERM to its pid (in DATADIR/berth.json).');
      return 1;
    }
    requireRoot('service:uninstall');
    // Stopping it is Berth's clean stop: every dyno, the router and the agent go too.
    await systemctl(['disable', '--now', 'berth.service'], ctx.io.env);
    await rm(join(UNIT_DIR, 'berth.service'), { force: true });
    await mustSystemctl(['daemon-reload'], ctx.io.env);
    ctx.print(`Stopped and removed berth.service; the data dir is untouched (start it by hand with bin/berth up).`);
    return 0;
  },
};
