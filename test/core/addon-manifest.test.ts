import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAddonManifest } from '../../src/core/addon-manifest.js';
import { checkPartnerConfig, configVarSuffix, partnerMessage } from '../../src/core/partner-config.js';

const manifest = (api: Record<string, unknown> = {}, rest: Record<string, unknown> = {}) =>
  parseAddonManifest({
    id: 'my-addon',
    api: { config_vars: ['MY_ADDON_URL'], password: 'long-enough', production: { base_url: 'https://p.example.test/heroku/resources/' }, ...api },
    plans: [{ name: 'test' }],
    ...rest,
  });

describe('add-on manifests', () => {
  it('fills Heroku’s defaults: prefix from the id, name, region us, version 3, free monthly plans', () => {
    const m = manifest();
    assert.deepEqual(m, {
      id: 'my-addon',
      name: 'my-addon',
      configVarsPrefix: 'MY_ADDON',
      configVars: ['MY_ADDON_URL'],
      password: 'long-enough',
      ssoSalt: null,
      baseUrl: 'https://p.example.test',
      regions: ['us'],
      version: '3',
      plans: [{ name: 'test', description: 'test', price: { cents: 0, unit: 'month' } }],
    });
  });

  it('names config vars by suffix: MY_ADDON_URL → URL, MY_ADDON_READ_URL → READ_URL', () => {
    const m = manifest({ config_vars: ['MY_ADDON_URL', 'MY_ADDON_READ_URL'] });
    assert.deepEqual(m.configVars.map((v) => configVarSuffix(m, v)), ['URL', 'READ_URL']);
  });

  it('accepts only the manifest’s config vars, as strings without control characters', () => {
    const m = manifest();
    assert.deepEqual(checkPartnerConfig(m, { MY_ADDON_URL: 'https://x' }), { ok: true, config: { URL: 'https://x' } });
    assert.deepEqual(checkPartnerConfig(m, { __proto__: 'x' } as unknown as Record<string, unknown>), { ok: true, config: {} }, 'a literal __proto__ sets no key');
    for (const [config, reason] of [
      [{ MY_ADDON_URLX: 'x' }, /not in the manifest/],
      [{ MY_ADDON_URL: 'x\u0000y' }, /control characters/],
      [{ MY_ADDON_URL: 'x\u2028y' }, /control characters/],
      [{ MY_ADDON_URL: 'x'.repeat(4097) }, /longer than 4096/],
      [{ MY_ADDON_URL: null }, /not a string/],
    ] as const) {
      const checked = checkPartnerConfig(m, config as Record<string, unknown>);
      assert.equal(checked.ok, false);
      if (!checked.ok) assert.match(checked.reason, reason);
    }
  });

  it('cleans provider messages of control characters and bounds them', () => {
    assert.equal(partnerMessage('ready\r\n\u001b[2Jnow'), 'ready [2Jnow');
    assert.equal(partnerMessage(42), undefined);
    assert.equal(partnerMessage('x'.repeat(600))?.length, 500);
  });
});
