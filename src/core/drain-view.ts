/**
 * A log drain as the control plane sees it: what the host agent answers for `drains.*` and what
 * the API serializes as a log-drain. The agent's DrainManager keeps more (src/logplex/drain.ts).
 */
export interface DrainView {
  /** A UUID: the log-drain resource's id. */
  id: string;
  url: string;
  /** `d.<uuid>`: sent as Logplex-Drain-Token (HTTPS) and as the syslog HOSTNAME. */
  token: string;
  createdAt?: string;
}
