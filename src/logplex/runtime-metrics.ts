/** One sample of a dyno's cgroup, taken by the host agent every 20 s (log-runtime-metrics). */
export interface RuntimeSample {
  /** The dyno name: `web.1`. */
  readonly source: string;
  /** `heroku.<app-id>.<dyno-id>`, as Heroku prints it. */
  readonly dyno: string;
  readonly memory: {
    /** Bytes; total = rss + cache + swap as the cgroup reports it. */
    readonly total: number;
    readonly rss: number;
    readonly cache: number;
    readonly swap: number;
    /** Page counts. */
    readonly pgpgin: number;
    readonly pgpgout: number;
    /** The dyno size's memory quota in bytes. */
    readonly quota: number;
  };
  readonly load: { readonly avg1m: number; readonly avg5m: number; readonly avg15m: number };
}

const MB = 1024 * 1024;
const mb = (bytes: number): string => `${(bytes / MB).toFixed(2)}MB`;

/**
 * The two `heroku[web.1]` lines Heroku prints per sample:
 * `source=web.1 dyno=heroku.… sample#memory_total=21.00MB … sample#memory_quota=512.00MB` and
 * `source=web.1 dyno=heroku.… sample#load_avg_1m=0.00 sample#load_avg_5m=0.00 sample#load_avg_15m=0.00`.
 */
export function formatRuntimeMetrics(sample: RuntimeSample): [memory: string, load: string] {
  const head = `source=${sample.source} dyno=${sample.dyno}`;
  const m = sample.memory;
  const memory =
    `${head} sample#memory_total=${mb(m.total)} sample#memory_rss=${mb(m.rss)} sample#memory_cache=${mb(m.cache)}` +
    ` sample#memory_swap=${mb(m.swap)} sample#memory_pgpgin=${Math.round(m.pgpgin)}pages` +
    ` sample#memory_pgpgout=${Math.round(m.pgpgout)}pages sample#memory_quota=${mb(m.quota)}`;
  const l = sample.load;
  const load = `${head} sample#load_avg_1m=${l.avg1m.toFixed(2)} sample#load_avg_5m=${l.avg5m.toFixed(2)} sample#load_avg_15m=${l.avg15m.toFixed(2)}`;
  return [memory, load];
}
