// The refusal to run on a state a newer Berth migrated (a downgrade).
/**
 * The state was migrated by a newer Berth (a downgrade): its schema has migrations this version
 * does not know, so running on it could corrupt it. Nothing was changed.
 */
export class StateTooNewError extends Error {
  constructor(readonly unknownMigrations: string[]) {
    super(
      `This state was migrated by a newer Berth: its migrations ${unknownMigrations.join(', ')} are unknown to this version. ` +
        'Berth does not downgrade: run the newer Berth again (git checkout the newer commit), or restore an admin:backup taken before the upgrade.',
    );
    this.name = 'StateTooNewError';
  }
}
