import { ApiError, appPath, type ApiClient } from './api-client.js';
import type { DynoJson } from './api-types.js';
import { CliError, UsageError } from './cli-error.js';
import type { FlagSpec } from './command.js';

export const runFlags: Record<string, FlagSpec> = {
  size: { type: 'string', short: 's', value: 'SIZE', description: 'dyno size, e.g. standard-2x (default standard-1x)' },
  type: { type: 'string', value: 'TYPE', description: 'process type to label the dyno with (default run)' },
  env: { type: 'string', short: 'e', value: 'KEY=VALUE', multiple: true, description: "extra environment variables (repeat -e, or split with ';')" },
};

/**
 * The command line sent to the dyno: one argument as it is (`berth run "rake test"` is a shell
 * line), several joined with spaces, each one that holds anything but plain word characters
 * single-quoted so the dyno's shell sees exactly those arguments
 * (`berth run -- node -e "process.exit(3)"`).
 */
export function buildCommand(args: readonly string[]): string {
  if (args.length === 1) return args[0] as string;
  return args.map((arg) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** `-e A=1 -e "B=2;C=3"` → {A, B, C}; a value may hold `=` but not `;`. Pure. */
export function parseEnvFlags(values: readonly string[]): Record<string, string> {
  const env = new Map<string, string>();
  for (const value of values) {
    for (const part of value.split(';')) {
      if (part.trim() === '') continue;
      const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/s.exec(part);
      if (!match) throw new UsageError(`-e ${JSON.stringify(part)} is invalid: use KEY=VALUE (names are letters, digits and underscores).`);
      env.set(match[1] as string, (match[2] as string).trim());
    }
  }
  return Object.fromEntries(env);
}

export interface OneOffBody {
  command: string;
  attach: boolean;
  env: Record<string, string>;
  size?: string;
  type?: string;
  force_no_tty?: boolean;
}

/** POST /apps/:app/dynos; a 409 (the release is not ready yet) is retried twice, as the official CLI does. */
export async function startOneOff(api: ApiClient, app: string, body: OneOffBody): Promise<DynoJson> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await api.post<DynoJson>(appPath(app, '/dynos'), body);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 409) || attempt >= 2) throw err;
    }
  }
}
