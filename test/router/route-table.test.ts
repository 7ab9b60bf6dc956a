import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RouteTable, diffRouteSnapshots, isEmptyDiff, normalizeHost, routeDecision, type AppRoute } from '../../src/core/route-table.js';

const app = (name: string, more: Partial<AppRoute> = {}): AppRoute => ({ app: name, domains: [], maintenance: false, crashed: false, backends: [], ...more });
const web = (state: 'up' | 'starting', port = 5000) => ({ dynoName: `web.${port}`, host: '10.0.0.2', port, state });

describe('route table', () => {
  it('answers the default hostname, custom domains and wildcard domains, most specific first', () => {
    const t = new RouteTable({
      domain: 'berth.test',
      apps: [app('shop', { domains: ['www.shop.example', '*.example.com'] }), app('blog', { domains: ['blog.example.com'] })],
    });
    assert.equal(t.lookup('shop.berth.test')?.app, 'shop');
    assert.equal(t.lookup('www.shop.example')?.app, 'shop');
    assert.equal(t.lookup('a.example.com')?.app, 'shop');
    assert.equal(t.lookup('a.b.example.com')?.app, 'shop');
    assert.equal(t.lookup('blog.example.com')?.app, 'blog', 'an exact domain beats a wildcard');
    assert.equal(t.lookup('example.com'), undefined, 'a wildcard does not cover its parent');
    assert.equal(t.lookup('nope.berth.test'), undefined);
    assert.equal(t.lookup('x.shop.berth.test'), undefined, 'only one label before the apps domain');
  });

  it('applies upserts and removals, dropping the old domains of a replaced app', () => {
    const t = new RouteTable({ domain: 'berth.test', apps: [app('shop', { domains: ['old.example'] })] });
    const touched = t.apply({ upsert: [app('shop', { domains: ['new.example'] }), app('blog')] });
    assert.deepEqual(touched, ['shop', 'blog']);
    assert.equal(t.lookup('old.example'), undefined);
    assert.equal(t.lookup('new.example')?.app, 'shop');
    t.apply({ remove: ['shop'] });
    assert.equal(t.lookup('new.example'), undefined);
    assert.equal(t.lookup('shop.berth.test'), undefined);
    assert.equal(t.size, 1);
  });

  it('diffs two snapshots into only the apps that changed', () => {
    const a = app('a', { backends: [web('up')] });
    const b = app('b');
    const prev = { domain: 'berth.test', apps: [a, b] };
    const next = { domain: 'berth.test', apps: [{ ...a, backends: [web('up'), web('starting', 5001)] }, app('c')] };
    const diff = diffRouteSnapshots(prev, next);
    assert.deepEqual(diff.upsert?.map((x) => x.app), ['a', 'c']);
    assert.deepEqual(diff.remove, ['b']);
    const t = new RouteTable(prev);
    t.apply(diff);
    assert.deepEqual(t.snapshot(), { domain: 'berth.test', apps: next.apps.slice().sort((x, y) => x.app.localeCompare(y.app)) });
    assert.ok(isEmptyDiff(diffRouteSnapshots(next, next)));
  });

  it('decides maintenance first, then up dynos, then crashed, starting and none', () => {
    assert.deepEqual(routeDecision(app('x', { maintenance: true, backends: [web('up')] })), { kind: 'error', code: 'H80' });
    assert.deepEqual(routeDecision(app('x', { crashed: true, backends: [web('up')] })), { kind: 'route' });
    assert.deepEqual(routeDecision(app('x', { crashed: true, backends: [web('starting')] })), { kind: 'error', code: 'H10' });
    assert.deepEqual(routeDecision(app('x', { backends: [web('starting')] })), { kind: 'wait' });
    assert.deepEqual(routeDecision(app('x')), { kind: 'error', code: 'H14' });
  });

  it('normalizes Host values and rejects invalid ones', () => {
    assert.equal(normalizeHost('Shop.Berth.Test:8080'), 'shop.berth.test');
    assert.equal(normalizeHost('shop.berth.test.'), 'shop.berth.test');
    assert.equal(normalizeHost('[::1]:80'), '[::1]');
    assert.equal(normalizeHost('127.0.0.1'), '127.0.0.1');
    for (const bad of ['', 'a b', 'a/b', 'a..b', '-a.test', 'a.test:port', 'a.test:123456', 'x'.repeat(300), 'a@b']) {
      assert.equal(normalizeHost(bad), undefined, JSON.stringify(bad));
    }
  });
});
