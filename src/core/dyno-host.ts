/**
 * A dyno's lifecycle state, as Heroku shows it (`down` once it is gone). `idle`: a web dyno of an
 * idling app (eco size or `ps:autoidle`) stopped after a quiet spell; it has no process and costs
 * no memory, and the router wakes it on the app's next request.
 */
export type DynoState = 'starting' | 'up' | 'crashed' | 'down' | 'stopping' | 'idle';

/**
 * What the control plane knows about a dyno, as the host agent reports it. The agent is the
 * authority on live dynos; the control plane keeps desired state (formation, releases).
 */
export interface DynoRecord {
  id: string;
  appId: string;
  appName: string;
  type: string;
  /** web.1 → 1; one-off dynos number their own sequence (run.1, run.2). */
  index: number;
  /** `web.1`, `run.3`, `release.1`. */
  name: string;
  releaseId: string;
  releaseVersion: number;
  size: string;
  command: string;
  state: DynoState;
  /** ms since epoch */
  startedAt: number;
  stateChangedAt: number;
  crashCount: number;
  oneOff: boolean;
  exitCode: number | null;
  /** The R-code or reason of the last crash, e.g. `R10`, `R15`, `exit 1`. */
  lastError: string | null;
  /** For attached one-off dynos: `rendezvous://host:port/secret`. */
  attachUrl: string | null;
}

/** Everything the agent needs to start a dyno; the control plane resolves release and config. */
export interface DynoLaunch
  extends Pick<DynoRecord, 'id' | 'appId' | 'appName' | 'type' | 'index' | 'name' | 'releaseId' | 'releaseVersion' | 'size' | 'command' | 'crashCount' | 'oneOff'> {
  /** Config vars and extras (the agent adds PORT, DYNO, HOME, PATH, PS). */
  env: Record<string, string>;
  /** The unpacked slug directory shared read-only by the release's dynos. */
  slugDir: string;
  /** Web dynos must bind $PORT within this time or crash with R10. */
  bootTimeoutMs: number;
  /** One-off dynos end after this long (Heroku: time_to_live, at most 24 h). */
  timeToLiveMs?: number;
  /** One-off dynos: attach over rendezvous, optionally with a PTY. */
  attach?: { tty: boolean };
  /** Emit runtime metrics lines every 20 s (log-runtime-metrics). */
  runtimeMetrics?: boolean;
}

export type DynoEvent = { kind: 'state'; dyno: DynoRecord; previous: DynoState | 'down' };

/** The port the scheduler drives; the host agent's RPC client implements it. */
export interface DynoHost {
  list(): Promise<DynoRecord[]>;
  start(launch: DynoLaunch): Promise<DynoRecord>;
  /**
   * A web dyno that served first leaves the route and drains (every router confirmed, requests in
   * flight finished; at most `graceMs`); then SIGTERM every process, wait `graceMs`, then SIGKILL
   * (R12). Resolves when it has exited.
   */
  stop(dynoId: string, graceMs: number): Promise<void>;
  /** Forgets a crashed dyno's record. */
  forget(dynoId: string): Promise<void>;
  onEvent(listener: (event: DynoEvent) => void): () => void;
}
