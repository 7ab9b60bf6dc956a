import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { api } from '../support/berth-process.js';
import { useBerth } from '../support/e2e-harness.js';
import { routerGet, waitForDynos, waitForLogs, type DynoJson } from '../support/spine.js';

describe('scaling the formation starts and stops dynos', () => {
  const berth = useBerth();
  let app: string;

  const scale = (updates: Array<{ type: string; quantity: string }>) => api(berth, `/apps/${app}/formation`, { method: 'PATCH', body: JSON.stringify({ updates }) });
  const ofType = (list: DynoJson[], type: string) => list.filter((d) => d.type === type);
  const upNames = (list: DynoJson[], type: string) => ofType(list, type).filter((d) => d.state === 'up').map((d) => d.name).sort();

  before(async () => {
    ({ app } = await berth.deploy('scale', 'greeting'));
  });

  it('scales web to three dynos, all up and serving', async () => {
    const reply = await scale([{ type: 'web', quantity: '3' }]);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(reply.body.find((f: { type: string }) => f.type === 'web')?.quantity, 3);
    const list = await waitForDynos(berth, app, 'web.1..3 up', (l) => upNames(l, 'web').join() === 'web.1,web.2,web.3' && ofType(l, 'web').length === 3);
    assert.deepEqual(ofType(list, 'web').map((d) => d.name).sort(), ['web.1', 'web.2', 'web.3']);
    for (let i = 0; i < 30; i++) assert.equal((await routerGet(berth, app, `/spread-${i}`)).status, 200);
    await waitForLogs(berth, app, [
      /app\[api\]: Scale to web=3/,
      /heroku\[web\.3\]: State changed from starting to up/,
      // The router spreads requests over all three.
      /heroku\[router\]: at=info method=GET path="\/spread-\d+" .*dyno=web\.1 /,
      /heroku\[router\]: at=info method=GET path="\/spread-\d+" .*dyno=web\.2 /,
      /heroku\[router\]: at=info method=GET path="\/spread-\d+" .*dyno=web\.3 /,
    ]);
  });

  it('scales web back to one dyno', async () => {
    const reply = await scale([{ type: 'web', quantity: '1' }]);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    const list = await waitForDynos(berth, app, 'only web.1', (l) => ofType(l, 'web').map((d) => d.name).join() === 'web.1');
    assert.equal(ofType(list, 'web')[0]?.state, 'up');
    assert.equal((await routerGet(berth, app)).status, 200);
  });

  it('scales the worker type of the Procfile up and down', async () => {
    const up = await scale([{ type: 'worker', quantity: '2' }]);
    assert.equal(up.status, 200, JSON.stringify(up.body));
    await waitForDynos(berth, app, 'worker.1 and worker.2 up', (l) => upNames(l, 'worker').join() === 'worker.1,worker.2');
    await waitForLogs(berth, app, [/app\[worker\.1\]: worker worker\.1 started/, /app\[worker\.2\]: worker worker\.2 started/]);
    const down = await scale([{ type: 'worker', quantity: '0' }]);
    assert.equal(down.status, 200, JSON.stringify(down.body));
    const list = await waitForDynos(berth, app, 'no worker dynos', (l) => ofType(l, 'worker').length === 0);
    assert.deepEqual(upNames(list, 'web'), ['web.1']);
  });

  it('refuses to scale a process type the Procfile does not declare, naming the known types', async () => {
    const reply = await scale([{ type: 'clock', quantity: '1' }]);
    assert.equal(reply.status, 422);
    assert.equal(reply.body.id, 'invalid_params');
    assert.match(reply.body.message, /clock/);
    assert.match(reply.body.message, /web/);
    assert.match(reply.body.message, /worker/);
  });
});
