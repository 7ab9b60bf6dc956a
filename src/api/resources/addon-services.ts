import { notFound } from '../../core/errors.js';
import type { Route } from '../context.js';
import { serializePlan, serializeService } from '../serialize-addons.js';

/** The add-on catalog: services and their plans, by id, name or alias (`postgresql`). */
export const addonServiceRoutes: Route[] = [
  {
    method: 'GET',
    path: '/addon-services',
    access: 'account',
    async handler(ctx) {
      return { status: 200, body: ctx.deps.addons.catalog.services().map(serializeService) };
    },
  },
  {
    method: 'GET',
    path: '/addon-services/:service',
    access: 'account',
    async handler(ctx) {
      const service = ctx.deps.addons.catalog.findService(ctx.params.service as string);
      if (!service) throw notFound('add-on service', ctx.params.service as string);
      return { status: 200, body: serializeService(service) };
    },
  },
  {
    method: 'GET',
    path: '/addon-services/:service/plans',
    access: 'account',
    async handler(ctx) {
      const { catalog } = ctx.deps.addons;
      const service = catalog.findService(ctx.params.service as string);
      if (!service) throw notFound('add-on service', ctx.params.service as string);
      return { status: 200, body: catalog.plans(service).map(serializePlan) };
    },
  },
  {
    method: 'GET',
    path: '/addon-services/:service/plans/:plan',
    access: 'account',
    async handler(ctx) {
      const { catalog } = ctx.deps.addons;
      const service = catalog.findService(ctx.params.service as string);
      if (!service) throw notFound('add-on service', ctx.params.service as string);
      const plan = catalog.findPlan(service, ctx.params.plan as string);
      if (!plan) throw notFound('plan', ctx.params.plan as string);
      return { status: 200, body: serializePlan(plan) };
    },
  },
  {
    method: 'GET',
    path: '/plans/:plan',
    access: 'account',
    async handler(ctx) {
      const identity = ctx.params.plan as string;
      try {
        return { status: 200, body: serializePlan(ctx.deps.addons.catalog.resolvePlan(identity)) };
      } catch {
        throw notFound('plan', identity);
      }
    },
  },
];
