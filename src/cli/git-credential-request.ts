import type { Credential, Credentials } from './credentials.js';

/**
 * git's credential helper protocol (gitcredentials(7)): `key=value` lines up to a blank line.
 * Pure: parsing a request and choosing the saved login for its host.
 */
export function parseCredentialRequest(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') break;
    const eq = line.indexOf('=');
    if (eq > 0) attributes.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return attributes;
}

/** The saved login whose git host is exactly the request's protocol and host (with its port). */
export function loginForGitHost(saved: Credentials, request: Map<string, string>): Credential | undefined {
  const protocol = request.get('protocol');
  const host = request.get('host');
  if (protocol === undefined || host === undefined) return undefined;
  return Object.values(saved).find((login) => {
    if (login.git_url_prefix === undefined) return false;
    const url = new URL(login.git_url_prefix);
    return url.protocol === `${protocol}:` && url.host === host.toLowerCase();
  });
}
