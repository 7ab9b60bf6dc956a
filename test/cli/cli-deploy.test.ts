import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { BuildSource, PlatformPort } from '../../src/api/context.js';
import type { App } from '../../src/core/model.js';
import type { Build } from '../../src/store/port.js';
import { runCli } from '../../src/cli/main.js';
import { startApi, type ApiHarness } from '../support/api-harness.js';
import { captureIo } from './capture-io.js';

/** Files in a .tgz, sorted, read with the real tar. */
async function tarList(source: NodeJS.ReadableStream): Promise<string[]> {
  const tar = spawn('tar', ['-tzf', '-'], { stdio: ['pipe', 'pipe', 'inherit'] });
  source.pipe(tar.stdin);
  let out = '';
  for await (const chunk of tar.stdout) out += String(chunk);
  return out.split('\n').filter((l) => l !== '').sort();
}

/**
 * A builder stand-in: it reads the uploaded source with tar, prints what it got as the build
 * output, and fails the build when the source holds a file named FAIL, else releases a slug.
 */
class ListingBuilder implements Partial<PlatformPort> {
  harness?: ApiHarness;
  readonly sources = new Map<string, string[]>();
  private readonly outputs = new Map<string, Promise<string[]>>();

  startBuild(app: App, build: Build, source: BuildSource): void {
    this.outputs.set(build.id, this.build(app, build, source));
  }

  async openOutput(kind: 'build' | 'release', id: string): Promise<AsyncIterable<string> | undefined> {
    const output = kind === 'build' ? this.outputs.get(id) : undefined;
    if (!output) return undefined;
    const lines = await output;
    return (async function* () {
      yield* lines;
    })();
  }

  private async build(app: App, build: Build, source: BuildSource): Promise<string[]> {
    const store = (this.harness as ApiHarness).store;
    if (source.kind !== 'blob') throw new Error('expected an uploaded source');
    const files = await tarList(await (this.harness as ApiHarness).blobs.get(source.key));
    this.sources.set(build.id, files);
    const lines = ['-----> Building on the berth-24 stack\n', `       ${files.length} files\n`];
    if (files.includes('FAIL')) {
      await store.builds.finish(build.id, { status: 'failed', error: 'Compile failed.' });
      return [...lines, ' !     Push rejected, failed to compile.\n'];
    }
    const slug = await store.slugs.create({ appId: app.id, processTypes: { web: 'node server.js' }, stack: 'berth-24', size: 10, commit: build.sourceBlob.version });
    const release = await store.releases.create({ appId: app.id, slugId: slug.id, description: 'Deploy', user: null });
    await store.builds.finish(build.id, { status: 'succeeded', slugId: slug.id, releaseId: release.id });
    return [...lines, `       Released v${release.version}\n`];
  }
}

const builder = new ListingBuilder();
let api: ApiHarness;
let root: string;
let key: string;

before(async () => {
  api = await startApi({ overrides: { platform: new Proxy(builder, { get: (target, prop) => (prop in target ? Reflect.get(target, prop) : Reflect.get(api.platform, prop)) }) as unknown as PlatformPort } });
  builder.harness = api;
  root = await mkdtemp(join(tmpdir(), 'berth-cli-deploy-'));
  key = (await api.createUser('deployer@example.test')).key;
  assert.equal((await api.request('/apps', { method: 'POST', key, body: JSON.stringify({ name: 'deploy-app' }) })).status, 201);
});
after(async () => {
  await api.close();
  await rm(root, { recursive: true, force: true });
});

async function berth(cwd: string, argv: string[]) {
  const captured = captureIo({ env: { BERTH_API_URL: api.url, BERTH_API_KEY: key, HOME: root, BERTH_APP: 'deploy-app' }, cwd });
  const code = await runCli(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.test', '-c', 'user.name=T', ...args], { cwd, encoding: 'utf8' }).trim();

test('deploy packs a git work tree as git sees it, builds it, streams the output and names the release', async () => {
  const dir = join(root, 'git-app');
  await writeFiles(dir, {
    Procfile: 'web: node server.js\n',
    'server.js': 'console.log(1)\n',
    '.gitignore': 'secret.env\nnode_modules/\n',
    'secret.env': 'TOKEN=x\n',
    'node_modules/dep/index.js': '',
    'lib/gone.js': '',
    'lib/util.js': '',
  });
  git(dir, 'init', '-q');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'first');
  await unlink(join(dir, 'lib/gone.js'));
  await writeFile(join(dir, 'untracked.txt'), 'new\n');
  const sha = git(dir, 'rev-parse', 'HEAD');

  const result = await berth(dir, ['deploy']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, `Deployed deploy-app: v2 (${sha.slice(0, 7)})\n`);
  assert.match(result.stderr, /^Packing 5 files from .*git-app \(\d+ KB\)\.\.\. done\nBuilding deploy-app \(build [0-9a-f-]{36}\)\.\.\.\n-----> Building on the berth-24 stack\n       5 files\n       Released v2\n$/);
  const [build] = JSON.parse((await berth(root, ['builds', '--json'])).stdout) as { id: string; source_blob: { version: string } }[];
  assert.equal(build?.source_blob.version, sha);
  assert.deepEqual(builder.sources.get(build?.id as string), ['.gitignore', 'Procfile', 'lib/util.js', 'server.js', 'untracked.txt']);
});

test('deploy of a plain directory skips .git and node_modules, and a failed build exits 1', async () => {
  const dir = join(root, 'plain-app');
  await writeFiles(dir, { 'index.js': '', FAIL: '', 'node_modules/x.js': '', 'sub/node_modules/y.js': '', 'sub/z.js': '' });
  const result = await berth(root, ['deploy', 'plain-app']);
  assert.equal(result.code, 1);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, / !     Push rejected, failed to compile\.\nError: Build [0-9a-f-]{36} failed: Compile failed\.\n/);
  const [build] = JSON.parse((await berth(root, ['builds', '--json', '-n', '1'])).stdout) as { id: string; status: string; source_blob: { version: string | null } }[];
  assert.equal(build?.status, 'failed');
  assert.equal(build?.source_blob.version, null);
  assert.deepEqual(builder.sources.get(build?.id as string), ['FAIL', 'index.js', 'sub/z.js']);
});

test('builds lists builds newest first and builds:info shows one', async () => {
  const list = await berth(root, ['builds']);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^=== deploy-app Builds\n[0-9a-f-]{36}  failed  +deployer@example\.test  .*\n[0-9a-f-]{36}  succeeded  [0-9a-f]{7}  deployer@example\.test  .*\n$/);
  const info = await berth(root, ['builds:info']);
  assert.match(info.stdout, /^=== Build [0-9a-f-]{36}\nStatus: +failed\n/);
  assert.match(info.stdout, /\nError: +Compile failed\.\n$/);
  const cancel = await berth(root, ['builds:cancel']);
  assert.equal(cancel.code, 1);
  assert.match(cancel.stderr, /only a pending build can be cancelled/);
});

test('deploy refuses a path that is not a directory', async () => {
  const result = await berth(root, ['deploy', 'no-such-dir']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /no-such-dir is not a directory/);
});
