// berth teams, teams:create, members, members:add (an account, and an invitation link for an email
// without one), teams:join, apps:create -t, apps -t and access:update against the real API.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../../src/cli/main.js';
import { useApi } from '../support/api-harness.js';
import { captureIo } from './capture-io.js';

let home: string;
const TEAM = `cli-crew-${process.pid.toString(36)}`;
const APP = `cli-crew-app-${process.pid.toString(36)}`;
const boss = { email: 'cli-team-boss@example.test', key: '' };
const dev = { email: 'cli-team-dev@example.test', key: '' };

const api = useApi({}, async (started) => {
  boss.key = (await started.createUser(boss.email)).key;
  dev.key = (await started.createUser(dev.email)).key;
});
before(async () => {
  home = await mkdtemp(join(tmpdir(), 'berth-cli-teams-'));
});
after(async () => {
  await rm(home, { recursive: true, force: true });
});

async function berth(key: string | undefined, argv: string[], input?: string) {
  const env: NodeJS.ProcessEnv = { BERTH_API_URL: api.url, HOME: home, ...(key !== undefined ? { BERTH_API_KEY: key } : {}) };
  const captured = captureIo({ env, cwd: home, ...(input !== undefined ? { input } : {}) });
  const code = await runCli(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

test('a team admin creates a team, adds a member, makes a team app and grants the member deploy', async () => {
  assert.deepEqual(await berth(boss.key, ['teams:create', TEAM]), { code: 0, stdout: `Creating team ${TEAM}... done\n`, stderr: '' });
  assert.deepEqual(await berth(boss.key, ['members:add', dev.email, '-t', TEAM]), { code: 0, stdout: `Adding ${dev.email} to ${TEAM} as member... done\n`, stderr: '' });
  const teams = await berth(dev.key, ['teams']);
  assert.match(teams.stdout, new RegExp(`^Team\\s+Role\\n${TEAM}\\s+member\\n$`));
  const listed = await berth(dev.key, ['members', '-t', TEAM]);
  assert.match(listed.stdout, new RegExp(`${boss.email}\\s+admin\\n${dev.email}\\s+member\\n$`));

  assert.equal((await berth(boss.key, ['apps:create', APP, '-t', TEAM, '--no-remote'])).code, 0);
  const apps = await berth(dev.key, ['apps', '-t', TEAM]);
  assert.equal(apps.stdout, `${APP}  ${TEAM}@herokumanager.com\n`);
  assert.equal((await berth(dev.key, ['config', '-a', APP])).code, 1, 'a member holds only view');
  assert.deepEqual(await berth(boss.key, ['access:update', dev.email, '-p', 'deploy', '-a', APP]), {
    code: 0,
    stdout: `Updating ${dev.email} in ${APP} with view, deploy permissions... done\n`,
    stderr: '',
  });
  assert.equal((await berth(dev.key, ['config', '-a', APP])).code, 0);
});

test('members:add by an admin invites an email without an account; teams:join with the link creates it and joins', async () => {
  const email = `cli-invitee-${process.pid.toString(36)}@example.test`;
  const refused = await berth(boss.key, ['members:add', email, '-t', TEAM, '--role', 'admin']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /only an admin can invite someone new/);
  const invited = await berth(api.adminKey, ['members:add', email, '-t', TEAM, '--role', 'admin']);
  assert.equal(invited.code, 0, invited.stderr);
  const link = /Invitation link \(valid 7 days; Berth sends no mail\): (\S+)/.exec(invited.stdout)?.[1];
  assert.ok(link?.startsWith(`${api.url}/teams/invitations/`), invited.stdout);
  assert.match((await berth(boss.key, ['members', '-t', TEAM])).stdout, new RegExp(`${email}\\s+admin\\s+pending`));
  const joined = await berth(undefined, ['teams:join', link as string, '--password-stdin'], 'a long enough password\n');
  assert.equal(joined.code, 0, joined.stderr);
  assert.equal(joined.stdout, `Joining ${TEAM} as admin... done\n`);
  assert.match((await berth(boss.key, ['members', '-t', TEAM])).stdout, new RegExp(`${email}\\s+admin\\n`));
});

test('admin:settings --signup on lets berth signup create an account; off by default it is refused', async () => {
  const refused = await berth(undefined, ['signup', '--email', 'cli-signup@example.test', '--password-stdin'], 'a long enough password\n');
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /Self-service sign-up is off/);
  assert.deepEqual(await berth(api.adminKey, ['admin:settings']), { code: 0, stdout: 'signup: off\n', stderr: '' });
  assert.deepEqual(await berth(api.adminKey, ['admin:settings', '--signup', 'on']), { code: 0, stdout: 'signup: on\n', stderr: '' });
  const created = await berth(undefined, ['signup', '--email', 'cli-signup@example.test', '--password-stdin'], 'a long enough password\n');
  assert.deepEqual(created, { code: 0, stdout: 'Creating account cli-signup@example.test... done\n', stderr: 'Log in with `berth login --email cli-signup@example.test`.\n' });
});
