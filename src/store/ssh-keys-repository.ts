/** The SSH public keys of accounts (git over SSH), on both dialects: one row per key, unique by SHA256 fingerprint. */
import type { Kysely, Selectable } from 'kysely';
import { PlatformError } from '../core/errors.js';
import type { SshKey, SshKeyRepository } from './port.js';
import type { Database, SshKeysTable } from './schema.js';
import type { StoreClock } from './kysely-store.js';
import { isUniqueViolation } from './unique-violation.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const toKey = (row: Selectable<SshKeysTable>): SshKey => ({
  id: row.id,
  accountId: row.account_id,
  sha256: row.sha256,
  fingerprint: row.fingerprint,
  publicKey: row.public_key,
  comment: row.comment,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** SSH public keys of accounts; the sha256 fingerprint is unique across all of them. */
export class KyselySshKeys implements SshKeyRepository {
  constructor(private readonly db: Kysely<Database>, private readonly clock: StoreClock) {}

  async create(input: Omit<SshKey, 'id' | 'createdAt' | 'updatedAt'>): Promise<SshKey> {
    const now = this.clock.now().toISOString();
    const row = {
      id: this.clock.newId(),
      account_id: input.accountId,
      sha256: input.sha256,
      fingerprint: input.fingerprint,
      public_key: input.publicKey,
      comment: input.comment,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.db.insertInto('ssh_keys').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new PlatformError('conflict', `The SSH key ${input.sha256} is already registered.`);
      throw err;
    }
    return toKey(row);
  }

  async listForAccount(accountId: string): Promise<SshKey[]> {
    const rows = await this.db.selectFrom('ssh_keys').selectAll().where('account_id', '=', accountId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toKey);
  }

  async findBySha256(sha256: string): Promise<SshKey | undefined> {
    const row = await this.db.selectFrom('ssh_keys').selectAll().where('sha256', '=', sha256).executeTakeFirst();
    return row && toKey(row);
  }

  async findForAccount(accountId: string, identity: string): Promise<SshKey | undefined> {
    const column = UUID.test(identity) ? 'id' : identity.startsWith('SHA256:') ? 'sha256' : 'fingerprint';
    const row = await this.db
      .selectFrom('ssh_keys')
      .selectAll()
      .where('account_id', '=', accountId)
      .where(column, '=', column === 'id' ? identity.toLowerCase() : identity)
      .executeTakeFirst();
    return row && toKey(row);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('ssh_keys').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
