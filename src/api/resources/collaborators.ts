import type { Route } from '../context.js';
import { findAccessibleApp, ownerOf } from '../app-access.js';

/** Who can work on an app. Today that is its owner; adding collaborators comes with access:add. */
export const collaboratorRoutes: Route[] = [
  {
    method: 'GET',
    path: '/apps/:app/collaborators',
    async handler(ctx) {
      const app = await findAccessibleApp(ctx, ctx.params.app as string);
      const owner = await ownerOf(ctx, app);
      return {
        status: 200,
        body: [
          {
            app: { id: app.id, name: app.name },
            created_at: app.createdAt,
            id: owner.id,
            permissions: [],
            role: 'owner',
            updated_at: app.updatedAt,
            user: { email: owner.email, federated: false, id: owner.id },
          },
        ],
      };
    },
  },
];
