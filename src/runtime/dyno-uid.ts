/**
 * Which uid a dyno runs as. The scheme: ONE UID PER APP, derived from the app id by hashing into
 * a configured range (default 20000–59999), unless the caller passes an explicit `uid` (the
 * control plane may allocate and store one per app to rule out collisions).
 *
 * Why per app and not per dyno: the slug is shared read-only by all dynos of a release and the
 * dyno's writable /app is an overlay on it. Overlayfs lets a process modify a slug file only if it
 * could write the lower file, so the slug must be owned by the uid its dynos run as; builds run
 * as the app's uid, so slug tarballs already carry it. Dynos of one app trust each other anyway
 * (Heroku runs them as one user). Two apps whose ids hash to one uid must never run side by side:
 * the runtime refuses that (uid-claims.ts).
 */
export interface UidRange {
  first: number;
  count: number;
}

export const DEFAULT_UID_RANGE: UidRange = { first: 20000, count: 40000 };

/** FNV-1a over the app id, folded into the range. Stable across restarts and hosts. */
export function uidForApp(appId: string, range: UidRange = DEFAULT_UID_RANGE): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < appId.length; i++) {
    hash ^= appId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return range.first + (hash % range.count);
}

export function validUid(uid: number): boolean {
  return Number.isInteger(uid) && uid >= 1000 && uid < 2 ** 31 && uid !== 65534;
}
