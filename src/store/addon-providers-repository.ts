import type { Kysely, Selectable } from 'kysely';
import type { PartnerManifest } from '../core/addon-manifest.js';
import { PlatformError } from '../core/errors.js';
import type { AddonProviderRepository } from './port.js';
import type { AddonProviderRecord, PartnerToken, PartnerTokenKind } from './addon-provider-records.js';
import type { AddonPartnerTokensTable, AddonProvidersTable, Database } from './schema.js';
import type { StoreClock } from './kysely-store.js';
import { isUniqueViolation } from './unique-violation.js';
import { inTransaction } from './app-lock.js';

const toProvider = (row: Selectable<AddonProvidersTable>): AddonProviderRecord => ({
  id: row.id,
  name: row.name,
  manifest: JSON.parse(row.manifest) as PartnerManifest,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toToken = (row: Selectable<AddonPartnerTokensTable>): PartnerToken => ({
  tokenHash: row.token_hash,
  kind: row.kind as PartnerTokenKind,
  providerId: row.provider_id,
  addonId: row.addon_id,
  expiresAt: row.expires_at,
  createdAt: row.created_at,
});

/** Registered third-party add-on providers and the OAuth tokens issued to them. */
export class KyselyAddonProviders implements AddonProviderRepository {
  constructor(private readonly db: Kysely<Database>, private readonly clock: StoreClock) {}

  async create(manifest: PartnerManifest): Promise<AddonProviderRecord> {
    const now = this.clock.now().toISOString();
    const row = { id: manifest.id, name: manifest.name, manifest: JSON.stringify(manifest), created_at: now, updated_at: now };
    try {
      await this.db.insertInto('addon_providers').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new PlatformError('conflict', `An add-on provider with id ${manifest.id} is already registered.`);
      throw err;
    }
    return toProvider(row);
  }

  async update(manifest: PartnerManifest): Promise<AddonProviderRecord | undefined> {
    const now = this.clock.now().toISOString();
    const row = await this.db
      .updateTable('addon_providers')
      .set({ name: manifest.name, manifest: JSON.stringify(manifest), updated_at: now })
      .where('id', '=', manifest.id)
      .returningAll()
      .executeTakeFirst();
    return row && toProvider(row);
  }

  async find(id: string): Promise<AddonProviderRecord | undefined> {
    const row = await this.db.selectFrom('addon_providers').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toProvider(row);
  }

  async list(): Promise<AddonProviderRecord[]> {
    const rows = await this.db.selectFrom('addon_providers').selectAll().orderBy('id').execute();
    return rows.map(toProvider);
  }

  async delete(id: string): Promise<AddonProviderRecord | undefined> {
    const row = await this.db.deleteFrom('addon_providers').where('id', '=', id).returningAll().executeTakeFirst();
    return row && toProvider(row);
  }

  async addToken(token: Omit<PartnerToken, 'createdAt'>): Promise<PartnerToken> {
    const row = {
      token_hash: token.tokenHash,
      kind: token.kind,
      provider_id: token.providerId,
      addon_id: token.addonId,
      expires_at: token.expiresAt,
      created_at: this.clock.now().toISOString(),
    };
    await this.db.insertInto('addon_partner_tokens').values(row).execute();
    return toToken(row);
  }

  async findToken(tokenHash: string): Promise<PartnerToken | undefined> {
    const row = await this.db.selectFrom('addon_partner_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row && toToken(row);
  }

  async takeToken(tokenHash: string, kind: PartnerTokenKind): Promise<PartnerToken | undefined> {
    const row = await this.db.deleteFrom('addon_partner_tokens').where('token_hash', '=', tokenHash).where('kind', '=', kind).returningAll().executeTakeFirst();
    return row && toToken(row);
  }

  async deleteTokensForAddon(addonId: string): Promise<number> {
    const result = await this.db.deleteFrom('addon_partner_tokens').where('addon_id', '=', addonId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async mergePending(addonId: string, providerId: string, config: Record<string, string>): Promise<Record<string, string>> {
    return inTransaction(this.db, async (db) => {
      const before = await db.selectFrom('addon_partner_pending').select('config').where('addon_id', '=', addonId).executeTakeFirst();
      const merged = { ...(before ? (JSON.parse(before.config) as Record<string, string>) : {}), ...config };
      const row = { addon_id: addonId, provider_id: providerId, config: JSON.stringify(merged), updated_at: this.clock.now().toISOString() };
      // An upsert: two PATCHes at once must not turn into a unique violation.
      await db
        .insertInto('addon_partner_pending')
        .values(row)
        .onConflict((oc) => oc.column('addon_id').doUpdateSet({ config: row.config, updated_at: row.updated_at }))
        .execute();
      return merged;
    });
  }

  async findPending(addonId: string): Promise<Record<string, string> | undefined> {
    const row = await this.db.selectFrom('addon_partner_pending').select('config').where('addon_id', '=', addonId).executeTakeFirst();
    return row && (JSON.parse(row.config) as Record<string, string>);
  }

  async takePending(addonId: string): Promise<Record<string, string> | undefined> {
    const row = await this.db.deleteFrom('addon_partner_pending').where('addon_id', '=', addonId).returning('config').executeTakeFirst();
    return row && (JSON.parse(row.config) as Record<string, string>);
  }
}
