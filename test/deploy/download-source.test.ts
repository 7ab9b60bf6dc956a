import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { downloadSource } from '../../src/deploy/download-source.js';
import { EgressGuard } from '../../src/egress/egress-guard.js';
import { type CountingServer, PRIVATE_ADDRESS, REDIRECTOR_ONLY, startCountingServer, startRedirector } from '../egress/targets.js';

describe('source_blob.url downloads', () => {
  let dir: string;
  let forbidden: CountingServer;
  let count = 0;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-download-'));
    forbidden = await startCountingServer('127.0.0.1', (_req, res) => void res.end('tarball bytes'));
  });
  after(async () => {
    await forbidden.close();
    await rm(dir, { recursive: true, force: true });
  });

  const target = () => join(dir, `source-${count++}.tgz`);
  const missing = async (path: string) => assert.equal(await stat(path).then(() => true, () => false), false, 'nothing was written');

  it('refuse loopback, private and local-name URLs without an allowance, saying "refused by policy" and fetching nothing', async () => {
    const port = forbidden.port;
    for (const url of [`http://127.0.0.1:${port}/app.tgz`, `http://localhost:${port}/app.tgz`, `https://${PRIVATE_ADDRESS}:${port}/app.tgz`, `http://[::ffff:7f00:1]:${port}/app.tgz`, `http://0.0.0.0:${port}/app.tgz`]) {
      const path = target();
      await assert.rejects(downloadSource(url, path, { egress: new EgressGuard(), maxBytes: 1024 }), (err: Error) => {
        assert.match(err.message, /^Could not download the source from .*: connecting to .* is refused by policy/, url);
        assert.equal(err.message.split(String(port)).length - 1, 1, `the port appears only in the URL shown: ${err.message}`);
        return true;
      });
      await missing(path);
    }
    assert.equal(forbidden.connections, 0);
  });

  it('refuse a redirect to a private address and follow one to an allowed address', async () => {
    const redirector = await startRedirector(`http://127.0.0.1:${forbidden.port}`);
    try {
      const path = target();
      await assert.rejects(downloadSource(`http://127.0.0.2:${redirector.port}/app.tgz?token=s3cret`, path, { egress: new EgressGuard(REDIRECTOR_ONLY), maxBytes: 1024 }), (err: Error) => {
        assert.match(err.message, /refused by policy/);
        assert.doesNotMatch(err.message, /s3cret/, 'the query (signed URLs) is not shown');
        return true;
      });
      await missing(path);
      assert.equal(redirector.connections, 1);
      assert.equal(forbidden.connections, 0);

      const allowed = target();
      await downloadSource(`http://127.0.0.2:${redirector.port}/app.tgz`, allowed, { egress: new EgressGuard(['127.0.0.0/8']), maxBytes: 1024 });
      assert.equal(await readFile(allowed, 'utf8'), 'tarball bytes');
    } finally {
      await redirector.close();
    }
  });

  it('fail on a non-2xx answer and on a tarball over the size limit', async () => {
    const egress = new EgressGuard(['127.0.0.0/8']);
    const server = await startCountingServer('127.0.0.1', (req, res) => void (req.url === '/big.tgz' ? res.end(Buffer.alloc(4096)) : res.writeHead(404).end()));
    try {
      await assert.rejects(downloadSource(`http://127.0.0.1:${server.port}/gone.tgz`, target(), { egress, maxBytes: 1024 }), /HTTP 404/);
      await assert.rejects(downloadSource(`http://127.0.0.1:${server.port}/big.tgz`, target(), { egress, maxBytes: 1024 }), /larger than 1024 bytes/);
    } finally {
      await server.close();
    }
  });
});
