// Berth with --dyno-root stack: builds run on the berth-24 build image, app and one-off dynos on
// its run image (Debian 13), never on the host's /usr. Uses the host's stack cache (built once per
// machine by install.sh with BERTH_BUILD_STACK=1, or here on first use).
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { api } from '../support/berth-process.js';
import { useBerth } from '../support/e2e-harness.js';
import type { PushResult } from '../support/git-push.js';
import { routerGet, waitForLogs } from '../support/spine.js';
import { hostStackImages } from '../support/stack-images.js';

describe('a Berth whose dynos run on the berth-24 stack image', () => {
  let version: string;
  before(async () => { version = (await hostStackImages()).version; });
  const berth = useBerth({ args: ['--dyno-root', 'stack'] });
  let app: string;
  let pushed: PushResult;

  before(async () => {
    app = await berth.createApp('stacked');
    pushed = await (await berth.repo(app, 'procfile-web')).push();
  });

  it('builds on the build image and says which one, then serves through the router', async () => {
    const output = pushed.stdout + pushed.stderr;
    assert.equal(pushed.code, 0, output);
    assert.match(output, new RegExp(`-----> Building on the berth-24 stack \\(Debian 13 \\(trixie\\), image ${version.replace('.', '\\.')}\\)`));
    assert.doesNotMatch(output, /Heroku-24/);
    const reply = await routerGet(berth, app, '/hello');
    assert.equal(reply.status, 200);
    assert.equal(reply.body, 'procfile-web ok /hello\n');
  });

  it('runs a one-off dyno on the run image, where the host\'s /usr is not visible', async () => {
    const res = await api(berth, `/apps/${app}/dynos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ command: '. /etc/os-release; echo "debian-$VERSION_ID"; test -e /usr/bin/bwrap || echo no-host-bwrap; test -e /usr/bin/gcc || echo no-compiler', attach: false }) });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    await waitForLogs(berth, app, [/app\[run\.\d+\]: debian-13/, /app\[run\.\d+\]: no-host-bwrap/, /app\[run\.\d+\]: no-compiler/]);
  });

  it('reports the stack image version in GET /stacks and records the stack on the slug and release', async () => {
    const stacks = await api(berth, '/stacks');
    const [stack] = stacks.body as Array<{ name: string; dyno_root: string; version: string; image_state: string }>;
    assert.deepEqual([stack?.name, stack?.dyno_root, stack?.image_state, stack?.version], ['berth-24', 'image', 'ready', version]);
    const releases = (await api(berth, `/apps/${app}/releases`)).body as Array<{ current: boolean; slug: { id: string } | null }>;
    const slugId = releases.find((r) => r.current)?.slug?.id as string;
    const slug = (await api(berth, `/apps/${app}/slugs/${slugId}`)).body as { stack: { name: string } };
    assert.equal(slug.stack.name, 'berth-24');
  });
});
