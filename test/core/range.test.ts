import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PlatformError } from '../../src/core/errors.js';
import { defaultPage, nextRange, parseRange, type PageRequest } from '../../src/core/range.js';

const fields = ['id', 'name', 'version'] as const;
const fallback = defaultPage('id');

describe('parseRange', () => {
  const cases: Array<[string | undefined, Partial<PageRequest>]> = [
    [undefined, { field: 'id', max: 200, order: 'asc' }],
    ['', { field: 'id', max: 200, order: 'asc' }],
    ['version ..; max=15, order=desc', { field: 'version', max: 15, order: 'desc' }],
    ['version ..; order=desc,max=1', { field: 'version', max: 1, order: 'desc' }],
    ['id ..; max=1000;', { field: 'id', max: 1000, order: 'asc' }],
    ['name a..m', { field: 'name', start: 'a', end: 'm' }],
    ['name ]my-app..; max=200', { field: 'name', start: 'my-app', startExclusive: true, max: 200 }],
    ['name ..; max=5000', { field: 'name', max: 1000 }],
    ['name', { field: 'name', start: undefined, end: undefined }],
  ];
  for (const [header, expected] of cases) {
    it(`reads ${JSON.stringify(header)}`, () => {
      const page = parseRange(header, fields, fallback);
      for (const [key, value] of Object.entries(expected)) assert.equal(page[key as keyof PageRequest], value, key);
    });
  }

  const bad = ['bogus ..', 'name ..; max=abc', 'name ..; max=0', 'name ..; order=sideways', 'name a', '123', 'name ..; colour=blue'];
  for (const header of bad) {
    it(`refuses ${JSON.stringify(header)} with bad_request`, () => {
      assert.throws(() => parseRange(header, fields, fallback), (err: unknown) => err instanceof PlatformError && err.id === 'bad_request');
    });
  }

  it('continues after the last item with an exclusive start that parses back', () => {
    const page = parseRange('name ..; max=2, order=desc', fields, fallback);
    const next = nextRange(page, 'mango');
    assert.deepEqual(parseRange(next, fields, fallback), { ...page, start: 'mango', startExclusive: true });
  });
});
