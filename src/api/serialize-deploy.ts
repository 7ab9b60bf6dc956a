import { DYNO_SIZE_IDS, findDynoSize } from '../core/dyno-size.js';
import { displaySize } from '../core/formation.js';
import { STACK, type App } from '../core/model.js';
import type { Build, BuildpackInstallation, Formation, Release, Slug } from '../store/port.js';

/** Platform API v3 shapes of the deploy pipeline (spec/heroku-platform-api-schema.json). */


/**
 * A release is eligible for rollback when it went live with code (Heroku: succeeded, has a slug)
 * whose tarball garbage collection has not deleted.
 */
export const eligibleForRollback = (release: Release): boolean => release.status === 'succeeded' && release.slugId !== null && release.slugPrunedAt === null;

export function serializeRelease(release: Release, app: Pick<App, 'id' | 'name'>, currentId: string | undefined, outputStreamUrl: string | null) {
  return {
    addon_plan_names: release.addonPlanNames,
    app: { id: app.id, name: app.name },
    artifacts: release.slugId === null ? [] : [{ type: 'slug', id: release.slugId }],
    created_at: release.createdAt,
    current: release.id === currentId,
    description: release.description,
    eligible_for_rollback: eligibleForRollback(release),
    id: release.id,
    output_stream_url: outputStreamUrl,
    slug: release.slugId === null ? null : { id: release.slugId },
    // Berth's: the stack its slug was built for (null without a slug).
    stack: release.stack === null ? null : { id: STACK.id, name: release.stack },
    status: release.status,
    updated_at: release.updatedAt,
    user: { email: release.userEmail ?? '', id: release.userId ?? '' },
    version: release.version,
  };
}

export function serializeSlug(slug: Slug, blob: { method: 'get' | 'put'; url: string }) {
  return {
    blob,
    buildpack_provided_description: slug.buildpackProvidedDescription,
    checksum: slug.checksum,
    commit: slug.commit,
    commit_description: slug.commitDescription,
    created_at: slug.createdAt,
    deleted_at: slug.prunedAt,
    id: slug.id,
    process_types: slug.processTypes,
    size: slug.size,
    stack: { id: STACK.id, name: slug.stack },
    updated_at: slug.updatedAt,
  };
}

export function serializeBuild(build: Build, outputStreamUrl: string) {
  return {
    app: { id: build.appId },
    buildpacks: build.buildpacks.map((b) => ({ url: b.url, name: b.name })),
    created_at: build.createdAt,
    error_message: build.error,
    generation: 'cedar',
    id: build.id,
    output_stream_url: outputStreamUrl,
    release: build.releaseId === null ? null : { id: build.releaseId },
    slug: build.slugId === null ? null : { id: build.slugId },
    source_blob: {
      checksum: build.sourceBlob.checksum,
      url: build.sourceBlob.url,
      version: build.sourceBlob.version,
      version_description: build.sourceBlob.versionDescription,
    },
    stack: build.stack,
    status: build.status,
    updated_at: build.updatedAt,
    user: { email: build.userEmail ?? '', id: build.userId ?? '' },
  };
}

export function serializeFormation(formation: Formation, app: Pick<App, 'id' | 'name'>) {
  const size = displaySize(formation.size);
  return {
    app: { id: app.id, name: app.name },
    command: formation.command,
    created_at: formation.createdAt,
    dyno_size: { id: DYNO_SIZE_IDS[findDynoSize(formation.size)?.name ?? 'standard-1x'], name: size },
    id: formation.id,
    quantity: formation.quantity,
    size,
    type: formation.type,
    updated_at: formation.updatedAt,
  };
}

/**
 * One of an app's buildpacks at `position` in its list (sorted by ordinal): Heroku's `ordinal`
 * counts from 0 (the CLI's `--index N` is ordinal N-1), whatever the store numbers rows from.
 */
export function serializeBuildpackInstallation(installation: BuildpackInstallation, position: number) {
  return { buildpack: { name: installation.buildpack.name, url: installation.buildpack.url }, ordinal: position };
}
