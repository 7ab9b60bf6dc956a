/** Naming a Redis add-on on an app for `berth redis:*` (Berth's `/redis/v0/apps/:app/databases/:database`). */
import type { ApiClient } from './api-client.js';

export interface RedisJson {
  addon_id: string;
  name: string;
  plan: string;
  resource_url: string;
  attachment_names: string[];
  info: Array<{ name: string; values: string[] }>;
}

export function resolveRedis(api: ApiClient, app: string, database: string | undefined): Promise<RedisJson> {
  return api.get<RedisJson>(`/redis/v0/apps/${encodeURIComponent(app)}/databases/${encodeURIComponent(database ?? '-')}`);
}
