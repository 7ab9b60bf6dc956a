// The official `heroku` CLI's access, apps and transfer commands (devDependency heroku@11) against
// the API handler in process: two users share an app with exactly the permissions of
// src/core/access-policy.ts, and the CLI prints what Berth's state says.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { useApi } from '../support/api-harness.js';
import { runHeroku, type CliResult } from '../support/heroku-cli.js';

const api = useApi();
const owner = api.user('hk-access-owner@example.test');
const mate = api.user('hk-access-mate@example.test');
const third = api.user('hk-access-third@example.test');
const fourth = api.user('hk-access-fourth@example.test');
const APP = `hk-access-${process.pid.toString(36)}`;
let home: string;

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'berth-heroku-access-'));
});
after(async () => {
  await rm(home, { recursive: true, force: true });
});

const heroku = (key: string, args: string[]) => runHeroku({ apiUrl: api.url, apiKey: key, home }, args);
const flat = (text: string) => text.replace(/›/g, ' ').replace(/\s+/g, ' ').trim();
const show = (r: CliResult) => `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;

describe('the official heroku CLI sharing an app', () => {
  it('heroku access:add shares the app, heroku access lists both, heroku apps --all shows it as collaborated', async () => {
    assert.equal((await api.request('/apps', { method: 'POST', key: owner.key, body: JSON.stringify({ name: APP }) })).status, 201);
    const added = await heroku(owner.key, ['access:add', mate.email, '-a', APP]);
    assert.equal(added.code, 0, show(added));
    assert.match(flat(added.stderr), new RegExp(`Adding ${mate.email} access to the app ${APP}\\.\\.\\. done`));
    const collaborators = await (await api.request(`/apps/${APP}/collaborators`, { key: owner.key })).json() as Array<{ user: { email: string } }>;
    assert.deepEqual(collaborators.map((c) => c.user.email), [owner.email, mate.email]);

    const listed = await heroku(mate.key, ['access', '-a', APP]);
    assert.equal(listed.code, 0, show(listed));
    assert.match(flat(listed.stdout), new RegExp(`${owner.email} owner`));
    assert.match(flat(listed.stdout), new RegExp(`${mate.email} collaborator`));

    const apps = await heroku(mate.key, ['apps', '--all']);
    assert.equal(apps.code, 0, show(apps));
    assert.match(flat(apps.stdout), new RegExp(`Collaborated Apps.*${APP} \\(local\\) ${owner.email}`));
  });

  it('a collaborator is refused heroku apps:destroy with the permission named, and the app stays', async () => {
    const destroyed = await heroku(mate.key, ['apps:destroy', '-a', APP, '--confirm', APP]);
    assert.notEqual(destroyed.code, 0);
    assert.match(flat(destroyed.stderr), new RegExp(`needs the manage permission on ${APP}`));
    assert.equal((await api.request(`/apps/${APP}`, { key: owner.key })).status, 200);
  });

  it('heroku apps:transfer offers the app; once the recipient accepts it is theirs', async () => {
    const offered = await heroku(owner.key, ['apps:transfer', mate.email, '-a', APP]);
    assert.equal(offered.code, 0, show(offered));
    assert.match(flat(offered.stderr), new RegExp(`Initiating transfer of ${APP} to ${mate.email}\\.\\.\\. email sent`));
    const accepted = await api.request(`/account/app-transfers/${APP}`, { key: mate.key, method: 'PATCH', body: JSON.stringify({ state: 'accepted' }) });
    assert.equal(accepted.status, 200);
    const info = await heroku(mate.key, ['apps:info', '-a', APP, '--json']);
    assert.equal(info.code, 0, show(info));
    assert.equal((JSON.parse(info.stdout) as { app: { owner: { email: string } } }).app.owner.email, mate.email);
  });

  it('heroku access:remove removes the previous owner, who then cannot see the app', async () => {
    const removed = await heroku(mate.key, ['access:remove', owner.email, '-a', APP]);
    assert.equal(removed.code, 0, show(removed));
    assert.equal((await api.request(`/apps/${APP}`, { key: owner.key })).status, 404);
  });
});

describe('the official heroku CLI with a team', () => {
  const team = `hk-crew-${process.pid.toString(36)}`;
  const teamApp = `hk-crew-app-${process.pid.toString(36)}`;

  it('heroku teams, members -t and apps -t show the team, its members and its apps', async () => {
    assert.equal((await api.request('/teams', { method: 'POST', key: owner.key, body: JSON.stringify({ name: team }) })).status, 201);
    assert.equal((await api.request(`/teams/${team}/members`, { method: 'PUT', key: owner.key, body: JSON.stringify({ email: mate.email, role: 'member' }) })).status, 201);
    assert.equal((await api.request('/teams/apps', { method: 'POST', key: owner.key, body: JSON.stringify({ name: teamApp, team }) })).status, 201);

    const teams = await heroku(mate.key, ['teams']);
    assert.equal(teams.code, 0, show(teams));
    assert.match(flat(teams.stdout), new RegExp(`${team} member`));
    const members = await heroku(mate.key, ['members', '-t', team]);
    assert.equal(members.code, 0, show(members));
    assert.match(flat(members.stdout), new RegExp(`${owner.email} admin`));
    assert.match(flat(members.stdout), new RegExp(`${mate.email} member`));
    const apps = await heroku(mate.key, ['apps', '-t', team]);
    assert.equal(apps.code, 0, show(apps));
    assert.match(flat(apps.stdout), new RegExp(teamApp));
  });

  it('heroku access:update grants a member deploy on a team app, and heroku access shows it', async () => {
    const updated = await heroku(owner.key, ['access:update', mate.email, '-a', teamApp, '--permissions', 'deploy']);
    assert.equal(updated.code, 0, show(updated));
    const row = await (await api.request(`/teams/apps/${teamApp}/collaborators/${mate.email}`, { key: owner.key })).json() as { permissions: Array<{ name: string }> };
    assert.deepEqual(row.permissions.map((p) => p.name), ['view', 'deploy']);
    assert.equal((await api.request(`/apps/${teamApp}/config-vars`, { key: mate.key })).status, 200);
    const access = await heroku(mate.key, ['access', '-a', teamApp]);
    assert.equal(access.code, 0, show(access));
    assert.match(flat(access.stdout), new RegExp(`${mate.email} member deploy, view`));
    assert.match(flat(access.stdout), new RegExp(`${owner.email} admin deploy, manage, operate, view`));
  });

  it('heroku access:add --permissions adds an outside collaborator to a team app with exactly those permissions', async () => {
    const added = await heroku(owner.key, ['access:add', third.email, '-a', teamApp, '--permissions', 'operate']);
    assert.equal(added.code, 0, show(added));
    const row = await (await api.request(`/teams/apps/${teamApp}/collaborators/${third.email}`, { key: owner.key })).json() as { permissions: Array<{ name: string }>; role: string };
    assert.deepEqual([row.role, row.permissions.map((p) => p.name)], ['collaborator', ['view', 'operate']]);
    assert.equal((await api.request(`/apps/${teamApp}/config-vars`, { key: third.key })).status, 403);
  });

  it('heroku apps:transfer TEAM moves a personal app into the team', async () => {
    const personal = `hk-moving-${process.pid.toString(36)}`;
    assert.equal((await api.request('/apps', { method: 'POST', key: owner.key, body: JSON.stringify({ name: personal }) })).status, 201);
    const moved = await heroku(owner.key, ['apps:transfer', team, '-a', personal]);
    assert.equal(moved.code, 0, show(moved));
    assert.match(flat(moved.stderr), new RegExp(`Transferring ${personal} to ${team}\\.\\.\\. done`));
    const info = await (await api.request(`/apps/${personal}`, { key: mate.key })).json() as { owner: { email: string } };
    assert.equal(info.owner.email, `${team}@herokumanager.com`);
  });

  it('heroku members:add, members:set and members:remove change who is in the team and with which role', async () => {
    const role = async () => ((await (await api.request(`/teams/${team}/members`, { key: owner.key })).json()) as Array<{ email: string; role: string }>).find((m) => m.email === fourth.email)?.role;
    const added = await heroku(owner.key, ['members:add', fourth.email, '--role', 'member', '-t', team]);
    assert.equal(added.code, 0, show(added));
    assert.match(flat(added.stderr), new RegExp(`Adding ${fourth.email} to ${team} as member\\.\\.\\. done`));
    assert.equal(await role(), 'member');
    assert.equal((await api.request(`/teams/${team}`, { key: fourth.key })).status, 200);

    const promoted = await heroku(owner.key, ['members:set', fourth.email, '--role', 'admin', '-t', team]);
    assert.equal(promoted.code, 0, show(promoted));
    assert.equal(await role(), 'admin');

    const removed = await heroku(owner.key, ['members:remove', fourth.email, '-t', team]);
    assert.equal(removed.code, 0, show(removed));
    assert.match(flat(removed.stderr), new RegExp(`Removing ${fourth.email} from ${team}\\.\\.\\. done`));
    assert.equal(await role(), undefined);
    assert.equal((await api.request(`/teams/${team}`, { key: fourth.key })).status, 404);
  });

  it('heroku apps:leave takes a collaborator off a team app, who then sees it only as a team member', async () => {
    const leaver = await heroku(third.key, ['apps:leave', '-a', teamApp]);
    assert.equal(leaver.code, 0, show(leaver));
    assert.match(flat(leaver.stderr), new RegExp(`Leaving ${teamApp}\\.\\.\\. done`));
    const rows = (await (await api.request(`/teams/apps/${teamApp}/collaborators`, { key: owner.key })).json()) as Array<{ user: { email: string } }>;
    assert.ok(!rows.some((r) => r.user.email === third.email));
    assert.equal((await api.request(`/apps/${teamApp}`, { key: third.key })).status, 404, 'an outside collaborator who left is a stranger again');
  });

  it('a team member who is not an admin is refused heroku members:add, and the team stays as it was', async () => {
    const refused = await heroku(mate.key, ['members:add', fourth.email, '--role', 'admin', '-t', team]);
    assert.notEqual(refused.code, 0, show(refused));
    assert.match(flat(refused.stderr), /admin/);
    const members = (await (await api.request(`/teams/${team}/members`, { key: owner.key })).json()) as Array<{ email: string }>;
    assert.ok(!members.some((m) => m.email === fourth.email));
  });
});
