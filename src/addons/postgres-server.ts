/**
 * Berth's own PostgreSQL server for the `heroku-postgresql` add-on: one cluster under
 * DATADIR/addons/postgres, initialised on first use, run as the `postgres` user (service-jail.ts)
 * and supervised by the host agent (supervised-server.ts). It listens on the instance bridge's
 * gateway address, where dynos reach it, and on a unix socket for Berth itself. pg_hba.conf,
 * rewritten at every start, admits:
 *   - the superuser `postgres` on the unix socket only, by peer credentials (root or postgres);
 *   - TCP from the dyno subnet only, with SCRAM passwords, and only into a database whose
 *     same-named group role the login role belongs to (`samerole`): a role of app A cannot even
 *     try app B's database, and a guessed name is refused before any password is checked.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { JAIL_DIR, jailedArgv, SERVICE_ENV, serviceUser, type ServiceUser } from './service-jail.js';
import { processAlive, SupervisedServer } from './supervised-server.js';

const PG_ROOT = '/usr/lib/postgresql';

/** The newest Debian PostgreSQL bin dir (`/usr/lib/postgresql/<major>/bin`). */
export function postgresBinDir(root = PG_ROOT): string {
  const majors = existsSync(root) ? readdirSync(root).filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => b - a) : [];
  for (const major of majors) {
    const bin = join(root, String(major), 'bin');
    if (existsSync(join(bin, 'postgres')) && existsSync(join(bin, 'initdb'))) return bin;
  }
  throw new Error(`No PostgreSQL server under ${root}/*/bin; install Debian's postgresql package (scripts/install.sh does)`);
}

export interface PostgresServerOptions {
  /** DATADIR/addons/postgres */
  dir: string;
  /** The address dynos reach (the bridge gateway). */
  host: string;
  /** The dyno subnet admitted by pg_hba.conf, e.g. `10.213.4.0/24`. */
  subnet: string;
  log(message: string): void;
  /** false: fsync off (tests and benchmarks only). Default true. */
  durable?: boolean;
  maxConnections?: number;
}

/** Where Berth's clients find the server. */
export interface PostgresEndpoint {
  host: string;
  port: number;
  /** The unix socket directory (superuser `postgres`, peer authentication). */
  socketDir: string;
}

interface Settings {
  port: number;
}

export class PostgresServer {
  private readonly user: ServiceUser;
  private readonly bin = postgresBinDir();
  private server: SupervisedServer | undefined;
  private port = 0;

  constructor(private readonly options: PostgresServerOptions) {
    this.user = serviceUser('postgres', 'postgresql');
  }

  /** True when a cluster was initialised before (the agent restarts it at startup). */
  static exists(dir: string): boolean {
    return existsSync(join(dir, 'data', 'PG_VERSION'));
  }

  get endpoint(): PostgresEndpoint {
    if (!this.server) throw new Error('the PostgreSQL server is not started');
    return { host: this.options.host, port: this.port, socketDir: join(this.options.dir, 'run') };
  }

  get supervisor(): SupervisedServer | undefined {
    return this.server;
  }

  /** Initialises the cluster if needed, then adopts the running server or starts it. */
  async start(): Promise<'adopted' | 'started'> {
    const { dir } = this.options;
    await mkdir(join(dir, 'run'), { recursive: true, mode: 0o700 });
    await chown(dir, this.user.uid, this.user.gid);
    await chown(join(dir, 'run'), this.user.uid, this.user.gid);
    if (!PostgresServer.exists(dir)) await this.initdb();
    await this.ensureCertificate();
    this.port = await this.settledPort();
    await this.writeAccessRules();
    this.server = new SupervisedServer(
      {
        name: 'postgres',
        argv: jailedArgv(dir, this.user, this.command()),
        pidFile: join(dir, 'data', 'postmaster.pid'),
        workDir: join(dir, 'data'),
        logFile: join(dir, 'postgres.log'),
        stopSignal: 'SIGINT',
        ready: (pid, signal) => this.ready(pid, signal),
      },
      { log: this.options.log },
    );
    const outcome = await this.server.start();
    // An adopted server re-reads the access rules just written (the subnet may have changed).
    if (outcome === 'adopted' && this.server.pid !== undefined) process.kill(this.server.pid, 'SIGHUP');
    return outcome;
  }

  async stop(graceMs = 10_000): Promise<void> {
    await this.server?.stop(graceMs);
  }

  /** Lets go of the server without stopping it (see SupervisedServer.release). */
  release(): void {
    this.server?.release();
  }

  private command(): string[] {
    const durable = this.options.durable ?? true;
    return [
      join(this.bin, 'postgres'), '-D', `${JAIL_DIR}/data`, '-p', String(this.port), '-k', `${JAIL_DIR}/run`,
      '-c', `listen_addresses=${this.options.host}`, '-c', 'unix_socket_permissions=0700',
      '-c', `max_connections=${this.options.maxConnections ?? 200}`, '-c', 'password_encryption=scram-sha-256',
      '-c', 'cluster_name=berth-addons',
      // TLS like Heroku Postgres (apps often connect with `ssl: { rejectUnauthorized: false }`);
      // plain connections stay allowed.
      '-c', 'ssl=on', '-c', 'ssl_cert_file=server.crt', '-c', 'ssl_key_file=server.key',
      ...(durable ? [] : ['-c', 'fsync=off', '-c', 'full_page_writes=off']),
    ];
  }

  private initdb(): Promise<void> {
    const argv = jailedArgv(this.options.dir, this.user, [
      join(this.bin, 'initdb'), '-D', `${JAIL_DIR}/data`, '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8',
      '--auth-local=peer', '--auth-host=scram-sha-256', ...(this.options.durable ?? true ? [] : ['--no-sync']),
    ]);
    return new Promise((resolve, reject) => {
      execFile(argv[0]!, argv.slice(1), { env: SERVICE_ENV, timeout: 120_000 }, (err, _stdout, stderr) => {
        if (err) reject(new Error(`initdb of the add-on PostgreSQL cluster failed: ${stderr.trim() || err.message}`));
        else resolve();
      });
    });
  }

  /** A self-signed certificate for TLS connections (made once, kept in the data dir). */
  private async ensureCertificate(): Promise<void> {
    const data = join(this.options.dir, 'data');
    if (existsSync(join(data, 'server.crt')) && existsSync(join(data, 'server.key'))) return;
    await new Promise<void>((resolve, reject) => {
      execFile('/usr/bin/openssl', [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '3650',
        '-subj', '/CN=berth-addons-postgres', '-keyout', join(data, 'server.key'), '-out', join(data, 'server.crt'),
      ], { env: SERVICE_ENV, timeout: 30_000 }, (err, _stdout, stderr) => (err ? reject(new Error(`openssl could not make the server certificate: ${stderr.trim() || err.message}`)) : resolve()));
    });
    for (const name of ['server.crt', 'server.key']) await chown(join(data, name), this.user.uid, this.user.gid);
    await chmod(join(data, 'server.key'), 0o600);
  }

  /** The port chosen on first start, kept so add-on URLs stay the same across restarts. */
  private async settledPort(): Promise<number> {
    const file = join(this.options.dir, 'server.json');
    const saved = await readFile(file, 'utf8').then((t) => JSON.parse(t) as Settings, () => undefined);
    if (saved && Number.isInteger(saved.port)) return saved.port;
    const port = await freePort(this.options.host);
    await writeFile(file, `${JSON.stringify({ port } satisfies Settings)}\n`, { mode: 0o600 });
    return port;
  }

  private async writeAccessRules(): Promise<void> {
    const data = join(this.options.dir, 'data');
    const hba = [
      '# Written by Berth at every start of the add-on server; edits are lost.',
      'local   all       postgres                 peer map=berth',
      `host    samerole  all       ${this.options.subnet.padEnd(16)} scram-sha-256`,
      '',
    ].join('\n');
    const ident = ['# Written by Berth: who may log in as the superuser on the unix socket.', 'berth   root      postgres', 'berth   postgres  postgres', ''].join('\n');
    for (const [name, text] of [['pg_hba.conf', hba], ['pg_ident.conf', ident]] as const) {
      await writeFile(join(data, name), text, { mode: 0o600 });
      await chown(join(data, name), this.user.uid, this.user.gid);
    }
  }

  /** Ready when postmaster.pid says so (PostgreSQL writes `ready` on its 8th line). */
  private async ready(pid: number, signal: AbortSignal): Promise<void> {
    const file = join(this.options.dir, 'data', 'postmaster.pid');
    while (!signal.aborted) {
      if (!processAlive(pid)) throw new Error('exited while starting');
      const lines = await readFile(file, 'utf8').then((t) => t.split('\n'), () => [] as string[]);
      if (Number(lines[0]) === pid && lines[7]?.trim() === 'ready') return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('timed out');
  }
}
