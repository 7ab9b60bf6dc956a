import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AddressPolicy, parseAllowedRanges, parseIp, parseRange, permitsAddress } from '../../src/core/address-policy.js';

const policy = (allowed: string[] = [], own: string[] = []): AddressPolicy => ({
  allowed: parseAllowedRanges(allowed),
  own: own.map((o) => parseIp(o)!),
});
const permits = (p: AddressPolicy, address: string): boolean => {
  const ip = parseIp(address);
  assert.ok(ip, `${address} parses`);
  return permitsAddress(p, ip);
};

describe('address policy', () => {
  it('parses IPv4 and IPv6 in every written form and rejects the rest', () => {
    const v6 = (text: string) => parseIp(text)?.value.toString(16);
    assert.equal(parseIp('192.168.1.2')?.value, 0xc0a80102n);
    assert.equal(v6('::1'), '1');
    assert.equal(v6('[::1]'), '1');
    assert.equal(v6('::'), '0');
    assert.equal(v6('fe80::1%eth0'), 'fe800000000000000000000000000001');
    assert.equal(v6('::ffff:127.0.0.1'), v6('::ffff:7f00:1'));
    assert.equal(v6('2001:db8:0:0:0:0:0:1'), v6('2001:db8::1'));
    for (const bad of ['', 'localhost', '256.1.1.1', '1.2.3', '1.2.3.4.5', '01234::', ':::1', '1::2::3', '1:2:3:4:5:6:7:8:9', 'g::1', '::1.2.3.256', '1.2.3.4::']) {
      assert.equal(parseIp(bad), undefined, bad);
    }
  });

  it('parses CIDR ranges, a bare address as a single-address range, and refuses malformed ones', () => {
    assert.deepEqual(parseRange('10.1.2.3/24'), { family: 4, base: 0x0a010200n, bits: 24 });
    assert.deepEqual(parseRange('::1'), { family: 6, base: 1n, bits: 128 });
    for (const bad of ['10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/8/8', 'x/8', '10.0.0.0/-1']) assert.equal(parseRange(bad), undefined, bad);
    assert.throws(() => parseAllowedRanges(['10.0.0.0/8', 'nope']), /--allow-private-urls takes a CIDR range such as .* not "nope"/);
  });

  it('refuses loopback, unspecified, link-local, multicast, private, shared and reserved addresses', () => {
    const strict = policy();
    for (const refused of [
      '127.0.0.1', '127.255.0.9', '0.0.0.0', '169.254.169.254', '224.0.0.1', '255.255.255.255',
      '10.0.0.1', '10.213.0.1', '10.250.255.254', '172.16.0.1', '172.31.255.255', '192.168.0.1', '100.64.0.1', '198.18.0.1',
      '::', '::1', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', 'fec0::1',
    ]) {
      assert.equal(permits(strict, refused), false, refused);
    }
  });

  it('refuses IPv4-mapped IPv6, and NAT64 or 6to4 addresses that carry a refused IPv4 address', () => {
    const strict = policy();
    for (const refused of ['::ffff:127.0.0.1', '::ffff:8.8.8.8', '::ffff:10.0.0.1', '::127.0.0.1', '64:ff9b::a00:1', '64:ff9b::7f00:1', '2002:7f00:1::1', '2002:a9fe:a9fe::']) {
      assert.equal(permits(strict, refused), false, refused);
    }
    assert.equal(permits(strict, '64:ff9b::808:808'), true, 'NAT64 of a public address');
    assert.equal(permits(strict, '2002:808:808::1'), true, '6to4 of a public address');
  });

  it('permits public addresses and refuses the host\'s own public addresses', () => {
    const p = policy([], ['203.0.113.7', '2001:db8::7']);
    for (const ok of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '2001:db8::8']) assert.equal(permits(p, ok), true, ok);
    assert.equal(permits(p, '203.0.113.7'), false);
    assert.equal(permits(p, '2001:db8::7'), false);
  });

  it('permits exactly the ranges the admin allows, mapped forms of an allowed IPv4 range included', () => {
    const p = policy(['127.0.0.0/8', '10.1.0.0/16', 'fd00::/8'], ['127.0.0.1']);
    assert.equal(permits(p, '127.0.0.1'), true, 'allowed although it is also the host\'s own');
    assert.equal(permits(p, '::ffff:127.0.0.1'), true);
    assert.equal(permits(p, '10.1.200.3'), true);
    assert.equal(permits(p, '10.2.0.1'), false);
    assert.equal(permits(p, 'fd00::5'), true);
    assert.equal(permits(p, 'fc00::5'), false);
    assert.equal(permits(p, '::1'), false, 'an IPv4 loopback allowance does not allow ::1');
  });
});
