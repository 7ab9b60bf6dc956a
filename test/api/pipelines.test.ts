import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useApi } from '../support/api-harness.js';
import { waitFor } from '../support/wait.js';
import { deploy, newApp, setConfig, type ReleaseJson } from './deploy-helpers.js';
import { expectError, expectJson, jsonBody, uniqueName } from './helpers.js';

const api = useApi();
const dev = api.user('dev@example.com');
const other = api.user('other@example.com');
const mate = api.user('mate@example.com');
const member = api.user('member@example.com');

interface PipelineJson { id: string; name: string; owner: { id: string; type: string }; generation: { name: string } }
interface CouplingJson { id: string; stage: string; app: { id: string; name: string }; pipeline: { id: string; name: string } }
interface PromotionJson { id: string; status: string; source: { app: { id: string }; release: { id: string } }; pipeline: { id: string } }
interface TargetJson { app: { id: string }; release: { id: string } | null; status: string; error_message: string | null }

const call = (path: string, method = 'GET', body?: unknown, key = dev.key) => api.request(path, { key, method, ...(body === undefined ? {} : { body: jsonBody(body) }) });

async function pipeline(name = uniqueName('pl').slice(0, 30)): Promise<PipelineJson> {
  return expectJson<PipelineJson>(await call('/pipelines', 'POST', { name, owner: { id: dev.accountId, type: 'user' } }), 201);
}

async function couple(pipelineId: string, app: string, stage: string): Promise<CouplingJson> {
  return expectJson<CouplingJson>(await call('/pipeline-couplings', 'POST', { app, pipeline: pipelineId, stage }), 201);
}

/** A pipeline with a deployed staging app and an empty production app (config apart). */
async function twoStages() {
  const p = await pipeline();
  const staging = await newApp(api, dev.key, 'stg');
  const production = await newApp(api, dev.key, 'prd');
  await couple(p.id, staging.name, 'staging');
  await couple(p.id, production.name, 'production');
  await setConfig(api, dev.key, staging.name, { WHERE: 'staging' });
  await setConfig(api, dev.key, production.name, { WHERE: 'production' });
  const released = await deploy(api, dev.key, staging.name, { commit: 'a'.repeat(40) });
  return { p, staging, production, released };
}

const promote = (p: PipelineJson, source: { id: string }, targets: Array<{ id: string }>, key = dev.key) =>
  call('/pipeline-promotions', 'POST', { pipeline: { id: p.id }, source: { app: { id: source.id } }, targets: targets.map((t) => ({ app: { id: t.id } })) }, key);

async function finished(promotionId: string): Promise<TargetJson[]> {
  return waitFor(`promotion ${promotionId} to finish`, async () => {
    const targets = await expectJson<TargetJson[]>(await call(`/pipeline-promotions/${promotionId}/promotion-targets`), 200);
    return targets.every((t) => t.status !== 'pending') && targets;
  });
}

const releases = async (app: string) => expectJson<ReleaseJson[]>(await call(`/apps/${app}/releases`), 200);

describe('pipelines', () => {
  it('creates, finds by id and by eq[name], renames and deletes a pipeline', async () => {
    const created = await pipeline();
    assert.equal(created.owner.id, dev.accountId);
    assert.equal(created.generation.name, 'cedar');
    assert.deepEqual(await expectJson(await call(`/pipelines/${created.id}`), 200), created);
    const [byName] = await expectJson<PipelineJson[]>(await call(`/pipelines?eq[name]=${created.name}`), 200);
    assert.equal(byName?.id, created.id);
    const renamed = await expectJson<PipelineJson>(await call(`/pipelines/${created.id}`, 'PATCH', { name: `${created.name.slice(0, 25)}-new` }), 200);
    assert.equal(renamed.name, `${created.name.slice(0, 25)}-new`);
    await expectJson(await call(`/pipelines/${created.id}`, 'DELETE'), 200);
    await expectError(await call(`/pipelines/${created.id}`), 404, 'not_found');
  });

  it('refuses a pipeline name that is taken with 409 and creates nothing', async () => {
    const first = await pipeline();
    const error = await expectError(await call('/pipelines', 'POST', { name: first.name }, other.key), 409, 'conflict');
    assert.match(error.message, new RegExp(`pipeline named ${first.name} already exists`));
    const mine = await expectJson<PipelineJson[]>(await call('/pipelines', 'GET', undefined, other.key), 200);
    assert.equal(mine.length, 0);
  });

  it('refuses a bad name with a message stating the rule', async () => {
    const error = await expectError(await call('/pipelines', 'POST', { name: 'Bad Name' }), 422, 'invalid_params');
    assert.match(error.message, /lower-case letter/);
  });

  it("hides another user's pipeline behind the same 404 as a missing one", async () => {
    const mine = await pipeline();
    await expectError(await call(`/pipelines/${mine.id}`, 'GET', undefined, other.key), 404, 'not_found');
    await expectError(await call(`/pipelines/${mine.id}`, 'DELETE', undefined, other.key), 404, 'not_found');
  });
});

describe('pipeline couplings', () => {
  it('couples apps by stage and lists them by pipeline and by app', async () => {
    const p = await pipeline();
    const a = await newApp(api, dev.key, 'cpl');
    const coupling = await couple(p.id, a.name, 'staging');
    assert.deepEqual({ stage: coupling.stage, app: coupling.app.id, pipeline: coupling.pipeline.name }, { stage: 'staging', app: a.id, pipeline: p.name });
    const byApp = await expectJson<CouplingJson>(await call(`/apps/${a.name}/pipeline-couplings`), 200);
    assert.equal(byApp.id, coupling.id);
    const list = await expectJson<CouplingJson[]>(await call(`/pipelines/${p.id}/pipeline-couplings`), 200);
    assert.deepEqual(list.map((c) => c.id), [coupling.id]);
    const moved = await expectJson<CouplingJson>(await call(`/pipeline-couplings/${coupling.id}`, 'PATCH', { stage: 'production' }), 200);
    assert.equal(moved.stage, 'production');
    await expectJson(await call(`/pipeline-couplings/${coupling.id}`, 'DELETE'), 200);
    await expectError(await call(`/apps/${a.name}/pipeline-couplings`), 404, 'not_found');
  });

  it('refuses coupling an app twice (same or another pipeline) with 409, keeping the first coupling', async () => {
    const p = await pipeline();
    const q = await pipeline();
    const a = await newApp(api, dev.key, 'twice');
    const first = await couple(p.id, a.name, 'development');
    const again = await expectError(await call('/pipeline-couplings', 'POST', { app: a.name, pipeline: p.id, stage: 'staging' }), 409, 'conflict');
    assert.match(again.message, new RegExp(`already in pipeline ${p.name} \\(stage development\\)`));
    await expectError(await call('/pipeline-couplings', 'POST', { app: a.name, pipeline: q.id, stage: 'staging' }), 409, 'conflict');
    const still = await expectJson<CouplingJson>(await call(`/apps/${a.name}/pipeline-couplings`), 200);
    assert.deepEqual({ id: still.id, stage: still.stage }, { id: first.id, stage: 'development' });
  });

  it('refuses an unknown stage listing the valid ones', async () => {
    const p = await pipeline();
    const a = await newApp(api, dev.key, 'stage');
    const error = await expectError(await call('/pipeline-couplings', 'POST', { app: a.name, pipeline: p.id, stage: 'qa' }), 422, 'invalid_params');
    assert.match(error.message, /review, development, staging, production/);
  });
});

describe('pipeline promotions', () => {
  it('releases the exact slug on the target with its own config, and completes', async () => {
    const { p, staging, production, released } = await twoStages();
    const promotion = await expectJson<PromotionJson>(await promote(p, staging, [production]), 201);
    assert.equal(promotion.source.release.id, released.id);
    const [target] = await finished(promotion.id);
    assert.equal(target?.status, 'succeeded');
    assert.equal(target?.error_message, null);
    const newest = (await releases(production.name)).at(-1);
    assert.equal(newest?.id, target?.release?.id);
    assert.equal(newest?.slug?.id, released.slug?.id, 'the same slug id on both apps');
    assert.match(newest?.description ?? '', new RegExp(`^Promote ${staging.name} v\\d+ aaaaaaa$`));
    assert.deepEqual(await expectJson(await call(`/apps/${production.name}/config-vars`), 200), { WHERE: 'production' });
    assert.deepEqual(await expectJson(await call(`/apps/${staging.name}/config-vars`), 200), { WHERE: 'staging' });
    const done = await expectJson<PromotionJson>(await call(`/pipeline-promotions/${promotion.id}`), 200);
    assert.equal(done.status, 'completed');
    const slug = await expectJson<{ id: string; commit: string }>(await call(`/apps/${production.name}/slugs/${released.slug?.id}`), 200);
    assert.equal(slug.commit, 'a'.repeat(40), 'the target can read the promoted slug (pipelines:diff does)');
  });

  it('refuses promoting to an app outside the pipeline and to the source itself, creating no release', async () => {
    const { p, staging, production } = await twoStages();
    const stranger = await newApp(api, dev.key, 'outside');
    const before = (await releases(production.name)).length;
    const outside = await expectError(await promote(p, staging, [stranger]), 422, 'invalid_params');
    assert.match(outside.message, new RegExp(`${stranger.name} is not in pipeline ${p.name}`));
    const self = await expectError(await promote(p, staging, [production, staging]), 422, 'invalid_params');
    assert.match(self.message, /Cannot promote from an app to itself/);
    assert.equal((await releases(production.name)).length, before);
    assert.equal((await releases(stranger.name)).length, 1);
  });

  it('refuses a target whose stack differs from the slug, creating no release', async () => {
    const { p, staging } = await twoStages();
    const old = await api.store.apps.create({ name: uniqueName('oldstack'), ownerId: dev.accountId, region: 'us', stack: 'heroku-22' });
    await couple(p.id, old.name, 'production');
    const error = await expectError(await promote(p, staging, [old]), 422, 'invalid_params');
    assert.match(error.message, /built for stack berth-24 and .* runs heroku-22/);
    assert.equal(await api.store.releases.current(old.id), undefined, 'no release was made on the target');
  });

  it('marks a target whose release phase fails as failed with the reason, while another target succeeds', async () => {
    const p = await pipeline();
    const staging = await newApp(api, dev.key, 'stg');
    const good = await newApp(api, dev.key, 'good');
    const bad = await newApp(api, dev.key, 'bad');
    await couple(p.id, staging.name, 'staging');
    await couple(p.id, good.name, 'production');
    await couple(p.id, bad.name, 'production');
    const released = await deploy(api, dev.key, staging.name, { processTypes: { web: 'node server.js', release: 'node migrate.js' } });
    await api.store.releases.finish(released.id, 'succeeded');
    const badBefore = await api.store.releases.current(bad.id);
    api.platform.releasePhaseOutcomes.set(bad.id, 'failed');
    const promotion = await expectJson<PromotionJson>(await promote(p, staging, [good, bad]), 201);
    const targets = await finished(promotion.id);
    const byApp = new Map(targets.map((t) => [t.app.id, t]));
    assert.equal(byApp.get(good.id)?.status, 'succeeded');
    assert.equal(byApp.get(bad.id)?.status, 'failed');
    assert.match(byApp.get(bad.id)?.error_message ?? '', /release command exited with status 1; the previous release keeps running/);
    assert.equal((await api.store.releases.current(bad.id))?.id, badBefore?.id, 'the failed target keeps its old release');
    assert.equal((await expectJson<PromotionJson>(await call(`/pipeline-promotions/${promotion.id}`), 200)).status, 'completed');
  });

  it("hides another user's promotion and refuses their apps as targets", async () => {
    const { p, staging, production } = await twoStages();
    const promotion = await expectJson<PromotionJson>(await promote(p, staging, [production]), 201);
    await finished(promotion.id);
    await expectError(await call(`/pipeline-promotions/${promotion.id}`, 'GET', undefined, other.key), 404, 'not_found');
    await expectError(await promote(p, staging, [production], other.key), 404, 'not_found');
  });
});

describe('pipelines shared through their apps', () => {
  const share = async (app: string, email: string) => expectJson(await call(`/apps/${app}/collaborators`, 'POST', { user: email, silent: true }), 201);
  const listed = async (key: string) => (await expectJson<PipelineJson[]>(await call('/pipelines', 'GET', undefined, key), 200)).map((p) => p.id);

  it('a collaborator on every app sees the pipeline and its couplings, and promotes staging to production', async () => {
    const { p, staging, production, released } = await twoStages();
    await share(staging.name, mate.email);
    await share(production.name, mate.email);
    assert.ok((await listed(mate.key)).includes(p.id));
    assert.equal((await expectJson<PipelineJson>(await call(`/pipelines/${p.name}`, 'GET', undefined, mate.key), 200)).id, p.id);
    const couplings = await expectJson<CouplingJson[]>(await call(`/pipelines/${p.id}/pipeline-couplings`, 'GET', undefined, mate.key), 200);
    assert.deepEqual(couplings.map((c) => [c.app.name, c.stage]).sort(), [[production.name, 'production'], [staging.name, 'staging']]);

    const promotion = await expectJson<PromotionJson>(await promote(p, staging, [production], mate.key), 201);
    const [target] = await finished(promotion.id);
    assert.equal(target?.status, 'succeeded');
    const [live] = await releases(production.name).then((all) => all.slice(-1));
    assert.deepEqual([live?.slug?.id, live?.user.email], [released.slug?.id, mate.email]);
    assert.equal((await expectJson<PromotionJson>(await call(`/pipeline-promotions/${promotion.id}`, 'GET', undefined, mate.key), 200)).id, promotion.id);
  });

  it('a collaborator cannot rename or delete the pipeline (403 naming its owner), and it stays as it was', async () => {
    const { p, staging } = await twoStages();
    await share(staging.name, mate.email);
    const rename = await expectError(await call(`/pipelines/${p.id}`, 'PATCH', { name: `${p.name}-x` }, mate.key), 403, 'forbidden');
    assert.match(rename.message, new RegExp(`Only the owner of pipeline ${p.name}`));
    await expectError(await call(`/pipelines/${p.id}`, 'DELETE', undefined, mate.key), 403, 'forbidden');
    assert.equal((await expectJson<PipelineJson>(await call(`/pipelines/${p.id}`), 200)).name, p.name);
  });

  it('a collaborator on staging only sees just the staging coupling, and promoting onto production is the 404 of a missing app', async () => {
    const { p, staging, production } = await twoStages();
    await share(staging.name, mate.email);
    const couplings = await expectJson<CouplingJson[]>(await call(`/pipelines/${p.id}/pipeline-couplings`, 'GET', undefined, mate.key), 200);
    assert.deepEqual(couplings.map((c) => c.app.name), [staging.name]);
    const before = (await releases(production.name)).length;
    await expectError(await promote(p, staging, [production], mate.key), 404, 'not_found');
    assert.equal((await releases(production.name)).length, before);
  });

  it('a team member sees a pipeline of a team app through the team; promoting onto it needs deploy, which a plain member lacks', async () => {
    const team = uniqueName('crew').slice(0, 25);
    await expectJson(await call('/teams', 'POST', { name: team }), 201);
    await expectJson(await api.request(`/teams/${team}/members`, { method: 'PUT', key: dev.key, body: jsonBody({ email: member.email, role: 'member' }) }), 201);
    const p = await pipeline();
    const staging = await expectJson<{ id: string; name: string }>(await call('/teams/apps', 'POST', { name: uniqueName('crew-stg').slice(0, 30), team }), 201);
    const production = await expectJson<{ id: string; name: string }>(await call('/teams/apps', 'POST', { name: uniqueName('crew-prd').slice(0, 30), team }), 201);
    await couple(p.id, staging.name, 'staging');
    await couple(p.id, production.name, 'production');
    await deploy(api, dev.key, staging.name);
    assert.ok((await listed(member.key)).includes(p.id));
    const before = (await releases(production.name)).length;
    const refused = await expectError(await promote(p, staging, [production], member.key), 403, 'forbidden');
    assert.match(refused.message, new RegExp(`needs the deploy permission on ${production.name}`));
    assert.equal((await releases(production.name)).length, before);

    await expectJson(await call(`/teams/apps/${production.name}/collaborators/${member.email}`, 'PATCH', { permissions: ['view', 'deploy'] }), 200);
    const promotion = await expectJson<PromotionJson>(await promote(p, staging, [production], member.key), 201);
    assert.equal((await finished(promotion.id))[0]?.status, 'succeeded');
  });

  it('a stranger gets the 404 of a missing pipeline for it, its couplings and its promotions, and does not list it', async () => {
    const { p, staging, production } = await twoStages();
    const promotion = await expectJson<PromotionJson>(await promote(p, staging, [production]), 201);
    await finished(promotion.id);
    const missing = await expectError(await call('/pipelines/00000000-0000-4000-8000-000000000000', 'GET', undefined, other.key), 404, 'not_found');
    const hidden = await expectError(await call(`/pipelines/${p.id}`, 'GET', undefined, other.key), 404, 'not_found');
    assert.equal(hidden.message, missing.message.replace('00000000-0000-4000-8000-000000000000', p.id));
    await expectError(await call(`/pipelines/${p.id}/pipeline-couplings`, 'GET', undefined, other.key), 404, 'not_found');
    await expectError(await call(`/pipeline-promotions/${promotion.id}`, 'GET', undefined, other.key), 404, 'not_found');
    assert.ok(!(await listed(other.key)).includes(p.id));
    const mine = await expectJson<Array<{ pipeline: { id: string } }>>(await call('/pipeline-couplings', 'GET', undefined, other.key), 200);
    assert.ok(!mine.some((c) => c.pipeline.id === p.id));
  });
});

describe('app filters and users', () => {
  it('POST /filters/apps answers only the caller\'s apps among the ids, and /users/~ the caller', async () => {
    const mine = await newApp(api, dev.key, 'flt');
    const theirs = await newApp(api, other.key, 'flt');
    const apps = await expectJson<Array<{ id: string }>>(await call('/filters/apps', 'POST', { in: { id: [mine.id, theirs.id] } }), 200);
    assert.deepEqual(apps.map((a) => a.id), [mine.id]);
    const me = await expectJson<{ id: string; email: string }>(await call('/users/~'), 200);
    assert.equal(me.id, dev.accountId);
  });
});
