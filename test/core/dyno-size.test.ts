import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_DYNO_SIZE, DYNO_SIZES, DYNO_SIZE_NAMES, findDynoSize } from '../../src/core/dyno-size.js';

const MB = 1024 * 1024;

describe('dyno sizes', () => {
  it('default to standard-1x', () => assert.equal(DEFAULT_DYNO_SIZE, 'standard-1x'));

  const quotas: Array<[string, number]> = [
    ['eco', 512], ['basic', 512], ['standard-1x', 512], ['standard-2x', 1024], ['performance-m', 2560], ['performance-l', 14336],
  ];
  for (const [name, mb] of quotas) {
    it(`give ${name} a ${mb} MB quota and a ceiling of twice that`, () => {
      const size = findDynoSize(name);
      assert.ok(size);
      assert.equal(size.memoryQuotaBytes, mb * MB);
      assert.equal(size.memoryLimitBytes, 2 * mb * MB);
      assert.ok(size.cpuShares >= 1024 && size.pidsMax >= 256);
    });
  }

  it('are found case-insensitively, the way the official CLI spells them', () => {
    assert.equal(findDynoSize('Standard-1X')?.name, 'standard-1x');
    assert.equal(findDynoSize('PERFORMANCE-L')?.name, 'performance-l');
    assert.equal(findDynoSize(' standard-2x ')?.name, 'standard-2x');
  });

  it('accept the legacy names 1X, 2X, free and hobby', () => {
    assert.equal(findDynoSize('1X')?.name, 'standard-1x');
    assert.equal(findDynoSize('2x')?.name, 'standard-2x');
    assert.equal(findDynoSize('free')?.name, 'eco');
    assert.equal(findDynoSize('Hobby')?.name, 'basic');
  });

  it('return undefined for unknown names', () => {
    for (const bad of ['', 'standard-3x', 'huge', 'constructor', '__proto__', 'toString']) assert.equal(findDynoSize(bad), undefined);
  });

  it('give bigger sizes more CPU weight and processes', () => {
    const ordered = DYNO_SIZE_NAMES.map((n) => DYNO_SIZES[n]);
    for (let i = 1; i < ordered.length; i++) {
      const [a, b] = [ordered[i - 1]!, ordered[i]!];
      assert.ok(b.cpuShares >= a.cpuShares && b.pidsMax >= a.pidsMax && b.memoryQuotaBytes >= a.memoryQuotaBytes, `${a.name} <= ${b.name}`);
    }
  });

  it('display names the way Heroku does', () => assert.equal(findDynoSize('standard-1x')?.displayName, 'Standard-1X'));
});
