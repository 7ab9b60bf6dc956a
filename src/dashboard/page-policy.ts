// The headers of the dashboard's HTML (a strict Content-Security-Policy: only the page's own
// origin, no inline script or style, no framing) and the page shown when it isn't built.

/** Headers for an HTML page of the dashboard; `connectOrigins` are extra origins fetch may reach. */
export function pageHeaders(connectOrigins: string[]): Record<string, string> {
  const connect = ["'self'", ...connectOrigins].join(' ');
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'Content-Security-Policy': csp,
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'same-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
  };
}

export const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Berth dashboard not built</title></head>
<body><h1>The Berth dashboard isn't built</h1>
<p>The API works; only the web UI is missing (<code>dist/web/index.html</code>).
Build it with <code>scripts/install.sh</code> (it runs the Vite build), then reload this page.</p>
</body></html>
`;
