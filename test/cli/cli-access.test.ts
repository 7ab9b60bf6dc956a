// berth access, access:add, access:remove and apps against the real API: an owner shares an app,
// the collaborator sees it under "Collaborated Apps" and cannot share it further.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../../src/cli/main.js';
import { useApi } from '../support/api-harness.js';
import { captureIo } from './capture-io.js';

let home: string;
const APP = 'cli-access-app';
const owner = { email: 'cli-access-owner@example.test', key: '' };
const mate = { email: 'cli-access-mate@example.test', key: '' };

const api = useApi({}, async (started) => {
  owner.key = (await started.createUser(owner.email)).key;
  mate.key = (await started.createUser(mate.email)).key;
  assert.equal((await started.request('/apps', { method: 'POST', key: owner.key, body: JSON.stringify({ name: APP }) })).status, 201);
});
before(async () => {
  home = await mkdtemp(join(tmpdir(), 'berth-cli-access-'));
});
after(async () => {
  await rm(home, { recursive: true, force: true });
});

async function berth(key: string, argv: string[]) {
  const captured = captureIo({ env: { BERTH_API_URL: api.url, BERTH_API_KEY: key, HOME: home, BERTH_APP: APP }, cwd: home });
  const code = await runCli(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

test('access:add shares the app, access lists owner and collaborator, the collaborator sees it and cannot share it, access:remove ends it', async () => {
  assert.deepEqual(await berth(owner.key, ['access:add', mate.email]), {
    code: 0,
    stdout: `Adding ${mate.email} access to the app ${APP} with view, deploy, operate permissions... done\n`,
    stderr: '',
  });
  const listed = await berth(mate.key, ['access']);
  assert.equal(listed.code, 0);
  const lines = listed.stdout.trimEnd().split('\n').map((l) => l.trimEnd());
  assert.equal(lines[0], `=== ${APP} Access`);
  assert.match(lines[1] as string, /^Email\s+Role\s+Permissions$/);
  assert.match(lines.find((l) => l.startsWith(owner.email)) ?? '', /owner\s+view, deploy, operate, manage$/);
  assert.match(lines.find((l) => l.startsWith(mate.email)) ?? '', /collaborator\s+view, deploy, operate$/);

  const apps = await berth(mate.key, ['apps']);
  assert.equal(apps.code, 0);
  assert.match(apps.stdout, new RegExp(`=== Collaborated Apps\\n${APP}\\s+${owner.email}\\n`));

  const refused = await berth(mate.key, ['access:add', 'someone@example.test']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, new RegExp(`needs the manage permission on ${APP}`));

  assert.deepEqual(await berth(owner.key, ['access:remove', mate.email]), { code: 0, stdout: `Removing ${mate.email} access from the app ${APP}... done\n`, stderr: '' });
  const gone = await berth(mate.key, ['access']);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, new RegExp(`Couldn't find that app: ${APP}`));
});

test('apps:transfer offers the app, apps:transfers lists it for the recipient, apps:transfers:accept makes it theirs', async () => {
  assert.deepEqual(await berth(owner.key, ['apps:transfer', mate.email]), {
    code: 0,
    stdout: `Initiating transfer of ${APP} to ${mate.email}... pending\n`,
    stderr: `${mate.email} accepts it with \`berth apps:transfers:accept ${APP}\`.\n`,
  });
  const listed = await berth(mate.key, ['apps:transfers']);
  assert.match(listed.stdout, new RegExp(`^App\\s+From\\s+To\\s+State\\n${APP}\\s+${owner.email}\\s+${mate.email}\\s+pending\\n$`));
  assert.deepEqual(await berth(mate.key, ['apps:transfers:accept', APP]), { code: 0, stdout: `Accepting the transfer of ${APP} from ${owner.email}... done\n`, stderr: '' });
  const info = JSON.parse((await berth(mate.key, ['apps:info', '--json'])).stdout) as { owner: { email: string } };
  assert.equal(info.owner.email, mate.email);
});
