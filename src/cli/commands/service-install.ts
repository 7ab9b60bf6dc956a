import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from '../cli-error.js';
import type { Command } from '../command.js';
import { foregroundCommand, installLayout, mustSystemctl, requireRoot, systemdRunning, UNIT_DIR } from '../systemd.js';
import { systemdUnit } from '../systemd-unit.js';

export const serviceInstall: Command = {
  name: 'service:install',
  summary: 'run Berth as a systemd service: write, enable and start its unit (root)',
  description:
    'Writes /etc/systemd/system/berth.service for this install (bin/berth up with the data dir and\n' +
    'the up flags you give; restart on failure; logs in journald: journalctl -u berth), then\n' +
    'enables and starts it. Words that are not service:install\'s own flags are `up` flags.\n' +
    'Without systemd it says so and prints the command to run under your own supervisor.\n' +
    '--print shows the unit and changes nothing.',
  usage: 'service:install [--data-dir DIR] [--print] [UP_FLAGS...]',
  args: [{ name: 'UP_FLAGS', required: false, variadic: true, description: 'flags for bin/berth up, e.g. --domain example.com --bind 0.0.0.0' }],
  flags: {
    'data-dir': { type: 'string', value: 'DIR', description: 'the data dir the service uses (default BERTH_DATA_DIR, else ~/.berth)' },
    print: { type: 'boolean', description: 'print the unit file instead of installing it' },
  },
  passthrough: true,
  examples: ['sudo berth service:install', 'sudo berth service:install --domain example.com --bind 0.0.0.0', 'berth service:install --print'],
  async run(ctx) {
    const upArgs = [...ctx.args];
    const bad = upArgs.find((a) => /[\x00-\x1f\x7f]/.test(a));
    if (bad !== undefined) throw new UsageError(`${JSON.stringify(bad)} holds a control character: it cannot go into a unit file.`);
    if (upArgs.includes('--data-dir')) throw new UsageError('Give the data dir as service:install\'s own --data-dir DIR (before any other flag), not as an up flag.');
    const dataDir = resolve(ctx.io.cwd, ctx.string('data-dir') ?? ctx.io.env.BERTH_DATA_DIR ?? join(ctx.io.env.HOME || homedir(), '.berth'));
    const unit = systemdUnit({ ...installLayout(), dataDir, upArgs });
    if (ctx.bool('print')) {
      ctx.io.stdout.write(unit);
      return 0;
    }
    if (!(await systemdRunning())) {
      ctx.note('systemd is not running on this machine (no /run/systemd/system), so there is no service to install.');
      ctx.note('Run Berth under your own supervisor (it stays in the foreground, logs to stdout, stops cleanly on SIGTERM):');
      ctx.print(`  ${foregroundCommand(dataDir, upArgs)}`);
      ctx.note('or in the background: nohup <that command> >> /var/log/berth.log 2>&1 &');
      return 1;
    }
    requireRoot('service:install');
    const path = join(UNIT_DIR, 'berth.service');
    const previous = await readFile(path, 'utf8').catch(() => undefined);
    await mkdir(UNIT_DIR, { recursive: true });
    await writeFile(path, unit, { mode: 0o644 });
    await mustSystemctl(['daemon-reload'], ctx.io.env);
    await mustSystemctl(['enable', '--now', 'berth.service'], ctx.io.env);
    if (previous !== undefined && previous !== unit) await mustSystemctl(['restart', 'berth.service'], ctx.io.env);
    ctx.print(`${previous === undefined ? 'Installed' : 'Updated'} ${path}; berth.service is enabled and started.`);
    ctx.print('Logs: journalctl -u berth -f    Status: berth service:status');
    return 0;
  },
};
