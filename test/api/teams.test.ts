// Teams: members with roles, team apps with per-app permissions, invitations by link, and the
// bad input of issue 12 (a name clash, the last admin, a team that still owns apps).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useApi } from '../support/api-harness.js';
import { expectError, expectJson, jsonBody, uniqueName } from './helpers.js';

interface MemberJson {
  email: string;
  role: string;
  user: { id: string; email: string };
}

const api = useApi();
const boss = api.user('team-boss@example.com');
const dev = api.user('team-dev@example.com');
const outsider = api.user('team-outsider@example.com');

const as = (key: string, path: string, method = 'GET', body?: unknown) => api.request(path, { key, method, ...(body !== undefined ? { body: jsonBody(body) } : {}) });

async function newTeam(): Promise<string> {
  const name = uniqueName('crew');
  const team = await expectJson<{ name: string; role: string; type: string }>(await as(boss.key, '/teams', 'POST', { name }), 201);
  assert.deepEqual([team.name, team.role, team.type], [name, 'admin', 'team']);
  await expectJson(await as(boss.key, `/teams/${name}/members`, 'PUT', { email: dev.email, role: 'member' }), 201);
  return name;
}

describe('teams', () => {
  it('creates a team with its creator as admin, adds members, and lists it for them with their role', async () => {
    const team = await newTeam();
    const members = await expectJson<MemberJson[]>(await as(dev.key, `/teams/${team}/members`), 200);
    assert.deepEqual(members.map((m) => [m.email, m.role]), [[boss.email, 'admin'], [dev.email, 'member']]);
    const mine = await expectJson<Array<{ name: string; role: string }>>(await as(dev.key, '/teams'), 200);
    assert.deepEqual(mine.filter((t) => t.name === team).map((t) => t.role), ['member']);
    const permissions = await expectJson<Array<{ name: string }>>(await as(dev.key, '/teams/permissions'), 200);
    assert.deepEqual(permissions.map((p) => p.name), ['view', 'deploy', 'operate', 'manage']);
  });

  it('refuses a team name that is taken or invalid, and changes nothing', async () => {
    const team = await newTeam();
    assert.match((await expectError(await as(dev.key, '/teams', 'POST', { name: team }), 409, 'conflict')).message, new RegExp(`team named ${team} already exists`));
    await expectError(await as(dev.key, '/teams', 'POST', { name: 'Bad Name' }), 422, 'invalid_params');
    const other = await newTeam();
    await expectError(await as(boss.key, `/teams/${other}`, 'PATCH', { name: team }), 409, 'conflict');
    await expectJson(await as(boss.key, `/teams/${other}`), 200);
  });

  it("team apps: the team owns them as Heroku shows it; members view, admins hold everything, per-app permissions add the rest", async () => {
    const team = await newTeam();
    const name = uniqueName('team-app');
    const app = await expectJson<{ owner: { email: string }; team: { name: string } }>(await as(boss.key, '/teams/apps', 'POST', { name, team }), 201);
    assert.equal(app.owner.email, `${team}@herokumanager.com`);
    assert.equal(app.team.name, team);
    const listed = await expectJson<Array<{ name: string }>>(await as(dev.key, `/teams/${team}/apps`), 200);
    assert.deepEqual(listed.map((a) => a.name), [name]);
    await expectJson(await as(dev.key, `/apps/${name}`), 200);
    assert.match((await expectError(await as(dev.key, `/apps/${name}/config-vars`), 403, 'forbidden')).message, new RegExp(`needs the deploy permission on ${name}; you have view`));
    await expectError(await as(outsider.key, `/apps/${name}`), 404, 'not_found');

    const granted = await expectJson<{ permissions: Array<{ name: string }>; role: string }>(await as(boss.key, `/teams/apps/${name}/collaborators/${dev.email}`, 'PATCH', { permissions: ['deploy'] }), 200);
    assert.deepEqual(granted.permissions.map((p) => p.name), ['view', 'deploy']);
    assert.equal(granted.role, 'member');
    await expectJson(await as(dev.key, `/apps/${name}/config-vars`), 200);
    assert.match((await expectError(await as(dev.key, `/apps/${name}/formation`, 'PATCH', { updates: [] }), 403, 'forbidden')).message, /needs the operate permission/);
    assert.match((await expectError(await as(dev.key, `/teams/apps/${name}/collaborators/${dev.email}`, 'PATCH', { permissions: ['manage'] }), 403, 'forbidden')).message, /needs the manage permission/);
    await expectError(await as(boss.key, `/teams/apps/${name}/collaborators/${dev.email}`, 'PATCH', { permissions: ['fly'] }), 422, 'invalid_params');
    const underTeam = await expectJson<Array<{ user: { email: string } }>>(await as(dev.key, `/teams/${team}/apps/${name}/collaborators`), 200);
    assert.deepEqual(underTeam.map((c) => c.user.email), [dev.email]);
    const other = await newTeam();
    assert.equal((await expectError(await as(boss.key, `/teams/${other}/apps/${name}/collaborators`), 404, 'not_found')).message, `Couldn't find that app: ${name}.`);
  });

  it('moves a personal app into a team and out to an account', async () => {
    const team = await newTeam();
    const name = uniqueName('moving');
    await expectJson(await as(boss.key, '/apps', 'POST', { name }), 201);
    const moved = await expectJson<{ owner: { email: string } }>(await as(boss.key, `/teams/apps/${name}`, 'PATCH', { owner: team }), 200);
    assert.equal(moved.owner.email, `${team}@herokumanager.com`);
    await expectJson(await as(dev.key, `/apps/${name}`), 200);
    const out = await expectJson<{ owner: { email: string }; team: null }>(await as(boss.key, `/teams/apps/${name}`, 'PATCH', { owner: outsider.email }), 200);
    assert.deepEqual([out.owner.email, out.team], [outsider.email, null]);
    await expectError(await as(dev.key, `/apps/${name}`), 404, 'not_found');
  });

  it('invites by link (a site admin, while sign-up is off): the invitee creates an account with the link alone and joins with the role', async () => {
    const team = await newTeam();
    const email = `${uniqueName('invitee')}@example.com`;
    const refused = await expectError(await as(boss.key, `/teams/${team}/invitations`, 'PUT', { email, role: 'admin' }), 403, 'forbidden');
    assert.match(refused.message, /self-service sign-up is off: only an admin can invite someone new/);
    const invitation = await expectJson<{ berth_accept_url: string; role: string; user: { email: string } }>(await as(api.adminKey, `/teams/${team}/invitations`, 'PUT', { email, role: 'admin' }), 201);
    assert.deepEqual([invitation.user.email, invitation.role], [email, 'admin']);
    const pending = await expectJson<Array<{ user: { email: string } }>>(await as(boss.key, `/teams/${team}/invitations`), 200);
    assert.deepEqual(pending.map((i) => i.user.email), [email]);
    const token = new URL(invitation.berth_accept_url).pathname.split('/').pop() as string;
    await expectJson(await api.request(`/teams/invitations/${token}`), 200);
    await expectError(await api.request(`/teams/invitations/${token}/accept`, { method: 'POST', body: jsonBody({}) }), 422, 'invalid_params');
    const joined = await expectJson<MemberJson>(await api.request(`/teams/invitations/${token}/accept`, { method: 'POST', body: jsonBody({ password: 'correct horse battery staple' }) }), 200);
    assert.deepEqual([joined.email, joined.role], [email, 'admin']);
    await expectError(await api.request(`/teams/invitations/${token}`), 404, 'not_found');
    const login = await api.request('/oauth/authorizations', { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${email}:correct horse battery staple`).toString('base64')}` }, body: jsonBody({}) });
    assert.equal(login.status, 201);
    await expectError(await as(boss.key, `/teams/${team}/invitations`, 'PUT', { email: dev.email }), 409, 'conflict');
  });

  it('keeps an admin in every team, refuses deleting a team that owns apps, and lets members leave', async () => {
    const team = await newTeam();
    assert.match((await expectError(await as(boss.key, `/teams/${team}/members/${boss.email}`, 'DELETE'), 422, 'invalid_params')).message, /last admin/);
    await expectError(await as(boss.key, `/teams/${team}/members`, 'PATCH', { email: boss.email, role: 'member' }), 422, 'invalid_params');
    await expectError(await as(dev.key, `/teams/${team}/members/${boss.email}`, 'DELETE'), 403, 'forbidden');
    const name = uniqueName('kept');
    await expectJson(await as(boss.key, '/teams/apps', 'POST', { name, team }), 201);
    await expectError(await as(boss.key, `/teams/${team}`, 'DELETE'), 409, 'conflict');
    await expectJson(await as(dev.key, `/teams/${team}/members/${dev.email}`, 'DELETE'), 200);
    await expectError(await as(dev.key, `/teams/${team}`), 404, 'not_found');
    await expectJson(await as(boss.key, `/apps/${name}`, 'DELETE'), 200);
    await expectJson(await as(boss.key, `/teams/${team}`, 'DELETE'), 200);
  });
});
