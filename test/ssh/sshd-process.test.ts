/**
 * An sshd left running by a control plane that was killed (sshd is its child, so it survives a
 * SIGKILL of Berth) is found by its pid file and its config on the command line and stopped before
 * a new one takes the port; a pid file naming any other process is left alone.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../src/addons/free-port.js';
import { ensureHostKeys } from '../../src/ssh/host-keys.js';
import { renderSshdConfig } from '../../src/ssh/sshd-config.js';
import { stopStaleSshd } from '../../src/ssh/sshd-process.js';
import { waitFor } from '../support/wait.js';

let dir: string;
let configPath: string;
let pidFile: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-sshd-'));
  configPath = join(dir, 'sshd_config');
  pidFile = join(dir, 'sshd.pid');
  const hostKeys = await ensureHostKeys(dir);
  await writeFile(configPath, renderSshdConfig({
    bind: '127.0.0.1', port: await freePort('127.0.0.1'), hostKeyPaths: hostKeys.map((k) => k.path), pidFile, keysCommand: '/bin/false', gitCommand: '/bin/false', user: 'git',
  }), { mode: 0o600 });
});
after(() => rm(dir, { recursive: true, force: true }));

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

describe('stopStaleSshd', () => {
  it('stops an sshd running with this config that nobody supervises any more', async () => {
    // As a killed control plane leaves it: sshd -D running from this config, its pid file written.
    const left = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let said = '';
      left.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        said += chunk;
        if (said.includes('Server listening on')) resolve();
      });
      left.once('exit', () => reject(new Error(`sshd exited before listening: ${said}`)));
    });
    await waitFor('sshd to write its pid file', () => readFile(pidFile, 'utf8').then((t) => Number(t.trim()) === left.pid, () => false));
    assert.equal(await stopStaleSshd(pidFile, configPath), true);
    // sshd catches SIGTERM and exits on its own: that it exits at all is the point.
    await waitFor('the stale sshd to exit', () => left.exitCode !== null || left.signalCode !== null, 15_000);
  });

  it('leaves a process alone whose command line does not name the config, and a missing pid file', async () => {
    const sleeper = spawn('sleep', ['30']);
    await writeFile(pidFile, `${sleeper.pid}\n`);
    assert.equal(await stopStaleSshd(pidFile, configPath), false);
    assert.equal(alive(sleeper.pid!), true);
    sleeper.kill();
    await rm(pidFile, { force: true });
    assert.equal(await stopStaleSshd(pidFile, configPath), false);
  });
});

