import { UsageError } from '../cli-error.js';
import type { Command } from '../command.js';

/** Listed for help only: bin/berth runs admin:backup itself, on the data dir (src/main/admin-backup.ts). */
export const adminBackup: Command = {
  name: 'admin:backup',
  summary: 'write one archive of this Berth: state, blobs, local CA, admin key, git repositories (on the server)',
  description:
    'Runs on the machine that holds the data dir, safe while Berth runs: an SQLite online backup\n' +
    '(or pg_dump with --database-url), then the blobs (slugs, sources, add-on backups), tls/,\n' +
    'admin.key and repos/, with a manifest of sha256 sums. With a DIR and --keep N it writes a\n' +
    'dated file there and keeps the newest N (the daily cron line in README "Production").',
  usage: 'admin:backup FILE|DIR [--data-dir DIR] [--database-url URL] [--keep N]',
  args: [{ name: 'FILE|DIR', required: true, description: 'the archive to write (.tar.gz), or a directory with --keep' }],
  flags: {},
  external: true,
  examples: ['berth admin:backup /var/backups/berth.tar.gz', 'berth admin:backup /var/backups/berth --keep 7'],
  async run() {
    throw new UsageError('admin:backup is run by bin/berth itself: `bin/berth admin:backup FILE` (see `bin/berth admin:backup --help`).');
  },
};
