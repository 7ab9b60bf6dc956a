// Two apps whose ids hash to one uid never run side by side on a host: the real supervisor over
// the real runtime, with a uid range of a single uid so that every pair of apps collides.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DynoSupervisor } from '../../src/agent/dyno-supervisor.js';
import { testRuntime, type TestRuntime } from '../runtime/support.js';
import { launchOf } from '../support/supervised-host.js';
import { waitFor } from '../support/wait.js';

describe('uid collisions between apps', () => {
  let t: TestRuntime;

  before(async () => {
    t = await testRuntime({ uids: { first: randomInt(30000, 59000), count: 1 } });
  });
  after(() => t.cleanup());

  it('refuses to start a dyno whose uid a running dyno of another app holds, with R99 in its log', async () => {
    const lines: Array<{ appId: string; message: string }> = [];
    const supervisor = new DynoSupervisor({
      runtime: { start: (spec) => t.runtime.start({ ...spec, network: 'none' }) },
      now: Date.now,
      logs: {
        append: (appId, input) => lines.push({ appId, message: input.message }),
        ingest: async (_appId, _source, _process, stream) => {
          for await (const chunk of stream) void chunk;
        },
      },
      onChange: () => undefined,
    });
    const slugDir = await t.slug({ 'README': 'two apps, one uid\n' });
    const shop = { appId: 'app-shop', appName: 'shop', type: 'worker', slugDir, command: 'exec sleep 600' } as const;
    const blog = { ...shop, appId: 'app-blog', appName: 'blog' };
    const shop1 = await supervisor.start(launchOf({ ...shop, name: 'worker.1' }));
    const shop2 = await supervisor.start(launchOf({ ...shop, index: 2, name: 'worker.2' }));
    assert.deepEqual(supervisor.list().map((d) => d.state), ['up', 'up']);

    const refused = await supervisor.start(launchOf({ ...blog, name: 'worker.1' }));
    assert.equal(refused.state, 'crashed');
    assert.equal(refused.lastError, 'R99');
    const blogLines = lines.filter((l) => l.appId === 'app-blog').map((l) => l.message);
    assert.match(blogLines.join('\n'), /^Error R99 \(Platform error\) -> the dyno could not be started: Dyno worker\.1 was not started: its uid \d+ \(derived from the app id\) is in use by a running dyno of another app/m);
    assert.ok(!blogLines.join('\n').includes('shop'), 'the other app is not named to this one');
    assert.ok(t.warnings.some((w) => w.includes('uid collision') && w.includes('shop') && w.includes('blog')), t.warnings.join('\n'));

    await supervisor.stop(shop1.id, 5000);
    await supervisor.stop(shop2.id, 5000);
    supervisor.forget(refused.id);
    const started = await supervisor.start(launchOf({ ...blog, name: 'worker.1' }));
    await waitFor('the blog dyno to be up', () => supervisor.list().find((d) => d.id === started.id)?.state === 'up');
    await supervisor.stop(started.id, 5000);
  });
});
