import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { colours } from '../../src/cli/colour.js';
import { runLocal } from '../../src/cli/local-runner.js';
import { repoRoot } from '../support/repo-root.js';
import { waitFor } from '../support/wait.js';

/** `berth local` runs a real Procfile: real processes, ports, signals. */

const WEB = `node -e "require('http').createServer((q, s) => s.end('hi ' + process.env.GREETING)).listen(process.env.PORT, () => console.log('listening on ' + process.env.PORT))"`;

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('berth local with a Procfile whose crash line exits at once', () => {
  let dir: string;
  let child: ChildProcess;
  let output = '';
  let base: number;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-local-'));
    base = await freePort();
    await writeFile(join(dir, 'Procfile'), `web: ${WEB}\ncrash: echo crashing now; exit 3\nworker: echo "worker pid $$ port $PORT"; exec sleep 600\n`);
    await writeFile(join(dir, '.env'), 'GREETING=from-dotenv\n');
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.PORT;
    child = spawn(join(repoRoot(), 'bin', 'berth'), ['local', '-p', String(base)], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  });
  after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('reports the exit of the crash line and keeps the others running', async () => {
    await waitFor('the crash line to exit, the web and worker lines running', () => /crash\.1 +\| crashing now\n/.test(output) && /crash\.1 exited with code 3; the other processes keep running/.test(output));
    await waitFor('web.1 to listen', () => output.includes(`listening on ${base}`) && output.includes('worker pid'));
    const res = await fetch(`http://127.0.0.1:${base}/`);
    assert.equal(await res.text(), 'hi from-dotenv', 'web.1 still serves, with the .env value');
  });

  it('gives each process type its PORT, 100 apart, in Procfile order', () => {
    assert.match(output, new RegExp(`web\\.1 started with PORT=${base}: `));
    assert.match(output, new RegExp(`worker\\.1 +\\| worker pid \\d+ port ${base + 200}\\n`));
    assert.match(output, /^\d\d:\d\d:\d\d system +\| /m);
  });

  it('SIGTERM stops every process and then exits', async () => {
    const workerPid = Number(/worker pid (\d+)/.exec(output)?.[1]);
    assert.ok(alive(workerPid), 'the worker runs before the stop');
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 1, 'a process had failed before the stop');
    assert.match(output, /stopping all processes \(SIGTERM\)/);
    assert.match(output, /web\.1 was killed by SIGTERM/);
    assert.match(output, /worker\.1 was killed by SIGTERM/);
    assert.equal(alive(workerPid), false, 'the worker is gone');
    await assert.rejects(fetch(`http://127.0.0.1:${base}/`), 'the web process is gone');
  });
});

describe('berth local whose output nobody reads any more', () => {
  it('stops every process when stdout closes (berth local | head)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-local-pipe-'));
    try {
      await writeFile(join(dir, 'Procfile'), 'ticker: echo "ticker pid $$"; while true; do echo tick; sleep 0.1; done\n');
      const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', PORT: String(await freePort()) };
      const child = spawn(join(repoRoot(), 'bin', 'berth'), ['local'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'ignore'] });
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const pid = Number(await waitFor('the ticker to print its pid', () => /ticker pid (\d+)/.exec(output)?.[1]));
      assert.ok(alive(pid));
      child.stdout?.destroy();
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 0);
      await waitFor('the ticker to be stopped', () => !alive(pid));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('runLocal', () => {
  it('prefixes each process with its own colour and the time, and ends when every process ended', async () => {
    let text = '';
    const out = new Writable({ write: (chunk: Buffer, _e, done) => ((text += chunk.toString()), done()) });
    const code = await runLocal({
      processes: [
        { name: 'one.1', type: 'one', command: 'echo first', port: 1 },
        { name: 'two.1', type: 'two', command: 'echo second', port: 2 },
      ],
      cwd: tmpdir(),
      env: { PATH: process.env.PATH },
      out,
      colours: colours(true),
      stop: new AbortController().signal,
    });
    assert.equal(code, 0);
    assert.match(text, /\x1b\[36m\d\d:\d\d:\d\d one\.1  \|\x1b\[39m first\n/);
    assert.match(text, /\x1b\[33m\d\d:\d\d:\d\d two\.1  \|\x1b\[39m second\n/);
    assert.match(text, /\x1b\[1m\d\d:\d\d:\d\d system \|\x1b\[22m one\.1 exited with code 0/);
  });
});
