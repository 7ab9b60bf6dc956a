/**
 * Why a backup or restore was refused. `reason` is stable (tests and docs/errors.md use it);
 * the message says what failed and what to do. Nothing was written when one is thrown.
 */
export type BackupRefusal =
  | 'truncated'
  | 'bad_manifest'
  | 'newer_format'
  | 'checksum_mismatch'
  | 'missing_member'
  | 'unexpected_member'
  | 'data_dir_not_empty'
  | 'berth_running'
  | 'other_ca'
  | 'bad_arguments'
  | 'tool_failed';

export class BackupError extends Error {
  constructor(
    readonly reason: BackupRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'BackupError';
  }
}
