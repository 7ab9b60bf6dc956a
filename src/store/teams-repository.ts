import type { Kysely, Selectable } from 'kysely';
import { PlatformError } from '../core/errors.js';
import type { Team, TeamInvitation, TeamMember, TeamRole } from './access-records.js';
import type { TeamRepository } from './port.js';
import type { Database, TeamInvitationsTable, TeamMembersTable, TeamsTable } from './schema.js';
import type { StoreClock } from './kysely-store.js';
import { isForeignKeyViolation, isUniqueViolation } from './unique-violation.js';
import { inTransaction } from './app-lock.js';

const toTeam = (row: Selectable<TeamsTable>): Team => ({ id: row.id, name: row.name, createdAt: row.created_at, updatedAt: row.updated_at });

const toMember = (row: Selectable<TeamMembersTable>): TeamMember => ({
  teamId: row.team_id,
  accountId: row.account_id,
  role: row.role === 'admin' ? 'admin' : 'member',
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toInvitation = (row: Selectable<TeamInvitationsTable>): TeamInvitation => ({
  id: row.id,
  teamId: row.team_id,
  email: row.email,
  role: row.role === 'admin' ? 'admin' : 'member',
  tokenHash: row.token_hash,
  invitedBy: row.invited_by,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
});

const nameTaken = (name: string) => new PlatformError('conflict', `A team named ${name} already exists. Choose another name.`);

/** Teams, their members (role admin or member) and pending invitations. */
export class KyselyTeams implements TeamRepository {
  constructor(private readonly db: Kysely<Database>, private readonly clock: StoreClock) {}

  /** Creates the team with `adminId` as its first admin, in one transaction. */
  async create(name: string, adminId: string): Promise<Team> {
    const now = this.clock.now().toISOString();
    const row = { id: this.clock.newId(), name, created_at: now, updated_at: now };
    try {
      await inTransaction(this.db, async (trx) => {
        await trx.insertInto('teams').values(row).execute();
        await trx.insertInto('team_members').values({ team_id: row.id, account_id: adminId, role: 'admin', created_at: now, updated_at: now }).execute();
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw nameTaken(name);
      throw err;
    }
    return toTeam(row);
  }

  async findById(id: string): Promise<Team | undefined> {
    const row = await this.db.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toTeam(row);
  }

  async findByName(name: string): Promise<Team | undefined> {
    const row = await this.db.selectFrom('teams').selectAll().where('name', '=', name).executeTakeFirst();
    return row && toTeam(row);
  }

  async list(filter: { memberId?: string }): Promise<Team[]> {
    let query = this.db.selectFrom('teams').selectAll();
    if (filter.memberId !== undefined) query = query.where('id', 'in', this.db.selectFrom('team_members').select('team_id').where('account_id', '=', filter.memberId));
    return (await query.orderBy('name').execute()).map(toTeam);
  }

  async rename(id: string, name: string): Promise<Team> {
    try {
      await this.db.updateTable('teams').set({ name, updated_at: this.clock.now().toISOString() }).where('id', '=', id).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw nameTaken(name);
      throw err;
    }
    const team = await this.findById(id);
    if (!team) throw new PlatformError('not_found', `Couldn't find that team: ${id}.`);
    return team;
  }

  /** Deletes the team; a conflict while it still owns apps. */
  async delete(id: string): Promise<boolean> {
    try {
      const result = await this.db.deleteFrom('teams').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    } catch (err) {
      if (isForeignKeyViolation(err)) throw new PlatformError('conflict', 'The team still owns apps: transfer or delete them first.');
      throw err;
    }
  }

  async member(teamId: string, accountId: string): Promise<TeamMember | undefined> {
    const row = await this.db.selectFrom('team_members').selectAll().where('team_id', '=', teamId).where('account_id', '=', accountId).executeTakeFirst();
    return row && toMember(row);
  }

  async members(teamId: string): Promise<TeamMember[]> {
    return (await this.db.selectFrom('team_members').selectAll().where('team_id', '=', teamId).orderBy('created_at').orderBy('account_id').execute()).map(toMember);
  }

  /** Adds the account or changes its role; `created` tells which. */
  async putMember(teamId: string, accountId: string, role: TeamRole): Promise<{ member: TeamMember; created: boolean }> {
    const now = this.clock.now().toISOString();
    const before = await this.member(teamId, accountId);
    if (before) {
      await this.db.updateTable('team_members').set({ role, updated_at: now }).where('team_id', '=', teamId).where('account_id', '=', accountId).execute();
      return { member: { ...before, role, updatedAt: now }, created: false };
    }
    const row = { team_id: teamId, account_id: accountId, role, created_at: now, updated_at: now };
    try {
      await this.db.insertInto('team_members').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) return this.putMember(teamId, accountId, role);
      throw err;
    }
    return { member: toMember(row), created: true };
  }

  async removeMember(teamId: string, accountId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('team_members').where('team_id', '=', teamId).where('account_id', '=', accountId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Creates or replaces the team's invitation for this email. */
  async invite(input: { teamId: string; email: string; role: TeamRole; tokenHash: string; invitedBy: string; expiresAt: string }): Promise<TeamInvitation> {
    const now = this.clock.now().toISOString();
    const row = { id: this.clock.newId(), team_id: input.teamId, email: input.email, role: input.role, token_hash: input.tokenHash, invited_by: input.invitedBy, created_at: now, expires_at: input.expiresAt };
    await inTransaction(this.db, async (trx) => {
      await trx.deleteFrom('team_invitations').where('team_id', '=', input.teamId).where('email', '=', input.email).execute();
      await trx.insertInto('team_invitations').values(row).execute();
    });
    return toInvitation(row);
  }

  async invitations(teamId: string): Promise<TeamInvitation[]> {
    return (await this.db.selectFrom('team_invitations').selectAll().where('team_id', '=', teamId).orderBy('created_at').execute()).map(toInvitation);
  }

  async findInvitation(tokenHash: string): Promise<TeamInvitation | undefined> {
    const row = await this.db.selectFrom('team_invitations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row && toInvitation(row);
  }

  async removeInvitation(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('team_invitations').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
