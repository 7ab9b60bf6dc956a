import assert from 'node:assert/strict';
import { duplexPair } from 'node:stream';
import { describe, it } from 'node:test';
import { launchOf, SAMPLE_EVERY_MS, supervisedHost } from '../support/supervised-host.js';

const STARTING = 'Starting process with command `node server.js`';
const MB = 1024 * 1024;

describe('dyno supervisor', () => {
  it('marks a web dyno up once it binds $PORT, and says so in its log', async () => {
    const h = supervisedHost();
    h.runtime.bindAtOnce = false;
    const record = await h.supervisor.start(launchOf());
    assert.equal(record.state, 'starting');
    h.runtime.dyno('web.1').bind();
    await h.reaches('web.1', 'up');
    assert.deepEqual(h.linesOf('web.1'), [STARTING, 'State changed from starting to up']);
  });

  it('crashes a web dyno with R10 when it does not bind $PORT within the boot timeout', async () => {
    const h = supervisedHost();
    h.runtime.bindAtOnce = false;
    await h.supervisor.start(launchOf({ bootTimeoutMs: 60_000, crashCount: 2 }));
    h.clock.advance(60_000);
    const { dyno } = await h.reaches('web.1', 'crashed');
    assert.deepEqual([dyno.lastError, dyno.crashCount, dyno.exitCode], ['R10', 3, 137]);
    assert.deepEqual(h.linesOf('web.1'), [
      STARTING,
      'Error R10 (Boot timeout) -> Web process failed to bind to $PORT within 60 seconds of launch',
      'Stopping process with SIGKILL',
      'Process exited with status 137',
      'State changed from starting to crashed',
    ]);
  });

  it('records a crash with its exit status when a running dyno exits on its own', async () => {
    const h = supervisedHost();
    await h.supervisor.start(launchOf());
    await h.reaches('web.1', 'up');
    h.runtime.dyno('web.1').exit(1);
    const { dyno, previous } = await h.reaches('web.1', 'crashed');
    assert.equal(previous, 'up');
    assert.deepEqual([dyno.lastError, dyno.crashCount, dyno.exitCode], ['exit 1', 1, 1]);
    assert.deepEqual(h.linesOf('web.1').slice(-2), ['Process exited with status 1', 'State changed from up to crashed']);
    assert.deepEqual(h.supervisor.list().map((d) => d.state), ['crashed'], 'the crashed record stays until forgotten');
    h.supervisor.forget(dyno.id);
    await h.reaches('web.1', 'down');
    assert.deepEqual(h.supervisor.list(), []);
  });

  it('reports R15 when the kernel killed the dyno at its memory ceiling', async () => {
    const h = supervisedHost();
    await h.supervisor.start(launchOf({ type: 'worker', command: 'node worker.js' }));
    await h.reaches('worker.1', 'up');
    h.runtime.dyno('worker.1').exit(137, { oomKilled: true });
    const { dyno } = await h.reaches('worker.1', 'crashed');
    assert.equal(dyno.lastError, 'R15');
    assert.deepEqual(h.linesOf('worker.1').slice(-4), [
      'Error R15 (Memory quota vastly exceeded)',
      'Stopping process with SIGKILL',
      'Process exited with status 137',
      'State changed from up to crashed',
    ]);
  });

  it('stops a dyno with SIGTERM and reports it down, not crashed', async () => {
    const h = supervisedHost();
    const record = await h.supervisor.start(launchOf());
    await h.reaches('web.1', 'up');
    await h.supervisor.stop(record.id, 30_000);
    await h.reaches('web.1', 'stopping');
    await h.reaches('web.1', 'down');
    assert.deepEqual(h.runtime.dyno('web.1').stops, [30_000]);
    assert.deepEqual(h.linesOf('web.1').slice(-3), ['Stopping all processes with SIGTERM', 'Process exited with status 143', 'State changed from up to down']);
    assert.deepEqual(h.supervisor.list(), []);
  });

  it('reports R12 when SIGKILL was needed after the grace period', async () => {
    const h = supervisedHost();
    const record = await h.supervisor.start(launchOf());
    await h.reaches('web.1', 'up');
    h.runtime.dyno('web.1').stubborn = true;
    await h.supervisor.stop(record.id, 30_000);
    await h.reaches('web.1', 'down');
    assert.deepEqual(h.linesOf('web.1').slice(-5), [
      'Stopping all processes with SIGTERM',
      'Error R12 (Exit timeout) -> At least one process failed to exit within 30 seconds of SIGTERM',
      'Stopping remaining processes with SIGKILL',
      'Process exited with status 137',
      'State changed from up to down',
    ]);
  });

  it('completes a one-off dyno that exits, whatever its status', async () => {
    const h = supervisedHost();
    await h.supervisor.start(launchOf({ type: 'run', index: 1, oneOff: true, command: 'node task.js' }));
    await h.reaches('run.1', 'up');
    h.runtime.dyno('run.1').exit(3);
    const { dyno, previous } = await h.reaches('run.1', 'down');
    assert.deepEqual([previous, dyno.exitCode], ['up', 3]);
    assert.deepEqual(h.linesOf('run.1').slice(-2), ['Process exited with status 3', 'State changed from up to complete']);
    assert.deepEqual(h.supervisor.list(), []);
  });

  it('crashes a formation dyno with R99 when the runtime cannot start it, and completes a one-off', async () => {
    const h = supervisedHost();
    h.runtime.failNextStart('no space left on device');
    await h.supervisor.start(launchOf());
    const { dyno } = await h.reaches('web.1', 'crashed');
    assert.deepEqual([dyno.lastError, dyno.crashCount, dyno.exitCode], ['R99', 1, null]);
    assert.deepEqual(h.linesOf('web.1'), [STARTING, 'Error R99 (Platform error) -> the dyno could not be started: no space left on device', 'State changed from starting to crashed']);

    h.runtime.failNextStart('no space left on device');
    await h.supervisor.start(launchOf({ type: 'run', index: 1, oneOff: true }));
    await h.reaches('run.1', 'down');
    assert.deepEqual(h.linesOf('run.1').slice(-2), ['Process exited with status unknown', 'State changed from starting to complete']);
  });

  it('logs R14 above the memory quota at most once per metrics interval', async () => {
    const h = supervisedHost();
    await h.supervisor.start(launchOf());
    await h.reaches('web.1', 'up');
    h.runtime.dyno('web.1').rssBytes = 600 * MB;
    h.clock.advance(SAMPLE_EVERY_MS);
    await h.logged('web.1', /^Error R14/);
    // Samples at 10, 15 and 20 s fall within 20 s of the first R14; the one at 25 s does not.
    h.clock.advance(3 * SAMPLE_EVERY_MS);
    h.clock.advance(SAMPLE_EVERY_MS);
    await h.logged('web.1', /^Error R14/);
    const r14 = h.linesOf('web.1').filter((l) => l.startsWith('Error R14') || l.startsWith('Process running'));
    assert.deepEqual(r14, ['Process running mem=600M(117.2%)', 'Error R14 (Memory quota exceeded)', 'Process running mem=600M(117.2%)', 'Error R14 (Memory quota exceeded)']);
  });

  it('stops sampling a dyno once it is gone', async () => {
    const h = supervisedHost();
    const record = await h.supervisor.start(launchOf());
    await h.reaches('web.1', 'up');
    assert.equal(h.clock.pending, 1);
    await h.supervisor.stop(record.id, 1000);
    await h.reaches('web.1', 'down');
    assert.equal(h.clock.pending, 0);
  });

  it('gives an attached one-off dyno the client socket as its terminal', async () => {
    const h = supervisedHost();
    const record = h.supervisor.prepareAttached(launchOf({ type: 'run', index: 1, oneOff: true, command: 'bash', attach: { tty: false } }), 'rendezvous://127.0.0.1:1/secret');
    assert.equal(record.attachUrl, 'rendezvous://127.0.0.1:1/secret');
    const [client, server] = duplexPair();
    await h.supervisor.attach(record.id, server);
    await h.reaches('run.1', 'up');
    const dyno = h.runtime.dyno('run.1');
    let received = '';
    client.on('data', (chunk: Buffer) => (received += chunk.toString()));
    const clientEnded = new Promise((resolve) => client.on('end', resolve));
    let stdin = '';
    dyno.stdin?.on('data', (chunk: Buffer) => (stdin += chunk.toString()));
    const stdinEnded = new Promise((resolve) => dyno.stdin?.on('end', resolve));
    client.write('echo hi\n\x04ignored');
    await stdinEnded;
    assert.equal(stdin, 'echo hi\n', 'EOT ends stdin; what follows it is dropped');
    dyno.stdout.write('hi\n');
    dyno.exit(0);
    await clientEnded;
    assert.equal(received, 'hi\n\uFFFF heroku-command-exit-status: 0\r\n');
    await h.reaches('run.1', 'down');
    assert.deepEqual(h.linesOf('run.1').slice(-2), ['Process exited with status 0', 'State changed from up to complete']);
  });

  it('abandons an attached dyno nobody connected to with R13', async () => {
    const h = supervisedHost();
    const record = h.supervisor.prepareAttached(launchOf({ type: 'run', index: 1, oneOff: true, attach: { tty: false } }), 'rendezvous://127.0.0.1:1/secret');
    h.supervisor.abandon(record.id);
    await h.reaches('run.1', 'down');
    assert.deepEqual(h.linesOf('run.1'), ['Error R13 (Attach error) -> Failed to attach to process']);
    assert.equal(h.runtime.dynos.length, 0);
  });
});
