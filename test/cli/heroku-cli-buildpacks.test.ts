import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { useApi } from '../support/api-harness.js';
import { describeResult, flat, runHeroku, type HerokuCliOptions } from '../support/heroku-cli.js';

/**
 * The official `heroku` CLI's buildpack commands against the real API handler, with
 * HEROKU_BUILDPACK_REGISTRY_URL pointing at Berth's registry (as the banner says): names resolve
 * without Heroku's registry, and `--index N` acts on the Nth buildpack (ordinal N-1).
 */

const api = useApi();
const dev = api.user('heroku-buildpacks@example.test');
const APP = `hk-bp-${process.pid.toString(36)}`;
let home: string;

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'berth-heroku-bp-'));
});
after(async () => {
  await rm(home, { recursive: true, force: true });
});

const cli = (): HerokuCliOptions => {
  const apiUrl = api.url.replace('127.0.0.1', 'localhost');
  return { apiUrl, home, apiKey: dev.key, env: { HEROKU_BUILDPACK_REGISTRY_URL: `${apiUrl}/buildpack-registry` } };
};

const installed = async () =>
  ((await (await api.request(`/apps/${APP}/buildpack-installations`, { key: dev.key })).json()) as Array<{ ordinal: number; buildpack: { url: string; name: string } }>);

describe('heroku buildpacks with Berth\'s buildpack registry', () => {
  before(async () => {
    assert.equal((await api.request('/apps', { method: 'POST', key: dev.key, body: JSON.stringify({ name: APP }) })).status, 201);
  });

  it('heroku buildpacks:set heroku/nodejs resolves through Berth\'s registry and shows heroku/nodejs', async () => {
    const set = await runHeroku(cli(), ['buildpacks:set', 'heroku/nodejs', '-a', APP]);
    assert.equal(set.code, 0, describeResult(set));
    assert.match(flat(set.stdout), new RegExp(`Buildpack set\\. Next release on ⬢? ?${APP} will use heroku/nodejs\\.`));
    assert.deepEqual(await installed(), [{ ordinal: 0, buildpack: { url: 'urn:buildpack:heroku/nodejs', name: 'heroku/nodejs' } }]);
    const listed = await runHeroku(cli(), ['buildpacks', '-a', APP]);
    assert.match(listed.stdout, /heroku\/nodejs/, describeResult(listed));
  });

  it('heroku buildpacks:add --index 1 puts the buildpack first; buildpacks:remove --index 2 removes the second', async () => {
    const added = await runHeroku(cli(), ['buildpacks:add', '--index', '1', 'heroku/static', '-a', APP]);
    assert.equal(added.code, 0, describeResult(added));
    assert.deepEqual((await installed()).map((i) => [i.ordinal, i.buildpack.name]), [[0, 'heroku/static'], [1, 'heroku/nodejs']]);
    const listed = await runHeroku(cli(), ['buildpacks', '-a', APP]);
    assert.match(listed.stdout, /1\. heroku\/static\n\s*2\. heroku\/nodejs/, describeResult(listed));

    const removed = await runHeroku(cli(), ['buildpacks:remove', '--index', '2', '-a', APP]);
    assert.equal(removed.code, 0, describeResult(removed));
    assert.deepEqual((await installed()).map((i) => i.buildpack.name), ['heroku/static']);
  });

  it('heroku buildpacks:set with a name the registry does not hold fails and changes nothing', async () => {
    const before = await installed();
    const set = await runHeroku(cli(), ['buildpacks:set', 'heroku/clojure', '-a', APP]);
    assert.notEqual(set.code, 0, describeResult(set));
    assert.deepEqual(await installed(), before);
  });

  it('heroku buildpacks:search and buildpacks:info describe the built-ins', async () => {
    const search = await runHeroku(cli(), ['buildpacks:search', 'heroku']);
    assert.equal(search.code, 0, describeResult(search));
    for (const name of ['nodejs', 'static', 'procfile']) assert.match(search.stdout, new RegExp(`heroku/${name}`));
    const info = await runHeroku(cli(), ['buildpacks:info', 'heroku/nodejs']);
    assert.equal(info.code, 0, describeResult(info));
    assert.match(info.stdout, /Node\.js/);
  });
});
