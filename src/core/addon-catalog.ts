import { PlatformError } from './errors.js';
import { nameUuid } from './name-uuid.js';

/**
 * The catalog of add-on services and their plans: Berth's built-in `heroku-postgresql` and
 * `heroku-redis` (Heroku's names, so scripts and app.json files keep working) plus services that
 * providers register at runtime (partner API manifests). Pure: plan lookup and its errors.
 */

export interface AddonPlanLimits {
  /** Most concurrent connections (Postgres) or clients (Redis). */
  connections?: number;
  /** Storage quota of a database, in bytes. */
  storageBytes?: number;
  /** Redis `maxmemory`, in bytes. */
  maxmemoryBytes?: number;
}

export interface AddonPlanSpec {
  /** Short name within the service, e.g. `essential-0`. */
  name: string;
  humanName: string;
  description?: string;
  /** Price in cents per month (shown, never charged). */
  priceCents: number;
  /** The plan chosen when only the service is named; one per service (else the first plan). */
  default?: boolean;
  limits: AddonPlanLimits;
}

export interface AddonServiceSpec {
  /** Heroku's service name, e.g. `heroku-postgresql`. Lower case, digits and dashes. */
  name: string;
  humanName: string;
  /** Other names users may type (`postgresql`, `redis`). */
  aliases: readonly string[];
  /** Prefix of generated add-on names: `postgresql` → `postgresql-curved-12345`. */
  namePrefix: string;
  /** The first attachment's name on an app (`DATABASE` → `DATABASE_URL`). */
  attachmentName: string;
  /** Later attachments are `<prefix>_<COLOR>` (`HEROKU_POSTGRESQL_AMBER`). */
  colorPrefix: string;
  /** The config suffixes its resources carry (`URL` → `DATABASE_URL`), for clash checks before provisioning. */
  configVarSuffixes: readonly string[];
  supportsSharing: boolean;
  supportsMultipleInstallations: boolean;
  plans: readonly AddonPlanSpec[];
}

export interface CatalogService extends AddonServiceSpec {
  id: string;
}

export interface CatalogPlan extends AddonPlanSpec {
  id: string;
  /** `heroku-postgresql:essential-0`: Heroku's plan `name`. */
  fullName: string;
  service: CatalogService;
}

const GB = 1024 ** 3;
const MB = 1024 ** 2;

export const BUILTIN_SERVICES: readonly AddonServiceSpec[] = [
  {
    name: 'heroku-postgresql',
    humanName: 'Heroku Postgres',
    aliases: ['postgresql', 'postgres', 'pg'],
    namePrefix: 'postgresql',
    attachmentName: 'DATABASE',
    colorPrefix: 'HEROKU_POSTGRESQL',
    configVarSuffixes: ['URL'],
    supportsSharing: true,
    supportsMultipleInstallations: true,
    plans: [
      { name: 'essential-0', humanName: 'Essential 0', priceCents: 500, default: true, limits: { connections: 20, storageBytes: 1 * GB } },
      { name: 'essential-1', humanName: 'Essential 1', priceCents: 900, limits: { connections: 20, storageBytes: 10 * GB } },
      { name: 'essential-2', humanName: 'Essential 2', priceCents: 2000, limits: { connections: 40, storageBytes: 32 * GB } },
      { name: 'standard-0', humanName: 'Standard 0', priceCents: 5000, limits: { connections: 120, storageBytes: 64 * GB } },
      { name: 'standard-2', humanName: 'Standard 2', priceCents: 20000, limits: { connections: 400, storageBytes: 256 * GB } },
      { name: 'premium-0', humanName: 'Premium 0', priceCents: 20000, limits: { connections: 120, storageBytes: 64 * GB } },
    ],
  },
  {
    name: 'heroku-redis',
    humanName: 'Heroku Key-Value Store',
    aliases: ['redis', 'heroku-key-value-store'],
    namePrefix: 'redis',
    attachmentName: 'REDIS',
    colorPrefix: 'HEROKU_REDIS',
    configVarSuffixes: ['URL'],
    supportsSharing: true,
    supportsMultipleInstallations: true,
    plans: [
      { name: 'mini', humanName: 'Mini', priceCents: 300, default: true, limits: { connections: 20, maxmemoryBytes: 25 * MB } },
      { name: 'premium-0', humanName: 'Premium 0', priceCents: 1500, limits: { connections: 40, maxmemoryBytes: 50 * MB } },
      { name: 'premium-1', humanName: 'Premium 1', priceCents: 3000, limits: { connections: 80, maxmemoryBytes: 100 * MB } },
      { name: 'premium-2', humanName: 'Premium 2', priceCents: 6000, limits: { connections: 200, maxmemoryBytes: 250 * MB } },
      { name: 'premium-3', humanName: 'Premium 3', priceCents: 12000, limits: { connections: 400, maxmemoryBytes: 500 * MB } },
      { name: 'premium-5', humanName: 'Premium 5', priceCents: 20000, limits: { connections: 1000, maxmemoryBytes: 1 * GB } },
    ],
  },
];

const SERVICE_NAME = /^[a-z][a-z0-9-]{1,62}$/;
const PLAN_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

function checkSpec(spec: AddonServiceSpec): void {
  if (!SERVICE_NAME.test(spec.name)) throw new PlatformError('invalid_params', `Add-on service name ${JSON.stringify(spec.name)} is invalid: lower-case letters, digits and dashes, starting with a letter.`);
  if (spec.plans.length === 0) throw new PlatformError('invalid_params', `Add-on service ${spec.name} has no plans.`);
  for (const plan of spec.plans) {
    if (!PLAN_NAME.test(plan.name)) throw new PlatformError('invalid_params', `Plan name ${JSON.stringify(plan.name)} of ${spec.name} is invalid: lower-case letters, digits and dashes.`);
  }
  if (new Set(spec.plans.map((p) => p.name)).size !== spec.plans.length) throw new PlatformError('invalid_params', `Add-on service ${spec.name} lists a plan twice.`);
}

/** The services Berth offers; `register` adds or replaces one (a provider's own service). */
export class AddonCatalog {
  private readonly byName = new Map<string, CatalogService>();

  constructor(specs: readonly AddonServiceSpec[] = BUILTIN_SERVICES) {
    for (const spec of specs) this.register(spec);
  }

  register(spec: AddonServiceSpec): CatalogService {
    checkSpec(spec);
    for (const other of this.byName.values()) {
      if (other.name === spec.name) continue;
      const taken = [spec.name, ...spec.aliases].find((n) => n === other.name || other.aliases.includes(n));
      if (taken) throw new PlatformError('conflict', `The add-on name ${taken} already names the service ${other.name}.`);
    }
    const service: CatalogService = { ...spec, id: nameUuid(`addon-service:${spec.name}`) };
    this.byName.set(spec.name, service);
    return service;
  }

  /** Takes a registered service out (a partner provider was removed); false when there was none. */
  unregister(name: string): boolean {
    return this.byName.delete(name);
  }

  services(): CatalogService[] {
    return [...this.byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** The service's plans; exactly one has `default: true` (the marked one, else the first). */
  plans(service: CatalogService): CatalogPlan[] {
    const defaultName = (service.plans.find((p) => p.default) ?? service.plans[0])?.name;
    return service.plans.map((plan) => ({
      ...plan,
      default: plan.name === defaultName,
      id: nameUuid(`plan:${service.name}:${plan.name}`),
      fullName: `${service.name}:${plan.name}`,
      service,
    }));
  }

  /** A service by id, name or alias; undefined when there is none. */
  findService(identity: string): CatalogService | undefined {
    const key = identity.toLowerCase();
    for (const service of this.byName.values()) {
      if (service.id === key || service.name === key || service.aliases.includes(key)) return service;
    }
    return undefined;
  }

  /** A service by id, name or alias, or invalid_params listing the services there are. */
  service(identity: string): CatalogService {
    const found = this.findService(identity);
    if (!found) throw new PlatformError('invalid_params', `Unknown add-on service ${JSON.stringify(identity)}. Available services: ${this.describeServices()}.`);
    return found;
  }

  /** A plan of a service by id, short name or full name; undefined when there is none. */
  findPlan(service: CatalogService, identity: string): CatalogPlan | undefined {
    const key = identity.toLowerCase();
    const short = key.includes(':') ? key.slice(key.indexOf(':') + 1) : key;
    return this.plans(service).find((p) => p.id === key || p.name === short);
  }

  /**
   * Resolves what a user typed: `heroku-postgresql:essential-0`, `postgresql:essential-0`,
   * `redis` (the default plan) or a plan id. invalid_params names the valid services or plans.
   */
  resolvePlan(reference: string): CatalogPlan {
    const text = reference.trim();
    for (const service of this.byName.values()) {
      const byId = this.plans(service).find((p) => p.id === text.toLowerCase());
      if (byId) return byId;
    }
    const colon = text.indexOf(':');
    const service = this.service(colon < 0 ? text : text.slice(0, colon));
    if (colon < 0) return this.defaultPlan(service);
    const plan = this.findPlan(service, text.slice(colon + 1));
    if (!plan) {
      throw new PlatformError('invalid_params', `Add-on service ${service.name} has no plan ${JSON.stringify(text.slice(colon + 1))}. Plans: ${service.plans.map((p) => p.name).join(', ')}.`);
    }
    return plan;
  }

  /**
   * The catalog entry of a stored add-on's service and plan; a stand-in when the catalog no
   * longer has them (a partner service not registered since a restart), so the add-on still shows.
   */
  storedPlan(serviceName: string, planName: string): CatalogPlan {
    const service = this.byName.get(serviceName);
    const plan = service && this.findPlan(service, planName);
    if (plan) return plan;
    const standIn: CatalogService = {
      id: nameUuid(`addon-service:${serviceName}`),
      name: serviceName,
      humanName: serviceName,
      aliases: [],
      namePrefix: serviceName,
      attachmentName: serviceName.toUpperCase().replace(/-/g, '_'),
      colorPrefix: serviceName.toUpperCase().replace(/-/g, '_'),
      configVarSuffixes: [],
      supportsSharing: true,
      supportsMultipleInstallations: true,
      plans: [{ name: planName, humanName: planName, priceCents: 0, limits: {} }],
    };
    return this.plans(standIn)[0] as CatalogPlan;
  }

  defaultPlan(service: CatalogService): CatalogPlan {
    return this.plans(service).find((p) => p.default) as CatalogPlan;
  }

  private describeServices(): string {
    return this.services()
      .map((s) => (s.aliases.length > 0 ? `${s.name} (${s.aliases.join(', ')})` : s.name))
      .join(', ');
  }
}
