// The runtime's pure parts: subnet choice, listener detection, uid scheme, env contract, and the
// shape of the sandbox and launcher arguments.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { instanceCgroupDirs } from '../../src/runtime/cgroups.js';
import { capacityFrom, clampToCapacity } from '../../src/runtime/host-capacity.js';
import { DYNO_PATH, dynoEnv } from '../../src/runtime/dyno-env.js';
import { DEFAULT_UID_RANGE, uidForApp } from '../../src/runtime/dyno-uid.js';
import { ENTRY_SCRIPT, launchArgv, LAUNCH_SCRIPT } from '../../src/runtime/launcher.js';
import { hasReachableListener } from '../../src/runtime/listen-check.js';
import { bwrapArgs, encodeEnv, PROFILE_WRAPPER } from '../../src/runtime/sandbox-args.js';
import { formatCidr, networksInUse, overlaps, parseCidr, pickSubnet } from '../../src/runtime/subnet.js';

describe('subnet choice', () => {
  const seq = (...values: number[]) => () => values.shift() ?? 0;

  it('picks a /24 in 10.213–10.250', () => {
    const c = pickSubnet(seq(0, 0), []);
    assert.equal(c && formatCidr(c), '10.213.0.0/24');
    const last = pickSubnet(seq(0.9999, 0.9999), []);
    assert.equal(last && formatCidr(last), '10.250.255.0/24');
  });

  it('skips networks already on the host, including wider ones', () => {
    const taken = [parseCidr('10.213.0.0/24')!, parseCidr('10.214.0.0/16')!];
    const c = pickSubnet(seq(0, 0, 0.027, 0.5, 0.1, 0.1), taken);
    assert.equal(c && formatCidr(c), '10.216.25.0/24');
    assert.ok(c && !taken.some((t) => overlaps(t, c)));
  });

  it('gives up when everything is taken', () => assert.equal(pickSubnet(Math.random, [parseCidr('10.0.0.0/8')!], 20), undefined));

  it('reads networks from ip addr and ip route, ignoring default routes', () => {
    const addrs = '1: lo    inet 127.0.0.1/8 scope host lo\n4: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\n';
    const routes = 'default via 192.0.2.1 dev eth0\n10.220.3.0/24 dev x proto kernel\nlocal 10.9.9.9 dev lo table local\nbroadcast 10.9.9.255 dev y table local\n';
    assert.deepEqual(networksInUse(addrs, routes).map(formatCidr), ['127.0.0.0/8', '192.0.2.0/24', '10.220.3.0/24', '10.9.9.9/32', '10.9.9.255/32']);
  });
});

describe('listener detection', () => {
  const table = (local: string, state = '0A') => `  sl  local_address rem_address   st\n   0: ${local} 00000000:0000 ${state} 00000000:00000000\n`;
  it('sees a listener on 0.0.0.0:$PORT', () => assert.equal(hasReachableListener(table('00000000:1388'), 5000), true));
  it('sees a listener on [::]:$PORT', () => assert.equal(hasReachableListener(table('00000000000000000000000000000000:1388'), 5000), true));
  it('ignores loopback-only listeners', () => {
    assert.equal(hasReachableListener(table('0100007F:1388'), 5000), false);
    assert.equal(hasReachableListener(table('00000000000000000000000001000000:1388'), 5000), false);
  });
  it('ignores other ports and non-listening sockets', () => {
    assert.equal(hasReachableListener(table('00000000:1389'), 5000), false);
    assert.equal(hasReachableListener(table('00000000:1388', '01'), 5000), false);
  });
});

describe('the uid scheme', () => {
  it('gives each app a stable uid inside the range', () => {
    const a = uidForApp('0b7a9b9e-2f1e-4f5e-9d3c-1a2b3c4d5e6f');
    assert.equal(a, uidForApp('0b7a9b9e-2f1e-4f5e-9d3c-1a2b3c4d5e6f'));
    for (let i = 0; i < 500; i++) {
      const uid = uidForApp(`app-${i}`);
      assert.ok(uid >= DEFAULT_UID_RANGE.first && uid < DEFAULT_UID_RANGE.first + DEFAULT_UID_RANGE.count);
    }
  });
  it('spreads apps over the range', () => {
    const uids = new Set(Array.from({ length: 200 }, (_, i) => uidForApp(`app-${i}`)));
    assert.ok(uids.size >= 195, `${uids.size} distinct`);
  });
});

describe('the dyno environment', () => {
  it('forces PORT, DYNO and PS but lets config vars override PATH and HOME', () => {
    const env = dynoEnv('web.1', 5000, { PORT: '1', DYNO: 'x', PATH: '/custom', FOO: 'bar' });
    assert.deepEqual(env, { HOME: '/app', PATH: '/custom', PORT: '5000', DYNO: 'web.1', PS: 'web.1', FOO: 'bar' });
    assert.equal(dynoEnv('web.1', 5000, {}).PATH, DYNO_PATH);
  });
});

describe('the sandbox arguments', () => {
  const plan = {
    hostname: 'abcd1234', uid: 20001, cwd: '/app', command: 'node server.js', tty: false, sharedNetns: true,
    app: { source: '/data/dynos/x/scratch/app', writable: true }, binds: [],
    generated: { etc: '/e', passwd: '/p', group: '/g', hosts: '/h', cgroupMemoryDir: '/m' }, tmpBytes: 1, shmBytes: 1, infoFd: 4, startedFd: 6, envFd: 7,
  };

  it('carry the uid and the command as data over the --args pipe, and no dyno environment', () => {
    const options = bwrapArgs({ ...plan, command: 'echo "$(id)"; rm -rf /' });
    const clear = options.indexOf('--clearenv');
    const setenv = new Map<string, string>();
    for (let i = clear; i < options.length; i++) if (options[i] === '--setenv') setenv.set(options[i + 1]!, options[i + 2]!);
    assert.ok(clear > 0);
    assert.deepEqual([...setenv.keys()].sort(), ['__BERTH_COMMAND', '__BERTH_ENV_FD', '__BERTH_MODE', '__BERTH_STARTED_FD', '__BERTH_UID']);
    assert.equal(setenv.get('__BERTH_UID'), '20001');
    assert.equal(setenv.get('__BERTH_COMMAND'), 'echo "$(id)"; rm -rf /');
  });

  it('encode the dyno environment for the unprivileged wrapper, newlines and all', () => {
    assert.equal(encodeEnv({ A: '1', B: 'two\nlines', LD_PRELOAD: '/app/x.so' }).toString(), 'A=1\0B=two\nlines\0LD_PRELOAD=/app/x.so\0');
  });

  it('unshare the network only when no netns was prepared, and never die with the agent', () => {
    assert.ok(!bwrapArgs(plan).includes('--unshare-net'));
    assert.ok(bwrapArgs({ ...plan, sharedNetns: false }).includes('--unshare-net'));
    assert.ok(!bwrapArgs(plan).includes('--die-with-parent'));
  });

  it('launch through constant scripts: cgroup paths are arguments, nothing dyno-specific is on the command line', () => {
    const argv = launchArgv(['/m', '/c', '/p', '/s'], true);
    assert.deepEqual(argv.slice(0, 3), ['/usr/bin/nsenter', '--net=/proc/self/fd/5', '--']);
    assert.equal(argv[argv.indexOf('-c') + 1], LAUNCH_SCRIPT);
    assert.deepEqual(argv.slice(argv.indexOf('-c') + 3, argv.indexOf('-c') + 8), ['/m', '/c', '/p', '/s', '--']);
    assert.deepEqual(argv.slice(-8, -1), ['/usr/bin/bwrap', '--args', '3', '--', '/bin/sh', '-c', ENTRY_SCRIPT]);
    assert.equal(argv.at(-1), PROFILE_WRAPPER);
    assert.ok(!launchArgv(['/m', '/c', '/p', '/s'], false).includes('/usr/bin/nsenter'));
    const v2 = launchArgv(['/sys/fs/cgroup/berth.service/berth-p/d'], false);
    assert.deepEqual(v2.slice(4, 6), ['/sys/fs/cgroup/berth.service/berth-p/d', '--'], 'one directory on cgroup v2');
  });

  it('let the wrapper drop every launcher variable before the app runs', () => {
    assert.match(PROFILE_WRAPPER, /^unset __BERTH_UID __BERTH_COMMAND __BERTH_MODE __BERTH_STARTED_FD __BERTH_ENV_FD\n/);
  });
});

describe('instance cgroup directories', () => {
  it('sit under the agent\'s own cgroup in each hierarchy', () => {
    const dirs = instanceCgroupDirs('9:name=systemd:/\n8:pids:/\n4:memory:/process_api/abc\n3:cpuset:/\n1:cpu:/\n2:cpuacct:/\n0::/\n', 'b3f9a');
    assert.deepEqual(dirs, {
      memory: '/sys/fs/cgroup/memory/process_api/abc/berth-b3f9a',
      cpu: '/sys/fs/cgroup/cpu/berth-b3f9a',
      pids: '/sys/fs/cgroup/pids/berth-b3f9a',
      cpuset: '/sys/fs/cgroup/cpuset/berth-b3f9a',
    });
  });
  it('handle co-mounted controllers', () => {
    assert.equal(instanceCgroupDirs('3:cpu,cpuacct:/x\n', 'p').cpu, '/sys/fs/cgroup/cpu/x/berth-p');
  });
});

describe('host capacity', () => {
  const GIB = 1024 ** 3;
  it('keeps max(1 GiB, 15 %) of memory and max(4096, 10 %) of pids for the host', () => {
    assert.deepEqual(capacityFrom({ memTotalBytes: 24 * GIB, pidMax: 4_194_304, threadsMax: 200_000 }), { memoryBytes: Math.floor((24 * GIB * 0.85) / 4096) * 4096, pids: 180_000 });
    assert.deepEqual(capacityFrom({ memTotalBytes: 2 * GIB, pidMax: 32_768, threadsMax: 100_000 }), { memoryBytes: GIB, pids: 32_768 - 4096 });
  });

  it('clamps a size above the host to the aggregate and leaves smaller ones alone', () => {
    const capacity = { memoryBytes: 2 * GIB, pids: 5000 };
    const big = { memoryQuotaBytes: 14 * GIB, memoryLimitBytes: 28 * GIB, pidsMax: 32_768, scratchBytes: 14 * GIB, cpuShares: 1 };
    assert.deepEqual(clampToCapacity(big, capacity), { memoryQuotaBytes: 2 * GIB, memoryLimitBytes: 2 * GIB, pidsMax: 5000, scratchBytes: 2 * GIB, cpuShares: 1 });
    const small = { memoryQuotaBytes: GIB / 2, memoryLimitBytes: GIB, pidsMax: 256, scratchBytes: GIB / 2 };
    assert.deepEqual(clampToCapacity(small, capacity), small);
  });
});
