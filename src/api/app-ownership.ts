/**
 * Changing an app's owner, shared by an accepted transfer, an admin's `PATCH /apps/:app
 * {"owner"}` and moving apps into and out of teams: in one transaction the app gets its new
 * owner (and team), the new owner's collaborator row goes, and the previous personal owner stays
 * on as a collaborator (as on Heroku). A pending transfer of the app is declined.
 */
import { APP_PERMISSIONS, COLLABORATOR_PERMISSIONS } from '../core/access-policy.js';
import type { Account, App } from '../core/model.js';
import type { Store } from '../store/port.js';

export async function changeOwner(tx: Store, app: App, to: { ownerId: string; teamId: string | null }): Promise<App> {
  const updated = await tx.apps.update(app.id, { ownerId: to.ownerId, teamId: to.teamId });
  await tx.collaborators.removeAll(app.id, to.ownerId);
  // A personal owner who gives the app away stays on it: as a collaborator of the new owner, or
  // with every permission when the app moves into a team.
  const keepPrevious = app.teamId === null && (app.ownerId !== to.ownerId || to.teamId !== null);
  if (keepPrevious && !(await tx.collaborators.find(app.id, app.ownerId))) {
    await tx.collaborators.add({ appId: app.id, accountId: app.ownerId, permissions: to.teamId === null ? COLLABORATOR_PERMISSIONS : APP_PERMISSIONS });
  }
  const pending = await tx.appTransfers.findPending(app.id);
  if (pending) await tx.appTransfers.resolve(pending.id, 'declined');
  return updated;
}

/** The announcement in the app's log. */
export const transferLine = (recipient: Pick<Account, 'email'>, by: Pick<Account, 'email'>): string => `Transfer to ${recipient.email} by user ${by.email}`;
