import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseAllowedRanges } from '../core/address-policy.js';
import { DEFAULT_KEEP_RELEASES, parseByteSize } from '../core/disk-policy.js';
import { isCertifiableName, LETS_ENCRYPT_DIRECTORY } from '../core/acme-plan.js';

/** Automatic certificates (ACME) for `<app>.<domain>` and custom domains. */
export interface AcmeOptions {
  directoryUrl: string;
  email?: string;
  /** PEM file of a CA trusted for the ACME directory's own TLS only (hidden flag: pebble in tests). */
  directoryCaFile?: string;
  /** host:port of a DNS server for the reachability check instead of the system resolver (hidden flag for tests). */
  dnsServer?: string;
  /** First wait after a failed attempt, doubling (default 5 minutes; hidden flag for tests). */
  retryBaseMs?: number;
  /** How often every hostname is looked at (default 1 hour; hidden flag for tests). */
  intervalMs?: number;
}
export interface UpOptions {
  dataDir: string;
  bind: string;
  apiPort: number;
  apiTlsPort: number;
  routerPort: number;
  routerTlsPort: number;
  rendezvousPort: number;
  domain: string;
  /** Build dynos may reach the internet (package registries) through NAT on the dyno bridge. */
  outbound: boolean;
  /** The npm registry (or mirror) buildpacks use for Node.js, npm, yarn, pnpm and packages. */
  npmRegistry?: string;
  databaseUrl?: string;
  /** A superuser URL of an existing PostgreSQL server for heroku-postgresql add-ons (default: Berth runs its own). */
  addonsPostgresUrl?: string;
  adminEmail: string;
  /** How long a web dyno has to bind $PORT before R10 (default 60 s; hidden flag for tests). */
  bootTimeoutMs?: number;
  /** R14 and runtime-metrics lines every N ms instead of every 20 s (hidden flag for tests). */
  metricsIntervalMs?: number;
  /** SIGTERM → SIGKILL grace when the dyno manager stops a dyno (default 30 s; hidden flag for tests). */
  stopGraceMs?: number;
  /** Cool-off before restarting a dyno that crashed twice in a row, doubling after (default 10 s; hidden flag for tests). */
  crashCoolOffMs?: number;
  /** Waits before each retry of a failed sync webhook delivery (default: doubling from 15 s, about an hour; hidden flag for tests). */
  webhookRetryDelaysMs?: number[];
  /** Router worker processes (default: one per core). */
  workers?: number;
  /** CIDR ranges tenant URLs (drains, source URLs, buildpacks, error pages) may reach although private. */
  allowPrivateUrls: string[];
  /** Bytes apps may use on disk before garbage collection drops build caches (default: half the data dir's filesystem). */
  diskBudgetBytes?: number;
  /** Slugs of the newest N releases per app survive garbage collection (default 10). */
  keepReleases: number;
  /** The most a build may leave of one app: new slug + build cache + logs (default 4 GiB). */
  appDiskCapBytes?: number;
  /** git over SSH on this port (Berth's own sshd; 0 picks a free port); undefined: off. */
  sshPort?: number;
  /** A dashboard session unused this long ends (default 2 h). */
  sessionIdleMs?: number;
  /** A dashboard session ends this long after login, used or not (default 24 h). */
  sessionMaxMs?: number;
  /** The built dashboard to serve at / (default: dist/web of this checkout). */
  dashboardDir?: string;
  /** What dynos see as /: the berth-24 stack image (`stack`) or the host's own /usr (`host`). */
  dynoRoot: 'stack' | 'host';
  /** The per-host stack image cache (default /var/cache/berth/stacks, or BERTH_STACK_CACHE). */
  stackCacheDir: string;
  /** The stack package lists (BERTH_STACK_LISTS; default the checkout's stacks/). */
  stackListsDir?: string;
  /** Idling apps' web dynos idle after this long without a request (default 30 min; `--idle-after`, hidden `--idle-after-ms`). */
  idleAfterMs: number;
  /** Daily backups of Berth itself into this directory (`--backup-dir`), keeping the newest `keep`. */
  backups?: { dir: string; keep: number; everyMs?: number };
  /** Automatic certificates; undefined: off. */
  acme?: AcmeOptions;
}

/** What of this host the option defaults depend on. */
export interface UpHost {
  /** Root, or CAP_NET_BIND_SERVICE: ports below 1024 can be bound. */
  canBindLowPorts: boolean;
}

/** What dynos see as / when `up` has no --dyno-root: BERTH_DYNO_ROOT, else the stack image. */
export function defaultDynoRoot(env: NodeJS.ProcessEnv): string {
  return env.BERTH_DYNO_ROOT || 'stack';
}

export const UP_HELP = `Usage: bin/berth up [options]

Installs what is missing (apt packages, npm dependencies, the berth-24 stack images dynos run
on: minutes once per host), builds, and runs Berth in the foreground: the Platform API (HTTP and HTTPS), the git service and the router. State lives in
SQLite under --data-dir unless --database-url (or DATABASE_URL) names a PostgreSQL database.
Running it again reuses the data. Ctrl-C or SIGTERM stops it cleanly; SIGHUP (an upgrade,
\`systemctl reload berth\`) stops only the control plane: apps keep serving and the next
\`bin/berth up\` adopts them.

Options:
  --data-dir DIR        state, blobs, TLS files and admin.key (default ~/.berth, or BERTH_DATA_DIR)
  --api-port N          Platform API over HTTP (default 5000; 0 picks a free port)
  --api-tls-port N      Platform API and git over HTTPS (default 5443; 0 picks a free port)
  --router-port N       HTTP router for apps (default 8080, or 80 with a public --domain when run as
                        root or with CAP_NET_BIND_SERVICE; 0 picks a free port)
  --router-tls-port N   HTTPS router for apps (default 8443, or 443 like --router-port; 0 picks a
                        free port)
  --rendezvous-port N   TLS port where berth run and heroku run attach to one-off dynos
                        (default 5001; 0 picks a free port)
  --outbound on|off     let build dynos reach the internet through NAT, for npm installs
                        (default on; turns on IPv4 forwarding on this host)
  --dyno-root stack|host  what dynos see as /: the berth-24 stack image, built once per host into
                        --stack-cache (minutes, with progress), or the host's own /usr
                        (default stack, or BERTH_DYNO_ROOT)
  --stack-cache DIR     per-host stack images (default /var/cache/berth/stacks, or BERTH_STACK_CACHE);
                        BERTH_STACK_LISTS=DIR builds them from DIR/berth-24/{run,build}.packages
                        instead of this checkout's stacks/ (your own packages, e.g. a library)
  --npm-registry URL    npm registry (or mirror) for Node.js runtimes and packages in builds
                        (default $BERTH_NPM_REGISTRY, else https://registry.npmjs.org/)
  --domain D            apps are served at <app>.<D> (default localhost); point a wildcard DNS
                        record *.<D> at this host
  --bind ADDR           address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  --acme on|off         automatic certificates (ACME, HTTP-01 through the router on port 80) for
                        <app>.<domain> and every custom domain (default on with a public --domain
                        and a --bind that is not loopback, else off)
  --acme-directory URL  the ACME CA's directory (default Let's Encrypt:
                        ${LETS_ENCRYPT_DIRECTORY})
  --acme-email EMAIL    contact address of the ACME account (expiry notices; optional)
  --database-url URL    postgres://user:pass@host:port/db instead of SQLite (or DATABASE_URL)
  --addons-postgres-url URL
                        heroku-postgresql add-ons on this existing server (a superuser URL whose
                        host dynos can reach) instead of the PostgreSQL server Berth runs itself
  --admin-email EMAIL   email of the admin account created on first start (default admin@<domain>)
  --workers N           router worker processes (default: one per core; a running host agent
                        that is adopted keeps its own)
  --allow-private-urls CIDR
                        let app-supplied URLs (log drains, source_blob.url, buildpack git URLs,
                        ERROR_PAGE_URL) reach this private or loopback range; repeatable
                        (default: none; such URLs are refused by policy)
  --disk-budget SIZE    disk apps may use (slugs, unpacked slugs, build caches, git repos, logs),
                        e.g. 20G or 512M; over it, garbage collection drops build caches, least
                        recently used first (default: half the data dir's filesystem)
  --app-disk-cap SIZE   the most one app may keep on disk after a build: its new slug, build cache
                        and logs (default 4G); a cache over it is cleared, a slug over it fails
                        the build (app_disk_full)
  --ssh-port N|off      git over SSH (ssh://git@HOST:N/APP.git) on Berth's own sshd, with the keys
                        of berth keys:add (default 2222; 0 picks a free port; off: no SSH)
  --session-idle-minutes N
                        a dashboard login unused this long ends (default 120; each use slides it)
  --session-max-hours N a dashboard login ends this long after it began, used or not (default 24)
  --idle-after MIN      idle the web dynos of eco apps and of apps with ps:autoidle on after MIN
                        minutes without a request (default 30); the next request wakes them
  --backup-dir DIR      back up Berth itself (as admin:backup does) into DIR once a day:
                        berth-backup-<UTC time>.tar.gz; a missed day runs shortly after start
  --backup-keep N       keep the newest N of those backups (default 7; needs --backup-dir)
  --keep-releases N     keep the slugs of each app's newest N releases for rollbacks; older ones
                        are garbage-collected (default 10; the current release's slug always stays)
  -h, --help            this help

Examples:
  bin/berth up
  bin/berth up --data-dir /tmp/b2 --api-port 5100 --api-tls-port 5543 --router-port 8180 --router-tls-port 8543
  bin/berth up --domain apps.example.com --bind 0.0.0.0 --database-url postgres://berth@db/berth
  sudo bin/berth up --domain example.com --bind 0.0.0.0 --acme-email ops@example.com
`;

function port(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new Error(`--${name} must be a port number from 0 to 65535, not ${JSON.stringify(value)}.`);
  return n;
}

function checkPostgresUrl(value: string): string {
  if (!/^postgres(ql)?:\/\/[^/]+/.test(value)) throw new Error(`--addons-postgres-url must be a superuser URL such as postgres://postgres:secret@10.0.0.5:5432/postgres, not ${JSON.stringify(value)}.`);
  return value;
}

function milliseconds(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new Error(`--${name} must be a number of milliseconds from ${min} to ${max}, not ${JSON.stringify(value)}.`);
  }
  return Number(value);
}

function wholeNumber(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}.`);
  return Number(value);
}

function npmRegistry(url: string | undefined): { npmRegistry?: string } {
  if (url === undefined) return {};
  if (!/^https?:\/\/[^\s]+$/.test(url)) throw new Error(`--npm-registry (or BERTH_NPM_REGISTRY) must be an http(s) URL, not ${JSON.stringify(url)}.`);
  return { npmRegistry: url };
}

/** Parses `bin/berth up` flags; env is consulted only for defaults. Throws on bad input. */
export function parseUpOptions(argv: string[], env: NodeJS.ProcessEnv, host: UpHost = { canBindLowPorts: false }): UpOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      'data-dir': { type: 'string' },
      'api-port': { type: 'string' },
      'api-tls-port': { type: 'string' },
      'router-port': { type: 'string' },
      'router-tls-port': { type: 'string' },
      outbound: { type: 'string' },
      'npm-registry': { type: 'string' },
      'dyno-root': { type: 'string' },
      'stack-cache': { type: 'string' },
      'rendezvous-port': { type: 'string' },
      domain: { type: 'string' },
      bind: { type: 'string' },
      'database-url': { type: 'string' },
      'addons-postgres-url': { type: 'string' },
      'admin-email': { type: 'string' },
      workers: { type: 'string' },
      'allow-private-urls': { type: 'string', multiple: true },
      'disk-budget': { type: 'string' },
      'app-disk-cap': { type: 'string' },
      'keep-releases': { type: 'string' },
      'ssh-port': { type: 'string' },
      'session-idle-minutes': { type: 'string' },
      'session-max-hours': { type: 'string' },
      'idle-after': { type: 'string' },
      'backup-dir': { type: 'string' },
      'backup-keep': { type: 'string' },
      'backup-every-ms': { type: 'string' },
      acme: { type: 'string' },
      'acme-directory': { type: 'string' },
      'acme-email': { type: 'string' },
      // Hidden flags for tests: --acme-ca-cert FILE, --acme-dns-server HOST:PORT, --acme-retry-ms, --acme-interval-ms.
      'acme-ca-cert': { type: 'string' },
      'acme-dns-server': { type: 'string' },
      'acme-retry-ms': { type: 'string' },
      'acme-interval-ms': { type: 'string' },
      // Hidden flags for tests, not in UP_HELP: --boot-timeout-ms, --metrics-interval-ms, --stop-grace-ms, --crash-cool-off-ms, --webhook-retry-delays-ms (comma-separated), --idle-after-ms, --backup-every-ms.
      'idle-after-ms': { type: 'string' },
      'boot-timeout-ms': { type: 'string' },
      'metrics-interval-ms': { type: 'string' },
      'stop-grace-ms': { type: 'string' },
      'crash-cool-off-ms': { type: 'string' },
      'webhook-retry-delays-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const domain = (values.domain ?? 'localhost').toLowerCase().replace(/\.$/, '');
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(domain)) {
    throw new Error(`--domain must be a DNS name such as apps.example.com, not ${JSON.stringify(values.domain)}.`);
  }
  const dynoRoot = values['dyno-root'] ?? defaultDynoRoot(env);
  if (dynoRoot !== 'stack' && dynoRoot !== 'host') throw new Error(`--dyno-root (or BERTH_DYNO_ROOT) must be stack or host, not ${JSON.stringify(dynoRoot)}.`);
  const outbound = values.outbound ?? 'on';
  if (outbound !== 'on' && outbound !== 'off') throw new Error(`--outbound must be on or off, not ${JSON.stringify(outbound)}.`);
  const bootTimeout = milliseconds('boot-timeout-ms', values['boot-timeout-ms'], 100, 3_600_000);
  const metricsInterval = milliseconds('metrics-interval-ms', values['metrics-interval-ms'], 100, 3_600_000);
  const stopGrace = milliseconds('stop-grace-ms', values['stop-grace-ms'], 0, 3_600_000);
  const crashCoolOff = milliseconds('crash-cool-off-ms', values['crash-cool-off-ms'], 100, 3_600_000);
  const idleAfterText = values['idle-after'] ?? '30';
  if (!/^\d+$/.test(idleAfterText) || Number(idleAfterText) < 1 || Number(idleAfterText) > 10_080) {
    throw new Error(`--idle-after must be a whole number of minutes from 1 to 10080, not ${JSON.stringify(idleAfterText)}.`);
  }
  const idleAfterMs = milliseconds('idle-after-ms', values['idle-after-ms'], 100, 604_800_000) ?? Number(idleAfterText) * 60_000;
  const backupKeepText = values['backup-keep'];
  if (backupKeepText !== undefined && values['backup-dir'] === undefined) throw new Error('--backup-keep needs --backup-dir DIR, the directory the daily backups go to.');
  if (backupKeepText !== undefined && (!/^\d+$/.test(backupKeepText) || Number(backupKeepText) < 1 || Number(backupKeepText) > 1000)) {
    throw new Error(`--backup-keep must be a whole number of backups from 1 to 1000, not ${JSON.stringify(backupKeepText)}.`);
  }
  const backupEvery = milliseconds('backup-every-ms', values['backup-every-ms'], 100, 604_800_000);
  const backups = values['backup-dir'] === undefined ? undefined : { dir: resolve(values['backup-dir']), keep: Number(backupKeepText ?? '7'), ...(backupEvery !== undefined ? { everyMs: backupEvery } : {}) };
  const retryText = values['webhook-retry-delays-ms'];
  const retryDelays = retryText === undefined ? undefined : retryText.split(',').map((part) => milliseconds('webhook-retry-delays-ms', part.trim(), 0, 3_600_000) as number);
  const workers = values.workers;
  if (workers !== undefined && (!/^\d+$/.test(workers) || Number(workers) < 1 || Number(workers) > 256)) {
    throw new Error(`--workers must be a number of router worker processes from 1 to 256, not ${JSON.stringify(workers)}.`);
  }
  const allowPrivateUrls = values['allow-private-urls'] ?? [];
  parseAllowedRanges(allowPrivateUrls);
  const budgetText = values['disk-budget'];
  const diskBudget = budgetText === undefined ? undefined : parseByteSize(budgetText);
  if (budgetText !== undefined && diskBudget === undefined) throw new Error(`--disk-budget must be a size such as 20G, 512M or 1048576 (bytes), not ${JSON.stringify(budgetText)}.`);
  const capText = values['app-disk-cap'];
  const appDiskCap = capText === undefined ? undefined : parseByteSize(capText);
  if (capText !== undefined && appDiskCap === undefined) throw new Error(`--app-disk-cap must be a size such as 4G, 512M or 1048576 (bytes), not ${JSON.stringify(capText)}.`);
  const keepText = values['keep-releases'] ?? String(DEFAULT_KEEP_RELEASES);
  if (!/^\d+$/.test(keepText) || Number(keepText) < 1 || Number(keepText) > 1000) throw new Error(`--keep-releases must be a whole number from 1 to 1000, not ${JSON.stringify(keepText)}.`);
  const idleMinutes = wholeNumber('session-idle-minutes', values['session-idle-minutes'], 1, 7 * 24 * 60);
  const maxHours = wholeNumber('session-max-hours', values['session-max-hours'], 1, 90 * 24);
  const sshText = values['ssh-port'] ?? '2222';
  const sshPort = sshText === 'off' ? undefined : port('ssh-port', sshText, 2222);
  const bind = values.bind ?? '127.0.0.1';
  // A public domain, run where ports 80 and 443 can be bound: the router takes them (ACME's HTTP-01 needs 80).
  const lowPorts = values.domain !== undefined && isCertifiableName(domain) && host.canBindLowPorts;
  return {
    dataDir: resolve(values['data-dir'] ?? env.BERTH_DATA_DIR ?? join(homedir(), '.berth')),
    bind,
    apiPort: port('api-port', values['api-port'], 5000),
    apiTlsPort: port('api-tls-port', values['api-tls-port'], 5443),
    routerPort: port('router-port', values['router-port'], lowPorts ? 80 : 8080),
    routerTlsPort: port('router-tls-port', values['router-tls-port'], lowPorts ? 443 : 8443),
    rendezvousPort: port('rendezvous-port', values['rendezvous-port'], 5001),
    outbound: outbound === 'on',
    dynoRoot,
    stackCacheDir: resolve(values['stack-cache'] ?? (env.BERTH_STACK_CACHE || '/var/cache/berth/stacks')),
    ...(env.BERTH_STACK_LISTS ? { stackListsDir: resolve(env.BERTH_STACK_LISTS) } : {}),
    ...npmRegistry(values['npm-registry'] ?? (env.BERTH_NPM_REGISTRY || undefined)),
    domain,
    databaseUrl: values['database-url'] ?? (env.DATABASE_URL || undefined),
    ...(values['addons-postgres-url'] !== undefined ? { addonsPostgresUrl: checkPostgresUrl(values['addons-postgres-url']) } : {}),
    adminEmail: values['admin-email'] ?? `admin@${domain}`,
    allowPrivateUrls,
    ...(bootTimeout !== undefined ? { bootTimeoutMs: bootTimeout } : {}),
    ...(metricsInterval !== undefined ? { metricsIntervalMs: metricsInterval } : {}),
    ...(stopGrace !== undefined ? { stopGraceMs: stopGrace } : {}),
    ...(crashCoolOff !== undefined ? { crashCoolOffMs: crashCoolOff } : {}),
    ...(retryDelays !== undefined ? { webhookRetryDelaysMs: retryDelays } : {}),
    ...(workers !== undefined ? { workers: Number(workers) } : {}),
    ...(diskBudget !== undefined ? { diskBudgetBytes: diskBudget } : {}),
    keepReleases: Number(keepText),
    ...(appDiskCap !== undefined ? { appDiskCapBytes: appDiskCap } : {}),
    ...(sshPort !== undefined ? { sshPort } : {}),
    ...(idleMinutes !== undefined ? { sessionIdleMs: idleMinutes * 60_000 } : {}),
    ...(maxHours !== undefined ? { sessionMaxMs: maxHours * 3_600_000 } : {}),
    idleAfterMs,
    ...(backups ? { backups } : {}),
    ...acmeOptions(values, domain, bind),
  };
}

const LOOPBACK_BIND = /^(127\.|localhost$|::1$|\[::1\]$)/;

/** `--acme*`: on by default for a public domain served beyond loopback; checks each value. */
function acmeOptions(values: Record<string, string | boolean | string[] | undefined>, domain: string, bind: string): { acme?: AcmeOptions } {
  const text = values.acme as string | undefined;
  if (text !== undefined && text !== 'on' && text !== 'off') throw new Error(`--acme must be on or off, not ${JSON.stringify(text)}.`);
  const on = text === undefined ? isCertifiableName(domain) && !LOOPBACK_BIND.test(bind) : text === 'on';
  if (!on) return {};
  if (!isCertifiableName(domain)) throw new Error(`--acme on needs a --domain a public CA can certify (a DNS name such as apps.example.com), not ${JSON.stringify(domain)}.`);
  const directoryUrl = (values['acme-directory'] as string | undefined) ?? LETS_ENCRYPT_DIRECTORY;
  if (!/^https?:\/\/[^\s]+$/.test(directoryUrl)) throw new Error(`--acme-directory must be the http(s) URL of an ACME directory, not ${JSON.stringify(directoryUrl)}.`);
  const email = values['acme-email'] as string | undefined;
  if (email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new Error(`--acme-email must be an email address, not ${JSON.stringify(email)}.`);
  const dnsServer = values['acme-dns-server'] as string | undefined;
  if (dnsServer !== undefined && !/^[0-9a-f.:[\]]+$/i.test(dnsServer)) throw new Error(`--acme-dns-server must be an address such as 127.0.0.1:5353, not ${JSON.stringify(dnsServer)}.`);
  const retry = milliseconds('acme-retry-ms', values['acme-retry-ms'] as string | undefined, 10, 86_400_000);
  const interval = milliseconds('acme-interval-ms', values['acme-interval-ms'] as string | undefined, 10, 86_400_000);
  const caFile = values['acme-ca-cert'] as string | undefined;
  return {
    acme: {
      directoryUrl,
      ...(email !== undefined ? { email } : {}),
      ...(caFile !== undefined ? { directoryCaFile: resolve(caFile) } : {}),
      ...(dnsServer !== undefined ? { dnsServer } : {}),
      ...(retry !== undefined ? { retryBaseMs: retry } : {}),
      ...(interval !== undefined ? { intervalMs: interval } : {}),
    },
  };
}
