// The host firewall (host-firewall.ts): a host service listening on every interface is closed to
// dynos of the agent's runtime and of a second runtime (the control plane's, where build dynos
// run), through their gateway and — with a default route, as outbound dynos have — on every other
// host address; the ports a runtime offers (the add-on servers) stay open, and the host (the
// router) still reaches dynos.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { promisify } from 'node:util';
import { nameservers } from '../../src/runtime/host-firewall.js';
import type { RunningDyno } from '../../src/runtime/runtime.js';
import { waitFor } from '../support/wait.js';
import { testRuntime, type TestRuntime } from './support.js';

const exec = promisify(execFile);

// A web server on $PORT that, for each stdin line `HOST PORT`, tries a TCP connection and prints
// `HOST PORT reached|timeout|<error code>`.
const PROBE = `require('http').createServer((q, s) => s.end('up')).listen(process.env.PORT);
let buf = '';
process.stdin.setEncoding('utf8').on('data', (d) => {
  buf += d;
  for (let i; (i = buf.indexOf('\\n')) >= 0; ) {
    const [host, port] = buf.slice(0, i).split(' ');
    buf = buf.slice(i + 1);
    const s = require('net').connect({ host, port: Number(port), timeout: 3000 });
    const say = (r) => { console.log(host + ' ' + port + ' ' + r); s.destroy(); };
    s.on('connect', () => say('reached'));
    s.on('timeout', () => say('timeout'));
    s.on('error', (e) => say(e.code));
  }
});
`;

function listen(host: string): Promise<Server> {
  const server = createServer((socket) => socket.on('error', () => undefined).end('hello\n'));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: 0 }, () => resolve(server));
  });
}

const portOf = (server: Server) => (server.address() as AddressInfo).port;
const gatewayOf = (t: TestRuntime) => t.runtime.subnet.replace(/\.0\/24$/, '.1');

/** A probing dyno: ask it to connect somewhere and read its verdict. */
class Prober {
  private seen = '';
  constructor(readonly dyno: RunningDyno) {
    dyno.stdout.setEncoding('utf8').on('data', (d: string) => { this.seen += d; });
  }
  async probe(host: string, port: number): Promise<string> {
    const key = `${host} ${port} `;
    this.seen = this.seen.split('\n').filter((l) => !l.startsWith(key)).join('\n');
    this.dyno.stdin!.write(`${host} ${port}\n`);
    await waitFor(`the probe of ${host}:${port}`, () => this.seen.includes(key), 15_000);
    return /^\S+ \S+ (\S+)$/m.exec(this.seen.split('\n').find((l) => l.startsWith(key))!)![1]!;
  }
  /** What an outbound dyno has: a default route through its gateway. */
  async addDefaultRoute(gateway: string): Promise<void> {
    await exec('/usr/bin/nsenter', [`--net=/proc/${this.dyno.pid}/ns/net`, '--', '/usr/sbin/ip', 'route', 'add', 'default', 'via', gateway]);
  }
}

function get(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timeout'))).on('error', reject).end();
  });
}

describe('the host firewall', () => {
  let agentSide: TestRuntime;
  let controlSide: TestRuntime;
  let everywhere: Server;
  let offered: Server;
  const dynos: RunningDyno[] = [];
  let runDyno: Prober;
  let buildDyno: Prober;

  const prober = async (t: TestRuntime): Promise<Prober> => {
    const slugDir = await t.slug({ 'probe.js': PROBE });
    const dyno = await t.runtime.start(t.spec({ name: 'web.1', command: 'node probe.js', network: 'bridge', stdin: true, app: { kind: 'slug', slugDir } }));
    dynos.push(dyno);
    assert.equal(await dyno.waitForPort(15_000), true);
    return new Prober(dyno);
  };

  before(async () => {
    [agentSide, controlSide] = await Promise.all([testRuntime(), testRuntime()]);
    await Promise.all([agentSide.runtime.prepare(), controlSide.runtime.prepare()]);
    everywhere = await listen('0.0.0.0');
    offered = await listen(gatewayOf(agentSide));
    runDyno = await prober(agentSide);
    buildDyno = await prober(controlSide);
  });
  after(async () => {
    await Promise.all(dynos.map(async (d) => { await d.stop(1000); await d.exited; }));
    everywhere?.close();
    offered?.close();
    await Promise.all([agentSide?.cleanup(), controlSide?.cleanup()]);
  });

  it('keeps a run dyno from a host service listening on 0.0.0.0 through its gateway', async () => {
    assert.equal(await runDyno.probe(gatewayOf(agentSide), portOf(everywhere)), 'timeout');
  });

  it('keeps a dyno of a second runtime (build dynos) from it through its own gateway', async () => {
    assert.equal(await buildDyno.probe(gatewayOf(controlSide), portOf(everywhere)), 'timeout');
  });

  it('keeps dynos with a default route from it on every other host address', async () => {
    // The host's own addresses outside Berth's bridges (eth0 …), then the other runtime's gateway.
    const others = Object.entries(networkInterfaces())
      .filter(([name]) => !name.endsWith('br'))
      .flatMap(([, addresses]) => addresses ?? [])
      .filter((a) => a.family === 'IPv4' && !a.internal)
      .map((a) => a.address);
    assert.ok(others.length > 0, 'the host has an address besides loopback and bridges');
    await runDyno.addDefaultRoute(gatewayOf(agentSide));
    await buildDyno.addDefaultRoute(gatewayOf(controlSide));
    const probes = [
      ...[...others.slice(0, 3), gatewayOf(controlSide)].map((address) => ({ from: runDyno, what: `run dyno → ${address}`, address })),
      ...[...others.slice(0, 3), gatewayOf(agentSide)].map((address) => ({ from: buildDyno, what: `build dyno → ${address}`, address })),
    ];
    const verdicts = await Promise.all(probes.map(async (p) => `${p.what}: ${await p.from.probe(p.address, portOf(everywhere))}`));
    assert.deepEqual(verdicts, probes.map((p) => `${p.what}: timeout`));
  });

  it('opens exactly the offered gateway ports, and closes them again when no longer offered', async () => {
    assert.equal(await runDyno.probe(gatewayOf(agentSide), portOf(offered)), 'timeout');
    await agentSide.runtime.offerHostPorts([portOf(offered)]);
    assert.equal(await runDyno.probe(gatewayOf(agentSide), portOf(offered)), 'reached');
    assert.equal(await runDyno.probe(gatewayOf(agentSide), portOf(everywhere)), 'timeout', 'other ports stay closed');
    assert.equal(await buildDyno.probe(gatewayOf(agentSide), portOf(offered)), 'timeout', "another runtime's dynos do not get this runtime's offers");
    await agentSide.runtime.offerHostPorts([]);
    assert.equal(await runDyno.probe(gatewayOf(agentSide), portOf(offered)), 'timeout');
  });

  it('lets the host (the router) reach dynos of both runtimes', async () => {
    for (const p of [runDyno, buildDyno]) assert.equal(await get(p.dyno.address!.host, p.dyno.address!.port), 'up');
  });

  it('removes its INPUT rules and chain when the runtime shuts down', async () => {
    const t = await testRuntime();
    await t.runtime.prepare();
    const chain = `berth-${t.prefix}-in`;
    assert.match((await exec('/usr/sbin/iptables', ['-w', '-S', 'INPUT'])).stdout, new RegExp(`-i ${t.prefix}br .*-j ${chain}`));
    await t.cleanup();
    assert.doesNotMatch((await exec('/usr/sbin/iptables', ['-w', '-S', 'INPUT'])).stdout, new RegExp(chain));
    await assert.rejects(exec('/usr/sbin/iptables', ['-w', '-S', chain]));
  });

  it('reads the IPv4 nameservers of a resolv.conf', () => {
    assert.deepEqual(nameservers('# x\nnameserver 10.0.0.53\nnameserver ::1\n  nameserver 192.0.2.1 \nsearch lan\n'), ['10.0.0.53', '192.0.2.1']);
  });
});
