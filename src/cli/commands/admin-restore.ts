import { UsageError } from '../cli-error.js';
import type { Command } from '../command.js';

/** Listed for help only: bin/berth runs admin:restore itself, on the data dir (src/main/admin-backup.ts). */
export const adminRestore: Command = {
  name: 'admin:restore',
  summary: 'lay out a backup archive as a data dir for bin/berth up (on the new server)',
  description:
    'Checks the whole archive first (complete, format version, sha256 of every member), then makes\n' +
    'it the data dir. Refuses a non-empty data dir unless --force (which replaces the state, blobs,\n' +
    'CA, admin key and repositories), and a data dir a running Berth holds. Then: bin/berth up.',
  usage: 'admin:restore FILE [--data-dir DIR] [--database-url URL] [--force]',
  args: [{ name: 'FILE', required: true, description: 'an archive written by admin:backup' }],
  flags: {},
  external: true,
  examples: ['berth admin:restore berth.tar.gz --data-dir /var/lib/berth', 'berth admin:restore berth.tar.gz --force'],
  async run() {
    throw new UsageError('admin:restore is run by bin/berth itself: `bin/berth admin:restore FILE` (see `bin/berth admin:restore --help`).');
  },
};
