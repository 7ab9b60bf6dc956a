import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CertificateBook } from '../../src/agent/certificate-book.js';

const pair = (name: string) => ({ cert: `CERT ${name}`, key: `KEY ${name}` });

describe('the certificate book', () => {
  it('answers an exact hostname before a wildcard, and a wildcard for exactly one more label', () => {
    const book = new CertificateBook();
    book.set('app-1', [{ hostnames: ['*.example.com'], ...pair('wild') }]);
    book.set('app-2', [{ hostnames: ['www.example.com'], ...pair('www') }]);
    assert.deepEqual(book.find('www.example.com'), pair('www'));
    assert.deepEqual(book.find('WWW.Example.com.'), pair('www'));
    assert.deepEqual(book.find('shop.example.com'), pair('wild'));
    assert.equal(book.find('example.com'), undefined);
    assert.equal(book.find('a.shop.example.com'), undefined);
    assert.equal(book.find('not a host'), undefined);
    assert.equal(book.size, 2);
  });

  it("replaces one app's certificates without touching another's, and reports the hostnames whose answer changed", () => {
    const book = new CertificateBook();
    assert.deepEqual(book.set('app-1', [{ hostnames: ['a.example.com', 'b.example.com'], ...pair('one') }]).sort(), ['a.example.com', 'b.example.com']);
    book.set('app-2', [{ hostnames: ['c.example.com'], ...pair('two') }]);
    assert.deepEqual(book.set('app-1', [{ hostnames: ['a.example.com', 'b.example.com'], ...pair('one') }]), [], 'the same certificates change nothing');
    assert.deepEqual(book.set('app-1', [{ hostnames: ['a.example.com'], ...pair('renewed') }]).sort(), ['a.example.com', 'b.example.com']);
    assert.deepEqual(book.find('a.example.com'), pair('renewed'));
    assert.equal(book.find('b.example.com'), undefined);
    assert.deepEqual(book.find('c.example.com'), pair('two'));
    assert.deepEqual(book.remove('app-1'), ['a.example.com']);
    assert.equal(book.find('a.example.com'), undefined);
    assert.deepEqual(book.find('c.example.com'), pair('two'));
  });

  it('resets to the control plane’s full view, forgetting apps it does not mention', () => {
    const book = new CertificateBook();
    book.set('gone', [{ hostnames: ['gone.example.com'], ...pair('gone') }]);
    book.set('kept', [{ hostnames: ['kept.example.com'], ...pair('kept') }]);
    const touched = book.reset([{ appId: 'kept', certs: [{ hostnames: ['kept.example.com'], ...pair('kept') }] }, { appId: 'new', certs: [{ hostnames: ['*.new.example.com'], ...pair('new') }] }]);
    assert.deepEqual(touched.sort(), ['*.new.example.com', 'gone.example.com']);
    assert.equal(book.find('gone.example.com'), undefined);
    assert.deepEqual(book.find('x.new.example.com'), pair('new'));
  });

  it('refuses malformed entries without quoting a certificate or key', () => {
    const book = new CertificateBook();
    assert.throws(() => book.set('app', 'nope' as never), TypeError);
    assert.throws(() => book.set('app', [{ hostnames: ['bad host'], cert: 'C', key: 'SECRET' }]), (err: unknown) => err instanceof TypeError && !err.message.includes('SECRET'));
    assert.throws(() => book.set('app', [{ hostnames: ['ok.example.com'], cert: 'C' } as never]), TypeError);
    assert.throws(() => book.set('app', [{ hostnames: ['ok.example.com'], cert: 'x'.repeat(300_000), key: 'k' }]), TypeError);
    assert.equal(book.size, 0);
  });
});
