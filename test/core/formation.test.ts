import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PlatformError } from '../../src/core/errors.js';
import { DEFAULT_DYNO_SIZE } from '../../src/core/dyno-size.js';
import {
  applyScale,
  describeScale,
  displaySize,
  parseQuantity,
  releaseCommandOf,
  resolveDynoSize,
  syncFormation,
  type FormationEntry,
} from '../../src/core/formation.js';

const invalid = (message: RegExp) => (err: unknown) => {
  assert.ok(err instanceof PlatformError);
  assert.equal(err.id, 'invalid_params');
  assert.match(err.message, message);
  return true;
};

describe('parseQuantity', () => {
  const good: Array<[unknown, ReturnType<typeof parseQuantity>]> = [
    [2, { kind: 'absolute', value: 2 }],
    [0, { kind: 'absolute', value: 0 }],
    ['2', { kind: 'absolute', value: 2 }],
    [' 3 ', { kind: 'absolute', value: 3 }],
    ['+1', { kind: 'relative', delta: 1 }],
    ['-1', { kind: 'relative', delta: -1 }],
    ['+10', { kind: 'relative', delta: 10 }],
  ];
  for (const [input, expected] of good) {
    it(`reads ${JSON.stringify(input)}`, () => assert.deepEqual(parseQuantity(input), expected));
  }
  for (const input of ['', 'two', '1.5', 1.5, '+', '--1', '1e3', null, true, [], {}]) {
    it(`refuses ${JSON.stringify(input)} with the rule`, () => assert.throws(() => parseQuantity(input), invalid(/whole number/)));
  }
});

describe('resolveDynoSize', () => {
  it('finds a size by name in any case, in the official CLI and the schema shapes, and by old alias', () => {
    assert.equal(resolveDynoSize('Standard-2X').name, 'standard-2x');
    assert.equal(resolveDynoSize('standard-2x').name, 'standard-2x');
    assert.equal(resolveDynoSize({ name: 'PERFORMANCE-L' }).name, 'performance-l');
    assert.equal(resolveDynoSize('2X').name, 'standard-2x');
  });
  it('refuses an unknown size listing the available ones in Heroku spelling', () => {
    assert.throws(() => resolveDynoSize('Huge'), invalid(/Available sizes: Eco, Basic, Standard-1X, Standard-2X, Performance-M, Performance-L/));
    assert.throws(() => resolveDynoSize(2), invalid(/2/));
    assert.throws(() => resolveDynoSize({ id: '01234567-89ab-cdef-0123-456789abcdef' }), invalid(/does not exist/));
  });
  it('displays stored names the way Heroku spells them', () => {
    assert.equal(displaySize('standard-1x'), 'Standard-1X');
    assert.equal(displaySize('performance-m'), 'Performance-M');
    assert.equal(displaySize('unknown'), 'unknown');
  });
});

describe('applyScale', () => {
  const current: FormationEntry[] = [
    { type: 'web', quantity: 1, size: 'standard-1x', command: 'w' },
    { type: 'worker', quantity: 0, size: 'standard-1x', command: 'k' },
  ];

  it('applies absolute and relative quantities and sizes in request order', () => {
    const results = applyScale(current, [
      { type: 'worker', quantity: { kind: 'relative', delta: 2 } },
      { type: 'web', quantity: { kind: 'absolute', value: 3 }, size: resolveDynoSize('standard-2x') },
    ]);
    assert.deepEqual(results, [
      { type: 'worker', quantity: 2, size: 'standard-1x' },
      { type: 'web', quantity: 3, size: 'standard-2x' },
    ]);
  });

  it('applies a type named twice in order and reports it once', () => {
    const results = applyScale(current, [
      { type: 'web', quantity: { kind: 'absolute', value: 5 } },
      { type: 'web', quantity: { kind: 'relative', delta: -2 } },
    ]);
    assert.deepEqual(results, [{ type: 'web', quantity: 3, size: 'standard-1x' }]);
  });

  it('refuses an unknown type listing the known ones', () => {
    assert.throws(() => applyScale(current, [{ type: 'clock', quantity: { kind: 'absolute', value: 1 } }]), invalid(/Cannot scale clock.*Known types: web, worker/));
    assert.throws(() => applyScale([], [{ type: 'web' }]), invalid(/no process types yet/));
  });

  for (const [what, quantity] of [
    ['101', { kind: 'absolute', value: 101 }],
    ['-1', { kind: 'absolute', value: -1 }],
    ['1-2', { kind: 'relative', delta: -2 }],
    ['1+100', { kind: 'relative', delta: 100 }],
  ] as const) {
    it(`refuses a result of ${what} (outside 0..100)`, () => {
      assert.throws(() => applyScale(current, [{ type: 'web', quantity }]), invalid(/from 0 to 100/));
    });
  }

  it('refuses to scale or resize the release type: it is the release phase, not a formation entry', () => {
    const withRelease: FormationEntry[] = [...current, { type: 'release', quantity: 0, size: 'standard-1x', command: 'migrate' }];
    assert.throws(() => applyScale(withRelease, [{ type: 'release', quantity: { kind: 'relative', delta: 1 } }]), invalid(/release phase/));
    assert.throws(() => applyScale(current, [{ type: 'release', size: resolveDynoSize('standard-2x') }]), invalid(/release phase/));
  });

  it('does not touch its input', () => {
    applyScale(current, [{ type: 'web', quantity: { kind: 'absolute', value: 9 } }]);
    assert.equal(current[0]?.quantity, 1);
  });
});

describe('describeScale', () => {
  it('reads like Heroku: "web=2, worker=1:Standard-2X", with the size only when resized', () => {
    const text = describeScale([{ type: 'web', quantity: 2, size: 'standard-1x' }, { type: 'worker', quantity: 1, size: 'standard-2x' }], new Set(['worker']));
    assert.equal(text, 'web=2, worker=1:Standard-2X');
  });
});

describe('syncFormation', () => {
  it('a first release brings web with 1 and every other type with 0, but no release entry', () => {
    const sync = syncFormation([], { web: 'w', worker: 'k', release: 'r' });
    assert.deepEqual(sync.insert.map((e) => [e.type, e.quantity, e.size]), [['web', 1, DEFAULT_DYNO_SIZE], ['worker', 0, DEFAULT_DYNO_SIZE]]);
    assert.deepEqual([sync.updateCommand, sync.remove], [[], []]);
  });

  it('a release entry an older Berth made goes at the next release, even when the Procfile keeps release:', () => {
    const sync = syncFormation([{ type: 'web', command: 'w' }, { type: 'release', command: 'r' }], { web: 'w', release: 'r' });
    assert.deepEqual([sync.insert, sync.updateCommand, sync.remove], [[], [], ['release']]);
  });

  it('a later release updates changed commands, adds new types and removes dropped ones', () => {
    const sync = syncFormation([{ type: 'web', command: 'old' }, { type: 'worker', command: 'k' }, { type: 'clock', command: 'c' }], { web: 'new', worker: 'k', urgent: 'u' });
    assert.deepEqual(sync.insert.map((e) => [e.type, e.quantity]), [['urgent', 0]]);
    assert.deepEqual(sync.updateCommand, [{ type: 'web', command: 'new' }]);
    assert.deepEqual(sync.remove, ['clock']);
  });

  it('a web type that comes back later starts at 1 again', () => {
    assert.equal(syncFormation([{ type: 'worker', command: 'k' }], { web: 'w', worker: 'k' }).insert[0]?.quantity, 1);
  });
});

describe('releaseCommandOf', () => {
  it('is the release process type, or null', () => {
    assert.equal(releaseCommandOf({ web: 'w', release: 'node migrate.js' }), 'node migrate.js');
    assert.equal(releaseCommandOf({ web: 'w' }), null);
    assert.equal(releaseCommandOf(null), null);
  });
});
