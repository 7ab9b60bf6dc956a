import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PlatformError } from '../../src/core/errors.js';
import { PlatformEventBus, type PlatformEvent } from '../../src/core/platform-events.js';
import { DEFAULT_RETRY_DELAYS_MS, nextAttemptDelay, parseHeaderText, parseInclude, parseLevel, parseWebhookUrl } from '../../src/core/webhook-rules.js';

const refusal = (pattern: RegExp) => (err: unknown) => err instanceof PlatformError && err.id === 'invalid_params' && pattern.test(err.message);

describe('webhook rules', () => {
  it('a sync delivery is retried on the schedule for about an hour, a notify one never', () => {
    const total = DEFAULT_RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
    assert.ok(total >= 55 * 60_000 && total <= 65 * 60_000, `the retries span ${total} ms`);
    assert.equal(nextAttemptDelay('sync', 1, DEFAULT_RETRY_DELAYS_MS), 15_000);
    assert.equal(nextAttemptDelay('sync', 2, DEFAULT_RETRY_DELAYS_MS), 30_000);
    assert.equal(nextAttemptDelay('sync', DEFAULT_RETRY_DELAYS_MS.length + 1, DEFAULT_RETRY_DELAYS_MS), undefined);
    assert.equal(nextAttemptDelay('notify', 1, DEFAULT_RETRY_DELAYS_MS), undefined);
    assert.equal(nextAttemptDelay('sync', 2, [5]), undefined);
  });

  const urls: Array<[unknown, string | RegExp]> = [
    ['https://hooks.example.com/in?x=1', 'https://hooks.example.com/in?x=1'],
    ['http://10.0.0.1:8080/', 'http://10.0.0.1:8080/'],
    ['ftp://example.com/', /not ftp:/],
    ['file:///etc/passwd', /not file:/],
    ['javascript:alert(1)', /not javascript:/],
    ['example.com/hook', /not a URL/],
    ['', /http:\/\/ or https:\/\//],
    [42, /http:\/\/ or https:\/\//],
    ['https://example.com/\u0085', /control characters/],
    [`https://example.com/${'a'.repeat(2100)}`, /2048/],
  ];
  for (const [input, expected] of urls) {
    it(`url ${JSON.stringify(input).slice(0, 40)} → ${String(expected)}`, () => {
      if (typeof expected === 'string') assert.equal(parseWebhookUrl(input), expected);
      else assert.throws(() => parseWebhookUrl(input), refusal(expected));
    });
  }

  it('include takes a list or comma-separated text of known entities, without duplicates', () => {
    assert.deepEqual(parseInclude('api:release, dyno,api:release'), ['api:release', 'dyno']);
    assert.deepEqual(parseInclude(['api:addon']), ['api:addon']);
    assert.throws(() => parseInclude(['api:domain']), refusal(/Unknown webhook entity "api:domain"/));
    assert.throws(() => parseInclude([]), refusal(/non-empty/));
    assert.throws(() => parseInclude([1]), refusal(/non-empty/));
  });

  it('level is notify or sync; secret and authorization are header-safe text', () => {
    assert.equal(parseLevel('sync'), 'sync');
    assert.throws(() => parseLevel('SYNC'), refusal(/notify/));
    assert.equal(parseHeaderText('secret', undefined), null);
    assert.equal(parseHeaderText('authorization', 'Bearer x'), 'Bearer x');
    assert.throws(() => parseHeaderText('authorization', 'a\r\nX-Evil: 1'), refusal(/authorization must be text/));
    assert.throws(() => parseHeaderText('secret', ''), refusal(/secret must be text/));
  });

  it('the event bus hands every event to every subscriber, and a throwing subscriber does not stop the others', () => {
    const errors: unknown[] = [];
    const bus = new PlatformEventBus((err) => errors.push(err));
    const seen: PlatformEvent[] = [];
    bus.subscribe(() => {
      throw new Error('broken subscriber');
    });
    const unsubscribe = bus.subscribe((e) => seen.push(e));
    const event: PlatformEvent = { entity: 'api:formation', action: 'update', appId: 'a' };
    bus.publish(event);
    unsubscribe();
    bus.publish(event);
    assert.deepEqual(seen, [event]);
    assert.equal(errors.length, 2);
  });
});
