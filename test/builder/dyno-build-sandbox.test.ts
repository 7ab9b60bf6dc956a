// Build dynos on a real runtime: their bound directories (build dir, cache, env, buildpack)
// behave as binds but /proc/self/mountinfo names no host path, and build dynos of several apps
// run at once on the shared CPUs (no dedicated CPU is claimed for a build), and their curl names
// the URL a failed download could not reach.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fixedBuildTarget, type SandboxBind } from '../../src/builder/build-sandbox.js';
import { DynoBuildSandbox } from '../../src/builder/dyno-build-sandbox.js';
import { installDownloadReporter } from '../../src/builder/download-reporter.js';
import { testRuntime, type TestRuntime } from '../runtime/support.js';

const UID = 25111;

describe('build dynos', () => {
  let t: TestRuntime;
  before(async () => {
    t = await testRuntime();
  });
  after(() => t.cleanup());

  type Role = 'build' | 'cache' | 'env' | 'buildpack';
  async function dirs(): Promise<{ binds: SandboxBind[]; host: Record<Role, string> }> {
    const base = join(t.root, 'builds', randomUUID());
    const host: Record<Role, string> = { build: join(base, 'src'), cache: join(base, 'cache'), env: join(base, 'env'), buildpack: join(base, 'bp0') };
    for (const dir of Object.values(host)) await mkdir(dir, { recursive: true });
    await writeFile(join(host.build, 'old.txt'), 'from the push');
    await mkdir(join(host.build, 'dir'));
    await writeFile(join(host.env, 'NAME'), 'value');
    await writeFile(join(host.buildpack, 'marker'), 'buildpack');
    const ctx = { buildId: 'b1', index: 0 };
    const binds = [
      { source: host.build, target: fixedBuildTarget('build', ctx), readonly: false },
      { source: host.cache, target: fixedBuildTarget('cache', ctx), readonly: false },
      { source: host.env, target: fixedBuildTarget('env', ctx), readonly: true },
      { source: host.buildpack, target: fixedBuildTarget('buildpack', ctx), readonly: true },
    ];
    return { binds, host };
  }

  async function run(sandbox: DynoBuildSandbox, binds: SandboxBind[], script: string): Promise<{ code: number; out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const exit = await sandbox.run({ argv: ['bash', '-c', script], env: { PATH: '/usr/bin:/bin' }, cwd: '/tmp/build_b1', binds, memoryMb: 256, output: { stdout: (l) => out.push(l), stderr: (l) => err.push(l) }, signal: new AbortController().signal });
    return { code: exit.exitCode, out, err };
  }

  const sandboxFor = (appName: string, uid = UID) => new DynoBuildSandbox({ runtime: t.runtime, appId: randomUUID(), appName, uid, network: 'none' });

  it('shows a build dyno a mountinfo without the host paths of its bound directories, and the binds still work both ways', async () => {
    const { binds, host } = await dirs();
    const script = [
      'cat /proc/self/mountinfo',
      'cat /tmp/build_b1/old.txt /tmp/env/NAME /tmp/buildpack_0/marker >&2',
      'echo compiled > /tmp/build_b1/new.txt && rm /tmp/build_b1/old.txt && mv /tmp/build_b1/dir /tmp/build_b1/moved',
      'echo cached > /tmp/cache/c.txt',
      '! touch /tmp/env/x 2>/dev/null && ! touch /tmp/buildpack_0/x 2>/dev/null',
    ].join(' && ');
    const { code, out, err } = await run(sandboxFor('mountinfo'), binds, script);
    assert.equal(code, 0, err.join('\n'));
    const mountinfo = out.join('\n');
    for (const target of ['/tmp/build_b1', '/tmp/cache', '/tmp/env', '/tmp/buildpack_0']) assert.match(mountinfo, new RegExp(` ${target} `), `${target} is mounted`);
    assert.ok(!mountinfo.includes(t.root), `the build dyno's mountinfo names the host's ${t.root}:\n${mountinfo}`);
    assert.deepEqual(err, ['from the pushvaluebuildpack']);
    assert.deepEqual((await readdir(host.build)).sort(), ['moved', 'new.txt']);
    assert.equal(await readFile(join(host.build, 'new.txt'), 'utf8'), 'compiled\n');
    assert.equal(await readFile(join(host.cache, 'c.txt'), 'utf8'), 'cached\n');
    assert.deepEqual((await readdir(host.env)).sort(), ['NAME']);
  });

  it('runs build dynos of two apps at once, both on every CPU (a build claims no dedicated CPU)', async () => {
    const [a, b] = await Promise.all([dirs(), dirs()]);
    const script = 'grep Cpus_allowed_list /proc/self/status; sleep 0.3';
    const [ra, rb] = await Promise.all([run(sandboxFor('app-a', UID + 1), a.binds, script), run(sandboxFor('app-b', UID + 2), b.binds, script)]);
    const all = (await readFile('/sys/fs/cgroup/cpuset/cpuset.effective_cpus', 'utf8')).trim();
    for (const r of [ra, rb]) {
      assert.equal(r.code, 0, r.err.join('\n'));
      assert.deepEqual(r.out, [`Cpus_allowed_list:\t${all}`]);
    }
  });

  it('gives a build dyno a curl that names the URL it could not reach, as the build uid', async () => {
    const { binds } = await dirs();
    const home = join(t.root, 'builds', randomUUID(), 'home');
    await mkdir(home, { recursive: true, mode: 0o700 });
    const bin = join(fixedBuildTarget('home', { buildId: 'b1', index: 0 }), await installDownloadReporter(home));
    const url = 'http://127.0.0.1:9/node-v20.18.0-linux-x64.tar.gz';
    const { code, err } = await run(sandboxFor('curl-report', UID + 3), [...binds, { source: home, target: fixedBuildTarget('home', { buildId: 'b1', index: 0 }), readonly: false }],
      `export PATH=${bin}:$PATH; [ "$(command -v curl)" = ${bin}/curl ] || { echo "curl is $(command -v curl)" >&2; exit 3; }; curl -sf -o /dev/null ${url}`);
    assert.equal(code, 7, err.join('\n'));
    assert.deepEqual(err, [` !     Download failed: could not reach ${url} (could not connect; curl exit 7)`]);
  });
});
