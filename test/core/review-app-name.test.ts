import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { APP_NAME_PATTERN } from '../../src/core/app-name.js';
import { branchSlug, reviewAppName } from '../../src/core/review-app-name.js';

describe('review app names', () => {
  it('is <app>-pr-<branch> for a short, plain branch name', () => {
    assert.equal(reviewAppName('shop', 'feature-x'), 'shop-pr-feature-x');
    assert.equal(reviewAppName('shop', 'fix42'), 'shop-pr-fix42');
  });

  it('derives a valid name from a branch with slashes, unicode, capitals or 200 characters, hashed so it stays unique', () => {
    const cases = ['feature/x', 'feature-X', 'Über/größe-ñ', 'x'.repeat(200), '日本語', '--', 'a/b/c/d'];
    const names = cases.map((branch) => reviewAppName('shop', branch));
    for (const [i, name] of names.entries()) {
      assert.match(name, APP_NAME_PATTERN, `${cases[i]} → ${name}`);
      assert.ok(name.startsWith('shop-pr-'), name);
    }
    assert.match(names[0] ?? '', /^shop-pr-feature-x-[0-9a-f]{4}$/);
    assert.notEqual(names[0], reviewAppName('shop', 'feature-x'), 'feature/x and feature-x get different apps');
    assert.notEqual(names[0], names[1]);
    assert.equal(names[0], reviewAppName('shop', 'feature/x'), 'the same branch always gets the same name');
    assert.equal(names[3]?.length, 30);
    assert.equal(new Set(names).size, names.length);
  });

  it('fits a long app name in 30 characters', () => {
    const app = 'a-very-long-application-name1';
    const name = reviewAppName(app, 'feature');
    assert.match(name, APP_NAME_PATTERN);
    assert.ok(name.length <= 30);
  });

  it('slugs branch names as Heroku shows them', () => {
    assert.equal(branchSlug('Feature/Add_Login'), 'feature-add-login');
    assert.equal(branchSlug('crème-brûlée'), 'creme-brulee');
    assert.equal(branchSlug('///'), '');
  });
});
