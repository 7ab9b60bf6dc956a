import type { Kysely, Selectable } from 'kysely';
import { notFound } from '../core/errors.js';
import type { AcmeCertificate, AcmeCertificateRepository, AcmeCertificateState, AcmeStatus } from './acme-certificate-records.js';
import type { AcmeCertificatesTable, Database } from './schema.js';
import type { StoreClock } from './kysely-store.js';
import { isForeignKeyViolation } from './unique-violation.js';

const toRecord = (row: Selectable<AcmeCertificatesTable>): AcmeCertificate => ({
  hostname: row.hostname,
  appId: row.app_id,
  status: row.status as AcmeStatus,
  reason: row.reason,
  certificate: row.certificate,
  privateKey: row.private_key,
  expiresAt: row.expires_at,
  failures: Number(row.failures),
  nextAttemptAt: row.next_attempt_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Automatic certificates by hostname (see acme-certificate-records.ts). */
export class KyselyAcmeCertificates implements AcmeCertificateRepository {
  constructor(private readonly db: Kysely<Database>, private readonly clock: StoreClock) {}

  async list(appId?: string): Promise<AcmeCertificate[]> {
    let query = this.db.selectFrom('acme_certificates').selectAll();
    if (appId !== undefined) query = query.where('app_id', '=', appId);
    return (await query.orderBy('hostname').execute()).map(toRecord);
  }

  async find(hostname: string): Promise<AcmeCertificate | undefined> {
    const row = await this.db.selectFrom('acme_certificates').selectAll().where('hostname', '=', hostname.toLowerCase()).executeTakeFirst();
    return row && toRecord(row);
  }

  async save(state: AcmeCertificateState): Promise<AcmeCertificate> {
    const now = this.clock.now().toISOString();
    const values = {
      app_id: state.appId,
      status: state.status,
      reason: state.reason,
      certificate: state.certificate,
      private_key: state.privateKey,
      expires_at: state.expiresAt,
      failures: state.failures,
      next_attempt_at: state.nextAttemptAt,
      updated_at: now,
    };
    try {
      const row = await this.db
        .insertInto('acme_certificates')
        .values({ hostname: state.hostname.toLowerCase(), ...values, created_at: now })
        .onConflict((oc) => oc.column('hostname').doUpdateSet(values))
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRecord(row);
    } catch (err) {
      if (isForeignKeyViolation(err)) throw notFound('app', state.appId);
      throw err;
    }
  }

  async remove(hostname: string): Promise<boolean> {
    const result = await this.db.deleteFrom('acme_certificates').where('hostname', '=', hostname.toLowerCase()).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
