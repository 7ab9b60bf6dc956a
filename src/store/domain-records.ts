/** Custom domains and SNI endpoints as the store hands them out. Timestamps are ISO-8601 in UTC. */

export interface Domain {
  id: string;
  appId: string;
  /** Lower case; `*.example.com` for a wildcard. Unique across all apps. */
  hostname: string;
  /** Stored domains are always custom; the app's `<app>.<domain>` is not stored. */
  kind: 'custom';
  /** The SNI endpoint (of the same app) whose certificate serves this hostname. */
  sniEndpointId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SniEndpoint {
  id: string;
  appId: string;
  /** Unique per app, `^[a-z][a-z0-9-]{2,29}$`. */
  name: string;
  /** PEM, leaf first, as uploaded. */
  certificateChain: string;
  /** PEM, as uploaded. A secret: never serialized by the API, never logged. */
  privateKey: string;
  createdAt: string;
  updatedAt: string;
}
