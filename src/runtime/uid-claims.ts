/**
 * Which app each uid on this host belongs to right now: the runtime claims a dyno's uid before it
 * starts the dyno and refuses a uid a running dyno of another app holds. Uids are hashed from app
 * ids (dyno-uid.ts), so two apps can draw the same one; sharing it would let them signal each
 * other's processes and write each other's files, so a collision is refused, never run.
 */
export interface UidHolder {
  appId: string;
  appName: string;
}

export class UidClaims {
  private readonly claims = new Map<object, UidHolder & { uid: number }>();

  /** The holder from another app that keeps `appId` from using `uid`, if any. */
  conflict(uid: number, appId: string): UidHolder | undefined {
    for (const claim of this.claims.values()) {
      if (claim.uid === uid && claim.appId !== appId) return { appId: claim.appId, appName: claim.appName };
    }
    return undefined;
  }

  /**
   * Claims `uid` for a dyno of `holder.appId`; returns the release (call it once the dyno is
   * gone), or the conflicting holder when a dyno of another app holds the uid (nothing claimed).
   */
  claim(uid: number, holder: UidHolder): { release: () => void } | { conflict: UidHolder } {
    const conflict = this.conflict(uid, holder.appId);
    if (conflict) return { conflict };
    const token = {};
    this.claims.set(token, { ...holder, uid });
    return { release: () => void this.claims.delete(token) };
  }

  /** How many dynos hold a claim (for tests and diagnostics). */
  get size(): number {
    return this.claims.size;
  }
}
