import { appPath } from './api-client.js';
import { UsageError } from './cli-error.js';
import type { FlagSpec, FlagValues } from './command.js';

export type DynoTarget = { kind: 'all' } | { kind: 'dyno'; name: string } | { kind: 'type'; type: string };

export const targetFlags: Record<string, FlagSpec> = {
  'dyno-name': { type: 'string', short: 'd', value: 'DYNO', description: 'one dyno, e.g. web.1' },
  'process-type': { type: 'string', short: 'p', value: 'TYPE', description: 'every dyno of a process type, e.g. web' },
};

/** `web.1` names a dyno, `web` a process type (or -d / -p to say which); nothing means all. Pure. */
export function dynoTarget(arg: string | undefined, flags: FlagValues): DynoTarget {
  const dyno = typeof flags['dyno-name'] === 'string' ? flags['dyno-name'] : undefined;
  const type = typeof flags['process-type'] === 'string' ? flags['process-type'] : undefined;
  const given = [arg, dyno, type].filter((v) => v !== undefined);
  if (given.length > 1) throw new UsageError('Name one target: a dyno (web.1), a process type (web), -d DYNO or -p TYPE.');
  if (dyno !== undefined) return { kind: 'dyno', name: dyno };
  if (type !== undefined) return { kind: 'type', type };
  if (arg === undefined) return { kind: 'all' };
  return /^[\w-]+\.\d+$/.test(arg) ? { kind: 'dyno', name: arg } : { kind: 'type', type: arg };
}

/** `dyno web.1`, `all web dynos`, `all dynos`, as the official CLI words its progress. */
export function describeTarget(target: DynoTarget): string {
  if (target.kind === 'dyno') return `dyno ${target.name}`;
  if (target.kind === 'type') return `all ${target.type} dynos`;
  return 'all dynos';
}

/** The API path that restarts the target (DELETE), or, plus `/actions/stop`, stops it (POST). */
export function targetPath(app: string, target: DynoTarget): string {
  if (target.kind === 'dyno') return appPath(app, `/dynos/${encodeURIComponent(target.name)}`);
  if (target.kind === 'type') return appPath(app, `/formations/${encodeURIComponent(target.type)}`);
  return appPath(app, '/dynos');
}
