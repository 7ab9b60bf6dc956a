import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeManifestProblems, parseAppManifest, resolveManifestEnv } from '../../src/core/app-manifest.js';

const full = {
  name: 'small-sample',
  description: 'A sample',
  keywords: ['node'],
  env: { GREETING: 'hello', SECRET_KEY: { generator: 'secret' }, OPTIONAL: { required: false, description: 'maybe' } },
  formation: { web: { quantity: 2, size: 'Standard-2X' }, worker: { quantity: 0 } },
  addons: ['heroku-postgresql', { plan: 'heroku-redis:mini', as: 'CACHE', options: { version: '7' } }],
  buildpacks: [{ url: 'heroku/nodejs' }],
  stack: 'heroku-24',
  scripts: { postdeploy: 'node seed.js', 'pr-predestroy': 'node drop.js' },
  success_url: '/welcome',
  environments: { review: { env: { GREETING: 'review' }, formation: { web: { quantity: 1 } } } },
};

describe('app.json', () => {
  it('reads every section Heroku defines, normalising sizes and plan strings', () => {
    const { manifest, problems } = parseAppManifest(JSON.stringify(full));
    assert.deepEqual(problems, []);
    assert.equal(manifest.name, 'small-sample');
    assert.deepEqual(manifest.env.GREETING, { value: 'hello', required: true });
    assert.deepEqual(manifest.env.SECRET_KEY, { required: true, generator: 'secret' });
    assert.deepEqual(manifest.env.OPTIONAL, { required: false, description: 'maybe' });
    assert.deepEqual(manifest.formation, { web: { quantity: 2, size: 'standard-2x' }, worker: { quantity: 0 } });
    assert.deepEqual(manifest.addons, [{ plan: 'heroku-postgresql' }, { plan: 'heroku-redis:mini', as: 'CACHE', options: { version: '7' } }]);
    assert.deepEqual(manifest.buildpacks, ['heroku/nodejs']);
    assert.equal(manifest.stack, 'heroku-24');
    assert.deepEqual(manifest.scripts, { postdeploy: 'node seed.js', 'pr-predestroy': 'node drop.js' });
    assert.equal(manifest.successUrl, '/welcome');
  });

  it('lays an environment over the top level section by section', () => {
    const { manifest, problems } = parseAppManifest(JSON.stringify(full), 'review');
    assert.deepEqual(problems, []);
    assert.deepEqual(Object.keys(manifest.env), ['GREETING'], 'env is replaced as a whole');
    assert.deepEqual(manifest.formation, { web: { quantity: 1 } });
    assert.equal(manifest.addons.length, 2, 'sections the environment does not name stay');
    assert.equal(parseAppManifest(JSON.stringify(full), 'test').manifest.env.SECRET_KEY?.generator, 'secret', 'no test environment: the top level');
  });

  it('lists every problem at once, each with its JSON path', () => {
    const bad = {
      name: 'x'.repeat(31),
      env: { 'BAD-NAME': 'v', TOKEN: { generator: 'uuid' }, COUNT: 3 },
      formation: { web: { quantity: -1, size: 'huge' }, 'bad type': {} },
      addons: ['Heroku Postgres', { plan: 'heroku-redis', as: 'lower' }, 7],
      buildpacks: ['heroku/nodejs'],
      scripts: { postdeploy: '' },
      success_url: 'ftp://x',
      environments: { review: { env: { X: { required: 'yes' } } } },
    };
    const { problems } = parseAppManifest(JSON.stringify(bad), 'review');
    const paths = problems.map((p) => p.path);
    assert.deepEqual(paths, [
      'name',
      'environments.review.env.X.required',
      'formation.web.quantity',
      'formation.web.size',
      'formation.bad type',
      'addons[0]',
      'addons[1].as',
      'addons[2]',
      'buildpacks[0].url',
      'scripts.postdeploy',
      'success_url',
    ]);
    const top = parseAppManifest(JSON.stringify(bad)).problems.map((p) => p.path);
    assert.ok(top.includes('env.BAD-NAME') && top.includes('env.TOKEN.generator') && top.includes('env.COUNT'), top.join(' '));
    assert.match(parseAppManifest(JSON.stringify(bad)).problems.find((p) => p.path === 'env.TOKEN.generator')?.message ?? '', /only one is "secret"/);
    const message = describeManifestProblems(problems);
    assert.match(message, /^app\.json has 11 problems:\n  name: /);
  });

  it('refuses text that is not a JSON object', () => {
    assert.match(parseAppManifest('{"name": ').problems[0]?.message ?? '', /not valid JSON/);
    assert.deepEqual(parseAppManifest('[1]').problems, [{ path: '$', message: 'app.json must be a JSON object.' }]);
    assert.deepEqual(parseAppManifest('\uFEFF{}').problems, []);
  });

  it('resolves env: an override wins, then the value, then a generated secret; a required one without any is named', () => {
    const { manifest } = parseAppManifest(JSON.stringify({ env: { A: 'a', B: { generator: 'secret' }, C: { description: 'the API token' }, D: { required: false } } }));
    let n = 0;
    const secret = () => `s${++n}`;
    const missing = resolveManifestEnv(manifest.env, {}, secret);
    assert.deepEqual(missing.vars, { A: 'a', B: 's1' });
    assert.deepEqual(missing.problems.map((p) => p.path), ['env.C']);
    assert.match(missing.problems[0]?.message ?? '', /--env C=.*the API token/);
    const given = resolveManifestEnv(manifest.env, { C: 'tok', A: 'override', EXTRA: 'x' }, secret);
    assert.deepEqual(given.vars, { A: 'override', B: 's2', C: 'tok', EXTRA: 'x' });
    assert.deepEqual(given.problems, []);
  });
});
