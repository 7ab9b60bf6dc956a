/**
 * What Heroku writes to an app's log when a release is created, whoever created it (a config
 * change, a rollback, a build, a slug upload): `app[api]: Set FOO config vars by user …` and
 * `app[api]: Release v3 created by user …`. Descriptions name variables only, never values.
 */

/** `by user dev@example.com`, or `by Berth` for a release nobody asked for. */
export const byUser = (email: string | null | undefined): string => (email ? `by user ${email}` : 'by Berth');

/** The two `app[api]` lines announcing a release, in order. */
export function releaseAnnouncement(release: { description: string; version: number; userEmail: string | null }): [string, string] {
  const by = byUser(release.userEmail);
  return [`${release.description} ${by}`, `Release v${release.version} created ${by}`];
}
