// Review apps as the store keeps them: a pipeline's settings, and the app each branch made.

/** Review apps are on for a pipeline when it has a config. */
export interface ReviewAppConfig {
  pipelineId: string;
  /** A review app without a push for this many days is destroyed. */
  staleDays: number;
  createdAt: string;
  updatedAt: string;
}

export interface ReviewApp {
  id: string;
  pipelineId: string;
  appId: string;
  /** The app whose repository got the branch push. */
  sourceAppId: string;
  branch: string;
  commit: string;
  creatorId: string;
  /** The app setup that made it. */
  setupId: string | null;
  /** app.json's `scripts.pr-predestroy` (review environment), run before the app is destroyed. */
  predestroy: string | null;
  lastPushAt: string;
  createdAt: string;
  updatedAt: string;
}

export type NewReviewApp = Omit<ReviewApp, 'id' | 'lastPushAt' | 'createdAt' | 'updatedAt'>;

export interface ReviewAppRepository {
  config(pipelineId: string): Promise<ReviewAppConfig | undefined>;
  /** Enables review apps (or changes their settings). */
  setConfig(pipelineId: string, staleDays: number): Promise<ReviewAppConfig>;
  removeConfig(pipelineId: string): Promise<boolean>;
  /** conflict when the pipeline already has a review app for the branch. */
  create(input: NewReviewApp): Promise<ReviewApp>;
  findById(id: string): Promise<ReviewApp | undefined>;
  findByBranch(pipelineId: string, branch: string): Promise<ReviewApp | undefined>;
  list(pipelineId: string): Promise<ReviewApp[]>;
  /** A new push to the branch. */
  pushed(id: string, commit: string): Promise<ReviewApp | undefined>;
  /** Review apps of pipelines with a config whose last push is older than their pipeline's stale_days at `now`. */
  stale(now: Date): Promise<ReviewApp[]>;
}
