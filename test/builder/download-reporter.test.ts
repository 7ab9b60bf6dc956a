/**
 * Builds get a curl first on PATH that names the URL a failed download could not reach, as a
 * buildpack that hides curl's message (`curl -s`, like many of Heroku's) would otherwise leave the
 * log with nothing but its own failure; a download that works passes through untouched.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { BuildHarness } from './build-harness.js';
import { appDir } from './buildpack-detect.js';
import { writeBuildpack } from './custom-buildpack.js';

/** A port on 127.0.0.1 that nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('a buildpack downloading with curl', () => {
  let h: BuildHarness;
  let app: { dir: string; remove(): Promise<void> };
  let server: Server;
  let port = 0;
  before(async () => {
    h = await BuildHarness.create();
    app = await appDir({ 'Procfile': 'web: true\n' });
    server = createHttpServer((req, res) => res.writeHead(req.url === '/runtime.tgz' ? 200 : 404).end('runtime bytes\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await app.remove();
    await h.cleanup();
  });

  /** Builds the app with a buildpack whose compile runs `script`. */
  async function buildWith(script: string) {
    const buildpack = await writeBuildpack(join(h.root, `bp-${Math.random().toString(36).slice(2)}`), { compile: script });
    return h.build(app.dir, { buildpacks: [buildpack] });
  }

  it('fails naming the URL it could not connect to', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/node/v20.18.0/node-v20.18.0-linux-x64.tar.gz`;
    const run = await buildWith(`curl -fsS -o "$1/node.tgz" ${url} || { echo " !     Unable to download Node.js"; exit 1; }`);
    assert.equal(run.error?.failure, 'compile_failed', run.output);
    assert.ok(run.lines.includes(` !     Download failed: could not reach ${url} (could not connect; curl exit 7)`), run.output);
    assert.ok(run.lines.includes(' !     Unable to download Node.js'), run.output);
  });

  it('names a URL the server answered with an HTTP error, given with --url', async () => {
    const url = `http://127.0.0.1:${port}/missing.tgz`;
    const run = await buildWith(`curl --silent --fail --url ${url} -o /dev/null`);
    assert.equal(run.error?.failure, 'compile_failed', run.output);
    assert.ok(run.lines.includes(` !     Download failed: could not reach ${url} (the server answered with an HTTP error; curl exit 22)`), run.output);
  });

  it('passes a download that works through with its output and no report', async () => {
    const run = await buildWith(`curl -fsS http://127.0.0.1:${port}/runtime.tgz`);
    assert.equal(run.error, undefined, run.output);
    assert.ok(run.lines.includes('       runtime bytes') || run.lines.includes('runtime bytes'), run.output);
    assert.doesNotMatch(run.output, /Download failed/);
  });
});
