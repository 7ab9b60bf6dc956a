import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { APP_NAME_PATTERN, randomAppName, validateAppName } from '../../src/core/app-name.js';
import { PlatformError } from '../../src/core/errors.js';
import { appNameFromHost } from '../../src/core/router-codes.js';

describe('app names', () => {
  for (const good of ['abc', 'my-app', 'a1', 'app-2026', 'x'.repeat(30)].filter((n) => n.length >= 3)) {
    it(`accepts ${good}`, () => assert.equal(validateAppName(good), good));
  }
  for (const bad of ['ab', 'A-app', '1app', '-app', 'app-', 'my_app', 'x'.repeat(31), '', 5, null]) {
    it(`rejects ${JSON.stringify(bad)} with the rule in the message`, () => {
      assert.throws(
        () => validateAppName(bad),
        (err: unknown) => err instanceof PlatformError && err.id === 'invalid_params' && /start with a letter/.test(err.message),
      );
    });
  }
  it('generates random names that follow the rule', () => {
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < 200; i++) assert.match(randomAppName(random), APP_NAME_PATTERN);
  });
});

describe('appNameFromHost', () => {
  const cases: Array<[string | undefined, string, string | undefined]> = [
    ['myapp.localhost', 'localhost', 'myapp'],
    ['myapp.localhost:8080', 'localhost', 'myapp'],
    ['MyApp.Example.COM.', 'example.com', 'myapp'],
    ['a.b.example.com', 'example.com', undefined],
    ['example.com', 'example.com', undefined],
    ['myapp.other.com', 'example.com', undefined],
    [undefined, 'example.com', undefined],
  ];
  for (const [host, domain, expected] of cases) {
    it(`maps ${JSON.stringify(host)} on ${domain} to ${JSON.stringify(expected)}`, () => assert.equal(appNameFromHost(host, domain), expected));
  }
});
