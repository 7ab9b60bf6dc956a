import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { certificateCovers, nameCovers, validateCustomHostname } from '../../src/core/custom-domain.js';
import { PlatformError } from '../../src/core/errors.js';

const refuses = (value: unknown, domain: string, message: RegExp) =>
  assert.throws(() => validateCustomHostname(value, domain), (err: unknown) => err instanceof PlatformError && err.id === 'invalid_params' && message.test(err.message));

describe('custom domain hostnames', () => {
  it('are accepted in canonical form: lower case, no trailing dot, wildcards kept', () => {
    assert.equal(validateCustomHostname('WWW.Example.COM.', 'apps.example.net'), 'www.example.com');
    assert.equal(validateCustomHostname(' *.Example.com ', 'localhost'), '*.example.com');
    assert.equal(validateCustomHostname('example.com', 'localhost'), 'example.com');
    assert.equal(validateCustomHostname('xn--bcher-kva.example', 'localhost'), 'xn--bcher-kva.example');
  });

  it('must be DNS names of two or more labels, with a wildcard only as the whole first label', () => {
    refuses('', 'localhost', /hostname is required/);
    refuses(null, 'localhost', /hostname is required/);
    refuses('example', 'localhost', /full domain name/);
    refuses('*.com', 'localhost', /at least two parts/);
    refuses('*', 'localhost', /wildcard may only be/);
    refuses('a.*.example.com', 'localhost', /wildcard may only be/);
    refuses('w*.example.com', 'localhost', /wildcard may only be/);
    refuses('exa mple.com', 'localhost', /between dots/);
    refuses('example-.com', 'localhost', /between dots/);
    refuses('10.0.0.1', 'localhost', /IP addresses/);
    refuses('[::1]', 'localhost', /between dots/);
  });

  it('may not be the Berth domain, below it, or a wildcard that would take names below it', () => {
    refuses('apps.example.net', 'apps.example.net', /belong to Berth's apps/);
    refuses('my-app.apps.example.net', 'apps.example.net', /belong to Berth's apps/);
    refuses('*.apps.example.net', 'apps.example.net', /belong to Berth's apps/);
    refuses('*.example.net', 'apps.example.net', /belong to Berth's apps/);
    refuses('foo.localhost', 'localhost', /belong to Berth's apps/);
    assert.equal(validateCustomHostname('example.net', 'apps.example.net'), 'example.net', 'the parent itself is fine: it is not a wildcard');
    assert.equal(validateCustomHostname('www.example.net', 'apps.example.net'), 'www.example.net');
  });
});

describe('certificate names covering a hostname', () => {
  it('match exactly or by a wildcard of exactly one label', () => {
    assert.ok(nameCovers('www.example.com', 'WWW.example.com'));
    assert.ok(nameCovers('*.example.com', 'www.example.com'));
    assert.ok(nameCovers('*.example.com', '*.example.com'));
    assert.ok(!nameCovers('*.example.com', 'example.com'));
    assert.ok(!nameCovers('*.example.com', 'a.b.example.com'));
    assert.ok(!nameCovers('www.example.com', '*.example.com'));
    assert.ok(!nameCovers('*.other.com', 'www.example.com'));
    assert.ok(certificateCovers(['example.com', '*.example.com'], 'shop.example.com'));
    assert.ok(!certificateCovers([], 'shop.example.com'));
  });
});
