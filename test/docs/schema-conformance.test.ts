import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { responseDrift, responseSchema } from '../support/schema-conformance.js';

describe('schema conformance (the check every API test response goes through)', () => {
  it('finds the schema of a response by method and path template, and none for a Berth extension', () => {
    assert.equal(responseSchema('GET', '/apps/my-app')?.resource, 'app');
    assert.equal(responseSchema('GET', '/apps/my-app/formation')?.resource, 'formation');
    assert.equal(responseSchema('GET', '/apps/my-app/formation-plan'), undefined);
  });

  it('reports a missing property and a value of the wrong type, with their paths', () => {
    const drift = responseDrift('GET', '/apps/my-app/formation/web', { app: { id: 'x', name: 'y' }, command: 'node server.js', created_at: 'now', dyno_size: { name: 'Standard-1X' }, id: 'i', quantity: '1', size: 'Standard-1X', type: 'web', updated_at: 'now' });
    assert.ok(drift.some((d) => d.endsWith('(formation) $.dyno_size.id: missing')), drift.join('\n'));
    assert.ok(drift.some((d) => /\$\.quantity: "1" is string, the schema says integer/.test(d)), drift.join('\n'));
  });

  it('lets through only the departures listed as deliberate', () => {
    assert.deepEqual(responseDrift('GET', '/oauth/authorizations', [{ access_token: { token: null } }]).filter((d) => d.includes('access_token.token')), []);
    assert.ok(responseDrift('GET', '/oauth/authorizations', [{ access_token: { token: 7 } }]).some((d) => d.includes('access_token.token: 7 is integer')));
  });
});
