import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureLocalCa, type LocalPki } from '../../src/pki/certificate-authority.js';
import { clientRepo, git, mustGit, refIn, remoteLines, startHarness, type Harness } from './harness.js';

let pkiDir: string;
let pki: LocalPki;
let h: Harness;

before(async () => {
  pkiDir = await mkdtemp(join(tmpdir(), 'berth-git-tls-'));
  pki = await ensureLocalCa(pkiDir, { domain: 'berth.localhost' });
  h = await startHarness({ tls: { cert: pki.serverCert, key: pki.serverKey } });
});
after(async () => {
  await h?.close();
  await rm(pkiDir, { recursive: true, force: true });
});

describe('git over HTTPS', () => {
  it('pushes, deploys and clones back over TLS with the local CA', async () => {
    const tls = { GIT_SSL_CAINFO: pki.caCertPath };
    const { name, appId } = h.addApp('alice');
    const dir = await clientRepo(h, { 'index.html': '<h1>hi</h1>\n' });
    const sha = (await mustGit(h, ['rev-parse', 'HEAD'], dir)).stdout.trim();
    const pushed = await git(h, ['push', h.remote(name), 'main'], dir, tls);
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.deepEqual(remoteLines(pushed.stderr), ['-----> Building', 'line two']);
    assert.equal(await refIn(h, appId, 'refs/heads/main'), sha);

    const target = join(h.root, 'tls-clone');
    await mustGit(h, ['clone', '-q', h.remote(name), target], h.root, tls);
    assert.equal((await mustGit(h, ['rev-parse', 'HEAD'], target)).stdout.trim(), sha);

    const untrusted = await git(h, ['ls-remote', h.remote(name)], h.root);
    assert.notEqual(untrusted.code, 0, 'without the CA the certificate is not trusted');
    assert.match(untrusted.stderr, /SSL certificate problem|server certificate verification failed/);
  });
});
