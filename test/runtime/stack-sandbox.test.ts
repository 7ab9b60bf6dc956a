// Dynos on the berth-24 stack image (a Debian 13 root filesystem from the host's stack cache)
// instead of the host's /usr: what they see as /, what they can write, and what still works.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentStackImage } from '../../src/stacks/current-image.js';
import { hostNode } from '../../src/main/stack-images.js';
import { hostStackImages } from '../support/stack-images.js';
import { run, testRuntime, type TestRuntime } from './support.js';

describe('a dyno on the stack image', () => {
  let t: TestRuntime;
  let runImage: string;
  let buildImage: string;

  before(async () => {
    const images = await hostStackImages();
    runImage = images.run;
    buildImage = images.build;
    t = await testRuntime({ hostNode: hostNode() });
  });
  after(() => t?.cleanup());

  it('sees the run image as its root: Debian 13, not the host\'s Debian 12 /usr', async () => {
    const { exit, stdout } = await run(t, { command: '. /etc/os-release; echo "$VERSION_ID"; ls /usr/lib/x86_64-linux-gnu/libc.so.6; test -e /usr/bin/bwrap && echo host-bwrap-visible; python3 -c "import sys; print(sys.version_info[:2])"', stackImage: runImage });
    assert.equal(exit.code, 0, stdout);
    const [version, libc, python] = stdout.trim().split('\n');
    assert.equal(version, '13');
    assert.equal(libc, '/usr/lib/x86_64-linux-gnu/libc.so.6');
    assert.equal(python, '(3, 13)'); // the host's is 3.11
    assert.ok(!stdout.includes('host-bwrap-visible'));
  });

  it('cannot write the image, but can write /app and /tmp', async () => {
    const slug = await t.slug({ 'hello.txt': 'from the slug\n' });
    const { exit, stdout } = await run(t, {
      command: 'touch /usr/bin/x 2>/dev/null && echo wrote-usr; touch /etc/x 2>/dev/null && echo wrote-etc; echo a > /app/new && echo b > /tmp/new && cat /app/hello.txt /app/new /tmp/new',
      app: { kind: 'slug', slugDir: slug },
      stackImage: runImage,
    });
    assert.equal(exit.code, 0);
    assert.equal(stdout, 'from the slug\na\nb\n');
  });

  it('keeps the host\'s resolver and CA bundle, and the image\'s own /etc (php.ini, the JVM\'s files)', async () => {
    const { exit, stdout } = await run(t, { command: 'cat /etc/resolv.conf; echo ---; sha256sum < /etc/ssl/certs/ca-certificates.crt; ls -d /etc/php/*/cli/php.ini /etc/java-21-openjdk | wc -l', stackImage: runImage });
    assert.equal(exit.code, 0, stdout);
    const [resolv, rest] = stdout.split('---\n');
    assert.equal(resolv, await readFile('/etc/resolv.conf', 'utf8'));
    const { createHash } = await import('node:crypto');
    const hostBundle = createHash('sha256').update(await readFile('/etc/ssl/certs/ca-certificates.crt')).digest('hex');
    assert.equal(rest?.split('\n')[0], `${hostBundle}  -`);
    assert.equal(rest?.split('\n')[1], '2');
  });

  it('runs Berth\'s Node (bound at /usr/local/bin) and the image\'s language runtimes', async () => {
    const { exit, stdout } = await run(t, { command: 'node -e "console.log(process.version)"; npm --version >/dev/null && echo npm-ok; ruby -e "puts RUBY_VERSION[0]"; php -r "echo PHP_MAJOR_VERSION, PHP_EOL;"; java -version 2>&1 | head -1', stackImage: runImage });
    assert.equal(exit.code, 0, stdout);
    const lines = stdout.trim().split('\n');
    assert.equal(lines[0], process.version);
    assert.deepEqual(lines.slice(1, 4), ['npm-ok', '3', '8']);
    assert.match(lines[4] ?? '', /openjdk version "21/);
  });

  it('gives build dynos the build image, with compilers, headers, git and make', async () => {
    const { exit, stdout } = await run(t, { command: 'printf "#include <zlib.h>\\nint main(void){return 0;}\\n" > /tmp/a.c && cc /tmp/a.c -lz -o /tmp/a && /tmp/a && echo compiled; git --version | cut -d" " -f1-2; make --version | head -1 | cut -d" " -f1-2', stackImage: buildImage });
    assert.equal(exit.code, 0, stdout);
    assert.deepEqual(stdout.trim().split('\n'), ['compiled', 'git version', 'GNU Make']);
  });

  it('starts each dyno on the version the cache calls current, so a stack update reaches the next dyno', async () => {
    // A cache of two versions that point at the host's two real images (the run image, then the
    // build image as "the update"), so nothing of the shared cache changes.
    const cache = await mkdtemp(join(tmpdir(), 'berth-stack-current-'));
    try {
      for (const [version, image] of [['20260101.aaaaaaaa', runImage], ['20260102.bbbbbbbb', buildImage]] as const) {
        await mkdir(join(cache, 'berth-24', version), { recursive: true });
        await symlink(image, join(cache, 'berth-24', version, 'run'));
      }
      await writeFile(join(cache, 'berth-24', 'current'), '20260101.aaaaaaaa\n');
      const following = await testRuntime({ hostNode: hostNode(), stackImage: currentStackImage(cache, 'berth-24', 'run', { recheckMs: 0 }) });
      try {
        const probe = 'command -v gcc >/dev/null && echo has-compiler || echo no-compiler';
        const before = await run(following, { command: probe });
        assert.equal(before.stdout, 'no-compiler\n');
        await writeFile(join(cache, 'berth-24', 'current'), '20260102.bbbbbbbb\n');
        const after = await run(following, { command: probe });
        assert.equal(after.stdout, 'has-compiler\n');
      } finally {
        await following.cleanup();
      }
    } finally {
      await rm(cache, { recursive: true, force: true });
    }
  });
});
