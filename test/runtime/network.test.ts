// Dyno networking: own address on the instance bridge, reachable from the host (the router) but
// not from other dynos; the standby pool; teardown of bridge, netns and cgroups on shutdown.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { access, readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RunningDyno } from '../../src/runtime/runtime.js';
import { capture, testRuntime, type TestRuntime } from './support.js';
import { waitFor } from '../support/wait.js';

const SERVER = `require('http').createServer((req, res) => res.end('hello from ' + process.env.DYNO)).listen(process.env.PORT);\n`;
// Serves like SERVER, and reports whether it can open a TCP connection to TARGET.
const PROBE = `${SERVER}
const s = require('net').connect({ host: process.env.TARGET, port: 5000, timeout: 1500 });
s.on('connect', () => { console.log('reached'); s.destroy(); });
s.on('timeout', () => { console.log('blocked'); s.destroy(); });
s.on('error', (e) => console.log('blocked ' + e.code));
`;

function get(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', timeout: 3000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timeout'))).on('error', reject).end();
  });
}

describe('dyno networking', () => {
  let t: TestRuntime;
  let slug: string;
  const started: RunningDyno[] = [];

  before(async () => {
    t = await testRuntime({ standby: 2 });
    slug = await t.slug({ 'server.js': SERVER, 'probe.js': PROBE });
    await t.runtime.standbyFilled();
  });
  after(async () => {
    await Promise.all(started.map(async (d) => { await d.stop(1000); await d.exited; }));
    await t.cleanup();
  });

  const web = async (name: string, command = 'node server.js', env: Record<string, string> = {}): Promise<RunningDyno> => {
    const dyno = await t.runtime.start(t.spec({ name, command, env, network: 'bridge', app: { kind: 'slug', slugDir: slug }, appId: `app-${name}` }));
    started.push(dyno);
    return dyno;
  };

  it('serves a Node app on $PORT at the dyno\'s own bridge address, reachable from the host', async () => {
    const dyno = await web('web.1');
    assert.ok(dyno.address);
    assert.equal(dyno.address.port, 5000);
    assert.ok(dyno.address.host.startsWith(t.runtime.subnet.replace(/\.0\/24$/, '.')), `${dyno.address.host} in ${t.runtime.subnet}`);
    assert.equal(await dyno.waitForPort(10_000), true);
    assert.equal(await get(dyno.address.host, 5000), 'hello from web.1');
  });

  it('keeps dynos of different apps apart while the host reaches both', async () => {
    const a = await web('web.2');
    assert.equal(await a.waitForPort(10_000), true);
    const b = await web('worker.1', 'node probe.js', { TARGET: a.address!.host });
    const out = capture(b.stdout);
    let seen = '';
    b.stdout.on('data', (d: string) => { seen += d; });
    assert.equal(await b.waitForPort(10_000), true);
    await waitFor('the probe', () => /reached|blocked/.test(seen));
    assert.match(seen, /^blocked/);
    assert.equal(await get(a.address!.host, 5000), 'hello from web.2');
    assert.equal(await get(b.address!.host, 5000), 'hello from worker.1');
    await b.stop(1000);
    await b.exited;
    await out;
  });

  it('says a port is not bound when the app listens only on loopback', async () => {
    const dyno = await web('web.3', `node -e "require('http').createServer(() => {}).listen(process.env.PORT, '127.0.0.1')"`);
    assert.equal(await dyno.waitForPort(700), false);
    assert.deepEqual(await dyno.stop(1000), { killed: false });
  });

  it('serves starts from the standby pool instead of creating a network namespace on the spot', async () => {
    await t.runtime.standbyFilled();
    const before = t.runtime.standbyStats();
    assert.equal(before.ready, 2);
    const dyno = await web('web.4', 'sleep 30');
    const after = t.runtime.standbyStats();
    assert.equal(after.takenFromPool, before.takenFromPool + 1);
    assert.equal(after.createdOnDemand, before.createdOnDemand);
    await waitFor('the pool to refill', () => t.runtime.standbyStats().ready === 2);
    await dyno.stop(1000);
  });

  it('serves one-offs from the pool too: a TTY with stdin, or stdin that ends at once', async () => {
    await t.runtime.standbyFilled();
    const before = t.runtime.standbyStats();
    const tty = await t.runtime.start(t.spec({ network: 'bridge', tty: true, command: 'test -t 0 && echo on-a-tty; read line; echo "got $line"' }));
    const ttyOut = capture(tty.stdout);
    tty.stdin!.write('hi\n');
    assert.equal((await tty.exited).code, 0);
    assert.match(await ttyOut, /on-a-tty[\s\S]*got hi/);
    await t.runtime.standbyFilled();
    const detached = await t.runtime.start(t.spec({ network: 'bridge', command: 'cat; echo eof' }));
    assert.equal(detached.stdin, undefined);
    const out = capture(detached.stdout);
    await detached.exited;
    assert.equal(await out, 'eof\n');
    assert.equal(t.runtime.standbyStats().takenFromPool, before.takenFromPool + 2);
  });

  it('removes the bridge, network namespaces and cgroups on shutdown', async () => {
    const other = await testRuntime({ standby: 1 });
    const dyno = await other.runtime.start(other.spec({ network: 'bridge', command: 'sleep 30' }));
    await other.runtime.standbyFilled();
    const cgroups = dyno.cgroups;
    await other.runtime.shutdown({ killDynos: true });
    assert.deepEqual(await readdir(join(other.root, 'dynos')), []);
    await other.cleanup();
    const { stdout } = await promisify(execFile)('/usr/sbin/ip', ['-o', 'link', 'show']);
    assert.doesNotMatch(stdout, new RegExp(`\\b${other.prefix}(br|v\\d+)\\b`));
    const netns = await readdir('/run/netns').catch(() => [] as string[]);
    assert.deepEqual(netns.filter((n) => n.startsWith(`berth-${other.prefix}-`)), []);
    for (const path of Object.values(cgroups)) {
      await assert.rejects(access(path));
      await assert.rejects(access(path.replace(/\/[^/]+$/, '')), 'instance cgroup removed');
    }
  });
});
