import { UsageError } from '../cli-error.js';
import type { Command } from '../command.js';

export const test: Command = {
  name: 'test',
  summary: 'run the whole test suite',
  usage: 'test',
  flags: {},
  external: true,
  examples: ['bin/berth test'],
  async run() {
    throw new UsageError('`test` is run by bin/berth itself: run `bin/berth test` from the repository.');
  },
};
