import type { AddonServiceSpec } from './addon-catalog.js';

/**
 * Berth's built-in add-on services under Heroku's names, so scripts and app.json files written
 * for Heroku work: Postgres plans with connection and storage limits, Redis plans with maxmemory.
 * Prices are Heroku's (shown, never charged). The built-in providers read their plans and limits
 * from here (src/addons/addon-plans.ts), so what the API offers is what they make.
 */

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
      { name: 'mini', humanName: 'Mini (legacy)', priceCents: 500, limits: { connections: 20, storageBytes: 1 * GB } },
      { name: 'basic', humanName: 'Basic (legacy)', priceCents: 900, limits: { connections: 20, storageBytes: 10 * GB } },
      { name: 'standard-0', humanName: 'Standard 0', priceCents: 5000, limits: { connections: 120, storageBytes: 64 * GB } },
      { name: 'standard-2', humanName: 'Standard 2', priceCents: 20000, limits: { connections: 400, storageBytes: 256 * GB } },
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
