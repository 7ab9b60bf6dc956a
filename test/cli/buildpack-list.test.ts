import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addBuildpack, removeBuildpack, setBuildpack } from '../../src/cli/buildpack-list.js';
import { CliError } from '../../src/cli/cli-error.js';

const cases: [string, () => string[], string[]][] = [
  ['set on an empty list adds it', () => setBuildpack([], 'nodejs'), ['nodejs']],
  ['set replaces the first by default', () => setBuildpack(['a', 'b'], 'c'), ['c', 'b']],
  ['set --index 2 replaces the second', () => setBuildpack(['a', 'b'], 'c', 2), ['a', 'c']],
  ['set --index past the end appends', () => setBuildpack(['a'], 'c', 5), ['a', 'c']],
  ['add appends by default', () => addBuildpack(['a'], 'b'), ['a', 'b']],
  ['add --index 1 inserts first', () => addBuildpack(['a', 'b'], 'c', 1), ['c', 'a', 'b']],
  ['add --index past the end appends', () => addBuildpack(['a'], 'b', 9), ['a', 'b']],
  ['remove by URL', () => removeBuildpack(['a', 'b', 'c'], { url: 'b' }), ['a', 'c']],
  ['remove by index', () => removeBuildpack(['a', 'b'], { index: 1 }), ['b']],
  ['remove the last one leaves none', () => removeBuildpack(['a'], { url: 'a' }), []],
];

for (const [name, edit, expected] of cases) {
  test(`buildpack lists: ${name}`, () => {
    assert.deepEqual(edit(), expected);
  });
}

const failures: [string, () => unknown, 1 | 2][] = [
  ['setting one already set', () => setBuildpack(['a'], 'a'), 1],
  ['adding one already set', () => addBuildpack(['a', 'b'], 'b'), 1],
  ['an index of 0', () => addBuildpack(['a'], 'b', 0), 2],
  ['removing one not set', () => removeBuildpack(['a'], { url: 'z' }), 1],
  ['removing from an empty list', () => removeBuildpack([], { url: 'a' }), 1],
  ['removing an index past the end', () => removeBuildpack(['a', 'b'], { index: 3 }), 2],
  ['removing with both a URL and an index', () => removeBuildpack(['a'], { url: 'a', index: 1 }), 2],
  ['removing with neither', () => removeBuildpack(['a'], {}), 2],
];

for (const [name, edit, exitCode] of failures) {
  test(`buildpack lists refuse ${name} (exit ${exitCode})`, () => {
    assert.throws(edit, (err: unknown) => err instanceof CliError && err.exitCode === exitCode);
  });
}
