import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appNameFromGitUrl, parseRemoteList, remotesToRemove, remotesToRename } from '../../src/cli/git-url.js';

const urls: [string, string | undefined][] = [
  ['https://localhost:5443/my-app.git', 'my-app'],
  ['http://127.0.0.1:5000/my-app.git/', 'my-app'],
  ['https://user:key@git.example.com/my-app.git', 'my-app'],
  ['https://berth.example.com/git/my-app.git', 'my-app'],
  ['ssh://git@berth.example.com:2222/my-app.git', 'my-app'],
  ['git@berth.example.com:my-app.git', 'my-app'],
  ['https://localhost:5443/my-app', undefined],
  ['https://localhost:5443/My_App.git', undefined],
  ['https://localhost:5443/.git', undefined],
  ['not a url', undefined],
];
for (const [url, expected] of urls) {
  test(`the git URL ${url} names ${expected ?? 'no app'}`, () => assert.equal(appNameFromGitUrl(url), expected));
}

test('git remote -v output becomes one entry per remote', () => {
  const output = [
    'berth\thttps://h/a.git (fetch)',
    'berth\thttps://h/a.git (push)',
    'origin\tgit@github.com:me/a.git (fetch)',
    'origin\tgit@github.com:me/a-push.git (push)',
    '',
  ].join('\n');
  assert.deepEqual(parseRemoteList(output), [
    { name: 'berth', url: 'https://h/a.git' },
    { name: 'origin', url: 'git@github.com:me/a.git' },
  ]);
});

const remotes = [
  { name: 'berth', url: 'https://h/old-app.git' },
  { name: 'staging', url: 'https://h/old-app.git' },
  { name: 'origin', url: 'git@github.com:me/old-app.git' },
  { name: 'other', url: 'https://h/other-app.git' },
];

test('a rename repoints remotes with the old app URL but not a GitHub remote of the same name', () => {
  assert.deepEqual(remotesToRename(remotes, 'old-app', 'new-app', 'https://h/new-app.git'), ['berth', 'staging']);
});

test('a berth remote on another host still follows a rename', () => {
  assert.deepEqual(remotesToRename([{ name: 'berth', url: 'http://elsewhere/old-app.git' }], 'old-app', 'new-app', 'https://h/new-app.git'), ['berth']);
});

test('a destroy removes the berth remote and exact-URL remotes, never a GitHub remote', () => {
  assert.deepEqual(remotesToRemove(remotes, 'old-app', 'https://h/old-app.git'), ['berth', 'staging']);
  assert.deepEqual(remotesToRemove(remotes, 'unrelated', 'https://h/unrelated.git'), []);
});
