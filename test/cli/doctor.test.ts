import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { colours } from '../../src/cli/colour.js';
import { cgroupLayout, formatDoctorReport, type CheckResult } from '../../src/cli/doctor-report.js';
import { runCli } from '../../src/cli/main.js';
import { checkCgroups } from '../../src/cli/doctor-probes.js';
import { captureIo } from './capture-io.js';

const HYBRID = [
  '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
  '32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
  '35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
  '39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids',
  '40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd',
  '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
].join('\n');
const UNIFIED = '29 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot';
const V1 = '32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory';

describe('cgroupLayout reads mountinfo', () => {
  it('hybrid: v1 controllers and a cgroup2 mount beside them (name= hierarchies are not controllers)', () => {
    assert.deepEqual(cgroupLayout(HYBRID), {
      layout: 'hybrid',
      v1: { cpu: '/sys/fs/cgroup/cpu', memory: '/sys/fs/cgroup/memory', pids: '/sys/fs/cgroup/pids' },
      unifiedMount: '/sys/fs/cgroup/unified',
    });
  });
  it('unified: cgroup2 alone at /sys/fs/cgroup', () => assert.deepEqual(cgroupLayout(UNIFIED), { layout: 'unified', v1: {}, unifiedMount: '/sys/fs/cgroup' }));
  it('v1: co-mounted controllers share one mount point', () =>
    assert.deepEqual(cgroupLayout(V1), { layout: 'v1', v1: { cpu: '/sys/fs/cgroup/cpu,cpuacct', cpuacct: '/sys/fs/cgroup/cpu,cpuacct', memory: '/sys/fs/cgroup/memory' }, unifiedMount: undefined }));
  it('none: no cgroup filesystem', () => assert.equal(cgroupLayout('22 1 0:5 / /dev rw - devtmpfs udev rw').layout, 'none'));
});

describe('berth doctor on a unified (cgroup v2) host', () => {
  let mount: string;
  before(async () => {
    mount = await mkdtemp(join(tmpdir(), 'berth-doctor-cgroup2-'));
    await mkdir(join(mount, 'system.slice', 'berth.service'), { recursive: true });
    await writeFile(join(mount, 'cgroup.controllers'), 'cpuset cpu io memory pids\n');
  });
  after(() => rm(mount, { recursive: true, force: true }));
  const unified = () => ({ mountinfo: `29 23 0:26 / ${mount} rw,nosuid - cgroup2 cgroup2 rw,nsdelegate`, procSelfCgroup: '0::/system.slice/berth.service\n' });

  it('reports the layout as supported and each controller usable once delegated to Berth', async () => {
    await writeFile(join(mount, 'system.slice', 'berth.service', 'cgroup.controllers'), 'cpu memory pids\n');
    const checks = await checkCgroups(unified());
    assert.deepEqual(checks.map((c) => [c.name, c.status]), [['cgroups', 'ok'], ['cgroup memory', 'ok'], ['cgroup cpu', 'ok'], ['cgroup pids', 'ok']]);
    assert.match(checks[0]?.detail ?? '', /^unified layout .*cgroup v2.*Delegate=yes/);
    assert.equal(checks[1]?.detail, 'usable on v2 (delegated to /system.slice/berth.service)');
  });

  it('warns about a controller the kernel offers but Berth\'s cgroup was not given, naming Delegate=yes', async () => {
    await writeFile(join(mount, 'system.slice', 'berth.service', 'cgroup.controllers'), 'cpu pids\n');
    const memory = (await checkCgroups(unified())).find((c) => c.name === 'cgroup memory');
    assert.equal(memory?.status, 'warn');
    assert.match(memory?.fix ?? '', /Delegate=yes/);
  });

  it('fails a controller the kernel does not offer at all', async () => {
    await writeFile(join(mount, 'cgroup.controllers'), 'cpu io memory\n');
    const pids = (await checkCgroups(unified())).find((c) => c.name === 'cgroup pids');
    assert.equal(pids?.status, 'fail');
    assert.match(pids?.detail ?? '', /not available on cgroup v2/);
  });
});

describe('formatDoctorReport', () => {
  it('marks each check, shows the fix under a failure and ends with the verdict', () => {
    const checks: CheckResult[] = [
      { name: 'git', status: 'ok', detail: '/usr/bin/git' },
      { name: 'port 80', status: 'fail', detail: 'taken by pid 7 (nginx)', fix: 'stop it' },
      { name: 'disk', status: 'warn', detail: '3.0 GiB free', fix: 'free space' },
    ];
    assert.deepEqual(formatDoctorReport(checks, colours(false)), [
      'ok    git      /usr/bin/git',
      'FAIL  port 80  taken by pid 7 (nginx)',
      '               fix: stop it',
      'warn  disk     3.0 GiB free',
      '               fix: free space',
      '',
      '1 check failed, 1 warning: Berth will not run well here until fixed.',
    ]);
  });
});

/** `berth doctor` on this machine, with every port it checks chosen by the test. */
describe('berth doctor on this machine', () => {
  let dataDir: string;
  let held: Server;
  let heldPort: number;
  const freePorts: number[] = [];

  async function listen(): Promise<Server> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return server;
  }
  const portOf = (server: Server) => (server.address() as { port: number }).port;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'berth-doctor-'));
    held = await listen();
    heldPort = portOf(held);
    for (let i = 0; i < 4; i++) {
      const server = await listen();
      freePorts.push(portOf(server));
      server.close();
      await once(server, 'close');
    }
  });
  after(async () => {
    held.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function doctor(apiPort: number, extra: string[] = []) {
    const [tls, rendezvous, router, routerTls] = freePorts as [number, number, number, number];
    const argv = ['doctor', '--json', '--data-dir', dataDir, '--api-port', String(apiPort), '--api-tls-port', String(tls), '--rendezvous-port', String(rendezvous), '--router-port', String(router), '--router-tls-port', String(routerTls), ...extra];
    const captured = captureIo({ env: { PATH: process.env.PATH, HOME: dataDir }, cwd: dataDir });
    const code = await runCli(argv, captured.io);
    assert.equal(captured.stderr(), '');
    return { code, report: JSON.parse(captured.stdout()) as { ok: boolean; checks: CheckResult[] } };
  }
  const check = (checks: CheckResult[], name: string) => {
    const found = checks.find((c) => c.name === name);
    assert.ok(found, `no check named ${name} in ${checks.map((c) => c.name).join(', ')}`);
    return found;
  };

  it('names the process holding a port, fails, and exits 1', async () => {
    const { code, report } = await doctor(heldPort);
    assert.equal(code, 1);
    assert.equal(report.ok, false);
    const port = check(report.checks, `port ${heldPort}`);
    assert.equal(port.status, 'fail');
    assert.match(port.detail, new RegExp(`^taken by pid ${process.pid} \\(\\S+\\): Berth's API cannot listen$`));
    assert.match(port.fix ?? '', /another API port/);
  });

  it('reports the cgroup layout this machine really has, and each dyno controller', async () => {
    const { report } = await doctor(heldPort);
    const layout = cgroupLayout(await readFile('/proc/self/mountinfo', 'utf8')).layout;
    assert.match(check(report.checks, 'cgroups').detail, new RegExp(`^${layout} layout`));
    for (const controller of ['memory', 'cpu', 'pids']) assert.ok(['ok', 'fail'].includes(check(report.checks, `cgroup ${controller}`).status));
    for (const name of ['root', 'node', 'user namespaces', 'network namespaces', 'overlayfs', 'bubblewrap', 'git', 'postgresql', 'disk', 'dns localhost']) check(report.checks, name);
    assert.equal(check(report.checks, 'git').status, 'ok', 'the tests themselves run git');
  });

  it('counts a port held by the Berth of this data dir as fine', async () => {
    await writeFile(join(dataDir, 'berth.json'), JSON.stringify({ pid: process.pid, api_port: heldPort }));
    try {
      const { report } = await doctor(heldPort);
      const port = check(report.checks, `port ${heldPort}`);
      assert.equal(port.status, 'ok');
      assert.match(port.detail, new RegExp(`held by the Berth running from .* \\(pid ${process.pid}\\) for API`));
    } finally {
      await rm(join(dataDir, 'berth.json'));
    }
  });

  it('fails a domain without a wildcard DNS record and says which record to add', async () => {
    const { code, report } = await doctor(heldPort, ['--domain', 'example.invalid']);
    assert.equal(code, 1);
    const dns = check(report.checks, 'dns example.invalid');
    assert.equal(dns.status, 'fail');
    assert.match(dns.detail, /^berth-doctor-\w+\.example\.invalid does not resolve \(\w+\): apps at <app>\.example\.invalid are unreachable$/);
    assert.match(dns.fix ?? '', /^add a wildcard DNS record: \*\.example\.invalid A/);
  });

  it('refuses a port flag that is not a port', async () => {
    const captured = captureIo({ env: { PATH: process.env.PATH, HOME: dataDir }, cwd: dataDir });
    assert.equal(await runCli(['doctor', '--api-port', '99999'], captured.io), 2);
    assert.match(captured.stderr(), /--api-port "99999" is not a port/);
  });
});
