import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { useApi } from '../support/api-harness.js';
import { describeResult, flat, runHeroku, runHerokuPrompted, type HerokuCliOptions } from '../support/heroku-cli.js';

/**
 * The official `heroku` CLI's login, logout, sessions, authorizations and clients commands
 * against the real API handler: a login mints a session key, `heroku logout` revokes exactly
 * that key, keys made for scripts survive it.
 */

const api = useApi();
const EMAIL = 'heroku-auth@example.test';
const PASSWORD = 'heroku-auth-password-1';
let home: string;

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'berth-heroku-auth-'));
});
after(async () => {
  await rm(home, { recursive: true, force: true });
});

const cli = (o: Partial<HerokuCliOptions> = {}): HerokuCliOptions => ({ apiUrl: api.url.replace('127.0.0.1', 'localhost'), home, ...o });

/** The key `heroku login` saved for Berth's API host in HOME's .netrc. */
async function savedKey(): Promise<string | undefined> {
  const netrc = await readFile(join(home, '.netrc'), 'utf8').catch(() => '');
  return /password\s+(\S+)/.exec(netrc)?.[1];
}

describe('heroku login -i and heroku logout', () => {
  before(async () => {
    await api.accounts.create({ email: EMAIL, password: PASSWORD });
  });

  it('heroku login -i saves a key that works, and heroku logout revokes it on the server', async () => {
    const login = await runHerokuPrompted(cli(), ['login', '-i'], [{ prompt: /Email/, answer: EMAIL }, { prompt: /Password/, answer: PASSWORD }]);
    assert.equal(login.code, 0, describeResult(login));
    assert.match(flat(login.stdout + login.stderr), new RegExp(`Logged in as ${EMAIL}`));
    const key = await savedKey();
    assert.ok(key, 'heroku login -i wrote no key to .netrc');
    assert.equal((await api.request('/account', { key })).status, 200);

    const whoami = await runHeroku(cli(), ['auth:whoami']);
    assert.equal(whoami.stdout, `${EMAIL}\n`, describeResult(whoami));

    const sessions = await runHeroku(cli(), ['sessions']);
    assert.equal(sessions.code, 0, describeResult(sessions));
    assert.match(sessions.stdout, /Heroku CLI login from /);

    const logout = await runHeroku(cli(), ['logout']);
    assert.equal(logout.code, 0, describeResult(logout));
    assert.match(flat(logout.stderr), /Logging out\.\.\. done/);
    assert.equal((await api.request('/account', { key })).status, 401, 'the key heroku logout dropped still works');
  });
});

describe('heroku authorizations, sessions and clients', () => {
  const user = api.user('heroku-authz@example.test');
  const as = () => cli({ apiKey: user.key });

  it('heroku logout with a key made for a script leaves the key working', async () => {
    const logout = await runHeroku(as(), ['logout']);
    assert.equal(logout.code, 0, describeResult(logout));
    assert.equal((await api.request('/account', { key: user.key })).status, 200);
  });

  it('heroku authorizations:info ~ shows the account\'s API key; authorizations:update renames it', async () => {
    const [apiKey] = await api.store.authorizations.listForAccount(user.accountId);
    assert.ok(apiKey);
    const info = await runHeroku(as(), ['authorizations:info', '~', '--json']);
    assert.equal(info.code, 0, describeResult(info));
    assert.equal(JSON.parse(info.stdout).id, apiKey.id);

    const updated = await runHeroku(as(), ['authorizations:update', apiKey.id, '-d', 'deploy bot']);
    assert.equal(updated.code, 0, describeResult(updated));
    assert.match(updated.stdout, /deploy bot/);
    assert.equal((await api.store.authorizations.findById(apiKey.id))?.description, 'deploy bot');
  });

  it('heroku authorizations:rotate prints a new key that works while the old one stops', async () => {
    const made = await runHeroku(as(), ['authorizations:create', '-d', 'to rotate', '--json']);
    assert.equal(made.code, 0, describeResult(made));
    const created = JSON.parse(made.stdout) as { id: string; access_token: { token: string } };
    const rotated = await runHeroku(as(), ['authorizations:rotate', created.id]);
    assert.equal(rotated.code, 0, describeResult(rotated));
    const token = /Token:\s+(berth_\S+)/.exec(rotated.stdout)?.[1];
    assert.ok(token && token !== created.access_token.token, describeResult(rotated));
    assert.equal((await api.request('/account', { key: token })).status, 200);
    assert.equal((await api.request('/account', { key: created.access_token.token })).status, 401);
  });

  it('heroku authorizations lists the keys, and authorizations:revoke ends one at once', async () => {
    const made = await runHeroku(as(), ['authorizations:create', '-d', 'to revoke', '--json']);
    assert.equal(made.code, 0, describeResult(made));
    const created = JSON.parse(made.stdout) as { id: string; access_token: { token: string } };
    const listed = await runHeroku(as(), ['authorizations']);
    assert.equal(listed.code, 0, describeResult(listed));
    assert.match(flat(listed.stdout), new RegExp(`to revoke ${created.id}`));
    const revoked = await runHeroku(as(), ['authorizations:revoke', created.id]);
    assert.equal(revoked.code, 0, describeResult(revoked));
    assert.match(flat(revoked.stderr), /Revoking OAuth Authorization\.\.\. done, revoked authorization from to revoke/);
    assert.equal((await api.request('/account', { key: created.access_token.token })).status, 401);
    assert.equal(await api.store.authorizations.findById(created.id), undefined);
    assert.equal((await api.request('/account', { key: user.key })).status, 200, 'the caller\'s own key still works');
  });

  it('heroku clients and heroku sessions say there are none for a key made for a script', async () => {
    const clients = await runHeroku(as(), ['clients']);
    assert.equal(clients.code, 0, describeResult(clients));
    assert.equal(clients.stdout, 'No OAuth clients.\n');
    const sessions = await runHeroku(as(), ['sessions']);
    assert.equal(sessions.code, 0, describeResult(sessions));
    assert.equal(sessions.stdout, 'No OAuth sessions.\n');
  });
});

describe('heroku spaces', () => {
  const user = api.user('heroku-spaces@example.test');

  it('heroku spaces says there are none (an error exit, as on Heroku); heroku spaces:info names the missing space', async () => {
    const listed = await runHeroku(cli({ apiKey: user.key }), ['spaces']);
    assert.equal(listed.stdout, '', describeResult(listed));
    assert.match(flat(listed.stderr), /Error: You do not have access to any spaces\./);
    const info = await runHeroku(cli({ apiKey: user.key }), ['spaces:info', 'nowhere']);
    assert.notEqual(info.code, 0, describeResult(info));
    assert.match(flat(info.stderr), /Couldn't find that space: nowhere\. Berth has no private spaces\./);
  });
});
