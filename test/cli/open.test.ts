import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../../src/cli/main.js';
import { useApi } from '../support/api-harness.js';
import { waitFor } from '../support/wait.js';
import { captureIo } from './capture-io.js';

/** `berth open` prints the app's URL and opens a browser only on a terminal that has xdg-open. */

let dir: string;
const api = useApi({}, async (harness) => {
  dir = await mkdtemp(join(tmpdir(), 'berth-open-'));
  const res = await harness.request('/apps', { method: 'POST', key: harness.adminKey, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'open-app' }) });
  assert.equal(res.status, 201);
  // A stand-in browser opener: records the URL it was asked to open.
  await writeFile(join(dir, 'xdg-open'), `#!/bin/sh\nprintf '%s' "$1" > "${join(dir, 'opened')}"\n`);
  await chmod(join(dir, 'xdg-open'), 0o755);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function open(argv: string[], options: { tty: boolean; path: string }) {
  const captured = captureIo({ env: { BERTH_API_URL: api.url, BERTH_API_KEY: api.adminKey, HOME: dir, PATH: options.path }, cwd: dir });
  if (options.tty) Object.assign(captured.io.stdout, { isTTY: true });
  const code = await runCli(['open', ...argv], captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

describe('berth open', () => {
  it('prints the URL, with a path, and opens nothing when stdout is not a terminal', async () => {
    const result = await open(['/status', '-a', 'open-app'], { tty: false, path: `${dir}:${process.env.PATH}` });
    assert.deepEqual(result, { code: 0, stdout: 'http://open-app.example.test:8080/status\n', stderr: '' });
    await assert.rejects(readFile(join(dir, 'opened')), { code: 'ENOENT' });
  });

  it('only prints on a terminal without xdg-open', async () => {
    const result = await open(['-a', 'open-app'], { tty: true, path: '/nonexistent' });
    assert.deepEqual(result, { code: 0, stdout: 'http://open-app.example.test:8080/\n', stderr: '' });
    await assert.rejects(readFile(join(dir, 'opened')), { code: 'ENOENT' });
  });

  it('hands the URL to xdg-open on a terminal that has it', async () => {
    const result = await open(['-a', 'open-app'], { tty: true, path: `${dir}:${process.env.PATH}` });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'http://open-app.example.test:8080/\n');
    const opened = await waitFor('xdg-open to record the URL', () => readFile(join(dir, 'opened'), 'utf8').catch(() => undefined));
    assert.equal(opened, 'http://open-app.example.test:8080/');
  });

  it('create is apps:create under another name', async () => {
    const captured = captureIo({ env: { BERTH_API_URL: api.url, BERTH_API_KEY: api.adminKey, HOME: dir }, cwd: dir });
    assert.equal(await runCli(['create', 'created-by-alias', '--no-remote'], captured.io), 0, captured.stderr());
    assert.match(captured.stdout(), /^Creating created-by-alias\.\.\. done\n/);
  });
});
