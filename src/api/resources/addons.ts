import type { Route } from '../context.js';
import { findAccessibleApp } from '../app-access.js';

/**
 * Add-ons are not provisioned yet (the add-ons issue), so every app's list is empty; the
 * official CLI's `apps:info` needs this list to answer.
 */
export const addonRoutes: Route[] = [
  {
    method: 'GET',
    path: '/apps/:app/addons',
    async handler(ctx) {
      await findAccessibleApp(ctx, ctx.params.app as string);
      return { status: 200, body: [] };
    },
  },
];
