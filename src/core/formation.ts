import { DEFAULT_DYNO_SIZE, DYNO_SIZE_NAMES, DYNO_SIZES, findDynoSize, type DynoSize } from './dyno-size.js';
import { PlatformError } from './errors.js';

/**
 * Formation: how many dynos of each process type, of which size, run which command. Pure rules
 * for scaling (the API and the store share them); the dyno manager turns a formation into dynos.
 */

/** Heroku's formation type rule (the schema's `^[-\w]{1,128}$`). */
export const FORMATION_TYPE_PATTERN = /^[-\w]{1,128}$/;
export const MIN_QUANTITY = 0;
export const MAX_QUANTITY = 100;

/**
 * A size by name in any case (`Standard-2X`, `standard-2x`, old aliases like `2X`): the official
 * CLI sends `size: "Standard-2X"`, the schema `dyno_size: {name}`.
 */
export function resolveDynoSize(value: unknown): DynoSize {
  const wanted = typeof value === 'object' && value !== null ? (value as { name?: unknown }).name : value;
  const found = typeof wanted === 'string' ? findDynoSize(wanted) : undefined;
  if (found) return found;
  throw new PlatformError('invalid_params', `Dyno size ${JSON.stringify(wanted)} does not exist. Available sizes: ${DYNO_SIZE_NAMES.map((n) => DYNO_SIZES[n].displayName).join(', ')}.`);
}

/** Heroku's spelling of a stored size name (`standard-2x` → `Standard-2X`). */
export const displaySize = (name: string): string => findDynoSize(name)?.displayName ?? name;

export type QuantityChange = { kind: 'absolute'; value: number } | { kind: 'relative'; delta: number };

/** `2`, `"2"`, `"+1"`, `"-1"` (the official CLI sends strings, relative with a sign). */
export function parseQuantity(value: unknown): QuantityChange {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return { kind: 'absolute', value };
  if (typeof value === 'string') {
    const match = /^\s*([+-]?)(\d{1,9})\s*$/.exec(value);
    if (match) {
      const n = Number(match[2]);
      if (match[1] === '+') return { kind: 'relative', delta: n };
      if (match[1] === '-') return { kind: 'relative', delta: -n };
      return { kind: 'absolute', value: n };
    }
  }
  throw new PlatformError('invalid_params', `Quantity ${JSON.stringify(value)} is invalid: use a whole number from ${MIN_QUANTITY} to ${MAX_QUANTITY}, or "+N"/"-N" to scale relative to now.`);
}

export interface FormationEntry {
  type: string;
  quantity: number;
  /** Canonical size name (`standard-1x`), as src/core/dyno-size.ts names them. */
  size: string;
  command: string;
}

export interface ScaleRequest {
  type: string;
  quantity?: QuantityChange;
  size?: DynoSize;
}

export interface ScaleResult {
  type: string;
  quantity: number;
  /** Canonical size name (`standard-1x`). */
  size: string;
}

/**
 * Applies scale requests to the current formation. Unknown types and quantities outside
 * 0..100 are 422s naming the rule; a type named twice is applied in order.
 */
export function applyScale(current: readonly FormationEntry[], requests: readonly ScaleRequest[]): ScaleResult[] {
  const state = new Map(current.map((e) => [e.type, { quantity: e.quantity, size: e.size }]));
  const touched: string[] = [];
  for (const request of requests) {
    if (request.type === RELEASE_TYPE) {
      throw new PlatformError('invalid_params', 'Cannot scale release: the release process type runs once per release (the release phase), not as dynos, and is not part of the formation.');
    }
    const entry = state.get(request.type);
    if (!entry) {
      const known = [...state.keys()];
      throw new PlatformError(
        'invalid_params',
        known.length === 0
          ? `Cannot scale ${request.type}: this app has no process types yet. Deploy code with a Procfile first.`
          : `Cannot scale ${request.type}: the current release has no ${request.type} process type. Known types: ${known.join(', ')}.`,
      );
    }
    if (request.quantity) {
      const next = request.quantity.kind === 'absolute' ? request.quantity.value : entry.quantity + request.quantity.delta;
      if (!Number.isSafeInteger(next) || next < MIN_QUANTITY || next > MAX_QUANTITY) {
        throw new PlatformError('invalid_params', `Cannot scale ${request.type} to ${next}: quantity must be from ${MIN_QUANTITY} to ${MAX_QUANTITY}.`);
      }
      entry.quantity = next;
    }
    if (request.size) entry.size = request.size.name;
    if (!touched.includes(request.type)) touched.push(request.type);
  }
  return touched.map((type) => ({ type, ...(state.get(type) as { quantity: number; size: string }) }));
}

/** `web=2, worker=1:Standard-2X` for the `Scale to … by user …` log line. */
export function describeScale(results: readonly ScaleResult[], resized: ReadonlySet<string> = new Set()): string {
  return results.map((r) => `${r.type}=${r.quantity}${resized.has(r.type) ? `:${displaySize(r.size)}` : ''}`).join(', ');
}

export interface FormationSync {
  insert: FormationEntry[];
  updateCommand: Array<{ type: string; command: string }>;
  remove: string[];
}

/**
 * What a newly current release does to the formation: declared types appear (web with 1 dyno
 * the first time, every other type with 0, Heroku's behaviour), changed commands follow the
 * release, and types the release no longer declares go away. The `release` type is the release
 * phase, never a formation entry (as on Heroku): a row older Berths made for it goes too.
 */
export function syncFormation(current: readonly Pick<FormationEntry, 'type' | 'command'>[], processTypes: Record<string, string>): FormationSync {
  const existing = new Map(current.map((e) => [e.type, e.command]));
  const sync: FormationSync = { insert: [], updateCommand: [], remove: [] };
  for (const [type, command] of Object.entries(processTypes)) {
    if (type === RELEASE_TYPE) continue;
    const had = existing.get(type);
    if (had === undefined) sync.insert.push({ type, quantity: type === 'web' ? 1 : 0, size: DEFAULT_DYNO_SIZE, command });
    else if (had !== command) sync.updateCommand.push({ type, command });
  }
  for (const type of existing.keys()) if (!Object.hasOwn(processTypes, type) || type === RELEASE_TYPE) sync.remove.push(type);
  return sync;
}

/** The process type of the release phase (Procfile `release:`). */
export const RELEASE_TYPE = 'release';

/** The release phase command a slug declares, or null. */
export function releaseCommandOf(processTypes: Record<string, string> | null | undefined): string | null {
  return processTypes && Object.hasOwn(processTypes, RELEASE_TYPE) ? (processTypes[RELEASE_TYPE] ?? null) : null;
}
