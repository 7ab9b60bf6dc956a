/**
 * How the nodejs buildpack reads engines.node (buildpacks/nodejs/lib/semver-range.cjs): npm's
 * range syntax and Node.js's aliases, resolved against a list of published versions.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../support/repo-root.js';

interface Resolved {
  version?: string;
  line?: string;
  error?: string;
}
const semver = createRequire(import.meta.url)(join(repoRoot(), 'buildpacks', 'nodejs', 'lib', 'semver-range.cjs')) as {
  maxSatisfying(versions: string[], range: string): string | null;
  validRange(range: string): boolean;
  ltsMajors(versions: string[], times: Record<string, string>, now: number): number[];
  resolveNodeRange(range: string, versions: string[], times: Record<string, string>, now: number): Resolved;
};

const PUBLISHED = ['16.20.2', '18.0.0', '18.19.1', '18.20.8', '19.9.0', '20.0.0', '20.9.0', '20.18.1', '20.19.0', '21.7.3', '22.0.0', '22.11.0', '22.12.0', '23.5.0', '24.0.0', '24.3.0', '22.13.0-rc.1'];
// 24.0.0 came out two months before "now": not LTS yet. 22 has 23 after it: LTS.
const NOW = Date.parse('2025-07-01T00:00:00Z');
const TIMES: Record<string, string> = { '16.20.2': '2023-08-09T00:00:00Z', '18.0.0': '2022-04-19T00:00:00Z', '20.0.0': '2023-04-18T00:00:00Z', '22.0.0': '2024-04-24T00:00:00Z', '24.0.0': '2025-05-06T00:00:00Z' };
const resolve = (range: string) => semver.resolveNodeRange(range, PUBLISHED, TIMES, NOW);

describe('resolving engines.node against the published Node.js versions', () => {
  const cases: Array<[string, string]> = [
    ['20.x', '20.19.0'],
    ['20', '20.19.0'],
    ['>=18 <21', '20.19.0'],
    ['^22', '22.12.0'],
    ['^22.11', '22.12.0'],
    ['~22.11.0', '22.11.0'],
    ['18.20.8', '18.20.8'],
    ['v18.19.1', '18.19.1'],
    ['=18.19.1', '18.19.1'],
    ['>= 18', '24.3.0'],
    ['>20.9.0 <=20.18.1', '20.18.1'],
    ['18 - 20.9', '20.9.0'],
    ['16.x || 18.x', '18.20.8'],
    ['<19', '18.20.8'],
    ['>21', '24.3.0'],
    ['*', '24.3.0'],
    ['22.x.x', '22.12.0'],
    ['latest', '24.3.0'],
  ];
  for (const [range, expected] of cases) {
    it(`resolves "${range}" to ${expected}`, () => {
      assert.equal(resolve(range).version, expected);
    });
  }

  it('never picks a prerelease for a range, but takes one named exactly', () => {
    assert.equal(resolve('22.x').version, '22.12.0');
    assert.equal(semver.maxSatisfying(PUBLISHED, '22.13.0-rc.1'), '22.13.0-rc.1');
  });

  it('takes the newest LTS line when engines.node is missing, "lts" or "lts/*"', () => {
    for (const range of ['', 'lts', 'lts/*']) {
      const got = resolve(range);
      assert.equal(got.version, '22.12.0', range);
      assert.match(got.line ?? '', /= 22\.x$/);
    }
  });

  it('counts an even line as LTS once an odd line follows it or five months have passed', () => {
    assert.deepEqual(semver.ltsMajors(PUBLISHED, TIMES, NOW), [22, 20, 18, 16]);
    assert.deepEqual(semver.ltsMajors(PUBLISHED, TIMES, Date.parse('2025-12-01T00:00:00Z')), [24, 22, 20, 18, 16]);
  });

  it('resolves LTS codenames such as lts/iron to their line', () => {
    assert.equal(resolve('lts/iron').version, '20.19.0');
    assert.equal(resolve('lts/Hydrogen').version, '18.20.8');
  });

  it('names the range and the newest versions when nothing published satisfies it', () => {
    const got = resolve('>=30');
    assert.equal(got.version, undefined);
    assert.equal(got.error, 'No published Node.js version satisfies ">=30". Newest versions: 24.3.0, 24.0.0, 23.5.0, 22.12.0, 22.11.0');
  });

  it('rejects what is not a range and an unknown codename, saying which', () => {
    assert.equal(resolve('twenty').error, 'engines.node "twenty" is not a semver range');
    assert.match(resolve('lts/unobtainium').error ?? '', /"lts\/unobtainium" is not a Node.js LTS codename \(known: argon, .*krypton\)/);
    assert.equal(semver.validRange('>=18 <21'), true);
    assert.equal(semver.validRange('18.x.y'), false);
  });
});
