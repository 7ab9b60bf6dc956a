import { UsageError } from '../cli-error.js';
import type { Command } from '../command.js';

export const up: Command = {
  name: 'up',
  summary: 'install what is missing and start Berth in the foreground (see bin/berth up --help)',
  usage: 'up [options]',
  flags: {},
  external: true,
  examples: ['bin/berth up', 'bin/berth up --help'],
  async run() {
    throw new UsageError('`up` is run by bin/berth itself: run `bin/berth up` (options: `bin/berth up --help`).');
  },
};
