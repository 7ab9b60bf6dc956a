import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acmeTargets, backoffMs, isCertifiableName, MAX_BACKOFF_MS, renewalDue } from '../../src/core/acme-plan.js';

describe('the ACME plan', () => {
  it('wants a certificate for <app>.<domain> and every custom domain without an uploaded one', () => {
    const targets = acmeTargets('shop', 'apps.example.com', [
      { hostname: 'www.shop.example', uploaded: false },
      { hostname: 'own.shop.example', uploaded: true },
    ]);
    assert.deepEqual(targets, [
      { hostname: 'shop.apps.example.com', kind: 'issue' },
      { hostname: 'www.shop.example', kind: 'issue' },
    ]);
  });

  it('reports a wildcard domain as unsupported (HTTP-01 cannot prove it) instead of ordering it', () => {
    const [wild] = acmeTargets('shop', 'localhost', [{ hostname: '*.shop.example', uploaded: false }]);
    assert.equal(wild?.kind, 'unsupported');
    assert.match(wild?.kind === 'unsupported' ? wild.reason : '', /wildcard domain needs a DNS-01 challenge.*berth certs:add/);
  });

  it('leaves out <app>.<domain> when the platform domain is localhost or an address no public CA certifies', () => {
    for (const domain of ['localhost', 'berth.localhost', '10.0.0.5', 'intranet']) {
      assert.equal(isCertifiableName(domain), false, domain);
      assert.deepEqual(acmeTargets('shop', domain, []), [], domain);
    }
    assert.equal(isCertifiableName('apps.example.com'), true);
  });

  it('renews 30 days before expiry', () => {
    assert.equal(renewalDue(new Date('2025-04-01T00:00:00Z')).toISOString(), '2025-03-02T00:00:00.000Z');
  });

  it('doubles the wait after each failure in a row, up to a day', () => {
    assert.deepEqual([1, 2, 3, 4].map((n) => backoffMs(n, 1000)), [1000, 2000, 4000, 8000]);
    assert.equal(backoffMs(1), 5 * 60_000, 'five minutes by default');
    assert.equal(backoffMs(40, 1000), MAX_BACKOFF_MS);
    assert.equal(MAX_BACKOFF_MS, 24 * 3_600_000);
  });
});
