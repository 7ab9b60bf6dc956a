/**
 * The manifest of a Berth backup archive (`manifest.json`, the archive's first member): what
 * wrote it, when, which CA it carries, and the size and sha256 of every other member. Parsing is
 * strict: a restore trusts nothing the manifest does not vouch for.
 */
import { BackupError } from './backup-error.js';

/** Bumped whenever the archive's layout changes; a restore refuses anything newer. */
export const BACKUP_FORMAT_VERSION = 1;

export interface BackupMember {
  path: string;
  bytes: number;
  sha256: string;
  mode: number;
}

export interface BackupManifest {
  format: 'berth-backup';
  format_version: number;
  berth_version: string;
  berth_commit: string;
  created_at: string;
  /** Where the state came from: an SQLite online backup (`state.sqlite`) or pg_dump (`state.pgdump`). */
  state: 'sqlite' | 'postgres';
  /** SHA-256 of the local CA certificate (DER), colon-separated hex; null when there is none. */
  ca_fingerprint: string | null;
  members: BackupMember[];
  /** Every directory, empty ones included (a git repository's refs/ and objects/ start empty). */
  dirs: string[];
}

const SAFE_PATH = /^(?!\/)(?!.*(?:^|\/)\.\.?(?:\/|$))[A-Za-z0-9._@+=,\/-]+$/;

function fail(message: string): never {
  throw new BackupError('bad_manifest', `The archive's manifest is invalid: ${message}.`);
}

/** Parses and validates manifest.json; refuses a newer format version with a reason. */
export function parseManifest(text: string): BackupManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    fail('manifest.json is not JSON');
  }
  if (typeof raw !== 'object' || raw === null) fail('manifest.json is not an object');
  const m = raw as Record<string, unknown>;
  if (m.format !== 'berth-backup') fail('it is not a Berth backup (format is not "berth-backup")');
  if (typeof m.format_version !== 'number' || !Number.isInteger(m.format_version) || m.format_version < 1) fail('format_version is not a positive integer');
  if (m.format_version > BACKUP_FORMAT_VERSION) {
    throw new BackupError('newer_format', `The archive has format version ${m.format_version}, written by Berth ${String(m.berth_version)}; this Berth reads version ${BACKUP_FORMAT_VERSION} and older. Restore it with a newer Berth.`);
  }
  for (const key of ['berth_version', 'berth_commit', 'created_at'] as const) if (typeof m[key] !== 'string') fail(`${key} is not a string`);
  if (m.state !== 'sqlite' && m.state !== 'postgres') fail('state is neither "sqlite" nor "postgres"');
  if (m.ca_fingerprint !== null && typeof m.ca_fingerprint !== 'string') fail('ca_fingerprint is not a string');
  if (!Array.isArray(m.members)) fail('members is not a list');
  const seen = new Set<string>();
  const members = m.members.map((entry: unknown): BackupMember => {
    const e = entry as Record<string, unknown>;
    if (typeof e !== 'object' || e === null || typeof e.path !== 'string' || !SAFE_PATH.test(e.path)) fail(`member ${JSON.stringify(e?.path)} has an unsafe or missing path`);
    if (seen.has(e.path)) fail(`member ${e.path} is listed twice`);
    seen.add(e.path);
    if (typeof e.bytes !== 'number' || !Number.isSafeInteger(e.bytes) || e.bytes < 0) fail(`member ${e.path} has no byte count`);
    if (typeof e.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(e.sha256)) fail(`member ${e.path} has no sha256`);
    if (typeof e.mode !== 'number' || !Number.isInteger(e.mode) || e.mode < 0 || e.mode > 0o7777) fail(`member ${e.path} has no mode`);
    return { path: e.path, bytes: e.bytes, sha256: e.sha256, mode: e.mode };
  });
  if (!Array.isArray(m.dirs)) fail('dirs is not a list');
  const dirs = m.dirs.map((d: unknown) => {
    if (typeof d !== 'string' || !SAFE_PATH.test(d)) fail(`directory ${JSON.stringify(d)} has an unsafe path`);
    return d;
  });
  const stateFile = m.state === 'sqlite' ? 'state.sqlite' : 'state.pgdump';
  if (!seen.has(stateFile)) fail(`the state (${stateFile}) is not among its members`);
  return {
    format: 'berth-backup',
    format_version: m.format_version,
    berth_version: m.berth_version as string,
    berth_commit: m.berth_commit as string,
    created_at: m.created_at as string,
    state: m.state,
    ca_fingerprint: (m.ca_fingerprint as string | null) ?? null,
    members,
    dirs,
  };
}
