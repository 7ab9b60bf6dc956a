/**
 * The `heroku-postgresql` provider: one database per add-on on Berth's own PostgreSQL server
 * (postgres-server.ts, run by the host agent) or on an admin's server (`--addons-postgres-url`).
 *
 * Per add-on: a NOLOGIN group role named like the database (`d` + 14 hex of the add-on id's hash,
 * so a crashed provisioning can be found and removed without a provider id), which owns the
 * database and everything in it; and a login role (`u` + random hex) with a random password,
 * member of the group and switched to it at login (`ALTER ROLE … SET role`), so tables belong to
 * the group and credentials can be replaced without touching the data. CONNECT and TEMPORARY are
 * revoked from PUBLIC; the plan's connection limit is the database's. Berth's own server also
 * refuses, in pg_hba.conf, any login into a database whose group the role is not in.
 */
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { findPlan, POSTGRES_PLANS, type PostgresPlan } from './addon-plans.js';
import { AddonProviderError, type AddonConfigSink, type AddonProvider, type AddonResource, type ProvisionRequest, type ProvisionResult } from './provider.js';

/** Where the server is: an admin (superuser) connection, and the host:port dynos use. */
export interface PostgresTarget {
  admin: pg.ClientConfig;
  host: string;
  port: number;
}

export interface PostgresProviderOptions {
  /** Resolves the server, starting it first when it is Berth's own (called before every operation). */
  target(): Promise<PostgresTarget>;
  plans?: readonly PostgresPlan[];
}

/** What `pg:info` shows about one add-on database. */
export interface PostgresInfo {
  database: string;
  serverVersion: string;
  plan: string;
  dataSizeBytes: number;
  storageLimitBytes: number;
  /** Over the plan's storage: reported, not enforced. */
  overStorage: boolean;
  tables: number;
  connections: number;
  connectionLimit: number;
}

const ident = (name: string): string => pg.escapeIdentifier(name);

/** The database (and group role) name of an add-on: stable, derived from its id. */
export function databaseName(resource: { addonId: string; providerId?: string | null }): string {
  if (resource.providerId && /^d[0-9a-f]{14}$/.test(resource.providerId)) return resource.providerId;
  return `d${createHash('sha256').update(resource.addonId).digest('hex').slice(0, 14)}`;
}

export class PostgresProvider implements AddonProvider {
  readonly service = 'heroku-postgresql';
  private readonly plans: readonly PostgresPlan[];

  constructor(private readonly options: PostgresProviderOptions) {
    this.plans = options.plans ?? POSTGRES_PLANS;
  }

  private plan(name: string): PostgresPlan {
    try {
      return findPlan(this.plans, this.service, name);
    } catch (err) {
      throw new AddonProviderError((err as Error).message);
    }
  }

  private async target(): Promise<PostgresTarget> {
    try {
      return await this.options.target();
    } catch (err) {
      throw new AddonProviderError(`The PostgreSQL server for add-ons is not available: ${(err as Error).message}`);
    }
  }

  /** Runs fn with a superuser connection to `database` (default `postgres`). */
  private async admin<T>(fn: (client: pg.Client, target: PostgresTarget) => Promise<T>, database?: string): Promise<T> {
    const target = await this.target();
    const client = new pg.Client({ ...target.admin, ...(database ? { database } : {}), connectionTimeoutMillis: 10_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (err) {
      throw new AddonProviderError(`Could not connect to the PostgreSQL server for add-ons: ${(err as Error).message}`);
    }
    try {
      return await fn(client, target);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async provision(request: ProvisionRequest): Promise<ProvisionResult> {
    const plan = this.plan(request.plan);
    const db = databaseName({ addonId: request.addonId });
    return this.admin(async (client, target) => {
      await this.dropAll(client, db); // leftovers of a provisioning that crashed half way
      await client.query(`CREATE ROLE ${ident(db)} NOLOGIN`);
      const login = await this.createLogin(client, db);
      await client.query(`CREATE DATABASE ${ident(db)} OWNER ${ident(db)} CONNECTION LIMIT ${plan.connections}`);
      await client.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${ident(db)} FROM PUBLIC`);
      return { state: 'provisioned', providerId: db, config: { URL: this.url(target, login, db) } };
    });
  }

  /**
   * After `admin:restore` on a new machine the add-on's database is missing from this server:
   * creates it empty with the name, group role, login role and password of `url` (the URL the
   * restored config holds, so apps keep their credentials) and returns the URL at this server's
   * host:port. `created` is false, and nothing changes, when the database exists.
   */
  async recreate(resource: AddonResource, url: string): Promise<{ created: boolean; url: string }> {
    const plan = this.plan(resource.plan);
    const db = databaseName(resource);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new AddonProviderError(`The config of ${resource.addonName} holds no database URL to recreate it from`);
    }
    const login = { role: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
    if (!/^u[0-9a-f]{14}$/.test(login.role) || login.password === '' || parsed.pathname !== `/${db}`) {
      throw new AddonProviderError(`The URL of ${resource.addonName} does not name its database ${db} with a Berth login role`);
    }
    return this.admin(async (client, target) => {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [db]);
      const here = this.url(target, login, db);
      if ((found.rowCount ?? 0) > 0) return { created: false, url: here };
      await this.dropAll(client, db);
      await client.query(`DROP ROLE IF EXISTS ${ident(login.role)}`);
      await client.query(`CREATE ROLE ${ident(db)} NOLOGIN`);
      await client.query(`CREATE ROLE ${ident(login.role)} LOGIN PASSWORD ${pg.escapeLiteral(login.password)} IN ROLE ${ident(db)}`);
      await client.query(`ALTER ROLE ${ident(login.role)} SET role = ${pg.escapeLiteral(db)}`);
      await client.query(`CREATE DATABASE ${ident(db)} OWNER ${ident(db)} CONNECTION LIMIT ${plan.connections}`);
      await client.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${ident(db)} FROM PUBLIC`);
      return { created: true, url: here };
    });
  }

  async changePlan(resource: AddonResource, planName: string): Promise<{ config?: Record<string, string>; message?: string }> {
    const plan = this.plan(planName);
    const db = databaseName(resource);
    return this.admin(async (client) => {
      const found = await client.query<{ size: string }>('SELECT pg_database_size(datname)::text AS size FROM pg_database WHERE datname = $1', [db]);
      if (found.rowCount === 0) throw new AddonProviderError(`The database of ${resource.addonName} does not exist on the server`);
      await client.query(`ALTER DATABASE ${ident(db)} CONNECTION LIMIT ${plan.connections}`);
      const size = Number(found.rows[0]!.size);
      return size > plan.storageBytes ? { message: `The database holds ${size} bytes, more than the ${plan.name} plan's ${plan.storageBytes}.` } : {};
    });
  }

  async deprovision(resource: AddonResource): Promise<void> {
    await this.admin((client) => this.dropAll(client, databaseName(resource)));
  }

  /**
   * A new login role and password for the add-on: the new URL goes out through the sink (a release
   * on every attached app), and once the dynos rolled onto it the old roles lose LOGIN, their
   * sessions end and they are dropped. Returns the new URL.
   */
  async rotateCredentials(resource: AddonResource, sink: Pick<AddonConfigSink, 'updateConfig'>): Promise<string> {
    const db = databaseName(resource);
    const { url, old } = await this.admin(async (client, target) => {
      const old = await this.logins(client, db);
      const login = await this.createLogin(client, db);
      return { url: this.url(target, login, db), old };
    });
    await sink.updateConfig(resource.addonId, { URL: url }, `Rotate credentials of ${resource.addonName}`, { untilRolled: true });
    await this.admin(async (client) => {
      for (const role of old) {
        await client.query(`ALTER ROLE ${ident(role)} NOLOGIN`);
        await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [role]);
        await client.query(`DROP ROLE IF EXISTS ${ident(role)}`);
      }
    });
    return url;
  }

  /** Empties the add-on's database (drops and recreates it); credentials stay the same. */
  async reset(resource: AddonResource): Promise<void> {
    const plan = this.plan(resource.plan);
    const db = databaseName(resource);
    await this.admin(async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${ident(db)} WITH (FORCE)`);
      await client.query(`CREATE DATABASE ${ident(db)} OWNER ${ident(db)} CONNECTION LIMIT ${plan.connections}`);
      await client.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${ident(db)} FROM PUBLIC`);
    });
  }

  async info(resource: AddonResource): Promise<PostgresInfo> {
    const plan = this.plan(resource.plan);
    const db = databaseName(resource);
    const row = await this.admin(async (client) => {
      const r = await client.query<{ version: string; size: string; connections: string; limit: number }>(
        `SELECT current_setting('server_version') AS version, pg_database_size(d.datname)::text AS size,
                (SELECT count(*) FROM pg_stat_activity a WHERE a.datname = d.datname)::text AS connections, d.datconnlimit AS limit
           FROM pg_database d WHERE d.datname = $1`,
        [db],
      );
      if (r.rowCount === 0) throw new AddonProviderError(`The database of ${resource.addonName} does not exist on the server`);
      return r.rows[0]!;
    });
    const tables = await this.admin(async (client) => {
      const r = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`);
      return Number(r.rows[0]!.n);
    }, db);
    const dataSizeBytes = Number(row.size);
    return {
      database: db,
      serverVersion: row.version,
      plan: plan.name,
      dataSizeBytes,
      storageLimitBytes: plan.storageBytes,
      overStorage: dataSizeBytes > plan.storageBytes,
      tables,
      connections: Number(row.connections),
      connectionLimit: row.limit,
    };
  }

  private url(target: PostgresTarget, login: { role: string; password: string }, db: string): string {
    return `postgres://${login.role}:${login.password}@${target.host}:${target.port}/${db}`;
  }

  private async createLogin(client: pg.Client, db: string): Promise<{ role: string; password: string }> {
    const role = `u${randomBytes(7).toString('hex')}`;
    const password = randomBytes(32).toString('hex');
    await client.query(`CREATE ROLE ${ident(role)} LOGIN PASSWORD ${pg.escapeLiteral(password)} IN ROLE ${ident(db)}`);
    await client.query(`ALTER ROLE ${ident(role)} SET role = ${pg.escapeLiteral(db)}`);
    return { role, password };
  }

  /** The login roles of the add-on (members of its group role). */
  private async logins(client: pg.Client, db: string): Promise<string[]> {
    const r = await client.query<{ rolname: string }>(
      `SELECT m.rolname FROM pg_auth_members am JOIN pg_roles g ON g.oid = am.roleid JOIN pg_roles m ON m.oid = am.member WHERE g.rolname = $1`,
      [db],
    );
    return r.rows.map((row) => row.rolname);
  }

  private async dropAll(client: pg.Client, db: string): Promise<void> {
    await client.query(`DROP DATABASE IF EXISTS ${ident(db)} WITH (FORCE)`);
    for (const role of await this.logins(client, db)) {
      await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [role]);
      await client.query(`DROP ROLE IF EXISTS ${ident(role)}`);
    }
    await client.query(`DROP ROLE IF EXISTS ${ident(db)}`);
  }
}
