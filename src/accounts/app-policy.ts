/**
 * The access policy over the store: a caller's standing on an app (admin, owner, collaborator,
 * stranger) and the verdict of core/access-policy.ts `decide` for it. The API, git push and
 * fetch use this one class; nothing else compares owner ids.
 */
import { decide, decideTeam, permissionsOf, type AppPermission, type Standing, type TeamRole } from '../core/access-policy.js';
import { notFound, PlatformError } from '../core/errors.js';
import type { Account, App } from '../core/model.js';
import type { Store, Team } from '../store/port.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string): boolean => UUID.test(value);

export class AppPolicy {
  constructor(private readonly store: Pick<Store, 'apps' | 'collaborators' | 'teams'>) {}

  /**
   * The caller's standing on the app: a personal app's owner, or an admin of the team owning it,
   * holds everything; a collaborator what its row grants; any other team member `view`.
   */
  async standing(account: Account, app: App): Promise<Standing> {
    if (account.isAdmin) return { admin: true, owner: false, granted: [] };
    if (app.teamId === null && app.ownerId === account.id) return { admin: false, owner: true, granted: [] };
    const member = app.teamId === null ? undefined : await this.store.teams.member(app.teamId, account.id);
    if (member?.role === 'admin') return { admin: false, owner: true, granted: [] };
    const collaborator = await this.store.collaborators.find(app.id, account.id);
    return { admin: false, owner: false, granted: collaborator?.permissions ?? (member ? ['view'] : []) };
  }

  /** Every permission the caller holds on the app (empty: a stranger). */
  async permissions(account: Account, app: App): Promise<AppPermission[]> {
    return permissionsOf(await this.standing(account, app));
  }

  /** True when the caller may see the app at all (lists filter with this). */
  async sees(account: Account, app: App): Promise<boolean> {
    return (await this.permissions(account, app)).length > 0;
  }

  /**
   * Throws unless the caller holds `need` on the app: a stranger gets `hidden` (the 404 of a
   * missing app, or of the resource found through it), someone with other permissions a 403
   * naming the missing one.
   */
  async require(account: Account, app: App, need: AppPermission, hidden: PlatformError = notFound('app', app.name)): Promise<void> {
    const verdict = decide(await this.standing(account, app), need, app.name);
    if (verdict.allow) return;
    if (verdict.hidden) throw hidden;
    throw new PlatformError('forbidden', verdict.message);
  }

  /** The app with this id or name on which the caller holds `need`; see `require`. */
  async find(account: Account, identity: string, need: AppPermission): Promise<App> {
    const app = await this.lookup(identity);
    if (!app) throw notFound('app', identity);
    await this.require(account, app, need, notFound('app', identity));
    return app;
  }

  /**
   * The team with this id or name in which the caller holds `need` (site admins: any team); a
   * non-member gets the 404 of a missing team, a member without `need` a 403.
   */
  async findTeam(account: Account, identity: string, need: TeamRole): Promise<Team> {
    const team = isUuid(identity) ? await this.store.teams.findById(identity.toLowerCase()) : await this.store.teams.findByName(identity);
    if (!team) throw notFound('team', identity);
    const role = (await this.store.teams.member(team.id, account.id))?.role;
    const verdict = decideTeam(role, account.isAdmin, need, team.name);
    if (verdict.allow) return team;
    if (verdict.hidden) throw notFound('team', identity);
    throw new PlatformError('forbidden', verdict.message);
  }

  lookup(identity: string): Promise<App | undefined> {
    return isUuid(identity) ? this.store.apps.findById(identity.toLowerCase()) : this.store.apps.findByName(identity);
  }
}
