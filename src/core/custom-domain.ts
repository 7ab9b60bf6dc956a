import { PlatformError } from './errors.js';

/**
 * Rules for custom domains: what a hostname may be, how it relates to the Berth domain, and
 * which certificate names cover it. Pure; the API, the CLI and the agent share them.
 */

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const MAX_HOSTNAME_LENGTH = 253;

/** True when `host` is `base` or a name below it (`a.b.base`). */
export function isWithin(host: string, base: string): boolean {
  return host === base || host.endsWith(`.${base}`);
}

/**
 * A custom domain's hostname in canonical form (lower case, no trailing dot), or a PlatformError
 * (invalid_params) that says what is wrong: a DNS name of at least two labels, letters, digits and
 * dashes, optionally starting with `*.` (a wildcard for one more label), not an IP address, and
 * neither the Berth domain nor below it (those names belong to Berth's apps already).
 */
export function validateCustomHostname(value: unknown, berthDomain: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new PlatformError('invalid_params', 'hostname is required, e.g. {"hostname":"www.example.com"}.');
  }
  const raw = value.trim();
  const host = raw.toLowerCase().replace(/\.$/, '');
  const bad = (why: string) => new PlatformError('invalid_params', `Hostname ${JSON.stringify(raw.slice(0, 300))} is invalid: ${why}.`);
  if (host.length > MAX_HOSTNAME_LENGTH) throw bad(`it is longer than ${MAX_HOSTNAME_LENGTH} characters`);
  const wildcard = host.startsWith('*.');
  const labels = (wildcard ? host.slice(2) : host).split('.');
  for (const label of labels) {
    if (label.includes('*')) throw bad('a wildcard may only be the whole first label, as in *.example.com');
    if (!LABEL.test(label)) throw bad('each part between dots must be 1 to 63 letters, digits or dashes, not starting or ending with a dash');
  }
  if (labels.length < 2) throw bad(wildcard ? 'a wildcard needs a domain of at least two parts, as in *.example.com' : 'use a full domain name such as www.example.com');
  if (/^[0-9]+$/.test(labels[labels.length - 1] as string)) throw bad('IP addresses cannot be domains; use a DNS name');
  const domain = berthDomain.toLowerCase().replace(/\.$/, '');
  const base = wildcard ? host.slice(2) : host;
  if (isWithin(base, domain) || (wildcard && isWithin(domain, base))) {
    throw new PlatformError('invalid_params', `Hostname ${host} is invalid: names under ${domain} belong to Berth's apps (every app already answers at <app>.${domain}); add a domain of your own.`);
  }
  return host;
}

/**
 * True when a certificate name (a SAN: `www.example.com` or `*.example.com`) is valid for
 * `hostname` (a custom domain, possibly itself a wildcard). A certificate wildcard covers exactly
 * one label (RFC 6125), so `*.example.com` covers `www.example.com` and the domain
 * `*.example.com`, but not `example.com` or `a.b.example.com`.
 */
export function nameCovers(certName: string, hostname: string): boolean {
  const name = certName.toLowerCase().replace(/\.$/, '');
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (name === host) return true;
  if (!name.startsWith('*.') || host.startsWith('*.')) return false;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot + 1) === name.slice(2);
}

/** True when any of a certificate's names covers `hostname`. */
export function certificateCovers(certNames: readonly string[], hostname: string): boolean {
  return certNames.some((name) => nameCovers(name, hostname));
}
