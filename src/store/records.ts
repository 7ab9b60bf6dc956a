/**
 * Records of the deploy pipeline as the store hands them out: slugs, releases, builds,
 * formation, buildpack installations. Timestamps are ISO-8601 strings in UTC.
 */
import type { ConfigVars } from '../core/config-vars.js';

export interface Slug {
  id: string;
  appId: string;
  /** Where the tarball lives in the blob store (`slugs/<id>.tgz`). */
  blobKey: string;
  /** Bytes; null until the tarball is uploaded. */
  size: number | null;
  /** `SHA256:<hex>`: the declared checksum until upload, then the uploaded content's. */
  checksum: string | null;
  processTypes: Record<string, string>;
  commit: string | null;
  commitDescription: string | null;
  buildpackProvidedDescription: string | null;
  stack: string;
  createdAt: string;
  updatedAt: string;
  /** When garbage collection deleted the tarball (the record stays); null while it is stored. */
  prunedAt: string | null;
}

export type ReleaseStatus = 'pending' | 'succeeded' | 'failed';

export interface Release {
  id: string;
  appId: string;
  /** 1, 2, 3… per app, never reused. */
  version: number;
  slugId: string | null;
  /** The app's whole config at this release. */
  configVars: ConfigVars;
  description: string;
  status: ReleaseStatus;
  userId: string | null;
  userEmail: string | null;
  /** The release phase command (Procfile `release:`), run before the release goes live. */
  releaseCommand: string | null;
  addonPlanNames: string[];
  createdAt: string;
  updatedAt: string;
  /** When garbage collection deleted this release's slug tarball: it can no longer be rolled back to. */
  slugPrunedAt: string | null;
  /** The stack its slug was built for (null for a release without a slug). */
  stack: string | null;
}

export type BuildStatus = 'pending' | 'succeeded' | 'failed';

export interface SourceBlob {
  url: string;
  checksum: string | null;
  version: string | null;
  versionDescription: string | null;
}

export interface BuildpackRef {
  url: string;
  name: string;
}

export interface Build {
  id: string;
  appId: string;
  status: BuildStatus;
  sourceBlob: SourceBlob;
  buildpacks: BuildpackRef[];
  slugId: string | null;
  releaseId: string | null;
  userId: string | null;
  userEmail: string | null;
  /** Blob key of the finished build's output, when the builder stored it. */
  outputKey: string | null;
  stack: string;
  /** Why the build failed (shown to users); null otherwise. */
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Formation {
  id: string;
  appId: string;
  type: string;
  quantity: number;
  /** Canonical size name from src/core/dyno-size.ts (`standard-1x`). */
  size: string;
  command: string;
  createdAt: string;
  updatedAt: string;
}

export interface BuildpackInstallation {
  ordinal: number;
  buildpack: BuildpackRef;
}

/** What an app's JSON shows of its current release. */
export interface CurrentReleaseSummary {
  version: number;
  releasedAt: string;
  slugSize: number | null;
  buildpackProvidedDescription: string | null;
}

/** An app's setting of one feature (labs), as stored; features never set have no record. */
export interface AppFeatureSetting {
  appId: string;
  /** The feature's name from src/core/app-features.ts. */
  name: string;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}
