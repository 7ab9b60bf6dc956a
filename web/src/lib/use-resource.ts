// Loading API data into a component: the latest value, the error, a reload, and polling that
// survives a control plane restart (the last value stays on screen; the error says we retry).
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api/client.js';

export interface Resource<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  loading: boolean;
  /** The endpoint answered 404 (missing app, or a Berth without that endpoint). */
  missing: boolean;
  reload(): Promise<void>;
}

export function useResource<T>(path: string | undefined, options: { pollMs?: number; headers?: Record<string, string> } = {}): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | Error | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [missing, setMissing] = useState(false);
  const current = useRef(path);
  current.current = path;
  const headers = JSON.stringify(options.headers ?? {});
  // Polls overlap when the server is slower than the interval: only the newest answer counts, so a
  // late answer to an older request never puts stale data back on screen.
  const sent = useRef(0);
  const shown = useRef(0);

  const load = useCallback(async () => {
    if (!path) return;
    const seq = ++sent.current;
    const stale = () => current.current !== path || seq < shown.current;
    try {
      const value = await api.get<T>(path, { headers: JSON.parse(headers) as Record<string, string> });
      if (stale()) return;
      shown.current = seq;
      setData(value);
      setError(undefined);
      setMissing(false);
    } catch (e) {
      if (stale()) return;
      shown.current = seq;
      if (e instanceof ApiError && e.status === 404) setMissing(true);
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      if (current.current === path) setLoading(false);
    }
  }, [path, headers]);

  // A layout effect: the request leaves right after the first render, not after a paint.
  useLayoutEffect(() => {
    setData(undefined);
    setLoading(true);
    setMissing(false);
    setError(undefined);
    void load();
    if (!options.pollMs) return undefined;
    // A hidden tab does not poll (every request counts against the account's hourly API limit);
    // it loads at once when it is shown again.
    const timer = setInterval(() => {
      if (!document.hidden) void load();
    }, options.pollMs);
    const onVisible = () => {
      if (!document.hidden) void load();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [load, options.pollMs]);

  return { data, error, loading, missing, reload: load };
}

/** Re-renders every `ms` (ages like "12s" keep counting). */
export function useTick(ms: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}
