import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startBerth, type BerthProcess } from '../support/berth-process.js';
import { processesOf, shutDown, suffix } from '../support/e2e-harness.js';
import { appRepo, type AppRepo } from '../support/git-push.js';
import { startRequestLoop } from '../support/request-loop.js';
import { createApp, dynos, routerGet, waitForDynos } from '../support/spine.js';
import { waitFor } from '../support/wait.js';

describe('upgrading Berth: the control plane stops (SIGHUP, systemctl reload) and starts again while apps keep serving', () => {
  let first: BerthProcess;
  let second: BerthProcess | undefined;
  let third: BerthProcess | undefined;
  let repo: AppRepo;
  const app = `upgrade-${suffix()}`;
  let dynoId: string;

  before(async () => {
    first = await startBerth();
    await createApp(first, app);
    repo = await appRepo(first, app, 'procfile-web');
    const pushed = await repo.push();
    assert.equal(pushed.code, 0, pushed.stdout + pushed.stderr);
    const [web] = await waitForDynos(first, app, 'web.1 up', (l) => l.some((d) => d.name === 'web.1' && d.state === 'up'));
    dynoId = web?.id as string;
  });
  after(async () => {
    const left = await shutDown(third ?? second ?? first);
    await second?.stop();
    await first?.stop();
    await repo?.remove();
    assert.deepEqual(left, [], 'no agent, router or dyno process outlives berth');
  });

  it('loses no request while the control plane exits on SIGHUP and a new one adopts the agent and its dynos', async () => {
    const loop = startRequestLoop(first, app, { clients: 2, maxMs: 60_000 });
    await waitFor('requests before the stop', async () => loop.count() >= 20);
    assert.equal(await first.stop('SIGHUP'), 0, 'the control plane exits cleanly');
    assert.match(first.output(), /Control plane stopped; the host agent keeps serving/);
    assert.ok((await processesOf(first.dataDir)).some((line) => /dist\/src\/main\/agent\.js/.test(line)), 'the host agent still runs');
    const atStop = loop.count();
    await waitFor('requests while no control plane runs', async () => loop.count() >= atStop + 50, 20_000);
    second = await startBerth({ dataDir: first.dataDir });
    const runtime = JSON.parse(await readFile(join(first.dataDir, 'berth.json'), 'utf8')) as { agent_adopted: boolean };
    assert.equal(runtime.agent_adopted, true);
    const atStart = loop.count();
    await waitFor('requests after the new control plane started', async () => loop.count() >= atStart + 50, 20_000);
    const result = await loop.stop();
    assert.deepEqual(result.failures.slice(0, 10), [], `${result.failures.length} of ${result.requests} requests failed`);
    assert.deepEqual((await dynos(second, app)).map((d) => [d.id, d.state]), [[dynoId, 'up']], 'the same dyno, never restarted');
  });

  it('refuses to start on a state a newer Berth migrated, naming the unknown migration, and the apps keep serving', async () => {
    const running = second as BerthProcess;
    assert.equal(await running.stop('SIGHUP'), 0);
    const sqlite = new Database(join(first.dataDir, 'state.sqlite'));
    sqlite.prepare('insert into kysely_migration (name, timestamp) values (?, ?)').run('9999-from-a-newer-berth', new Date().toISOString());
    sqlite.close();
    await assert.rejects(startBerth({ dataDir: first.dataDir }), /migrated by a newer Berth: its migrations 9999-from-a-newer-berth are unknown to this version\. Berth does not downgrade/);
    assert.equal((await routerGet(first, app, '/still')).status, 200, 'the agent and the dyno were left alone');
    const fixed = new Database(join(first.dataDir, 'state.sqlite'));
    fixed.prepare('delete from kysely_migration where name = ?').run('9999-from-a-newer-berth');
    fixed.close();
    third = await startBerth({ dataDir: first.dataDir });
    assert.deepEqual((await dynos(third, app)).map((d) => d.id), [dynoId]);
  });
});
