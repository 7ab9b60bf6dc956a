import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appDiskVerdict, cachesToDrop, formatBytes, parseByteSize, slugsToPrune, type ReleaseSlugRef, type SlugRecordRef } from '../../src/core/disk-policy.js';

const HOUR = 3_600_000;
const NOW = 100 * HOUR;
const policy = { keepReleases: 2, unreleasedGraceMs: HOUR, now: NOW };
const slug = (id: string, ageHours = 10, extra: Partial<SlugRecordRef> = {}): SlugRecordRef => ({ id, createdAt: NOW - ageHours * HOUR, size: 100, pruned: false, ...extra });
const release = (version: number, slugId: string | null, status: ReleaseSlugRef['status'] = 'succeeded'): ReleaseSlugRef => ({ version, slugId, status });

describe('slugsToPrune', () => {
  const cases: Array<{ name: string; releases: ReleaseSlugRef[]; slugs: SlugRecordRef[]; expected: string[] }> = [
    { name: 'keeps the slugs of the newest 2 releases and prunes older ones, oldest first', releases: [release(1, 'a'), release(2, 'b'), release(3, 'c'), release(4, 'd')], slugs: [slug('b', 8), slug('a', 9), slug('c', 7), slug('d', 6)], expected: ['a', 'b'] },
    { name: 'keeps the current release\'s slug however old, when newer releases failed', releases: [release(1, 'a'), release(2, 'b', 'failed'), release(3, 'c', 'failed'), release(4, 'd', 'failed')], slugs: [slug('a'), slug('b'), slug('c'), slug('d')], expected: ['b'] },
    { name: 'keeps a slug a pending release phase is about to run', releases: [release(1, 'a', 'pending'), release(2, 'b'), release(3, 'c')], slugs: [slug('a'), slug('b'), slug('c')], expected: [] },
    { name: 'keeps a slug many recent releases share (config changes)', releases: [release(1, 'a'), release(2, 'b'), release(3, 'b'), release(4, 'b')], slugs: [slug('a'), slug('b')], expected: ['a'] },
    { name: 'keeps an unreleased slug younger than the grace and prunes an older one', releases: [release(1, 'a')], slugs: [slug('a'), slug('young', 0.5), slug('old', 2)], expected: ['old'] },
    { name: 'skips slugs already pruned or never uploaded', releases: [release(1, 'a'), release(2, 'b'), release(3, 'c')], slugs: [slug('a', 10, { pruned: true }), slug('x', 10, { size: null }), slug('b'), slug('c')], expected: [] },
    { name: 'prunes nothing of an app with no releases but young uploads', releases: [], slugs: [slug('a', 0.1)], expected: [] },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(slugsToPrune(c.releases, c.slugs, policy), c.expected));
  }
});

describe('cachesToDrop', () => {
  const caches = [
    { appId: 'new', bytes: 300, lastUsed: 30 },
    { appId: 'old', bytes: 200, lastUsed: 10 },
    { appId: 'mid', bytes: 100, lastUsed: 20 },
  ];
  it('drops nothing within the budget', () => assert.deepEqual(cachesToDrop(caches, 1000, 1000), []));
  it('drops the least recently used cache first, and stops once the usage fits', () => assert.deepEqual(cachesToDrop(caches, 1000, 850), ['old']));
  it('drops more caches, oldest first, when one is not enough', () => assert.deepEqual(cachesToDrop(caches, 1000, 650), ['old', 'mid', 'new']));
  it('drops every cache and no more when even that does not fit', () => assert.deepEqual(cachesToDrop(caches, 1000, 10), ['old', 'mid', 'new']));
});

describe('parseByteSize and formatBytes', () => {
  const sizes: Array<[string, number | undefined]> = [
    ['2048', 2048], ['512M', 512 * 1024 ** 2], ['20G', 20 * 1024 ** 3], ['1.5T', 1.5 * 1024 ** 4], ['10GiB', 10 * 1024 ** 3], ['64kb', 65536],
    ['', undefined], ['-1G', undefined], ['10X', undefined], ['G', undefined], ['0', undefined], ['1e9', undefined],
  ];
  for (const [text, bytes] of sizes) it(`reads ${JSON.stringify(text)} as ${bytes}`, () => assert.equal(parseByteSize(text), bytes));
  it('prints sizes the way du -h would, in binary units', () => {
    assert.deepEqual([0, 1023, 1536, 10 * 1024 ** 2, 300 * 1024 ** 3].map(formatBytes), ['0 B', '1023 B', '1.5 KiB', '10.0 MiB', '300 GiB']);
  });
});

describe('the per-app disk cap of a build', () => {
  const cases: Array<[string, { slugBytes: number; cacheBytes: number; logBytes: number }, 'fits' | 'drop_cache' | 'over']> = [
    ['slug, cache and logs within the cap fit', { slugBytes: 300, cacheBytes: 400, logBytes: 100 }, 'fits'],
    ['exactly the cap fits', { slugBytes: 500, cacheBytes: 400, logBytes: 100 }, 'fits'],
    ['a cache that alone makes it too much is dropped', { slugBytes: 300, cacheBytes: 800, logBytes: 100 }, 'drop_cache'],
    ['a slug that with the logs is over the cap fails the build', { slugBytes: 950, cacheBytes: 0, logBytes: 100 }, 'over'],
  ];
  for (const [name, usage, verdict] of cases) it(name, () => assert.equal(appDiskVerdict(usage, 1000), verdict));
});
