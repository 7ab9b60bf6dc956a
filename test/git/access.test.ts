import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BOB_KEY, clientRepo, git, refIn, remoteLines, startHarness, type Harness } from './harness.js';

let h: Harness;
before(async () => { h = await startHarness(); });
after(async () => { await h.close(); });

const basic = (key: string): string => `Basic ${Buffer.from(`anyone:${key}`).toString('base64')}`;

describe('who may push and clone', () => {
  it('a request without credentials gets 401 with a Basic challenge, and git cannot go on without a key', async () => {
    const { name } = h.addApp('alice');
    const response = await fetch(`${h.url}/${name}.git/info/refs?service=git-receive-pack`);
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('www-authenticate'), 'Basic realm="Berth"');
    assert.match(await response.text(), /your Berth API key as the password/);

    const dir = await clientRepo(h);
    const result = await git(h, ['push', `${h.url}/${name}.git`, 'main'], dir);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /could not read Username for 'http:\/\/127\.0\.0\.1:\d+': terminal prompts disabled/);
  });

  it('a wrong API key is refused with 401 and git says authentication failed', async () => {
    const { name } = h.addApp('alice');
    const dir = await clientRepo(h);
    const result = await git(h, ['push', h.remote(name, 'not-a-key'), 'main'], dir);
    assert.notEqual(result.code, 0);
    assert.deepEqual(remoteLines(result.stderr), ['Invalid credentials: the password must be a valid Berth API key (berth auth:token shows yours).']);
    assert.match(result.stderr, /fatal: Authentication failed for 'http:\/\/127\.0\.0\.1:\d+\/app-[0-9a-f]+\.git\/'/);
    assert.equal(h.pushes.length, 0);
  });

  it("another user's app and a missing app get the same 404, for push and for clone", async () => {
    const { name: alices, appId } = h.addApp('alice');
    const missing = 'no-such-app';
    const answer = async (app: string, service: string) => {
      const r = await fetch(`${h.url}/${app}.git/info/refs?service=${service}`, { headers: { authorization: basic(BOB_KEY) } });
      return { status: r.status, body: (await r.text()).replace(app, 'APP') };
    };
    for (const service of ['git-receive-pack', 'git-upload-pack']) {
      const [theirs, nobodys] = [await answer(alices, service), await answer(missing, service)];
      assert.equal(theirs.status, 404);
      assert.deepEqual(theirs, nobodys);
    }

    const dir = await clientRepo(h);
    for (const app of [alices, missing]) {
      const pushed = await git(h, ['push', h.remote(app, BOB_KEY), 'main'], dir);
      assert.notEqual(pushed.code, 0);
      assert.match(pushed.stderr, new RegExp(`remote: Couldn't find that app: ${app}\\.`));
      assert.match(pushed.stderr, /fatal: repository '.*' not found/);
      const cloned = await git(h, ['clone', h.remote(app, BOB_KEY), join(h.root, `bob-${app}`)], h.root);
      assert.notEqual(cloned.code, 0);
      assert.match(cloned.stderr, /fatal: repository '.*' not found/);
    }
    assert.equal(await refIn(h, appId, 'refs/heads/main'), undefined);
    await assert.rejects(stat(h.repoPath(appId)), 'no repository is made for a refused request');
  });

  it('an account the access policy refuses gets 403 with its message, and git shows it', async () => {
    const refusing = await startHarness({ service: { resolveApp: async () => ({ refused: 'This needs the deploy permission on the-app; you have view.' }) } });
    try {
      const { name } = refusing.addApp('alice');
      const response = await fetch(`${refusing.url}/${name}.git/info/refs?service=git-upload-pack`, { headers: { authorization: basic(BOB_KEY) } });
      assert.equal(response.status, 403);
      assert.equal(await response.text(), 'This needs the deploy permission on the-app; you have view.\n');
      const dir = await clientRepo(refusing);
      const pushed = await git(refusing, ['push', refusing.remote(name, BOB_KEY), 'main'], dir);
      assert.notEqual(pushed.code, 0);
      assert.match(pushed.stderr, /This needs the deploy permission on the-app; you have view\./);
      assert.equal(refusing.pushes.length, 0);
    } finally {
      await refusing.close();
    }
  });

  it('cloning an app that was never pushed gives an empty repository', async () => {
    const { name, appId } = h.addApp('alice');
    const target = join(h.root, `empty-${name}`);
    const result = await git(h, ['clone', h.remote(name), target], h.root);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /You appear to have cloned an empty repository/);
    assert.ok((await stat(join(h.repoPath(appId), 'hooks'))).isDirectory());
  });

  it('leaves non-git URLs to the caller and answers odd git URLs with a clear error', async () => {
    const { name } = h.addApp('alice');
    const get = async (path: string, init: RequestInit = {}) => {
      const r = await fetch(`${h.url}${path}`, { ...init, headers: { authorization: basic('key-alice-123') } });
      return { status: r.status, body: await r.text(), allow: r.headers.get('allow') };
    };
    assert.equal((await get('/apps/whatever')).status, 418, 'the API would get it');
    assert.equal((await get(`/${name}.git/info/refs`)).status, 403, 'the dumb protocol');
    assert.match((await get(`/${name}.git/info/refs`)).body, /smart HTTP protocol only/);
    assert.equal((await get(`/${name}.git/HEAD`)).status, 404);
    assert.deepEqual(
      { ...(await get(`/${name}.git/git-receive-pack`)), body: '' },
      { status: 405, body: '', allow: 'POST' },
    );
    const wrongType = await get(`/${name}.git/git-upload-pack`, { method: 'POST', body: '0000' });
    assert.equal(wrongType.status, 415);
  });
});
