/**
 * Dyno sizes: Heroku's names and what each one buys. The runtime turns a size into cgroup v1
 * limits; the API and `ps:scale` validate names with findDynoSize. Memory: the quota is what the
 * app may use (R14 is logged above it); the kernel kills the dyno at the hard ceiling, twice the
 * quota (R15). CPU: shares are relative weights under contention (Heroku's "compute" multiplier
 * × 1024); a quota in cores caps it absolutely (none by default). Performance sizes get CPUs of
 * their own (cpuset), as many as the host can spare up to `dedicatedCpus`. Pids: Heroku's
 * process limits.
 */

export type DynoSizeName = 'eco' | 'basic' | 'standard-1x' | 'standard-2x' | 'performance-m' | 'performance-l';

export interface DynoSize {
  /** Canonical lower-case name, e.g. `standard-1x`. */
  name: DynoSizeName;
  /** How Heroku's API spells it in responses, e.g. `Standard-1X`. */
  displayName: string;
  /** Memory the app may use; R14 above it. */
  memoryQuotaBytes: number;
  /** Hard ceiling (2 × quota): the kernel OOM-kills the dyno there (R15). */
  memoryLimitBytes: number;
  /** cgroup v1 cpu.shares. */
  cpuShares: number;
  /** Absolute CPU cap in cores (cfs quota / period); null = no cap. */
  cpuQuotaCores: number | null;
  /** cgroup v1 pids.max: processes and threads together. */
  pidsMax: number;
  /** Size cap of each writable scratch filesystem (/app's writable layer, /tmp). */
  scratchBytes: number;
  /** Heroku's relative compute multiplier. */
  compute: number;
  /** Dedicated (performance) or shared. */
  dedicated: boolean;
  /** CPUs a dedicated size asks for as its own (fewer on a small host); 0 for shared sizes. */
  dedicatedCpus: number;
}

export const DEFAULT_DYNO_SIZE: DynoSizeName = 'standard-1x';

/** The hard memory ceiling is this multiple of the quota (R15 threshold). */
export const MEMORY_CEILING_FACTOR = 2;

const MB = 1024 * 1024;

function size(
  name: DynoSizeName,
  displayName: string,
  memoryMb: number,
  compute: number,
  pidsMax: number,
  dedicatedCpus: number,
): DynoSize {
  const memoryQuotaBytes = memoryMb * MB;
  return {
    name,
    displayName,
    memoryQuotaBytes,
    memoryLimitBytes: memoryQuotaBytes * MEMORY_CEILING_FACTOR,
    cpuShares: compute * 1024,
    cpuQuotaCores: null,
    pidsMax,
    scratchBytes: memoryQuotaBytes,
    compute,
    dedicated: dedicatedCpus > 0,
    dedicatedCpus,
  };
}

export const DYNO_SIZES: Readonly<Record<DynoSizeName, DynoSize>> = {
  eco: size('eco', 'Eco', 512, 1, 256, 0),
  basic: size('basic', 'Basic', 512, 1, 256, 0),
  'standard-1x': size('standard-1x', 'Standard-1X', 512, 1, 256, 0),
  'standard-2x': size('standard-2x', 'Standard-2X', 1024, 2, 512, 0),
  'performance-m': size('performance-m', 'Performance-M', 2560, 12, 16384, 2),
  'performance-l': size('performance-l', 'Performance-L', 14336, 50, 32768, 8),
};

/** Stable ids of the sizes (the API's `dyno_size.id`), one per canonical name. */
export const DYNO_SIZE_IDS: Readonly<Record<DynoSizeName, string>> = {
  eco: 'b3d4c1a0-0e5f-4c3a-9a1e-000000000001',
  basic: 'b3d4c1a0-0e5f-4c3a-9a1e-000000000002',
  'standard-1x': 'b3d4c1a0-0e5f-4c3a-9a1e-000000000003',
  'standard-2x': 'b3d4c1a0-0e5f-4c3a-9a1e-000000000004',
  'performance-m': 'b3d4c1a0-0e5f-4c3a-9a1e-000000000005',
  'performance-l': 'b3d4c1a0-0e5f-4c3a-9a1e-000000000006',
};

/** Older names Heroku still accepts. */
const ALIASES: Readonly<Record<string, DynoSizeName>> = {
  '1x': 'standard-1x',
  '2x': 'standard-2x',
  free: 'eco',
  hobby: 'basic',
};

/** Case-insensitive lookup (`Standard-1X` is what the official CLI sends); undefined if unknown. */
export function findDynoSize(name: string): DynoSize | undefined {
  const key = name.trim().toLowerCase();
  const canonical = Object.hasOwn(DYNO_SIZES, key) ? (key as DynoSizeName) : ALIASES[key];
  return canonical === undefined ? undefined : DYNO_SIZES[canonical];
}

/** The names users may type, for error messages ("Use one of: eco, basic, …"). */
export const DYNO_SIZE_NAMES: readonly DynoSizeName[] = Object.keys(DYNO_SIZES) as DynoSizeName[];
