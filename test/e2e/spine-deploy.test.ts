import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { api } from '../support/berth-process.js';
import { useBerth } from '../support/e2e-harness.js';
import type { PushResult } from '../support/git-push.js';
import { routerGet, waitForDynos, waitForLogs } from '../support/spine.js';

describe('git push deploys an app that then serves through the router', () => {
  const berth = useBerth();
  let app: string;
  let pushed: PushResult;

  before(async () => {
    app = await berth.createApp('deploy');
    pushed = await (await berth.repo(app, 'procfile-web')).push();
  });

  it('accepts the push of a Procfile app and prints the build, the release and the verification', () => {
    const output = pushed.stdout + pushed.stderr;
    assert.equal(pushed.code, 0, output);
    assert.match(output, /-----> Procfile app detected/);
    assert.match(output, /Released v2/);
    assert.match(output, /Verifying deploy\.\.\. done\./);
  });

  it('serves the app at <app>.localhost on the router port', async () => {
    const reply = await routerGet(berth, app, '/hello');
    assert.equal(reply.status, 200);
    assert.equal(reply.body, 'procfile-web ok /hello\n');
  });

  it('lists v2 as the current release, described as the deployed commit', async () => {
    const releases = await api(berth, `/apps/${app}/releases`);
    assert.ok(releases.status === 200 || releases.status === 206, `releases answered ${releases.status}`);
    const current = (releases.body as Array<{ version: number; current: boolean; description: string; status: string }>).find((r) => r.current);
    assert.equal(current?.version, 2);
    assert.equal(current?.description, `Deploy ${pushed.sha.slice(0, 7)}`);
    assert.equal(current?.status, 'succeeded');
  });

  it('shows web.1 up in the dynos list', async () => {
    const list = await waitForDynos(berth, app, 'web.1 up', (l) => l.some((d) => d.name === 'web.1' && d.state === 'up'));
    const web = list.filter((d) => d.type === 'web');
    assert.equal(web.length, 1);
    assert.equal(web[0]?.command, 'node server.js');
    assert.equal(web[0]?.release.version, 2);
  });

  it('writes the deploy, the dyno state, the app output and the router line to the logs', async () => {
    await routerGet(berth, app, '/logged');
    const logs = await waitForLogs(berth, app, [
      /app\[api\]: Deploy [0-9a-f]{7} by user /,
      /app\[api\]: Release v\d+ created by user /,
      /heroku\[web\.1\]: State changed from starting to up/,
      /app\[web\.1\]: listening on \d+/,
      /heroku\[router\]: at=info method=GET path="\/logged" .*status=200/,
    ]);
    assert.match(logs, new RegExp(`app\\[api\\]: Deploy ${pushed.sha.slice(0, 7)}`));
  });

  for (const [fixture, path, body] of [
    ['static-site', '/', /static-site ok/],
    ['node-web', '/built', /built by npm run build/],
  ] as const) {
    it(`deploys the ${fixture} fixture and serves it`, async () => {
      const name = await berth.createApp(fixture);
      const result = await (await berth.repo(name, fixture)).push();
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stderr, /Verifying deploy\.\.\. done\./);
      const reply = await routerGet(berth, name, path);
      assert.equal(reply.status, 200, reply.body);
      assert.match(reply.body, body);
    });
  }
});
