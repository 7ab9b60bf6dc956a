import type { CatalogPlan, CatalogService } from '../core/addon-catalog.js';
import { attachmentVarNames } from '../core/addon-naming.js';
import type { App } from '../core/model.js';
import type { Addon, AddonAttachment } from '../store/port.js';

/**
 * Platform API shapes of add-on services, plans, add-ons and attachments
 * (spec/heroku-platform-api-schema.json plus what the official CLI reads). Config values are
 * secrets: add-ons show config var names only.
 */

/** Catalog entries have no rows; they show the time the catalog was loaded. */
const CATALOG_TIME = '2026-01-01T00:00:00Z';

export function serializeService(service: CatalogService) {
  return {
    cli_plugin_name: null,
    created_at: CATALOG_TIME,
    human_name: service.humanName,
    id: service.id,
    name: service.name,
    state: 'ga',
    supports_multiple_installations: service.supportsMultipleInstallations,
    supports_sharing: service.supportsSharing,
    supported_generations: [{ id: '5e9f4e36-5d7c-4d3b-9f0e-2f2f6ad4c0a1', name: 'cedar' }],
    updated_at: CATALOG_TIME,
  };
}

const price = (plan: CatalogPlan) => ({ cents: plan.priceCents, contract: false, metered: false, unit: 'month' });

export function serializePlan(plan: CatalogPlan) {
  return {
    addon_service: { id: plan.service.id, name: plan.service.name },
    compliance: null,
    created_at: CATALOG_TIME,
    default: plan.default === true,
    description: plan.description ?? plan.humanName,
    human_name: plan.humanName,
    id: plan.id,
    installable_inside_private_network: false,
    installable_outside_private_network: true,
    name: plan.fullName,
    price: price(plan),
    space_default: false,
    state: 'public',
    updated_at: CATALOG_TIME,
    visible: true,
    berth_limits: {
      connections: plan.limits.connections ?? null,
      storage_bytes: plan.limits.storageBytes ?? null,
      maxmemory_bytes: plan.limits.maxmemoryBytes ?? null,
    },
  };
}

export interface AddonView {
  addon: Addon;
  /** The billing app. */
  app: Pick<App, 'id' | 'name'>;
  plan: CatalogPlan;
  /** Its attachments (on any app), for config var names. */
  attachments: readonly AddonAttachment[];
}

/** `expand` holds the `Accept-Expansion` names (`plan`, `addon_service`). */
export function serializeAddon(view: AddonView, expand: ReadonlySet<string>) {
  const { addon, app, plan } = view;
  const own = view.attachments.filter((a) => a.appId === addon.appId);
  const suffixes = Object.keys(addon.config).sort();
  const configVars = (own.length > 0 ? own : view.attachments).flatMap((a) => attachmentVarNames(a.name, suffixes));
  return {
    actions: [],
    addon_service: expand.has('addon_service') ? serializeService(plan.service) : { id: plan.service.id, name: plan.service.name },
    app: { id: app.id, name: app.name },
    billing_entity: { id: app.id, name: app.name, type: 'app' },
    billed_price: { cents: plan.priceCents, contract: false, unit: 'month' },
    config_vars: configVars,
    created_at: addon.createdAt,
    id: addon.id,
    name: addon.name,
    plan: expand.has('plan') ? serializePlan(plan) : { id: plan.id, name: plan.fullName, price: price(plan) },
    provider_id: addon.providerId ?? addon.id,
    provision_message: addon.provisionMessage ?? '',
    state: addon.state,
    updated_at: addon.updatedAt,
    web_url: null,
    /** Why the add-on failed (Berth's extension; Heroku has no failed state). */
    berth_state_message: addon.stateMessage,
  };
}

export interface AttachmentView {
  attachment: AddonAttachment;
  addon: Addon;
  /** The add-on's billing app. */
  addonApp: Pick<App, 'id' | 'name'>;
  /** The app it is attached to. */
  app: Pick<App, 'id' | 'name'>;
  plan: CatalogPlan;
}

export function serializeAttachment(view: AttachmentView) {
  const { attachment, addon, plan } = view;
  return {
    addon: {
      id: addon.id,
      name: addon.name,
      app: { id: view.addonApp.id, name: view.addonApp.name },
      plan: { id: plan.id, name: plan.fullName },
    },
    addon_service: { id: plan.service.id, name: plan.service.name },
    app: { id: view.app.id, name: view.app.name },
    config_vars: attachmentVarNames(attachment.name, Object.keys(addon.config).sort()),
    created_at: attachment.createdAt,
    id: attachment.id,
    log_input_url: null,
    name: attachment.name,
    namespace: attachment.namespace,
    updated_at: attachment.updatedAt,
    web_url: null,
  };
}
