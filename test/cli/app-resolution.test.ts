import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NO_APP_MESSAGE, findApp, pickApp, type AppSources } from '../../src/cli/app-resolution.js';

const cases: [string, AppSources, string | RegExp][] = [
  ['an argument wins over everything', { argument: 'a1', flag: 'f1', env: 'e1', remoteUrl: 'https://h/r1.git' }, 'a1'],
  ['--app wins over BERTH_APP and the remote', { flag: 'f1', env: 'e1', remoteUrl: 'https://h/r1.git' }, 'f1'],
  ['BERTH_APP wins over the remote', { env: 'e1', remoteUrl: 'https://h/r1.git' }, 'e1'],
  ['the berth remote names the app last', { remoteUrl: 'https://h/r1-app.git' }, 'r1-app'],
  ['a remote not ending in APP.git is reported', { remoteUrl: 'https://h/somewhere' }, /does not end in \/APP\.git/],
  ['no source at all is the no-app error', {}, NO_APP_MESSAGE],
  ['an empty BERTH_APP counts as unset', { env: '' }, NO_APP_MESSAGE],
];

for (const [name, sources, expected] of cases) {
  test(name, () => {
    if (expected instanceof RegExp) assert.throws(() => pickApp(sources), expected);
    else if (expected === NO_APP_MESSAGE) assert.throws(() => pickApp(sources), { message: NO_APP_MESSAGE });
    else assert.equal(pickApp(sources), expected);
  });
}

test('findApp asks git for the berth remote only when nothing else names the app', async () => {
  const asked: string[] = [];
  const git = { remoteUrl: async (name: string) => (asked.push(name), 'https://h/from-git.git') };
  assert.equal(await findApp({ flag: 'flagged' }, git), 'flagged');
  assert.deepEqual(asked, []);
  assert.equal(await findApp({}, git), 'from-git');
  assert.deepEqual(asked, ['berth']);
});
