import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BuildpackRefError, parseBuildpackRef } from '../../src/builder/buildpack-ref.js';

describe('parseBuildpackRef', () => {
  const good: Array<[string, ReturnType<typeof parseBuildpackRef>]> = [
    ['heroku/nodejs', { kind: 'builtin', name: 'nodejs', display: 'heroku/nodejs' }],
    ['nodejs', { kind: 'builtin', name: 'nodejs', display: 'heroku/nodejs' }],
    ['urn:buildpack:heroku/nodejs', { kind: 'builtin', name: 'nodejs', display: 'heroku/nodejs' }],
    ['heroku/static', { kind: 'builtin', name: 'static', display: 'heroku/static' }],
    ['procfile', { kind: 'builtin', name: 'procfile', display: 'heroku/procfile' }],
    ['heroku/gradle', { kind: 'builtin', name: 'java', display: 'heroku/java' }],
    ['urn:buildpack:heroku/ruby', { kind: 'builtin', name: 'ruby', display: 'heroku/ruby' }],
    ['/srv/buildpacks/go', { kind: 'path', path: '/srv/buildpacks/go', display: '/srv/buildpacks/go' }],
    ['https://example.com/bp.git#v2', { kind: 'git', url: 'https://example.com/bp.git', ref: 'v2', display: 'https://example.com/bp.git#v2' }],
    ['https://github.com/o/bp', { kind: 'git', url: 'https://github.com/o/bp', ref: undefined, display: 'https://github.com/o/bp' }],
    ['file:///srv/bp.git#main', { kind: 'git', url: 'file:///srv/bp.git', ref: 'main', display: 'file:///srv/bp.git#main' }],
    ['/srv/bp.git#feature/x', { kind: 'git', url: '/srv/bp.git', ref: 'feature/x', display: '/srv/bp.git#feature/x' }],
  ];
  for (const [text, expected] of good) {
    it(`reads ${text}`, () => assert.deepEqual(parseBuildpackRef(text), expected));
  }
  for (const bad of ['heroku/clojure', 'relative/path', 'https://example.com/bp.git#', 'https://example.com/bp.git#--upload-pack=x', 'https://e.com/bp.git#a..b', '-x', 'bp.git#main']) {
    it(`refuses ${JSON.stringify(bad)} and names the accepted forms`, () =>
      assert.throws(() => parseBuildpackRef(bad), (err: unknown) => err instanceof BuildpackRefError && /Use a built-in name/.test(err.message)));
  }
});
