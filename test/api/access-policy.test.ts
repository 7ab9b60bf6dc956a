// The policy table: every registered API route declares who may call it, and a walk over all of
// them as owner, collaborator, admin, stranger and anonymous checks that the server enforces each rule.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, it } from 'node:test';
import type { Route } from '../../src/api/context.js';
import { apiRoutes, createApiHandler } from '../../src/api/server.js';
import { APP_PERMISSIONS } from '../../src/core/access-policy.js';
import { useApi } from '../support/api-harness.js';
import { newApp } from './deploy-helpers.js';
import { expectError, expectJson, jsonBody } from './helpers.js';

const api = useApi();
const owner = api.user('policy-owner@example.com');
const stranger = api.user('policy-stranger@example.com');
const collaborator = api.user('policy-collaborator@example.com');

const label = (route: Route) => `${route.method} ${route.path}`;
const appRule = (route: Route) => (typeof route.access === 'object' && 'app' in route.access ? route.access : undefined);
const teamRule = (route: Route) => (typeof route.access === 'object' && 'team' in route.access ? route.access : undefined);
const teamScoped = apiRoutes.filter((r) => teamRule(r));
/** Routes whose `:app` the server resolves and authorizes before the handler. */
// (Routes under /teams/:team/apps/:app also need the app in that team: test/api/teams.test.ts.)
const pathScoped = apiRoutes.filter((r) => appRule(r) && appRule(r)?.via === undefined && !r.path.includes(':team'));

/** The route's path with `:app` set and every other parameter a name that exists nowhere. */
const pathFor = (route: Route, app: string, team = 'no-such-team') => route.path.replace(':app', app).replace(':team', team).replace(/:[a-z_]+/g, 'nonesuch');

function call(route: Route, app: string, key?: string, team?: string): Promise<Response> {
  const write = route.method !== 'GET' && route.method !== 'DELETE';
  return api.request(pathFor(route, app, team), { method: route.method, ...(key !== undefined ? { key } : {}), ...(write ? { body: jsonBody({}) } : {}) });
}

/** The answer for an app that does not exist: what a stranger must get, word for word but the name. */
async function missingAppError(route: Route): Promise<string> {
  const error = await expectError(await call(route, 'no-such-app-anywhere', owner.key), 404, 'not_found');
  return error.message.replace('no-such-app-anywhere', 'APP');
}

describe('the access policy table', () => {
  it('gives every registered route a well-formed rule', () => {
    assert.ok(apiRoutes.length > 100, `only ${apiRoutes.length} routes registered`);
    for (const route of apiRoutes) {
      const rule = route.access as unknown;
      const ok =
        rule === 'public' ||
        rule === 'account' ||
        (typeof rule === 'object' && rule !== null && 'admin' in rule && typeof rule.admin === 'string') ||
        (typeof rule === 'object' && rule !== null && 'app' in rule && APP_PERMISSIONS.includes(rule.app as never)) ||
        (typeof rule === 'object' && rule !== null && 'team' in rule && (rule.team === 'admin' || rule.team === 'member'));
      assert.ok(ok, `${label(route)} has no access rule (add one: 'public', 'account', { admin }, { app: view|deploy|operate|manage } or { team: member|admin })`);
      assert.equal(route.auth === 'none', rule === 'public', `${label(route)}: only public routes skip authentication, and they all do`);
      if (appRule(route) && appRule(route)?.via === undefined) assert.match(route.path, /:app\b/, `${label(route)} has an app rule but no :app`);
      if (teamRule(route)) assert.match(route.path, /:team\b/, `${label(route)} has a team rule but no :team`);
    }
  });

  it('refuses anonymous callers on every route that is not public', async () => {
    for (const route of apiRoutes.filter((r) => r.access !== 'public')) {
      await expectError(await call(route, 'whatever-app'), 401, 'unauthorized').catch((err: Error) => assert.fail(`${label(route)}: ${err.message}`));
    }
  });

  it('answers a stranger exactly as for a missing app on every app-scoped route', async () => {
    const app = (await newApp(api, owner.key)).name;
    for (const route of pathScoped) {
      const expected = await missingAppError(route);
      const error = await expectError(await call(route, app, stranger.key), 404, 'not_found').catch((err: Error) => assert.fail(`${label(route)}: ${err.message}`));
      assert.equal(error.message.replace(app, 'APP'), expected, label(route));
    }
  });

  it('refuses non-admins with 403 naming what only an admin can do', async () => {
    for (const route of apiRoutes.filter((r) => typeof r.access === 'object' && 'admin' in r.access)) {
      const error = await expectError(await call(route, 'whatever-app', owner.key), 403, 'forbidden');
      assert.match(error.message, /^Only an admin can /, label(route));
      const res = await call(route, 'whatever-app', api.adminKey);
      assert.notEqual(res.status, 403, `${label(route)}: the admin was refused`);
    }
  });

  it('lets the owner and an admin past the policy on every app-scoped route', async () => {
    const app = (await newApp(api, owner.key)).name;
    // Deleting the app goes last: every other route still needs it.
    const ordered = [...pathScoped].sort((a, b) => Number(a.method === 'DELETE' && a.path === '/apps/:app') - Number(b.method === 'DELETE' && b.path === '/apps/:app'));
    for (const key of [api.adminKey, owner.key]) {
      for (const route of ordered) {
        if (key === api.adminKey && route.method === 'DELETE' && route.path === '/apps/:app') continue;
        const res = await call(route, app, key);
        const text = await res.text();
        assert.notEqual(res.status, 403, `${label(route)}: ${text}`);
        assert.ok(!(res.status === 404 && text.includes(`that app: ${app}`)), `${label(route)} hid the app from its owner: ${text}`);
      }
    }
  });

  it('lets a collaborator past every app rule but manage, and refuses manage with 403 naming it', async () => {
    const app = (await newApp(api, owner.key)).name;
    await expectJson(await api.request(`/apps/${app}/collaborators`, { key: owner.key, method: 'POST', body: jsonBody({ user: collaborator.email }) }), 201);
    let refused = 0;
    for (const route of pathScoped) {
      const res = await call(route, app, collaborator.key);
      const text = await res.text();
      if (appRule(route)?.app === 'manage') {
        assert.equal(res.status, 403, `${label(route)}: ${text}`);
        assert.match(JSON.parse(text).message, /needs the manage permission/, label(route));
        refused += 1;
      } else {
        assert.notEqual(res.status, 403, `${label(route)}: ${text}`);
        assert.ok(!(res.status === 404 && text.includes(`that app: ${app}`)), `${label(route)} hid the app from a collaborator: ${text}`);
      }
    }
    assert.ok(refused >= 2, 'deleting the app and adding collaborators are owner-level');
    await expectJson(await api.request(`/apps/${app}`, { key: collaborator.key }), 200);
  });

  it('hides a team from non-members exactly as a missing one, and refuses members the admin-only team routes', async () => {
    const team = `policy-team-${process.pid.toString(36)}`;
    await expectJson(await api.request('/teams', { key: owner.key, method: 'POST', body: jsonBody({ name: team }) }), 201);
    await expectJson(await api.request(`/teams/${team}/members`, { key: owner.key, method: 'PUT', body: jsonBody({ email: collaborator.email, role: 'member' }) }), 201);
    assert.ok(teamScoped.length >= 8, `only ${teamScoped.length} team routes`);
    for (const route of teamScoped) {
      const missing = await expectError(await call(route, 'whatever-app', stranger.key, 'no-such-team'), 404, 'not_found');
      const hidden = await expectError(await call(route, 'whatever-app', stranger.key, team), 404, 'not_found');
      assert.equal(hidden.message.replace(team, 'TEAM'), missing.message.replace('no-such-team', 'TEAM'), label(route));
      const res = await call(route, 'whatever-app', collaborator.key, team);
      const text = await res.text();
      if (teamRule(route)?.team === 'admin') {
        assert.equal(res.status, 403, `${label(route)}: ${text}`);
        assert.match(JSON.parse(text).message, new RegExp(`needs the admin role in team ${team}`));
      } else {
        assert.notEqual(res.status, 403, `${label(route)}: ${text}`);
        assert.ok(!(res.status === 404 && text.includes(`team: ${team}`)), `${label(route)} hid the team from a member: ${text}`);
      }
    }
  });

  it('answers 500 when a route that finds its app itself answers without asking the policy', async () => {
    const forgetful: Route = { method: 'GET', path: '/forgetful', access: { app: 'view', via: 'handler' }, handler: async () => ({ status: 200, body: {} }) };
    const server = createServer(createApiHandler(api.deps, [forgetful]));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const res = await fetch(`http://127.0.0.1:${port}/forgetful`, { headers: { accept: 'application/vnd.heroku+json; version=3', authorization: `Bearer ${owner.key}` } });
      await expectError(res, 500, 'internal_server_error');
      assert.ok(api.logged.some((e) => String(e.error).includes('without asking the access policy')));
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
