// Pipeline JSON as the CLI reads it, and the small lookups the pipelines:* commands share.
import { appPath, type ApiClient } from './api-client.js';
import type { AppJson } from './api-types.js';

export interface PipelineJson {
  id: string;
  name: string;
  owner: { id: string; type: string } | null;
  created_at: string;
}

export interface CouplingJson {
  id: string;
  stage: string;
  app: { id: string; name: string | null };
  pipeline: { id: string; name: string };
}

export interface PromotionJson {
  id: string;
  status: 'pending' | 'completed';
  source: { app: { id: string }; release: { id: string } };
  slug?: { id: string };
}

export interface PromotionTargetJson {
  app: { id: string };
  release: { id: string } | null;
  status: 'pending' | 'succeeded' | 'failed';
  error_message: string | null;
}

export interface PipelineDiffJson {
  app: { id: string; name: string };
  stage: string;
  commit: string | null;
  downstream_stage: string;
  downstream: Array<{
    app: { id: string; name: string };
    commit: string | null;
    status: 'identical' | 'ahead' | 'behind' | 'no_release' | 'unknown';
    ahead_by: number | null;
    behind_by: number | null;
    commits: Array<{ sha: string; author: string; date: string; message: string }>;
  }>;
}

/** Stages in the order `pipelines:info` shows them. */
export const STAGE_ORDER = ['test', 'review', 'development', 'staging', 'production'];

export const pipelinePath = (pipeline: string, rest = ''): string => `/pipelines/${encodeURIComponent(pipeline)}${rest}`;

/** The app's coupling (its pipeline and stage). */
export function couplingOf(api: ApiClient, app: string): Promise<CouplingJson> {
  return api.get<CouplingJson>(appPath(app, '/pipeline-couplings'));
}

/** The pipeline's apps with their stages, in stage order then by name. */
export async function pipelineApps(api: ApiClient, pipelineId: string): Promise<Array<{ app: AppJson; stage: string; coupling: CouplingJson }>> {
  const couplings = await api.get<CouplingJson[]>(pipelinePath(pipelineId, '/pipeline-couplings'));
  const apps = couplings.length === 0 ? [] : await api.post<AppJson[]>('/filters/apps', { in: { id: couplings.map((c) => c.app.id) } });
  const byId = new Map(apps.map((a) => [a.id, a]));
  return couplings
    .flatMap((coupling) => {
      const app = byId.get(coupling.app.id);
      return app ? [{ app, stage: coupling.stage, coupling }] : [];
    })
    .sort((a, b) => STAGE_ORDER.indexOf(a.stage) - STAGE_ORDER.indexOf(b.stage) || a.app.name.localeCompare(b.app.name));
}
