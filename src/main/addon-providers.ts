/**
 * Berth's built-in add-on providers, wired to where their servers are: `heroku-postgresql` on the
 * PostgreSQL server the host agent runs (asked for with `addons.postgres.ensure`, reached over its
 * unix socket as the superuser) or on an admin's server (`--addons-postgres-url`, a superuser
 * URL whose host dynos must be able to reach); `heroku-redis` on Redis servers the agent runs.
 */
import type { AgentConnection } from '../agent/agent-connection.js';
import { PostgresProvider, type PostgresTarget } from '../addons/postgres-provider.js';
import { RedisProvider } from '../addons/redis-provider.js';

export interface BuiltinAddonProviders {
  postgres: PostgresProvider;
  redis: RedisProvider;
}

/** The target of `--addons-postgres-url`: admin = that URL, dynos use its host and port. */
export function externalPostgres(url: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('--addons-postgres-url must be a URL such as postgres://postgres:secret@10.0.0.5:5432/postgres');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw new Error(`--addons-postgres-url must start with postgres://, not ${parsed.protocol}//`);
  if (!parsed.hostname) throw new Error('--addons-postgres-url needs a host that dynos can reach');
  return { admin: { connectionString: url }, host: parsed.hostname, port: Number(parsed.port || 5432) };
}

export function builtinAddonProviders(agent: AgentConnection, postgresUrl?: string): BuiltinAddonProviders {
  const external = postgresUrl !== undefined ? externalPostgres(postgresUrl) : undefined;
  const postgres = new PostgresProvider({
    target: async () => {
      if (external) return external;
      const endpoint = await agent.ensurePostgres();
      return { admin: { host: endpoint.socketDir, port: endpoint.port, user: 'postgres', database: 'postgres' }, host: endpoint.host, port: endpoint.port };
    },
  });
  return { postgres, redis: new RedisProvider(agent) };
}
