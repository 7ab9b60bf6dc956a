import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:tls';
import { api } from '../support/berth-process.js';
import { useBerth } from '../support/e2e-harness.js';
import { waitForLogs } from '../support/spine.js';

/**
 * The client side of `heroku run`: TLS to the attach_url, `SECRET\r\n`, drop the first chunk
 * (`rendezvous\r\n`), then everything until the dyno closes the socket. Bounded by `timeoutMs`.
 */
function attach(attachUrl: string, ca: Buffer, timeoutMs = 20_000): Promise<{ first: string; output: string; closed: boolean }> {
  const url = new URL(attachUrl.replace(/^rendezvous:/, 'https:'));
  const secret = url.pathname.slice(1);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: Number(url.port), servername: url.hostname, ca });
    let first: string | undefined;
    let output = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ first: first ?? '', output, closed: false });
    }, timeoutMs);
    socket.once('secureConnect', () => socket.write(`${secret}\r\n`));
    socket.on('data', (chunk: Buffer) => {
      if (first === undefined) first = chunk.toString();
      else output += chunk.toString();
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ first: first ?? '', output, closed: true });
    });
  });
}

describe('one-off dynos run commands against the current release', () => {
  const berth = useBerth();
  let app: string;

  before(async () => {
    ({ app } = await berth.deploy('run', 'procfile-web'));
  });

  it('runs a detached command whose output goes to the logs as app[run.N]', async () => {
    const reply = await api(berth, `/apps/${app}/dynos`, { method: 'POST', body: JSON.stringify({ command: 'echo hello-from-run', attach: false }) });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    assert.match(reply.body.name, /^run\.\d+$/);
    assert.equal(reply.body.attach_url, null);
    assert.equal(reply.body.release.version, 2);
    const name = (reply.body.name as string).replace('.', '\\.');
    await waitForLogs(berth, app, [
      new RegExp(`heroku\\[${name}\\]: Starting process with command \`echo hello-from-run\``),
      new RegExp(`app\\[${name}\\]: hello-from-run`),
      new RegExp(`heroku\\[${name}\\]: Process exited with status 0`),
    ]);
  });

  it('runs an attached command through the rendezvous and closes the socket when it exits', async () => {
    const reply = await api(berth, `/apps/${app}/dynos`, { method: 'POST', body: JSON.stringify({ command: 'echo hi; exit 3', attach: true, force_no_tty: true }) });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    assert.match(reply.body.attach_url, /^rendezvous:\/\/[^/]+:\d+\/\S+$/);
    const { first, output, closed } = await attach(reply.body.attach_url, await readFile(berth.runtime.ca_cert));
    assert.equal(first, 'rendezvous\r\n');
    assert.equal(closed, true, 'the dyno closed the socket when the command exited');
    // The command's output, then (if the platform reports it) the exit status marker heroku run reads.
    const text = output.replace(/\r\n/g, '\n');
    assert.match(text, /^hi\n(\uFFFF heroku-command-exit-status: 3\n)?$/);
    const name = (reply.body.name as string).replace('.', '\\.');
    await waitForLogs(berth, app, [new RegExp(`heroku\\[${name}\\]: Process exited with status 3`)]);
  });
});
