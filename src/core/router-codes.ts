/**
 * The router's error codes (Heroku's, kept): what the user sees and whose fault it is. The
 * router answers with the page (or, once response bytes have been sent, closes the connection)
 * and logs `at=error code=… desc="…"`. `status` is what the client gets and what the log line
 * says; H26 answers 417 instead of 400 for an `Expect` other than `100-continue`.
 */
export const routerCodes = {
  H10: { status: 503, desc: 'App crashed', owner: 'app' },
  H11: { status: 503, desc: 'Backlog too deep', owner: 'app' },
  H12: { status: 503, desc: 'Request timeout', owner: 'app' },
  H13: { status: 503, desc: 'Connection closed without response', owner: 'app' },
  H14: { status: 503, desc: 'No web processes running', owner: 'app' },
  H15: { status: 503, desc: 'Idle connection', owner: 'app' },
  H17: { status: 503, desc: 'Poorly formatted HTTP response', owner: 'app' },
  H18: { status: 503, desc: 'Server Request Interrupted', owner: 'app' },
  H19: { status: 503, desc: 'Backend connection timeout', owner: 'app' },
  H20: { status: 503, desc: 'App boot timeout', owner: 'app' },
  H21: { status: 503, desc: 'Backend connection refused', owner: 'app' },
  H25: { status: 431, desc: 'HTTP Restriction', owner: 'client' },
  H26: { status: 400, desc: 'Request Error', owner: 'client' },
  H27: { status: 499, desc: 'Client Request Interrupted', owner: 'client' },
  H28: { status: 408, desc: 'Client Connection Idle', owner: 'client' },
  H80: { status: 503, desc: 'Maintenance mode', owner: 'app' },
  H99: { status: 503, desc: 'Platform error', owner: 'platform' },
} as const;

export type RouterCode = keyof typeof routerCodes;

/** Parses a Host header against the apps domain: `myapp.localhost:8080` → `myapp`. */
export function appNameFromHost(host: string | undefined, domain: string): string | undefined {
  if (!host) return undefined;
  const name = host.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  const suffix = `.${domain}`;
  if (!name.endsWith(suffix)) return undefined;
  const app = name.slice(0, -suffix.length);
  return app.includes('.') || app === '' ? undefined : app;
}
