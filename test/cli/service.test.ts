import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, test } from 'node:test';
import { runCli } from '../../src/cli/main.js';
import { quoteExecArg } from '../../src/cli/systemd-unit.js';
import { repoRoot } from '../support/repo-root.js';
import { captureIo } from './capture-io.js';

/** service:install / status / uninstall: the unit file's content (checked by systemd-analyze) and the machine without systemd. */

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-service-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function berth(argv: string[]) {
  const captured = captureIo({ env: { PATH: process.env.PATH, HOME: dir }, cwd: dir });
  const code = await runCli(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

const systemdRuns = () => access('/run/systemd/system').then(() => true, () => false);

describe('the unit service:install writes', () => {
  let unit: string;
  before(async () => {
    const printed = await berth(['service:install', '--print', '--data-dir', join(dir, 'data'), '--domain', 'example.com', '--bind', '0.0.0.0', '--admin-email', 'ops 100%@$HOME']);
    assert.equal(printed.code, 0, printed.stderr);
    unit = printed.stdout;
  });

  it('starts bin/berth up with the data dir and the given up flags, quoted for systemd', () => {
    const berthPath = join(repoRoot(), 'bin', 'berth');
    assert.ok(unit.includes(`\nExecStart=${berthPath} up --data-dir ${join(dir, 'data')} --domain example.com --bind 0.0.0.0 --admin-email "ops 100%%@$$HOME"\n`), unit);
    assert.ok(unit.includes(`\nWorkingDirectory=${repoRoot()}\n`));
    assert.ok(unit.includes(`\nEnvironment=BERTH_DATA_DIR=${join(dir, 'data')}\n`));
  });

  it('restarts on failure, logs to journald, delegates cgroups and signals only the control plane', () => {
    for (const line of ['Restart=always', 'ExecReload=/bin/kill -HUP $MAINPID', 'StandardOutput=journal', 'StandardError=journal', 'SyslogIdentifier=berth', 'Delegate=yes', 'KillMode=process', 'TasksMax=infinity', 'WantedBy=multi-user.target', 'After=network-online.target']) {
      assert.ok(unit.split('\n').includes(line), `${line} in\n${unit}`);
    }
  });

  it('is a unit systemd-analyze verify accepts without a warning', async () => {
    const file = join(dir, 'berth.service');
    await writeFile(file, unit);
    const verdict = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile('systemd-analyze', ['verify', file], { timeout: 30_000, encoding: 'utf8' }, (err, _stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stderr })),
    );
    assert.deepEqual(verdict, { code: 0, stderr: '' });
  });

  it('refuses up flags with control characters and a data dir given as an up flag', async () => {
    const newline = await berth(['service:install', '--print', '--domain', 'a\nb']);
    assert.equal(newline.code, 2);
    assert.match(newline.stderr, /control character/);
    const late = await berth(['service:install', '--print', '--domain', 'example.com', '--', '--data-dir', '/srv']);
    assert.equal(late.code, 2);
    assert.match(late.stderr, /own --data-dir/);
  });
});

test('quoteExecArg leaves plain words alone and quotes the rest', () => {
  assert.equal(quoteExecArg('/usr/bin/berth'), '/usr/bin/berth');
  assert.equal(quoteExecArg('10.0.0.0/8'), '10.0.0.0/8');
  assert.equal(quoteExecArg('a b'), '"a b"');
  assert.equal(quoteExecArg('say "hi" \\ now'), '"say \\"hi\\" \\\\ now"');
  assert.equal(quoteExecArg('100%'), '100%%');
  assert.equal(quoteExecArg('$HOME'), '"$$HOME"');
});

describe('on a machine without systemd (each test is skipped where systemd runs)', () => {
  it('service:install says so, prints the command to run instead, exits 1 and writes no unit', async (t) => {
    if (await systemdRuns()) return t.skip('systemd runs here');
    const result = await berth(['service:install', '--data-dir', join(dir, 'data'), '--domain', 'example.com']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^systemd is not running on this machine \(no \/run\/systemd\/system\), so there is no service to install\.\n/);
    assert.equal(result.stdout, `  ${join(repoRoot(), 'bin', 'berth')} up --data-dir ${join(dir, 'data')} --domain example.com\n`);
    await assert.rejects(access('/etc/systemd/system/berth.service'), { code: 'ENOENT' });
  });

  it('service:status says there is no service and whether a Berth runs from the data dir', async (t) => {
    if (await systemdRuns()) return t.skip('systemd runs here');
    const none = await berth(['service:status', '--data-dir', join(dir, 'data')]);
    assert.deepEqual(none, { code: 1, stdout: `systemd is not running on this machine: there is no Berth service.\nNo Berth is running from ${join(dir, 'data')}.\n`, stderr: '' });
    const running = join(dir, 'running');
    await rm(running, { recursive: true, force: true });
    await mkdir(running);
    await writeFile(join(running, 'berth.json'), JSON.stringify({ pid: process.pid }));
    const found = await berth(['service:status', '--data-dir', running]);
    assert.equal(found.code, 0);
    assert.match(found.stdout, new RegExp(`A Berth runs from ${running} \\(pid ${process.pid}\\)`));
  });

  it('service:uninstall says there is nothing to remove and exits 1', async (t) => {
    if (await systemdRuns()) return t.skip('systemd runs here');
    const result = await berth(['service:uninstall']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^systemd is not running on this machine: there is no Berth service to remove\./);
  });
});
