import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chooseDedicatedCpus, formatCpuList, parseCpuList } from '../../src/core/cpu-list.js';

describe('CPU lists', () => {
  it('reads and writes the kernel\'s list format', () => {
    assert.deepEqual(parseCpuList('0-3,6\n'), [0, 1, 2, 3, 6]);
    assert.deepEqual(parseCpuList(''), []);
    assert.equal(formatCpuList([6, 0, 1, 2, 3]), '0-3,6');
    assert.equal(formatCpuList([1]), '1');
    assert.equal(formatCpuList([]), '');
    assert.throws(() => parseCpuList('0-a'), /not a CPU list/);
  });

  const cases: Array<[string, number[], number[], number, number[] | undefined]> = [
    ['two CPUs: performance-m gets the second, the first stays shared', [0, 1], [], 2, [1]],
    ['two CPUs, one held: nothing left to dedicate', [0, 1], [1], 2, undefined],
    ['eight CPUs: performance-m gets two from the top', [0, 1, 2, 3, 4, 5, 6, 7], [], 2, [6, 7]],
    ['eight CPUs: performance-l gets seven, one stays shared', [0, 1, 2, 3, 4, 5, 6, 7], [], 8, [1, 2, 3, 4, 5, 6, 7]],
    ['eight CPUs, six held: one left for a dedicated dyno', [0, 1, 2, 3, 4, 5, 6, 7], [2, 3, 4, 5, 6, 7], 2, [1]],
    ['one CPU: never dedicated', [0], [], 2, undefined],
  ];
  for (const [name, all, held, want, expected] of cases) {
    it(`chooses dedicated CPUs: ${name}`, () => assert.deepEqual(chooseDedicatedCpus(all, new Set(held), want), expected));
  }
});
