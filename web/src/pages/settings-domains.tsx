// Domains and certificates (SNI endpoints): add and remove custom domains, upload and remove
// certificate bundles.
import { useState } from 'preact/hooks';
import { api } from '../api/client.js';
import type { DomainJson, SniEndpointJson } from '../api/types.js';
import { ErrorText, Loaded } from '../components/notice.js';
import { useAction } from '../lib/use-action.js';
import { useResource } from '../lib/use-resource.js';

export function Domains({ app }: { app: string }) {
  const base = `/apps/${encodeURIComponent(app)}`;
  const domains = useResource<DomainJson[]>(`${base}/domains`);
  const certs = useResource<SniEndpointJson[]>(`${base}/sni-endpoints`);
  const [hostname, setHostname] = useState('');
  const [chain, setChain] = useState('');
  const [key, setKey] = useState('');
  const { run, error } = useAction(() => Promise.all([domains.reload(), certs.reload()]));
  return (
    <section aria-labelledby="domains">
      <h3 id="domains">Domains</h3>
      <Loaded resource={domains}>
        {(list) => (
          <ul class="rows">
            {list.map((d) => (
              <li key={d.id}>
                <code>{d.hostname}</code> <span class="muted">{d.kind === 'heroku' ? 'built in' : d.cname ? `CNAME → ${d.cname}` : d.status}</span>
                {d.sni_endpoint && <span class="muted"> · certificate {d.sni_endpoint.name}</span>}
                {d.kind !== 'heroku' && (
                  <button type="button" class="small danger" aria-label={`Remove ${d.hostname}`} onClick={() => void run(() => api.request('DELETE', `${base}/domains/${encodeURIComponent(d.hostname)}`))}>
                    Remove
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </Loaded>
      <form
        class="inline"
        aria-label="Add a domain"
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => api.request('POST', `${base}/domains`, { body: { hostname: hostname.trim(), sni_endpoint: null } })).then(() => setHostname(''));
        }}
      >
        <label class="field grow">
          Hostname
          <input name="hostname" value={hostname} placeholder="www.example.com" required onInput={(e) => setHostname((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit">Add domain</button>
      </form>
      <h3>Certificates</h3>
      <Loaded resource={certs} empty="This Berth has no certificate endpoints.">
        {(list) =>
          list.length === 0 ? (
            <p class="empty">No certificates: Berth's own CA signs the built-in domain.</p>
          ) : (
            <ul class="rows">
              {list.map((c) => (
                <li key={c.id}>
                  <strong>{c.name}</strong>{' '}
                  <span class="muted">
                    {c.ssl_cert?.cert_domains.join(', ')}
                    {c.ssl_cert?.expires_at && ` · expires ${c.ssl_cert.expires_at.slice(0, 10)}`}
                  </span>
                  <button type="button" class="small danger" aria-label={`Remove certificate ${c.name}`} onClick={() => void run(() => api.request('DELETE', `${base}/sni-endpoints/${encodeURIComponent(c.id)}`))}>
                    Remove
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      <details>
        <summary>Add a certificate</summary>
        <form
          class="stack"
          aria-label="Add a certificate"
          onSubmit={(e) => {
            e.preventDefault();
            void run(() => api.request('POST', `${base}/sni-endpoints`, { body: { certificate_chain: chain, private_key: key } })).then(() => {
              setChain('');
              setKey('');
            });
          }}
        >
          <label class="field">
            Certificate chain (PEM)
            <textarea name="certificate_chain" rows={4} value={chain} required onInput={(e) => setChain((e.target as HTMLTextAreaElement).value)} />
          </label>
          <label class="field">
            Private key (PEM)
            <textarea name="private_key" rows={4} value={key} required onInput={(e) => setKey((e.target as HTMLTextAreaElement).value)} />
          </label>
          <button type="submit">Upload certificate</button>
        </form>
      </details>
      <ErrorText error={error} />
    </section>
  );
}
