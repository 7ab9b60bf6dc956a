import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../../src/cli/main.js';
import { useApi } from '../support/api-harness.js';
import { throwawayCa, type ThrowawayCa } from '../support/test-certificates.js';
import { captureIo } from './capture-io.js';

let ca: ThrowawayCa;
let home: string;
let key: string;
const APP = 'cli-domains-app';
const base = `${Math.random().toString(36).slice(2, 9)}.example.org`;

const api = useApi({}, async (started) => {
  key = (await started.createUser('cli-domains@example.test')).key;
  assert.equal((await started.request('/apps', { method: 'POST', key, body: JSON.stringify({ name: APP }) })).status, 201);
});
before(async () => {
  ca = await throwawayCa();
  home = await mkdtemp(join(tmpdir(), 'berth-cli-domains-'));
});
after(async () => {
  await ca.remove();
  await rm(home, { recursive: true, force: true });
});

async function berth(argv: string[]) {
  const captured = captureIo({ env: { BERTH_API_URL: api.url, BERTH_API_KEY: key, HOME: home, BERTH_APP: APP }, cwd: home });
  const code = await runCli(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

test('domains:add prints the DNS target, domains lists it beside the default domain, domains:remove removes it', async () => {
  const none = await berth(['domains']);
  assert.equal(none.stdout, `=== ${APP} Default Domain\n${APP}.example.test\n`);
  assert.match(none.stderr, /no custom domains/);

  assert.deepEqual(await berth(['domains:add', `WWW.${base}`]), {
    code: 0,
    stdout: `Adding www.${base} to ${APP}... done\nPoint a CNAME record for www.${base} at the DNS target ${APP}.example.test.\n`,
    stderr: '',
  });
  const apex = `a${base.split('.')[0]}.org`; // sorts between *.base and www.base
  assert.match((await berth(['domains:add', apex])).stdout, new RegExp(`Point an ALIAS or ANAME record for ${apex.replace(/\./g, '\\.')} at`));
  assert.equal((await berth(['domains:add', `*.${base}`])).code, 0);

  const listed = await berth(['domains']);
  assert.equal(listed.code, 0);
  const lines = listed.stdout.split('\n');
  assert.deepEqual(lines.slice(0, 4), [`=== ${APP} Default Domain`, `${APP}.example.test`, '', `=== ${APP} Custom Domains`]);
  assert.match(lines[4] as string, /^Domain Name +DNS Record Type +DNS Target +SNI Endpoint$/);
  const rows = lines.slice(5, -1).map((line) => line.split(/ {2,}/));
  assert.deepEqual(rows, [
    [`*.${base}`, 'CNAME', `${APP}.example.test`],
    [apex, 'ALIAS or ANAME', `${APP}.example.test`],
    [`www.${base}`, 'CNAME', `${APP}.example.test`],
  ]);
  const json = JSON.parse((await berth(['domains', '--json'])).stdout) as Array<{ kind: string }>;
  assert.deepEqual(json.map((d) => d.kind).sort(), ['custom', 'custom', 'custom', 'heroku']);

  assert.deepEqual(await berth(['domains:remove', `*.${base}`]), { code: 0, stdout: `Removing *.${base} from ${APP}... done\n`, stderr: '' });
  assert.deepEqual(await berth(['domains:remove', apex]), { code: 0, stdout: `Removing ${apex} from ${APP}... done\n`, stderr: '' });
  const bad = await berth(['domains:add', 'foo.example.test']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /belong to Berth's apps/);
  const missing = await berth(['domains:remove', `nope.${base}`]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Couldn't find that domain/);
});

test('certs:add uploads a certificate and attaches the matching domains; certs lists it; certs:remove removes it', async () => {
  const shop = `shop.${base}`;
  await berth(['domains:add', shop]);
  await berth(['domains:add', `other.example.net`]);
  const pair = await ca.issue([shop]);
  await writeFile(join(home, 'shop.crt'), pair.cert);
  await writeFile(join(home, 'shop.key'), pair.key, { mode: 0o600 });

  assert.equal((await berth(['certs'])).stdout, `${APP} has no SSL certificates. Add one with \`berth certs:add CERT_FILE KEY_FILE\`.\n`);
  const added = await berth(['certs:add', 'shop.crt', 'shop.key']);
  assert.equal(added.code, 0, added.stderr);
  const name = /^([a-z][a-z0-9-]+): /m.exec(added.stdout)?.[1] as string;
  assert.ok(name, added.stdout);
  assert.match(added.stdout, new RegExp(`^Adding SSL certificate to ${APP}\\.\\.\\. done\\n${name}: ${shop.replace(/\./g, '\\.')}, expires \\d{4}-\\d\\d-\\d\\d\\nServing ${shop.replace(/\./g, '\\.')} with it\\.\\n$`));
  assert.ok(!added.stdout.includes(pair.key) && !added.stderr.includes(pair.key));

  const domains = await berth(['domains']);
  assert.match(domains.stdout, new RegExp(`${shop.replace(/\./g, '\\.')} +CNAME +${APP}\\.example\\.test +${name}\\n`));
  assert.match(domains.stdout, /other\.example\.net +CNAME +\S+\n/, 'a domain the certificate does not cover stays as it was');

  const listed = await berth(['certs']);
  assert.match(listed.stdout, /^Name +Common Name\(s\) +Expires +Trusted +Domains\n/);
  assert.match(listed.stdout, new RegExp(`\\n${name} +${shop.replace(/\./g, '\\.')} +\\d{4}-\\d\\d-\\d\\d +False +1\\n`));

  const missingFile = await berth(['certs:add', 'nope.crt', 'shop.key']);
  assert.equal(missingFile.code, 1);
  assert.match(missingFile.stderr, /Cannot read the certificate file nope\.crt: ENOENT/);
  const mismatched = await berth(['certs:add', 'shop.crt', 'shop.crt']);
  assert.equal(mismatched.code, 1);
  assert.match(mismatched.stderr, /private_key cannot be read/);

  const removed = await berth(['certs:remove', name]);
  assert.equal(removed.stdout, `Removing SSL certificate ${name} from ${APP}... done\n`);
  assert.match(removed.stderr, /1 domain\(s\) now get the default certificate/);
  assert.doesNotMatch((await berth(['domains'])).stdout, new RegExp(name));
});
