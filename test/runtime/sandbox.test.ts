// The dyno sandbox and the dyno contract, with real bubblewrap sandboxes (loopback-only network).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chown, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RuntimeError } from '../../src/runtime/runtime.js';
import { capture, finish, run, testRuntime, type TestRuntime } from './support.js';

describe('a dyno sandbox', () => {
  let t: TestRuntime;
  let slug: string;

  before(async () => {
    t = await testRuntime();
    slug = await t.slug({
      '.profile.d/a-first.sh': 'export FROM_PROFILE_A=one\n',
      '.profile.d/b-second.sh': 'export FROM_PROFILE_B="$FROM_PROFILE_A-two"\n',
      '.profile': 'export FROM_DOT_PROFILE="$FROM_PROFILE_B-three"\n',
      'hello.txt': 'from the slug\n',
      'sub/data.txt': 'slug data\n',
    });
  });
  after(() => t.cleanup());

  it('gives the command exactly the dyno contract environment, never Berth\'s own', async () => {
    const saved = { ...process.env };
    process.env.NODE_EXTRA_CA_CERTS = '/etc/berth/ca.pem';
    process.env.BERTH_SECRET_FOR_TEST = 'leak';
    try {
      const { exit, stdout } = await run(t, {
        name: 'web.1',
        command: 'env -0',
        env: { DATABASE_URL: 'postgres://u:p@h/db', WITH_SPACES: 'a b  c', MULTILINE: 'one\ntwo' },
        app: { kind: 'slug', slugDir: await t.slug({}) },
      });
      assert.equal(exit.code, 0);
      const env = Object.fromEntries(stdout.split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
      // bash itself always adds PWD, SHLVL and _ for the programs it runs.
      delete env.PWD; delete env.SHLVL; delete env._;
      assert.deepEqual(env, {
        DATABASE_URL: 'postgres://u:p@h/db',
        WITH_SPACES: 'a b  c',
        MULTILINE: 'one\ntwo',
        PORT: '5000',
        DYNO: 'web.1',
        PS: 'web.1',
        HOME: '/app',
        PATH: '/app/bin:/app/node_modules/.bin:/usr/local/bin:/usr/bin:/bin',
      });
    } finally {
      process.env = saved;
    }
  });

  it('sources .profile.d scripts in order and then .profile before the command, in /app', async () => {
    const { exit, stdout } = await run(t, { command: 'echo "$FROM_DOT_PROFILE in $(pwd)"', app: { kind: 'slug', slugDir: slug } });
    assert.equal(exit.code, 0);
    assert.equal(stdout, 'one-two-three in /app\n');
  });

  it('runs as a non-root uid with no capabilities and no_new_privs', async () => {
    const { stdout } = await run(t, { command: 'id -u; grep -E "^(CapEff|CapBnd|CapPrm|NoNewPrivs)" /proc/self/status', uid: 23456 });
    assert.match(stdout, /^23456\n/);
    assert.match(stdout, /CapPrm:\s+0000000000000000/);
    assert.match(stdout, /CapEff:\s+0000000000000000/);
    assert.match(stdout, /CapBnd:\s+0000000000000000/);
    assert.match(stdout, /NoNewPrivs:\s+1/);
  });

  it('refuses user namespaces, keyrings, bpf and ptrace attach under its seccomp filter, but lets a program trace its own child', async () => {
    const script = [
      'import ctypes, errno, os, time',
      'libc = ctypes.CDLL(None, use_errno=True)',
      'def call(name, nr, *args):',
      '    r = libc.syscall(nr, *[ctypes.c_long(a) for a in args])',
      '    print(name, errno.errorcode.get(ctypes.get_errno(), "?") if r == -1 else "OK")',
      'call("unshare", 272, 0x10000000)',
      'call("keyctl", 250, 0, -3, 0, 0, 0)',
      'call("bpf", 321, 0, 0, 0)',
      'call("clone3", 435, 0, 0)',
      'pid = os.fork()',
      'if pid == 0:',
      '    time.sleep(5); os._exit(0)',
      'call("ptrace_attach", 101, 16, pid, 0, 0)',
      'os.kill(pid, 9); os.waitpid(pid, 0)',
      'child = os.fork()',
      'if child == 0:',
      '    os._exit(0 if libc.ptrace(0, 0, 0, 0) == 0 else 1)',
      'print("traceme", "OK" if os.waitpid(child, 0)[1] == 0 else "FAILED")',
      'call("getpid", 39)',
    ].join('\n');
    const { exit, stdout } = await run(t, { command: 'python3 probe.py; unshare --user true 2>/dev/null; echo "unshare-cmd $?"', app: { kind: 'slug', slugDir: await t.slug({ 'probe.py': `${script}\n` }) } });
    assert.equal(exit.code, 0);
    assert.equal(stdout, 'unshare EPERM\nkeyctl EPERM\nbpf EPERM\nclone3 ENOSYS\nptrace_attach EPERM\ntraceme OK\ngetpid OK\nunshare-cmd 1\n');
  });

  it('has a read-only root and stack but a writable /tmp', async () => {
    const { stdout, stderr } = await run(t, { command: 'for p in /x /etc/x /usr/x /usr/local/x; do touch $p; done; echo ok > /tmp/x && cat /tmp/x' });
    assert.equal(stdout, 'ok\n');
    assert.equal(stderr.match(/Read-only file system/g)?.length, 4, stderr);
  });

  it('carries bash, coreutils, curl, psql and Node in its stack', async () => {
    const { exit, stdout } = await run(t, { command: 'bash --version | head -1; ls --version | head -1; curl --version | head -1; psql --version; node -p process.version' });
    assert.equal(exit.code, 0);
    assert.match(stdout, /GNU bash[\s\S]*coreutils[\s\S]*curl[\s\S]*PostgreSQL[\s\S]*v\d+\./);
  });

  it('keeps writes under /app in the dyno\'s own layer: the next dyno and the slug never see them', async () => {
    const uid = 24680;
    await chown(join(slug, 'sub'), uid, uid);
    await chown(join(slug, 'sub', 'data.txt'), uid, uid);
    const before = await readdir(slug, { recursive: true });
    const first = await run(t, {
      uid,
      app: { kind: 'slug', slugDir: slug },
      command: 'echo new > /app/new.txt && echo changed > /app/sub/data.txt && rm /app/hello.txt && cat /app/new.txt /app/sub/data.txt',
    });
    assert.equal(first.stdout, 'new\nchanged\n', first.stderr);
    const second = await run(t, { uid, app: { kind: 'slug', slugDir: slug }, command: 'ls /app; cat /app/sub/data.txt' });
    assert.equal(second.stdout, 'hello.txt\nsub\nslug data\n');
    assert.deepEqual(await readdir(slug, { recursive: true }), before);
    assert.equal(await readFile(join(slug, 'sub', 'data.txt'), 'utf8'), 'slug data\n');
    assert.equal(await readFile(join(slug, 'hello.txt'), 'utf8'), 'from the slug\n');
  });

  it('sees only its own /app: not another app\'s slug, not the data dir', async () => {
    const other = await t.slug({ 'secret.txt': 'other app' });
    const { stdout } = await run(t, {
      app: { kind: 'slug', slugDir: slug },
      command: `for p in ${other} ${t.root} /etc/shadow /root /home; do if ls "$p" >/dev/null 2>&1; then echo "visible $p"; else echo "hidden $p"; fi; done`,
    });
    assert.equal(stdout, `hidden ${other}\nhidden ${t.root}\nhidden /etc/shadow\nhidden /root\nhidden /home\n`);
  });

  it('preserves exit codes', async () => {
    assert.equal((await run(t, { command: 'exit 3' })).exit.code, 3);
    assert.equal((await run(t, { command: 'kill -TERM $$' })).exit.code, 143);
  });

  it('exits 127 with a clear line on stderr when the command does not exist', async () => {
    const { exit, stderr } = await run(t, { command: 'no-such-command --flag' });
    assert.equal(exit.code, 127);
    assert.equal(exit.sandboxFailed, false);
    assert.match(stderr, /no-such-command: command not found/);
  });

  it('gives the dyno real pipes, so /dev/stdout and /dev/stderr can be opened', async () => {
    const { stdout, stderr } = await run(t, { command: 'echo out > /dev/stdout; echo err > /dev/stderr' });
    assert.equal(stdout, 'out\n');
    assert.equal(stderr, 'err\n');
  });

  it('runs a one-off with a TTY on a pseudo-terminal with a writable stdin', async () => {
    const dyno = await t.runtime.start(t.spec({ tty: true, command: 'test -t 0 && test -t 1 && echo on-a-tty; read line; echo "got $line"; exit 4', env: { TERM: 'xterm' } }));
    assert.ok(dyno.stdin);
    const out = capture(dyno.stdout);
    dyno.stdin.write('hello\n');
    const exit = await dyno.exited;
    assert.equal(exit.code, 4);
    assert.match(await out, /on-a-tty\r\n[\s\S]*got hello/);
  });

  it('gives a dyno without a TTY no terminal, and stdin only when asked', async () => {
    const dyno = await t.runtime.start(t.spec({ stdin: true, command: 'test -t 0 || echo no-tty; cat' }));
    dyno.stdin!.end('piped input\n');
    const { stdout } = await finish(dyno);
    assert.equal(stdout, 'no-tty\npiped input\n');
    assert.equal((await run(t, { command: 'cat; echo eof' })).stdout, 'eof\n');
  });

  it('sees a loopback-only dyno bind $PORT from inside its network namespace', async () => {
    const dyno = await t.runtime.start(t.spec({ command: `exec node -e "require('net').createServer().listen(process.env.PORT)"`, port: 5123 }));
    assert.equal(dyno.address, undefined);
    assert.equal(await dyno.waitForPort(10_000), true);
    await dyno.stop(1000);
    assert.equal((await dyno.exited).code, 143);
  });

  it('shows the app its memory quota where Node and buildpacks look for it', async () => {
    const { stdout } = await run(t, { command: 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes; node -p "process.constrainedMemory()"' });
    assert.equal(stdout, `${512 * 1024 * 1024}\n${512 * 1024 * 1024}\n`);
  });

  it('binds extra directories where the builder asks, read-only or writable', async () => {
    const build = await t.slug({ 'in.txt': 'source' });
    const cache = await t.slug({});
    await chown(cache, 25000, 25000);
    const { exit, stderr } = await run(t, {
      uid: 25000,
      app: { kind: 'bind', dir: build, writable: false },
      binds: [{ source: cache, target: '/tmp/cache/dir', readonly: false }],
      command: 'cat /app/in.txt > /tmp/cache/dir/out.txt && ! touch /app/x 2>/dev/null',
    });
    assert.equal(exit.code, 0, stderr);
    assert.equal(await readFile(join(cache, 'out.txt'), 'utf8'), 'source');
  });

  it('tells a sandbox that could not be set up (a platform fault) from a command that failed', async () => {
    const { exit, stderr } = await run(t, { binds: [{ source: join(t.root, 'missing'), target: '/data', readonly: true }], command: 'true' });
    assert.equal(exit.sandboxFailed, true);
    assert.notEqual(exit.code, 0);
    assert.match(stderr, /missing/);
    const failed = await run(t, { command: 'exit 1' });
    assert.equal(failed.exit.sandboxFailed, false);
  });

  it('rejects a malformed spec with an error naming the field', async () => {
    await assert.rejects(t.runtime.start(t.spec({ size: 'huge-9x' })), (e: unknown) => e instanceof RuntimeError && e.code === 'unknown_size' && /standard-1x/.test(e.message));
    await assert.rejects(t.runtime.start(t.spec({ command: ' ' })), (e: unknown) => e instanceof RuntimeError && e.code === 'invalid_spec');
    await assert.rejects(t.runtime.start(t.spec({ env: { 'BAD-NAME': 'x' } })), (e: unknown) => e instanceof RuntimeError && /BAD-NAME/.test(e.message));
    await assert.rejects(t.runtime.start(t.spec({ uid: 0 })), (e: unknown) => e instanceof RuntimeError && /uid 0/.test(e.message));
    await assert.rejects(t.runtime.start(t.spec({ network: 'outbound' })), (e: unknown) => e instanceof RuntimeError && e.code === 'outbound_disabled');
    await assert.rejects(t.runtime.start(t.spec({ env: { __BERTH_UID: '0' } })), (e: unknown) => e instanceof RuntimeError && /reserved/.test(e.message));
    await assert.rejects(
      t.runtime.start(t.spec({ app: { kind: 'slug', slugDir: slug }, binds: [{ source: t.root, target: '/app/vendor', readonly: true }] })),
      (e: unknown) => e instanceof RuntimeError && /inside \/app/.test(e.message),
    );
  });

  it('shows the dyno a mountinfo that names no host path of the state or slug directories', async () => {
    const { exit, stdout } = await run(t, { command: 'cat /proc/self/mountinfo; cat /app/hello.txt', app: { kind: 'slug', slugDir: slug } });
    assert.equal(exit.code, 0);
    assert.match(stdout, /from the slug/);
    const mountPoints = stdout.split('\n').map((line) => line.split(' ')[4]);
    for (const point of ['/app', '/etc', '/etc/passwd', '/etc/group', '/etc/hosts', '/sys/fs/cgroup/memory']) assert.ok(mountPoints.includes(point), `no ${point} in:\n${stdout}`);
    assert.match(stdout, / \/app .* - overlay berth-dyno .*lowerdir=/);
    assert.ok(!stdout.includes(t.root), `the dyno's mountinfo names the host's ${t.root}:\n${stdout}`);
  });

  it('leaves no state directory behind', async () => {
    await run(t, { command: 'true' });
    const left = await readdir(join(t.root, 'dynos'));
    assert.deepEqual(left.filter((name) => !name.startsWith('.')), []); // .fifos, .shared: the runtime's own
    await assert.rejects(stat(join(t.root, 'dynos', 'x')));
  });
});
