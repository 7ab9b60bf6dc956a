/**
 * resolveDynoSpec: validates a DynoSpec and resolves what the runtime needs from it: limits
 * (size + overrides), uid, port, cwd, env. Every rejection says which field is wrong and what is
 * allowed.
 */
import { posix } from 'node:path';
import { DEFAULT_DYNO_SIZE, DYNO_SIZES, DYNO_SIZE_NAMES, findDynoSize } from '../core/dyno-size.js';
import { dynoEnv } from './dyno-env.js';
import { type UidRange, uidForApp, validUid } from './dyno-uid.js';
import { RuntimeError } from './errors.js';
import type { DynoLimits, DynoSpec } from './types.js';

export interface ResolvedDynoSpec {
  limits: DynoLimits;
  uid: number;
  port: number;
  cwd: string;
  env: Record<string, string>;
  hostname: string;
}

/** The scratch size standby sandboxes are made with (standard-1x's); others are resized. */
export const DEFAULT_SIZE_SCRATCH = DYNO_SIZES[DEFAULT_DYNO_SIZE].scratchBytes;

const ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;
const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const invalid = (message: string): RuntimeError => new RuntimeError('invalid_spec', message);

/** Absolute, normalized, and safe inside an overlay option string. */
export function checkPath(field: string, path: string, forOverlay = false): string {
  if (typeof path !== 'string' || !path.startsWith('/') || posix.normalize(path) !== path || path.includes('\0')) {
    throw invalid(`${field} must be an absolute, normalized path (got ${JSON.stringify(path)})`);
  }
  if (forOverlay && /[,:\\]/.test(path)) throw invalid(`${field} must not contain ',', ':' or '\\' (overlayfs option syntax): ${path}`);
  return path;
}

export function resolveDynoSpec(spec: DynoSpec, uids: UidRange): ResolvedDynoSpec {
  if (!ID.test(spec.id)) throw invalid(`Dyno id ${JSON.stringify(spec.id)} must be 1–64 letters, digits and dashes (a uuid)`);
  if (!NAME.test(spec.name)) throw invalid(`Dyno name ${JSON.stringify(spec.name)} must look like web.1, run.2 or build`);
  if (typeof spec.command !== 'string' || spec.command.trim() === '' || spec.command.includes('\0')) {
    throw invalid(`Dyno ${spec.name} needs a command (a non-empty shell command line)`);
  }
  const size = findDynoSize(spec.size);
  if (!size) throw new RuntimeError('unknown_size', `Unknown dyno size ${JSON.stringify(spec.size)}. Use one of: ${DYNO_SIZE_NAMES.join(', ')}`);
  const limits: DynoLimits = {
    memoryQuotaBytes: size.memoryQuotaBytes,
    memoryLimitBytes: size.memoryLimitBytes,
    cpuShares: size.cpuShares,
    cpuQuotaCores: size.cpuQuotaCores,
    pidsMax: size.pidsMax,
    scratchBytes: size.scratchBytes,
    dedicatedCpus: size.dedicatedCpus,
    ...spec.limits,
  };
  if (spec.limits?.memoryQuotaBytes !== undefined && spec.limits.memoryLimitBytes === undefined) {
    limits.memoryLimitBytes = limits.memoryQuotaBytes * 2;
  }
  for (const [key, value] of Object.entries(limits)) {
    if (key === 'cpuQuotaCores' && value === null) continue;
    if (key === 'dedicatedCpus' && Number.isInteger(value) && (value as number) >= 0) continue;
    if (typeof value !== 'number' || !(value > 0)) throw invalid(`limits.${key} must be a positive number`);
  }
  const uid = spec.uid ?? uidForApp(spec.appId, uids);
  if (!validUid(uid)) throw invalid(`uid ${uid} is not allowed: use an unprivileged uid from 1000 up (not 65534)`);
  const port = spec.port ?? 5000;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalid(`port ${port} must be 1–65535`);
  const cwd = checkPath('cwd', spec.cwd ?? '/app');
  if (spec.app.kind === 'slug') checkPath('app.slugDir', spec.app.slugDir, true);
  if (spec.stackImage !== undefined) checkPath('stackImage', spec.stackImage);
  if (spec.app.kind === 'bind') checkPath('app.dir', spec.app.dir);
  for (const bind of spec.binds ?? []) {
    checkPath('binds[].source', bind.source);
    checkPath('binds[].target', bind.target);
    if (['/', '/proc', '/dev', '/usr', '/etc', '/sys', '/app', '/var', '/opt'].includes(bind.target)) throw invalid(`binds[].target ${bind.target} is reserved by the sandbox`);
    // bwrap creates mount points as root, following symlinks: never inside a tree the app wrote.
    if (bind.target.startsWith('/app/') && spec.app.kind !== 'empty') {
      throw invalid(`binds[].target ${bind.target} is inside /app, which holds app files; bind outside /app (or use app kind 'empty')`);
    }
  }
  if (spec.timeoutMs !== undefined && !(spec.timeoutMs > 0)) throw invalid('timeoutMs must be positive');
  return { limits, uid, port, cwd, env: dynoEnv(spec.name, port, spec.env), hostname: spec.id.slice(0, 8) };
}
