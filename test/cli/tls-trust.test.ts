import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { after, before, test } from 'node:test';
import { CliError } from '../../src/cli/cli-error.js';
import { trustedCas } from '../../src/cli/tls-trust.js';

let dir: string;
let saved: string;
let extra: string;
const login = (caFile?: string) => ({ email: 'e@example.test', token: 't', authorization_id: 'a', ...(caFile === undefined ? {} : { ca_file: caFile }) });

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-tls-trust-'));
  saved = join(dir, 'saved.pem');
  extra = join(dir, 'extra.pem');
  await writeFile(saved, 'SAVED PEM\n');
  await writeFile(extra, 'EXTRA PEM\n');
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("without a saved CA and with this process's own NODE_EXTRA_CA_CERTS, Node's defaults do", async () => {
  assert.equal(await trustedCas({ NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS }, login()), undefined);
  assert.equal(await trustedCas({}, undefined), undefined);
});

test("a saved CA is trusted beside Node's roots", async () => {
  assert.deepEqual(await trustedCas({}, login(saved)), [...rootCertificates, 'SAVED PEM\n']);
});

test('a NODE_EXTRA_CA_CERTS handed in (not the one this process started with) joins the saved CA', async () => {
  assert.deepEqual(await trustedCas({ NODE_EXTRA_CA_CERTS: extra }, login(saved)), [...rootCertificates, 'EXTRA PEM\n', 'SAVED PEM\n']);
});

test('a saved CA that is gone is an error saying to log in again', async () => {
  await assert.rejects(trustedCas({}, login(join(dir, 'gone.pem'))), (err: unknown) => err instanceof CliError && /the CA saved at login/.test(err.message) && /berth login/.test(err.hint ?? ''));
});
