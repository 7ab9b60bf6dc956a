// The uid claims of a host: one app per uid among running dynos, released when a dyno is gone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UidClaims } from '../../src/runtime/uid-claims.js';

const shop = { appId: 'app-shop', appName: 'shop' };
const blog = { appId: 'app-blog', appName: 'blog' };

describe('uid claims', () => {
  it('lets dynos of one app share its uid', () => {
    const claims = new UidClaims();
    assert.ok('release' in claims.claim(20001, shop));
    assert.ok('release' in claims.claim(20001, shop));
    assert.equal(claims.size, 2);
  });

  it('refuses a uid held by a running dyno of another app, naming the holder, and claims nothing', () => {
    const claims = new UidClaims();
    claims.claim(20001, shop);
    assert.deepEqual(claims.claim(20001, blog), { conflict: shop });
    assert.equal(claims.size, 1);
    assert.ok('release' in claims.claim(20002, blog));
  });

  it('frees the uid for another app once every dyno of the holder released it', () => {
    const claims = new UidClaims();
    const first = claims.claim(20001, shop);
    const second = claims.claim(20001, shop);
    assert.ok('release' in first && 'release' in second);
    first.release();
    assert.deepEqual(claims.conflict(20001, blog.appId), shop);
    second.release();
    second.release(); // twice is harmless
    assert.equal(claims.conflict(20001, blog.appId), undefined);
    assert.ok('release' in claims.claim(20001, blog));
  });
});
