// The heroku-redis provider on Berth's own Redis servers: one instance per add-on with a password,
// the plan's maxmemory, restarts after a crash, adoption by a new agent, removal with its data.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AddonProviderError, type AddonResource } from '../../src/addons/provider.js';
import { RedisInstances } from '../../src/addons/redis-instances.js';
import { RedisProvider } from '../../src/addons/redis-provider.js';
import { processAlive } from '../../src/addons/supervised-server.js';
import { parseRedisUrl, redisCall } from './resp.js';

describe('the heroku-redis provider', () => {
  let root: string;
  let instances: RedisInstances;
  let provider: RedisProvider;
  const options = () => ({ dir: join(root, 'redis'), host: '127.0.0.1', durable: false, log: () => undefined });
  const resource = (plan = 'mini'): AddonResource => ({ addonId: randomUUID(), addonName: `redis-test-${Math.floor(Math.random() * 1e5)}`, plan, providerId: null, appId: randomUUID(), appName: 'app-a' });
  const provision = async (r: AddonResource): Promise<string> => {
    const result = await provider.provision({ ...r, options: {}, callbackUrl: '' });
    if (result.state !== 'provisioned') throw new Error('expected provisioned');
    return result.config.URL!;
  };
  const asApp = (url: string, ...commands: string[][]) => {
    const u = parseRedisUrl(url);
    return redisCall(u, [['AUTH', u.password], ...commands]).then((r) => r.slice(1));
  };

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-redis-'));
    instances = new RedisInstances(options());
    provider = new RedisProvider(instances);
  });
  after(async () => {
    await instances.stopAll();
    await rm(root, { recursive: true, force: true });
  });

  it('provisions an instance whose URL a client can use', async () => {
    const url = await provision(resource());
    assert.match(url, /^redis:\/\/default:[0-9a-f]{64}@127\.0\.0\.1:\d+$/);
    assert.deepEqual(await asApp(url, ['SET', 'greeting', 'hello'], ['GET', 'greeting']), ['OK', 'hello']);
  });

  it('refuses a client without the password, or with a wrong one', async () => {
    const u = parseRedisUrl(await provision(resource()));
    assert.match((await redisCall(u, [['GET', 'x']]))[0]!, /^-NOAUTH/);
    assert.match((await redisCall(u, [['AUTH', 'guess'], ['GET', 'x']]))[0]!, /^-WRONGPASS/);
    assert.match((await redisCall(u, [['AUTH', 'berth', 'guess']]))[0]!, /^-WRONGPASS/);
  });

  it('applies the plan maxmemory: writes beyond it fail under noeviction, and the app cannot CONFIG SET it', async () => {
    const r = resource('mini');
    const url = await provision(r);
    const info = await provider.info(r);
    assert.deepEqual([info.maxmemoryBytes, info.policy, info.maxclients], [25 * 1024 * 1024, 'noeviction', 20]);
    const [denied] = await asApp(url, ['CONFIG', 'SET', 'maxmemory', '0']);
    assert.match(denied!, /^-NOPERM/);
    const big = 'x'.repeat(1024 * 1024);
    const replies = await asApp(url, ...Array.from({ length: 40 }, (_, i) => ['SET', `k${i}`, big]));
    assert.ok(replies.some((reply) => /^-OOM/.test(reply)), `no OOM among ${replies.length} replies`);
  });

  it('changes maxmemory with the plan and the policy with setMaxmemoryPolicy', async () => {
    const r = resource('mini');
    await provision(r);
    await provider.changePlan(r, 'premium-0');
    await provider.setMaxmemoryPolicy({ ...r, plan: 'premium-0' }, 'allkeys-lru');
    const info = await provider.info({ ...r, plan: 'premium-0' });
    assert.deepEqual([info.maxmemoryBytes, info.policy, info.maxclients], [50 * 1024 * 1024, 'allkeys-lru', 40]);
  });

  it('refuses an unknown plan and an unknown policy with the valid ones', async () => {
    await assert.rejects(provider.provision({ ...resource('gigantic'), options: {}, callbackUrl: '' }), (e: Error) => e instanceof AddonProviderError && /valid plans: mini, premium-0/.test(e.message));
    const r = resource();
    await provision(r);
    await assert.rejects(provider.setMaxmemoryPolicy(r, 'sometimes' as never), (e: Error) => e instanceof AddonProviderError && /valid policies: noeviction, allkeys-lru/.test(e.message));
  });

  it('restarts an instance killed with SIGKILL, with its data', async () => {
    const r = resource();
    const url = await provision(r);
    await asApp(url, ['SET', 'durable', 'yes']);
    const server = instances.get(r.addonId)!.server;
    const pid = server.pid!;
    const restarts = server.restarts;
    process.kill(pid, 'SIGKILL');
    await server.whenRestarted(restarts);
    assert.notEqual(server.pid, pid);
    assert.deepEqual(await asApp(url, ['GET', 'durable']), ['yes']);
  });

  it('is adopted with the same URL by a new agent, and deprovisioning deletes it', async () => {
    const r = resource();
    const url = await provision(r);
    await asApp(url, ['SET', 'kept', '1']);
    const pid = instances.get(r.addonId)!.server.pid!;
    instances.releaseAll();
    instances = new RedisInstances(options());
    provider = new RedisProvider(instances);
    const outcomes = await instances.startAll();
    assert.equal(outcomes.find((o) => o.id === r.addonId)?.outcome, 'adopted', JSON.stringify(outcomes));
    assert.equal(instances.get(r.addonId)!.server.pid, pid);
    assert.deepEqual(await asApp(url, ['GET', 'kept']), ['1']);
    await provider.deprovision(r);
    assert.equal(processAlive(pid), false);
    assert.equal(existsSync(join(root, 'redis', r.addonId)), false);
    await provider.deprovision(r);
  });
});
