/** The parts of the domain and sni-endpoint resources the CLI reads (full shapes: src/api/resources/). */
export interface DomainJson {
  id: string;
  hostname: string;
  kind: 'heroku' | 'custom';
  cname: string | null;
  status: string;
  sni_endpoint: { id: string; name: string } | null;
  /** `cert issued`, `pending`, `failing`, `failed`; null without automatic certificates. */
  acm_status: string | null;
  acm_status_reason: string | null;
  updated_at: string;
}

/** An ACM status as the official CLI shows it: `cert issued` → `Cert issued`, none → `Waiting`. */
export function acmLabel(status: string | null): string {
  if (status === null) return 'Waiting';
  return status.split('-').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join(' ');
}

export interface SniEndpointJson {
  id: string;
  name: string;
  domains: string[];
  ssl_cert: {
    cert_domains: string[];
    expires_at: string;
    issuer: string;
    subject: string;
    'ca_signed?': boolean;
    'self_signed?': boolean;
  };
}

/** `ALIAS or ANAME` for an apex domain (two labels), `CNAME` otherwise, as the official CLI labels them. */
export function dnsRecordType(hostname: string): string {
  return !hostname.startsWith('*.') && hostname.split('.').length === 2 ? 'ALIAS or ANAME' : 'CNAME';
}
