/** Why a request got no answer, and what to do, from the error fetch threw. Pure. */
export function describeConnectionFailure(apiUrl: string, err: unknown): string {
  const code = errorCode(err);
  if (code === 'ECONNREFUSED') {
    return `Cannot reach the Berth API at ${apiUrl}: is \`bin/berth up\` running? Set BERTH_API_URL if it listens elsewhere.`;
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `Cannot resolve the host of ${apiUrl}: check BERTH_API_URL.`;
  }
  if (code === 'TimeoutError' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') {
    return `The Berth API at ${apiUrl} did not answer in time: is it overloaded, or is BERTH_API_URL wrong?`;
  }
  if (code !== undefined && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return `Cannot verify the TLS certificate of ${apiUrl} (${code}): log in with \`berth login --ca-file FILE\` (Berth's CA: tls/ca.crt under the data dir, ~/.berth by default), or set NODE_EXTRA_CA_CERTS to that file.`;
  }
  if (code === undefined && messages(err).includes('bad port')) {
    return `Cannot connect to ${apiUrl}: fetch refuses that port (it is on the WHATWG "bad ports" list); run Berth on another port.`;
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') {
    return `The connection to ${apiUrl} was cut before an answer: is it an HTTPS port spoken to over http://, or the other way round?`;
  }
  return `Cannot reach the Berth API at ${apiUrl}${code === undefined ? '' : ` (${code})`}: check that \`bin/berth up\` is running and BERTH_API_URL.`;
}

/** The first `code` (or a DOMException name) down the `cause` chain. */
export function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code, name } = e as { code?: unknown; name?: unknown };
    if (typeof code === 'string') return code;
    if (name === 'TimeoutError' || name === 'AbortError') return 'TimeoutError';
    const nested = (e as { cause?: unknown; errors?: unknown[] }).errors?.[0];
    e = (e as { cause?: unknown }).cause ?? nested;
  }
  return undefined;
}

function messages(err: unknown): string[] {
  const found: string[] = [];
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; depth++, e = e.cause) found.push(e.message);
  return found;
}
