import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from '../command.js';
import { systemctl, systemdRunning, UNIT_DIR } from '../systemd.js';

export const serviceStatus: Command = {
  name: 'service:status',
  summary: "the Berth service's state (systemctl status), or whether Berth runs without systemd",
  usage: 'service:status [--data-dir DIR]',
  flags: { 'data-dir': { type: 'string', value: 'DIR', description: 'without systemd: the data dir to look for a running Berth in' } },
  examples: ['berth service:status'],
  async run(ctx) {
    if (await systemdRunning()) {
      const result = await systemctl(['status', '--no-pager', '--lines', '20', 'berth.service'], ctx.io.env);
      ctx.io.stdout.write(result.stdout);
      if (result.stderr.trim() !== '') ctx.note(result.stderr.trim());
      // systemctl status: 0 running, 3 stopped, 4 no such unit.
      if (result.code === 4) ctx.note(`No berth.service in ${UNIT_DIR}: install it with \`sudo berth service:install\`.`);
      return result.code === 0 ? 0 : 1;
    }
    const dataDir = resolve(ctx.io.cwd, ctx.string('data-dir') ?? ctx.io.env.BERTH_DATA_DIR ?? join(ctx.io.env.HOME || homedir(), '.berth'));
    ctx.print('systemd is not running on this machine: there is no Berth service.');
    const pid = await runningPid(dataDir);
    ctx.print(pid === undefined ? `No Berth is running from ${dataDir}.` : `A Berth runs from ${dataDir} (pid ${pid}), started by hand or another supervisor.`);
    return pid === undefined ? 1 : 0;
  },
};

async function runningPid(dataDir: string): Promise<number | undefined> {
  try {
    const pid = Number((JSON.parse(await readFile(join(dataDir, 'berth.json'), 'utf8')) as { pid?: unknown }).pid);
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}
