/**
 * The ids of the apps an account has any standing on, as a subquery: personal apps it owns, apps
 * it collaborates on, and the apps of teams it belongs to. Lists (apps, add-ons, attachments)
 * filter with it; src/accounts/app-policy.ts decides the same thing for one app.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export function accessibleAppIds(db: Kysely<Database>, accountId: string) {
  return db
    .selectFrom('apps')
    .select('apps.id')
    .where((eb) =>
      eb.or([
        eb.and([eb('apps.owner_id', '=', accountId), eb('apps.team_id', 'is', null)]),
        eb('apps.id', 'in', eb.selectFrom('collaborators').select('collaborators.app_id').where('collaborators.account_id', '=', accountId)),
        eb('apps.team_id', 'in', eb.selectFrom('team_members').select('team_members.team_id').where('team_members.account_id', '=', accountId)),
      ]),
    );
}
