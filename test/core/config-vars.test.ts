import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyConfigPatch, configSize, describeConfigChange, MAX_CONFIG_BYTES, utf8Length } from '../../src/core/config-vars.js';
import { PlatformError } from '../../src/core/errors.js';

const invalid = (message: RegExp) => (err: unknown) => {
  assert.ok(err instanceof PlatformError);
  assert.equal(err.id, 'invalid_params');
  assert.match(err.message, message);
  return true;
};

describe('applyConfigPatch', () => {
  it('sets new and changed values, deletes with null, and reports only real changes in patch order', () => {
    const change = applyConfigPatch({ A: '1', B: '2', C: '3' }, { B: '2', D: '4', A: 'one', C: null, MISSING: null });
    assert.deepEqual({ ...change.next }, { A: 'one', B: '2', D: '4' });
    assert.deepEqual(change.set, ['D', 'A']);
    assert.deepEqual(change.removed, ['C']);
  });

  it('leaves the current map untouched', () => {
    const current = { A: '1' };
    applyConfigPatch(current, { A: '2', B: '3' });
    assert.deepEqual(current, { A: '1' });
  });

  it('an empty patch changes nothing', () => {
    const change = applyConfigPatch({ A: '1' }, {});
    assert.deepEqual([change.set, change.removed], [[], []]);
  });

  for (const name of ['A', '_', '_private', 'DATABASE_URL', 'lower_case', 'X1']) {
    it(`accepts the name ${name}`, () => {
      assert.deepEqual(applyConfigPatch({}, { [name]: 'v' }).set, [name]);
    });
  }

  for (const name of ['', '1A', 'A-B', 'A B', 'A.B', 'É', 'A=B']) {
    it(`refuses the name ${JSON.stringify(name)} with the rule`, () => {
      assert.throws(() => applyConfigPatch({}, { [name]: 'v' }), invalid(/letter or underscore/));
    });
  }

  for (const name of ['__BERTH_UID', '__berth_command', '__BERTH_']) {
    it(`refuses the launcher's reserved name ${name} and changes nothing`, () => {
      const current = { KEEP: 'v' };
      assert.throws(() => applyConfigPatch(current, { OK: 'x', [name]: '0' }), invalid(/reserved: names starting with __BERTH_/));
      assert.deepEqual(current, { KEEP: 'v' });
    });
  }

  it('still removes a reserved name an old config carries', () => {
    assert.deepEqual(applyConfigPatch({ __BERTH_UID: '0' }, { __BERTH_UID: null }).removed, ['__BERTH_UID']);
  });

  for (const [what, value] of [['a number', 1], ['a boolean', false], ['an array', ['a']], ['an object', {}]] as const) {
    it(`refuses ${what} as a value`, () => {
      assert.throws(() => applyConfigPatch({}, { V: value }), invalid(/V must be a string/));
    });
  }

  it('refuses NUL and lone surrogates, but accepts any other unicode', () => {
    assert.throws(() => applyConfigPatch({}, { V: 'a\0b' }), invalid(/NUL/));
    assert.throws(() => applyConfigPatch({}, { V: 'x\uDC00' }), invalid(/UTF-8/));
    assert.throws(() => applyConfigPatch({}, { V: '\uD83D' }), invalid(/UTF-8/));
    assert.deepEqual(applyConfigPatch({}, { V: '🚢 ünïcødé\n\t' }).set, ['V']);
  });

  it('enforces 32 KB over the merged result, counting names and UTF-8 bytes', () => {
    const name = 'BIG';
    const fits = 'x'.repeat(MAX_CONFIG_BYTES - name.length);
    assert.equal(configSize(applyConfigPatch({}, { [name]: fits }).next), MAX_CONFIG_BYTES);
    assert.throws(() => applyConfigPatch({}, { [name]: `${fits}x` }), invalid(/32 KB/));
    assert.throws(() => applyConfigPatch({ OTHER: 'y' }, { [name]: fits }), invalid(/32 KB/));
    assert.doesNotThrow(() => applyConfigPatch({ OTHER: 'y'.repeat(MAX_CONFIG_BYTES) }, { OTHER: null, [name]: 'small' }), 'a patch that shrinks the config is fine');
  });

  it('never puts a value in an error message', () => {
    try {
      applyConfigPatch({}, { SECRET: 's3cr3t\0' });
      assert.fail('expected a refusal');
    } catch (err) {
      assert.ok(!(err as Error).message.includes('s3cr3t'));
    }
  });

  it('treats __proto__ and constructor as ordinary names', () => {
    const change = applyConfigPatch({}, JSON.parse('{"__proto__":"p","constructor":"c"}') as Record<string, unknown>);
    assert.deepEqual(Object.keys(change.next).sort(), ['__proto__', 'constructor']);
    assert.equal(change.next['__proto__'], 'p');
  });
});

describe('utf8Length', () => {
  for (const [text, bytes] of [['', 0], ['abc', 3], ['é', 2], ['€', 3], ['🚢', 4], ['a€🚢', 8]] as const) {
    it(`counts ${JSON.stringify(text)} as ${bytes} bytes, as Buffer does`, () => {
      assert.equal(utf8Length(text), bytes);
      assert.equal(utf8Length(text), Buffer.byteLength(text));
    });
  }
});

describe('describeConfigChange', () => {
  const cases: Array<[string[], string[], string]> = [
    [['FOO'], [], 'Set FOO config vars'],
    [['FOO', 'BAR'], [], 'Set FOO, BAR config vars'],
    [[], ['FOO'], 'Remove FOO config vars'],
    [['A'], ['B', 'C'], 'Set A and remove B, C config vars'],
  ];
  for (const [set, removed, text] of cases) {
    it(`describes set ${set.join(',') || '-'} removed ${removed.join(',') || '-'} as "${text}"`, () => {
      assert.equal(describeConfigChange({ set, removed }), text);
    });
  }
});
