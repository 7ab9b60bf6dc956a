/** The API's path matcher (method + `/apps/:app/…` path → route); not the router's route table. */
import type { Route } from './context.js';

interface Compiled {
  route: Route;
  segments: string[];
}

/** Matches `/apps/:app/formation`-style API paths to their routes; literal segments win over parameters. */
export class RouteMatcher {
  private readonly compiled: Compiled[];

  constructor(routes: Route[]) {
    this.compiled = routes
      .map((route) => ({ route, segments: split(route.path) }))
      .sort((a, b) => paramCount(a.segments) - paramCount(b.segments));
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | { allowed: string[] } | undefined {
    const parts = split(path);
    const allowed: string[] = [];
    for (const { route, segments } of this.compiled) {
      const params = matchSegments(segments, parts);
      if (!params) continue;
      if (route.method === method) return { route, params };
      allowed.push(route.method);
    }
    return allowed.length > 0 ? { allowed } : undefined;
  }
}

const split = (path: string) => path.split('/').filter((s) => s !== '');
const paramCount = (segments: string[]) => segments.filter((s) => s.startsWith(':')).length;

function matchSegments(segments: string[], parts: string[]): Record<string, string> | undefined {
  if (segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    const part = parts[i] as string;
    if (segment.startsWith(':')) {
      try {
        params[segment.slice(1)] = decodeURIComponent(part);
      } catch {
        return undefined;
      }
    } else if (segment !== part) {
      return undefined;
    }
  }
  return params;
}
