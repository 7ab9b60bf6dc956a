import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { App } from '../../src/core/model.js';
import { runCli } from '../../src/cli/main.js';
import { useApi } from '../support/api-harness.js';
import { NoDynos } from '../support/recording-platform.js';
import { captureIo } from './capture-io.js';

const dynos = new NoDynos();
let home: string;
let key: string;
let app: App;

const api = useApi({ overrides: { dynos } }, async (started) => {
  key = (await started.createUser('labs-cli@example.test')).key;
  assert.equal((await started.request('/apps', { method: 'POST', key, body: JSON.stringify({ name: 'labs-app' }) })).status, 201);
  app = (await started.store.apps.findByName('labs-app')) as App;
});
before(async () => {
  home = await mkdtemp(join(tmpdir(), 'berth-cli-labs-'));
});
after(async () => {
  await rm(home, { recursive: true, force: true });
});

async function berth(argv: string[]) {
  const captured = captureIo({ env: { BERTH_API_URL: api.url, BERTH_API_KEY: key, HOME: home, BERTH_APP: 'labs-app' }, cwd: home });
  const code = await runCli(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

const DESCRIPTION = "Emit each dyno's memory use and load average into the app's logs every 20 seconds";

/** `ps:autoidle` is stored as a feature too; the text list is sorted by name. */
const AUTOIDLE_OFF = '[ ] autoidle             Stop the web dynos after 30 minutes without requests (as eco dynos sleep); the next request wakes them\n';

test('labs lists the features, labs:enable turns one on and restarts the dynos, labs:disable turns it off', async () => {
  assert.deepEqual(await berth(['labs']), { code: 0, stdout: `=== App Features labs-app\n${AUTOIDLE_OFF}[ ] log-runtime-metrics  ${DESCRIPTION}\n`, stderr: '' });

  assert.deepEqual(await berth(['labs:enable', 'log-runtime-metrics']), {
    code: 0,
    stdout: 'Enabling log-runtime-metrics for labs-app... done\n',
    stderr: "Restarting labs-app's dynos so they pick it up.\n",
  });
  assert.equal((await api.store.appFeatures.find(app.id, 'log-runtime-metrics'))?.enabled, true);
  assert.deepEqual(dynos.restarts, [{ appId: app.id }]);
  assert.equal((await berth(['labs'])).stdout, `=== App Features labs-app\n${AUTOIDLE_OFF}[+] log-runtime-metrics  ${DESCRIPTION}\n`);
  assert.deepEqual(await berth(['labs:enable', 'log-runtime-metrics']), { code: 0, stdout: 'log-runtime-metrics is already enabled for labs-app.\n', stderr: '' });
  assert.equal(dynos.restarts.length, 1, 'enabling an enabled feature restarts nothing');

  const listed = JSON.parse((await berth(['labs', '--json'])).stdout) as Array<{ name: string; enabled: boolean }>;
  assert.deepEqual(listed.map((f) => [f.name, f.enabled]), [['log-runtime-metrics', true], ['autoidle', false]]);

  assert.equal((await berth(['labs:disable', 'log-runtime-metrics'])).stdout, 'Disabling log-runtime-metrics for labs-app... done\n');
  assert.equal((await api.store.appFeatures.find(app.id, 'log-runtime-metrics'))?.enabled, false);
  assert.equal(dynos.restarts.length, 2);
  assert.equal((await berth(['labs:disable', 'log-runtime-metrics'])).stdout, 'log-runtime-metrics is already disabled for labs-app.\n');
});

test('labs:info shows the description, whether it is on and the docs, or the JSON', async () => {
  assert.deepEqual(await berth(['labs:info', 'log-runtime-metrics']), {
    code: 0,
    stdout: `=== log-runtime-metrics\nDescription:  ${DESCRIPTION}\nEnabled:      false\nDocs:         https://devcenter.heroku.com/articles/log-runtime-metrics\n`,
    stderr: '',
  });
  const json = JSON.parse((await berth(['labs:info', 'log-runtime-metrics', '--json'])).stdout) as Record<string, unknown>;
  assert.equal(json.name, 'log-runtime-metrics');
  assert.equal(json.enabled, false);
});

test('an unknown feature fails with the API’s message naming the known ones, and a missing name is a usage error', async () => {
  for (const command of ['labs:enable', 'labs:disable', 'labs:info']) {
    const unknown = await berth([command, 'no-such-feature']);
    assert.equal(unknown.code, 1, command);
    assert.match(unknown.stderr, /no-such-feature \(known: log-runtime-metrics, autoidle, force-https, hsts\)/, command);
    const missing = await berth([command]);
    assert.equal(missing.code, 2, command);
    assert.match(missing.stderr, /FEATURE/, command);
  }
  assert.equal(dynos.restarts.length, 2, 'nothing restarted');
});

test('features lists every app feature and features:enable force-https turns it on without restarting dynos', async () => {
  const before = dynos.restarts.length;
  const listed = await berth(['features']);
  assert.equal(listed.code, 0);
  assert.match(listed.stdout, /^=== App Features labs-app\n/);
  assert.match(listed.stdout, /\[ \] force-https +Redirect every plain-HTTP request to HTTPS/);
  assert.match(listed.stdout, /\[ \] hsts +Add Strict-Transport-Security/);
  assert.deepEqual(await berth(['features:enable', 'force-https']), { code: 0, stdout: 'Enabling force-https for labs-app... done\n', stderr: '' });
  assert.equal((await api.store.appFeatures.find(app.id, 'force-https'))?.enabled, true);
  assert.match((await berth(['features'])).stdout, /\[\+\] force-https/);
  assert.doesNotMatch((await berth(['labs'])).stdout, /force-https/, 'labs lists the experimental ones only');
  assert.deepEqual(await berth(['features:disable', 'force-https']), { code: 0, stdout: 'Disabling force-https for labs-app... done\n', stderr: '' });
  assert.equal(dynos.restarts.length, before);
});
