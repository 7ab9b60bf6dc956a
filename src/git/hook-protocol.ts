/**
 * The wire between the pre-receive hook (a separate process started by `git receive-pack`) and
 * the git service: JSON lines over a unix socket.
 *
 *   hook → service   one HookHello line
 *   service → hook   any number of {"line": "..."} (printed by the hook, shown as `remote: ...`),
 *                    then one {"ok": true|false} (the hook's exit status), then the service closes.
 *
 * The hook finds the socket and proves which push it belongs to through two environment variables
 * the service sets on the receive-pack child (hooks inherit its environment).
 */

export const HOOK_SOCKET_ENV = 'BERTH_GIT_HOOK_SOCKET';
export const HOOK_TOKEN_ENV = 'BERTH_GIT_PUSH_TOKEN';

/** One `<old> <new> <ref>` line of the pre-receive hook's stdin. */
export interface RefUpdate {
  oldSha: string;
  newSha: string;
  ref: string;
}

export interface HookHello {
  token: string;
  refs: RefUpdate[];
  /** The push's quarantine (objects are not in the repository proper until the hook accepts). */
  objectDirectory?: string;
  alternateObjectDirectories?: string;
}

export type ServiceMessage = { line: string } | { ok: boolean };

export const MAX_HOOK_REFS = 10_000;
export const MAX_HELLO_BYTES = 4 * 1024 * 1024;

const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const REF = /^refs\/[^\0\s]{1,1000}$/;

export const isZeroSha = (sha: string): boolean => /^0+$/.test(sha);

/** Parse the hook's stdin; undefined if any line is malformed. */
export function parseRefLines(text: string): RefUpdate[] | undefined {
  const refs: RefUpdate[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const [oldSha, newSha, ref, extra] = line.split(' ');
    if (oldSha === undefined || newSha === undefined || ref === undefined || extra !== undefined) return undefined;
    refs.push({ oldSha, newSha, ref });
  }
  return refs;
}

const isRefUpdate = (value: unknown): value is RefUpdate => {
  if (typeof value !== 'object' || value === null) return false;
  const { oldSha, newSha, ref } = value as Record<string, unknown>;
  return typeof oldSha === 'string' && SHA.test(oldSha) && typeof newSha === 'string' && SHA.test(newSha) &&
    typeof ref === 'string' && REF.test(ref);
};

const optionalString = (value: unknown): value is string | undefined =>
  value === undefined || (typeof value === 'string' && value.length <= 4096);

/** Validate the hook's first line; undefined if it is not a well-formed hello. */
export function parseHello(line: string): HookHello | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { token, refs, objectDirectory, alternateObjectDirectories } = value as Record<string, unknown>;
  if (typeof token !== 'string' || !/^[0-9a-f]{64}$/.test(token)) return undefined;
  if (!Array.isArray(refs) || refs.length > MAX_HOOK_REFS || !refs.every(isRefUpdate)) return undefined;
  if (!optionalString(objectDirectory) || !optionalString(alternateObjectDirectories)) return undefined;
  return { token, refs, objectDirectory, alternateObjectDirectories };
}
