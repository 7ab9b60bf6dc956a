import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { useApi } from '../support/api-harness.js';
import { AddonLifecycle } from '../../src/api/addon-lifecycle.js';
import { describeResult, flat, HEROKU, herokuEnv, runHeroku, runHerokuPrompted, type CliResult, type HerokuCliOptions } from '../support/heroku-cli.js';
import { makeKeyPair } from '../support/ssh-keys.js';
import { deploy } from '../api/deploy-helpers.js';
import { expectJson, jsonBody } from '../api/helpers.js';
import { createAddon, startAddonApi, type AddonJson, type AddonTestbed } from '../api/addon-helpers.js';

/**
 * More of the official `heroku` CLI's commands against the real API handler: clearing SSH keys,
 * ending a login session, replacing a certificate, comparing two apps, setting a stack, reading a
 * webhook event, listing a buildpack's versions, opening an app (with a BROWSER that records the
 * URL) and editing config in $EDITOR. Each asserts on what the CLI printed and on Berth's state.
 */

const run = promisify(execFile);
const api = useApi();
const dev = api.user('heroku-more@example.test');
const APP = `hk-more-${process.pid.toString(36)}`;
const OTHER = `hk-more-o-${process.pid.toString(36)}`;
const DOMAIN = 'www.more-shop.test';
let home: string;

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'berth-heroku-more-'));
  for (const name of ['a', 'b']) {
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(home, `${name}-key.pem`), '-out', join(home, `${name}-cert.pem`), '-days', '30', '-subj', `/CN=${DOMAIN}`, '-addext', `subjectAltName=DNS:${DOMAIN}`], { timeout: 30_000 });
  }
});
after(async () => {
  await rm(home, { recursive: true, force: true });
});

const cli = (o: Partial<HerokuCliOptions> = {}): HerokuCliOptions => {
  const apiUrl = api.url.replace('127.0.0.1', 'localhost');
  return { apiUrl, home, apiKey: dev.key, env: { HEROKU_BUILDPACK_REGISTRY_URL: `${apiUrl}/buildpack-registry` }, ...o };
};
const ok = async (args: string[], o: Partial<HerokuCliOptions> = {}) => {
  const result = await runHeroku(cli(o), args);
  assert.equal(result.code, 0, `heroku ${args.join(' ')}: ${describeResult(result)}`);
  return { out: result.stdout, all: flat(result.stdout + result.stderr) };
};
const state = async <T>(path: string, key = dev.key) => expectJson<T>(await api.request(path, { key }), 200);

describe('the official heroku CLI: keys, sessions, certificates, diffs, stacks and more', () => {
  before(async () => {
    for (const name of [APP, OTHER]) await expectJson(await api.request('/apps', { method: 'POST', key: dev.key, body: jsonBody({ name }) }), 201);
    await deploy(api, dev.key, APP);
  });

  it('keys:clear removes every SSH key of the account', async () => {
    for (const comment of ['dev@laptop', 'dev@work']) {
      const pair = await makeKeyPair(home, 'ed25519', comment);
      await expectJson(await api.request('/account/keys', { method: 'POST', key: dev.key, body: jsonBody({ public_key: (await readFile(pair.publicPath, 'utf8')).trim() }) }), 201);
    }
    assert.equal((await state<unknown[]>('/account/keys')).length, 2);
    assert.match((await ok(['keys:clear'])).all, /Removing all SSH keys\.\.\. done/);
    assert.deepEqual(await state('/account/keys'), []);
  });

  it('sessions:destroy ends a login session: its key stops working', async () => {
    const loginHome = await mkdtemp(join(tmpdir(), 'berth-heroku-more-login-'));
    try {
      const asLogin = cli({ home: loginHome, apiKey: undefined });
      const login = await runHerokuPrompted(asLogin, ['login', '-i'], [{ prompt: /Email/, answer: dev.email }, { prompt: /Password/, answer: dev.password }]);
      assert.equal(login.code, 0, describeResult(login));
      const sessionKey = /password\s+(\S+)/.exec(await readFile(join(loginHome, '.netrc'), 'utf8'))?.[1];
      assert.ok(sessionKey);
      const [session] = await state<Array<{ id: string }>>('/oauth/sessions');
      assert.ok(session);
      assert.match((await ok(['sessions:destroy', session.id])).all, new RegExp(`Destroying ${session.id}\\.\\.\\. done`));
      assert.equal((await api.request('/account', { key: sessionKey })).status, 401);
      assert.deepEqual(await state('/oauth/sessions'), []);
    } finally {
      await rm(loginHome, { recursive: true, force: true });
    }
  });

  it('certs:update replaces the certificate of an SNI endpoint', async () => {
    await ok(['certs:add', join(home, 'a-cert.pem'), join(home, 'a-key.pem'), '-a', APP]);
    const [before] = await state<Array<{ name: string; certificate_chain: string }>>(`/apps/${APP}/sni-endpoints`);
    assert.ok(before);
    const updated = await ok(['certs:update', join(home, 'b-cert.pem'), join(home, 'b-key.pem'), '-a', APP, '--confirm', APP]);
    assert.match(updated.all, new RegExp(`Updating SSL certificate ${before.name} for ${APP}\\.\\.\\. done`));
    const [after] = await state<Array<{ name: string; certificate_chain: string }>>(`/apps/${APP}/sni-endpoints`);
    assert.equal(after?.name, before.name);
    assert.equal(after?.certificate_chain.trim(), (await readFile(join(home, 'b-cert.pem'), 'utf8')).trim());
  });

  it('apps:diff lists the config, slug and feature differences between two apps', async () => {
    await expectJson(await api.request(`/apps/${OTHER}/config-vars`, { method: 'PATCH', key: dev.key, body: jsonBody({ GREETING: 'hello' }) }), 200);
    await expectJson(await api.request(`/apps/${APP}/features/log-runtime-metrics`, { method: 'PATCH', key: dev.key, body: jsonBody({ enabled: true }) }), 200);
    const diff = await ok(['apps:diff', APP, OTHER]);
    // Columns: the first app's value, the property, the second app's value.
    assert.match(diff.out, /enabled\s+feature \(log-runtime-metrics\)\s+disabled/);
    assert.match(diff.out, /config \(GREETING\)\s+hello/);
    assert.match(diff.out, /SHA256:\S+\s+slug \(checksum\)/);
  });

  it('apps:stacks:set sets the stack, and refuses a stack Berth does not have', async () => {
    const set = await ok(['apps:stacks:set', 'berth-24', '-a', OTHER]);
    assert.match(set.all, /Setting stack to berth-24\.\.\. done/);
    const unknown = await runHeroku(cli(), ['apps:stacks:set', 'cedar-14', '-a', OTHER]);
    assert.notEqual(unknown.code, 0);
    assert.match(flat(unknown.stderr), /cedar-14/);
    const app = await state<{ stack: { name: string }; build_stack: { name: string } }>(`/apps/${OTHER}`);
    assert.equal(app.build_stack.name, 'berth-24');
  });

  it('buildpacks:versions lists the versions Berth\'s registry has of a buildpack', async () => {
    const versions = await ok(['buildpacks:versions', 'heroku/nodejs']);
    assert.match(versions.out, /Version/);
    assert.match(versions.out, /^\s*1\s.*published/m);
    const unknown = await runHeroku(cli(), ['buildpacks:versions', 'heroku/no-such-pack']);
    assert.notEqual(unknown.code, 0);
    assert.match(flat(unknown.stderr), /Could not find 'heroku\/no-such-pack'/);
  });

  it('apps:open hands the app\'s web URL to the browser', async () => {
    const opened = join(home, 'opened');
    const browser = join(home, 'browser');
    await writeFile(browser, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${opened}'\n`);
    await chmod(browser, 0o755);
    const app = await state<{ web_url: string }>(`/apps/${APP}`);
    const result = await ok(['apps:open', '-a', APP, '/status'], { env: { BROWSER: browser, DISPLAY: '' } });
    assert.match(result.all, /Opening/);
    let text = '';
    for (let i = 0; i < 200 && !text; i++) {
      text = await readFile(opened, 'utf8').catch(() => '');
      if (!text) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(text.trim(), new URL('/status', app.web_url).toString());
  });

  it('accounts:add caches the account Berth names for the key, accounts lists it, accounts:remove drops it', async () => {
    const cached = join(home, '.config', 'heroku', 'accounts', 'work');
    await ok(['accounts:add', 'work']);
    const file = await readFile(cached, 'utf8');
    assert.match(file, new RegExp(`username: ${dev.email.replace(/\./g, '\\.')}`));
    assert.match(file, new RegExp(`password: ${dev.key}`));
    assert.equal((await ok(['accounts'])).out, '  work\n');
    const twice = await runHeroku(cli(), ['accounts:add', 'work']);
    assert.notEqual(twice.code, 0);
    assert.match(flat(twice.stderr), /work already exists/);
    await ok(['accounts:remove', 'work']);
    await assert.rejects(readFile(cached, 'utf8'), { code: 'ENOENT' });
    const none = await runHeroku(cli(), ['accounts']);
    assert.notEqual(none.code, 0);
    assert.match(flat(none.stderr), /You don't have any accounts in your cache/);
  });

  it('config:edit applies what $EDITOR wrote to the config vars', async () => {
    await expectJson(await api.request(`/apps/${APP}/config-vars`, { method: 'PATCH', key: dev.key, body: jsonBody({ COLOUR: 'blue' }) }), 200);
    const editor = join(home, 'editor');
    await writeFile(editor, `#!/bin/sh\nsed -i -e 's/^COLOUR=.*/COLOUR=green/' -e '\$a SIZE=large' "\$1"\n`);
    await chmod(editor, 0o755);
    const result = await runHerokuPrompted(cli({ env: { EDITOR: editor, VISUAL: editor } }), ['config:edit', '-a', APP], [{ prompt: /Update config on/, answer: 'y' }]);
    assert.equal(result.code, 0, describeResult(result));
    const vars = await state<Record<string, string>>(`/apps/${APP}/config-vars`);
    assert.equal(vars.COLOUR, 'green');
    assert.equal(vars.SIZE, 'large');
  });
});

/** Runs `heroku ARGS` and calls `onOutput` once what it printed matches `when`. */
function runHerokuUntil(o: HerokuCliOptions, args: string[], when: RegExp, onOutput: () => Promise<void>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(HEROKU, args, { env: herokuEnv(o), cwd: o.home, timeout: 60_000 });
    child.stdin.end();
    let stdout = '';
    let stderr = '';
    let fired = false;
    const check = () => {
      if (fired || !when.test(stdout + stderr)) return;
      fired = true;
      onOutput().catch((error: unknown) => {
        child.kill();
        reject(error);
      });
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; check(); });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; check(); });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === null) return reject(new Error(`heroku ${args.join(' ')} ended by ${signal}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the official heroku CLI: waiting for an add-on and its documentation', () => {
  let bed: AddonTestbed;
  let key: string;
  let addonHome: string;
  const ADDON_APP = `hk-more-a-${process.pid.toString(36)}`;
  const as = (): HerokuCliOptions => ({ apiUrl: bed.api.url.replace('127.0.0.1', 'localhost'), home: addonHome, apiKey: key });

  before(async () => {
    bed = await startAddonApi();
    addonHome = await mkdtemp(join(tmpdir(), 'berth-heroku-more-addons-'));
    key = (await bed.api.createUser('heroku-more-addons@example.test')).key;
    await expectJson(await bed.api.request('/apps', { method: 'POST', key, body: jsonBody({ name: ADDON_APP }) }), 201);
  });
  after(async () => {
    await bed?.api.close();
    if (addonHome) await rm(addonHome, { recursive: true, force: true });
  });

  it('addons:wait waits while an add-on provisions and prints the config vars it set', async () => {
    bed.redis.mode = 'async';
    let addon: AddonJson;
    try {
      addon = await expectJson<AddonJson>(await createAddon(bed.api, key, ADDON_APP, { plan: 'redis' }), 201);
    } finally {
      bed.redis.mode = 'ok';
    }
    assert.equal(addon.state, 'provisioning');
    const waited = await runHerokuUntil(as(), ['addons:wait', '-a', ADDON_APP, '--wait-interval', '1'], new RegExp(`Creating ${addon.name}`), async () => {
      await new AddonLifecycle(bed.api.deps).provisioned(addon.id, { URL: 'redis://late' }, 'Done.');
    });
    assert.equal(waited.code, 0, describeResult(waited));
    assert.match(flat(waited.stdout), new RegExp(`Created ${addon.name} as REDIS_URL`));
    const after = await expectJson<AddonJson>(await bed.api.request(`/addons/${addon.id}`, { key }), 200);
    assert.equal(after.state, 'provisioned');
    // Nothing left provisioning: it returns at once and prints nothing.
    const idle = await runHeroku(as(), ['addons:wait', '-a', ADDON_APP]);
    assert.equal(idle.code, 0, describeResult(idle));
    assert.equal(idle.stdout, '');
  });

  it('addons:docs --show-url prints the documentation address of an add-on service Berth knows', async () => {
    const docs = await runHeroku(as(), ['addons:docs', 'heroku-redis', '--show-url']);
    assert.equal(docs.code, 0, describeResult(docs));
    assert.equal(docs.stdout.trim(), 'https://devcenter.heroku.com/articles/heroku-redis');
    const unknown = await runHeroku(as(), ['addons:docs', 'no-such-service', '--show-url']);
    assert.notEqual(unknown.code, 0);
    assert.equal(unknown.stdout, '');
  });
});
