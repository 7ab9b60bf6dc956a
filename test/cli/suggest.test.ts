import assert from 'node:assert/strict';
import { test } from 'node:test';
import { editDistance, nearestName } from '../../src/cli/suggest.js';

const distances: [string, string, number][] = [
  ['', '', 0],
  ['apps', 'apps', 0],
  ['apps', 'app', 1],
  ['login', 'logni', 1],
  ['apps:create', 'apps:craete', 1],
  ['kitten', 'sitting', 3],
];
for (const [a, b, d] of distances) {
  test(`the edit distance from "${a}" to "${b}" is ${d}`, () => assert.equal(editDistance(a, b), d));
}

const names = ['login', 'logout', 'apps', 'apps:create', 'apps:info', 'apps:destroy', 'git:remote'];
const suggestions: [string, string | undefined][] = [
  ['logn', 'login'],
  ['APPS', 'apps'],
  ['app', 'apps'],
  ['apps:c', 'apps:create'],
  ['git:remotes', 'git:remote'],
  ['deploy', undefined],
  ['zz', undefined],
];
for (const [typed, expected] of suggestions) {
  test(`"${typed}" suggests ${expected ?? 'nothing'}`, () => assert.equal(nearestName(typed, names), expected));
}
