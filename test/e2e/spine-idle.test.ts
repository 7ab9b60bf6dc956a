import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { berthCli } from '../support/berth-cli.js';
import { processesOf, useBerth } from '../support/e2e-harness.js';
import { routerGet, waitForDynos, waitForLogs } from '../support/spine.js';

describe('idling: an app with autoidle on stops its web dynos when unused and wakes on request', () => {
  // Idle after 2 s without a request instead of 30 min.
  const berth = useBerth({ args: ['--idle-after-ms', '2000'] });
  let app: string;
  let dynoId: string;

  before(async () => {
    ({ app } = await berth.deploy('idle', 'node-web'));
    const [web] = await waitForDynos(berth, app, 'web.1 up', (l) => l.some((d) => d.name === 'web.1' && d.state === 'up'));
    dynoId = web?.id as string;
  });

  it('idles web.1 after the quiet period once ps:autoidle is on; ps shows it idle and no process of it runs', async () => {
    const on = await berthCli(berth, ['ps:autoidle', 'on', '-a', app]);
    assert.equal(on.code, 0, on.stderr);
    assert.match(on.stdout, /Autoidle on for/);
    const [idle] = await waitForDynos(berth, app, 'web.1 idle', (l) => l.length === 1 && l[0]?.state === 'idle');
    assert.equal(idle?.id, dynoId, 'the same dyno, now idle');
    await waitForLogs(berth, app, [/heroku\[web\.1\]: Idling/, /heroku\[web\.1\]: State changed from up to down/, /heroku\[web\.1\]: Process exited with status \d+/]);
    const ps = await berthCli(berth, ['ps', '-a', app]);
    assert.match(ps.stdout, /web\.1: idle /);
    const servers = (await processesOf(berth.dataDir)).filter((line) => /\bnode server\.js$/.test(line));
    assert.deepEqual(servers, [], 'an idle dyno has no process left (it costs no memory)');
    const shown = await berthCli(berth, ['ps:autoidle', '-a', app]);
    assert.match(shown.stdout, /Autoidle is on for/);
  });

  it('answers the first request by waking the dyno, which then serves as usual', async () => {
    const reply = await routerGet(berth, app, '/wake', 30_000);
    assert.deepEqual([reply.status, reply.body], [200, 'node-web ok\n']);
    await waitForLogs(berth, app, [/heroku\[web\.1\]: Unidling/, /heroku\[web\.1\]: State changed from down to starting/, /heroku\[router\]: at=info method=GET path="\/wake" .*dyno=web\.1 .*status=200/]);
    const list = await waitForDynos(berth, app, 'web.1 up', (l) => l.length === 1 && l[0]?.state === 'up');
    assert.equal(list[0]?.id, dynoId, 'woken, not replaced');
    assert.equal((await routerGet(berth, app, '/again')).status, 200);
  });

  it('idles eco web dynos without autoidle', async () => {
    const off = await berthCli(berth, ['ps:autoidle', 'off', '-a', app]);
    assert.equal(off.code, 0, off.stderr);
    const eco = await berthCli(berth, ['ps:type', 'web=eco', '-a', app]);
    assert.equal(eco.code, 0, eco.stderr);
    await waitForDynos(berth, app, 'an eco web.1 idle', (l) => l.length === 1 && l[0]?.size.toLowerCase() === 'eco' && l[0]?.state === 'idle');
    assert.equal((await routerGet(berth, app, '/eco', 30_000)).status, 200);
  });
});
