import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AddonCatalog } from '../../src/core/addon-catalog.js';
import {
  ADDON_NAME_PATTERN,
  ATTACHMENT_COLORS,
  attachmentConfigVars,
  defaultAttachmentName,
  describeAttach,
  describeDetach,
  randomAddonName,
  validateAddonName,
  validateAttachmentName,
} from '../../src/core/addon-naming.js';
import { PlatformError } from '../../src/core/errors.js';

const catalog = new AddonCatalog();
const postgres = catalog.service('heroku-postgresql');
const redis = catalog.service('heroku-redis');
const isInvalid = (message: RegExp) => (err: unknown) => err instanceof PlatformError && err.id === 'invalid_params' && message.test(err.message);

describe('add-on names', () => {
  it('generates names like postgresql-curved-12345 that pass the rule', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < 100; i++) {
      const name = randomAddonName(postgres, random);
      assert.match(name, /^postgresql-[a-z]+-\d{5}$/);
      assert.match(name, ADDON_NAME_PATTERN);
    }
    assert.match(randomAddonName(redis, () => 0), /^redis-acute-10000$/);
  });
  for (const good of ['my-db', 'Main_DB', 'postgresql-curved-12345']) it(`accepts ${good}`, () => assert.equal(validateAddonName(good), good));
  for (const bad of ['1db', 'a', 'has space', 'x'.repeat(65), '', 3]) {
    it(`rejects the add-on name ${JSON.stringify(bad)}`, () => assert.throws(() => validateAddonName(bad), isInvalid(/start with a letter/)));
  }
});

describe('attachment names', () => {
  for (const good of ['DATABASE', 'CACHE', 'HEROKU_POSTGRESQL_AMBER', 'X1']) it(`accepts ${good}`, () => assert.equal(validateAttachmentName(good), good));
  it('rejects lower case, suggesting the upper-case name', () => assert.throws(() => validateAttachmentName('cache'), isInvalid(/Did you mean CACHE\?/)));
  for (const bad of ['1ST', 'MY-DB', '', null]) it(`rejects ${JSON.stringify(bad)}`, () => assert.throws(() => validateAttachmentName(bad), isInvalid(/upper-case/)));

  it('names the first Postgres attachment DATABASE and later ones HEROKU_POSTGRESQL_<COLOR>', () => {
    assert.equal(defaultAttachmentName(postgres, new Set(), Math.random), 'DATABASE');
    assert.equal(defaultAttachmentName(postgres, new Set(['REDIS']), Math.random), 'DATABASE');
    const second = defaultAttachmentName(postgres, new Set(['DATABASE']), Math.random);
    assert.match(second, /^HEROKU_POSTGRESQL_[A-Z]+$/);
    const third = defaultAttachmentName(postgres, new Set(['DATABASE', second]), Math.random);
    assert.notEqual(third, second);
    assert.equal(defaultAttachmentName(redis, new Set(['DATABASE']), Math.random), 'REDIS');
  });

  it('says to name it yourself when every colour is taken', () => {
    const taken = new Set<string>(['DATABASE']);
    for (const _color of ATTACHMENT_COLORS) taken.add(defaultAttachmentName(postgres, taken, () => 0));
    assert.equal(taken.size, ATTACHMENT_COLORS.length + 1);
    assert.throws(() => defaultAttachmentName(postgres, taken, Math.random), isInvalid(/--as NAME/));
  });

  it('sets <NAME>_<SUFFIX> config vars and describes attach and detach as Heroku does', () => {
    assert.deepEqual({ ...attachmentConfigVars('CACHE', { URL: 'redis://x', TLS_URL: 'rediss://x' }) }, { CACHE_URL: 'redis://x', CACHE_TLS_URL: 'rediss://x' });
    assert.equal(describeAttach('DATABASE', 'postgresql-curved-12345'), 'Attach DATABASE (postgresql-curved-12345)');
    assert.equal(describeDetach('DATABASE', 'postgresql-curved-12345'), 'Detach DATABASE (postgresql-curved-12345)');
  });
});
