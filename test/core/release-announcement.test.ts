import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { byUser, releaseAnnouncement } from '../../src/core/release-announcement.js';

describe('the release announcement', () => {
  it('names the description and the version by the user who made the release', () => {
    assert.deepEqual(releaseAnnouncement({ description: 'Set FOO, BAR config vars', version: 7, userEmail: 'dev@example.com' }), [
      'Set FOO, BAR config vars by user dev@example.com',
      'Release v7 created by user dev@example.com',
    ]);
  });

  it('says "by Berth" for a release nobody asked for', () => {
    assert.deepEqual(releaseAnnouncement({ description: 'Deploy abc1234', version: 2, userEmail: null }), ['Deploy abc1234 by Berth', 'Release v2 created by Berth']);
    assert.equal(byUser(undefined), 'by Berth');
  });
});
