// The certificate manager over a real SQLite store and challenge board; the CA (issuer) and DNS +
// network (reachability) are the ports it is handed, played here so time can move by months.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CertificateManager } from '../../src/acme/certificate-manager.js';
import type { ChallengeResponder } from '../../src/acme/acme-issuer.js';
import { ChallengeBoard } from '../../src/acme/challenge-board.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/port.js';
import { appWithOwner } from '../store/release-support.js';

const DAY = 24 * 3_600_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const dirs: string[] = [];
const stores: Store[] = [];
after(async () => {
  for (const store of stores) await store.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function world() {
  const dir = await mkdtemp(join(tmpdir(), 'berth-acme-manager-'));
  dirs.push(dir);
  const store = await openStore({ kind: 'sqlite', path: join(dir, 'state.sqlite') });
  stores.push(store);
  const { appId } = await appWithOwner(store, 'shop');
  let now = T0;
  const reachable = new Set<string>(['shop.apps.example.com', 'www.shop.example']);
  const ca = { up: true, issued: [] as string[], answersSeen: [] as Array<Record<string, string> | undefined> };
  const board = new ChallengeBoard();
  const changed: string[] = [];
  const logged: string[] = [];
  const issuer = {
    async issue(hostname: string, responder: ChallengeResponder) {
      if (!ca.up) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      await responder.publish(`token-${hostname}`, `answer-${hostname}`);
      ca.answersSeen.push(board.of(appId));
      await responder.withdraw(`token-${hostname}`);
      ca.issued.push(hostname);
      return { certificate: `CERT ${hostname} #${ca.issued.length}`, privateKey: 'KEY', expiresAt: new Date(now + 90 * DAY) };
    },
  };
  const reachability = {
    async check(hostname: string) {
      return reachable.has(hostname) ? { ok: true as const } : { ok: false as const, reason: `DNS has no A or AAAA record for ${hostname}` };
    },
  };
  const manager = new CertificateManager({
    store, issuer, reachability, board, platformDomain: 'apps.example.com',
    certificatesChanged: async (id) => void changed.push(id),
    log: (fields) => void logged.push(String(fields.msg)),
    now: () => new Date(now),
    retryBaseMs: 60_000,
  });
  const pass = async () => {
    manager.kick();
    await manager.settled();
  };
  const row = (hostname: string) => store.acmeCertificates.find(hostname);
  return { store, appId, manager, pass, row, ca, reachable, changed, logged, board, advance: (ms: number) => void (now += ms), now: () => now };
}

describe('the certificate manager', () => {
  it('gets a certificate for <app>.<domain> and each custom domain, answering the challenge in the app’s routes, and renews 30 days before expiry', async () => {
    const w = await world();
    await w.store.domains.create({ appId: w.appId, hostname: 'www.shop.example' });
    await w.pass();
    assert.deepEqual(w.ca.issued, ['shop.apps.example.com', 'www.shop.example']);
    assert.deepEqual(w.ca.answersSeen[0], { 'token-shop.apps.example.com': 'answer-shop.apps.example.com' }, 'the answer was in the app’s routes while the CA validated');
    assert.equal(w.board.of(w.appId), undefined, 'and withdrawn after');
    assert.deepEqual(w.changed, [w.appId], 'one push of the app’s certificates');
    const issued = await w.row('www.shop.example');
    assert.equal(issued?.status, 'ok');
    assert.equal(issued?.certificate, 'CERT www.shop.example #2');
    assert.equal(issued?.nextAttemptAt, new Date(T0 + 60 * DAY).toISOString(), 'renewal due 30 days before the 90-day expiry');

    w.advance(59 * DAY);
    await w.pass();
    assert.equal(w.ca.issued.length, 2, 'nothing to do before the renewal is due');
    w.advance(DAY);
    await w.pass();
    assert.deepEqual(w.ca.issued.slice(2), ['shop.apps.example.com', 'www.shop.example']);
    assert.equal((await w.row('www.shop.example'))?.certificate, 'CERT www.shop.example #4');
  });

  it('skips a domain whose DNS does not lead here with its reason, backs off doubling, and issues the others in the same pass', async () => {
    const w = await world();
    await w.store.domains.create({ appId: w.appId, hostname: 'nowhere.shop.example' });
    await w.store.domains.create({ appId: w.appId, hostname: 'www.shop.example' });
    await w.pass();
    assert.deepEqual(w.ca.issued, ['shop.apps.example.com', 'www.shop.example']);
    const skipped = await w.row('nowhere.shop.example');
    assert.equal(skipped?.status, 'failing');
    assert.equal(skipped?.reason, 'skipped: DNS has no A or AAAA record for nowhere.shop.example');
    assert.equal(skipped?.nextAttemptAt, new Date(T0 + 60_000).toISOString());
    assert.ok(w.logged.some((line) => /^ACME: nowhere\.shop\.example: skipped: DNS has no A or AAAA record/.test(line)));
    w.advance(60_000);
    await w.pass();
    const again = await w.row('nowhere.shop.example');
    assert.deepEqual([again?.failures, again?.nextAttemptAt], [2, new Date(T0 + 60_000 + 120_000).toISOString()]);
    w.reachable.add('nowhere.shop.example');
    w.advance(120_000);
    await w.pass();
    assert.equal((await w.row('nowhere.shop.example'))?.status, 'ok', 'issued once its DNS points here');
    assert.equal((await w.row('nowhere.shop.example'))?.failures, 0);
  });

  it('keeps the certificate it has when a renewal fails, saying so, and retries with backoff', async () => {
    const w = await world();
    await w.pass();
    w.ca.up = false;
    w.advance(60 * DAY);
    await w.pass();
    const failing = await w.row('shop.apps.example.com');
    assert.equal(failing?.status, 'failing');
    assert.equal(failing?.certificate, 'CERT shop.apps.example.com #1', 'the certificate stays (and keeps serving)');
    assert.match(failing?.reason ?? '', /^the ACME server could not be reached \(ECONNREFUSED\); the certificate valid until 2026-04-01T00:00:00.000Z keeps serving$/);
    w.ca.up = true;
    w.advance(60_000);
    await w.pass();
    assert.equal((await w.row('shop.apps.example.com'))?.certificate, 'CERT shop.apps.example.com #2');
  });

  it('leaves uploaded-certificate domains alone, reports wildcards as failed without ordering, and drops everything when ACM is turned off', async () => {
    const w = await world();
    const endpoint = await w.store.sniEndpoints.create({ appId: w.appId, name: 'own', certificateChain: 'CHAIN', privateKey: 'KEY' });
    await w.store.domains.create({ appId: w.appId, hostname: 'own.shop.example', sniEndpointId: endpoint.id });
    await w.store.domains.create({ appId: w.appId, hostname: '*.shop.example' });
    await w.pass();
    assert.deepEqual(w.ca.issued, ['shop.apps.example.com']);
    assert.equal(await w.row('own.shop.example'), undefined);
    const wildcard = await w.row('*.shop.example');
    assert.deepEqual([wildcard?.status, wildcard?.nextAttemptAt], ['failed', null]);
    await w.store.appFeatures.set(w.appId, 'acm', false);
    w.changed.length = 0;
    await w.pass();
    assert.deepEqual(await w.store.acmeCertificates.list(w.appId), []);
    assert.deepEqual(w.changed, [w.appId], 'the router is told its certificate is gone');
  });
});
