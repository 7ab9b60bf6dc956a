/** Heroku's `collaborator` shape (spec/heroku-platform-api-schema.json), for personal and team apps. */
import { PERMISSION_DESCRIPTIONS, type AppPermission } from '../core/access-policy.js';
import type { Account, App } from '../core/model.js';

export interface CollaboratorView {
  app: App;
  /** The collaborator row's id; the owner's entry uses the owner's account id. */
  id: string;
  account: Pick<Account, 'id' | 'email'>;
  permissions: readonly AppPermission[];
  /** `owner` (personal app), `admin`/`member` (team members), `collaborator` (anyone else). */
  role: 'owner' | 'admin' | 'member' | 'collaborator';
  createdAt: string;
  updatedAt: string;
}

export const serializePermissions = (permissions: readonly AppPermission[]) => permissions.map((name) => ({ name, description: PERMISSION_DESCRIPTIONS[name] }));

export function serializeCollaborator(view: CollaboratorView) {
  return {
    app: { id: view.app.id, name: view.app.name },
    created_at: view.createdAt,
    id: view.id,
    permissions: serializePermissions(view.permissions),
    role: view.role,
    updated_at: view.updatedAt,
    user: { email: view.account.email, federated: false, id: view.account.id },
  };
}
