// The import-layering table: the single source of truth for which top-level
// folder of src/ (a "component") may import which. ARCHITECTURE.md explains
// the layers in prose; when they disagree, this table is what the test suite
// enforces (test/architecture/layering.test.ts), so change both together.
//
// Dependencies point inward: edges (api, cli) → components → core.
// A folder's own files may always import each other. Every folder under src/
// must appear here; a new one fails the test until it is added.

import type { LayerRules } from './import-graph.js';

export const LAYERS: LayerRules = {
  // Domain types and pure logic: no I/O, no Node builtins, no npm packages.
  core: { mayImport: [], node: false, packages: false },

  // State store port, adapters and migrations. Adapters never import each other.
  store: {
    mayImport: ['core'],
    node: true,
    packages: ['kysely', 'better-sqlite3', 'pg'],
    isolated: [['sqlite*', 'postgres*']],
  },

  // Accounts, passwords and API keys (hashing lives here, not in core: it needs node:crypto).
  accounts: { mayImport: ['core', 'store'], node: true, packages: false },

  // Local certificate authority.
  pki: { mayImport: ['core'], node: true, packages: false },

  // Edges.
  api: { mayImport: ['core', 'store', 'accounts'], node: true, packages: false },
  cli: { mayImport: ['core'], node: true, packages: false },
  // The dashboard's built files (index.html, hashed assets) on the API's ports; the UI itself
  // talks to the Platform API over HTTP like any client.
  dashboard: { mayImport: ['core'], node: true, packages: false },

  // Composition roots: wire everything together; the only place reading env and options.
  main: {
    mayImport: ['core', 'store', 'accounts', 'pki', 'api', 'cli', 'dashboard', 'git', 'builder', 'blobs', 'runtime', 'router', 'logplex', 'scheduler', 'agent', 'addons', 'deploy', 'egress', 'webhooks', 'ssh', 'backup', 'stacks', 'acme'],
    node: true,
    packages: true,
  },

  // Spine components (see /work/spine-brief.md and ARCHITECTURE.md).
  git: { mayImport: ['core'], node: true, packages: false },
  // git over SSH: Berth's own sshd and the gate it calls back into; the git service serves the
  // commands through a port that main wires (SshGatePort), so ssh imports nothing but core.
  ssh: { mayImport: ['core'], node: true, packages: false },
  builder: { mayImport: ['core', 'runtime', 'blobs', 'egress'], node: true, packages: false },
  blobs: { mayImport: ['core'], node: true, packages: false },
  runtime: { mayImport: ['core'], node: true, packages: false },
  router: { mayImport: ['core', 'egress'], node: true, packages: false },
  logplex: { mayImport: ['core', 'egress'], node: true, packages: false },
  // The connect-time guard for tenant-supplied URLs (drains, source URLs, buildpack git URLs,
  // custom error pages); the address policy itself is pure, in core/address-policy.ts.
  egress: { mayImport: ['core'], node: true, packages: false },
  scheduler: { mayImport: ['core', 'store'], node: true, packages: false },
  // Stack images: the per-host cache of root filesystems dynos run on (built with mmdebstrap,
  // verified by content hash); main wires it into the runtime and the builder.
  stacks: { mayImport: ['core'], node: true, packages: false },
  // The host agent: runtime + logplex + router primary behind a unix-socket RPC, and the add-on
  // data servers (src/addons/addon-servers.ts) it runs.
  agent: { mayImport: ['core', 'runtime', 'logplex', 'router', 'addons'], node: true, packages: false },
  // The deploy pipeline of the control plane: push → build → release (phase) → dynos → routes.
  // It implements the API's ports (PlatformPort, DynoPort: types only), drives the builder, the
  // control plane's runtime and the dyno manager, takes pushes from the git service (types
  // only), and talks to the host agent through its AgentConnection.
  deploy: {
    mayImport: ['core', 'store', 'blobs', 'builder', 'runtime', 'scheduler', 'agent', 'egress'],
    mayImportTypes: ['api', 'git'],
    node: true,
    packages: false,
  },
  // Add-on providers: Berth's own Postgres/Redis servers and Heroku's partner API. Their port
  // (core/addon-provider.ts) and the catalog are in core, so the API needs no import of addons.
  // The partner providers implement the API's PartnerPort over the store and the partner
  // tokens they are handed (types only).
  addons: { mayImport: ['core', 'blobs', 'egress'], mayImportTypes: ['api', 'store', 'accounts'], node: true, packages: ['pg'] },
  // Backups of Berth itself (admin:backup / admin:restore): archive format, SQLite online
  // backup, pg_dump/pg_restore and tar, run by main on the data dir.
  backup: { mayImport: ['core'], node: true, packages: ['better-sqlite3'] },
  // Automatic certificates (ACME): the certificate manager, the acme-client issuer, the
  // reachability check and the challenges the router answers (through the route sync main wires).
  acme: { mayImport: ['core', 'store'], node: true, packages: ['acme-client'] },
  // The app webhook sender: deliveries from the store's queue, posted through the egress guard.
  webhooks: { mayImport: ['core', 'store', 'egress'], node: true, packages: false },
};
