import type { Route } from '../context.js';
import { ownerOf, routeApp } from '../app-access.js';

/** Who can work on an app. Today that is its owner; adding collaborators comes with access:add. */
export const collaboratorRoutes: Route[] = [
  {
    method: 'GET',
    path: '/apps/:app/collaborators',
    access: { app: 'view' },
    async handler(ctx) {
      const app = routeApp(ctx);
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
