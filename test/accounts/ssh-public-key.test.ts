import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseSshPublicKey } from '../../src/accounts/ssh-public-key.js';
import { PlatformError } from '../../src/core/errors.js';
import { makeKeyPair, sshKeygenFingerprint, type KeyPair } from '../support/ssh-keys.js';

let dir: string;
let ed25519: KeyPair;
let ecdsa: KeyPair;
let rsa: KeyPair;
let rsa1024: KeyPair;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-sshkey-'));
  [ed25519, ecdsa, rsa, rsa1024] = await Promise.all([
    makeKeyPair(dir, 'ed25519', 'dev@example.com'),
    makeKeyPair(dir, 'ecdsa', 'ops laptop'),
    makeKeyPair(dir, 'rsa', 'old@box', 2048),
    makeKeyPair(dir, 'rsa', 'weak@box', 1024),
  ]);
});
after(() => rm(dir, { recursive: true, force: true }));

const refused = (input: unknown, message: RegExp) =>
  assert.throws(() => parseSshPublicKey(input), (err: unknown) => err instanceof PlatformError && err.id === 'invalid_params' && message.test(err.message));

describe('parseSshPublicKey', () => {
  it("accepts ssh-keygen's Ed25519, ECDSA and 2048-bit RSA keys with the same fingerprints ssh-keygen prints", async () => {
    for (const pair of [ed25519, ecdsa, rsa]) {
      const key = parseSshPublicKey(`${pair.publicLine}\n`);
      assert.equal(key.sha256, await sshKeygenFingerprint(pair.publicPath));
      assert.equal(key.md5, await sshKeygenFingerprint(pair.publicPath, 'md5'));
      assert.equal(key.line, pair.publicLine.split(' ').slice(0, 2).join(' '));
    }
    assert.equal(parseSshPublicKey(ecdsa.publicLine).comment, 'ops laptop');
    assert.equal(parseSshPublicKey(rsa.publicLine).bits, 2048);
    assert.equal(parseSshPublicKey(ed25519.publicLine).type, 'ssh-ed25519');
  });

  it('refuses an RSA key under 2048 bits, naming its size', () => {
    refused(rsa1024.publicLine, /at least 2048 bits; this one has 1024/);
  });

  it('refuses a missing, non-string or empty key', () => {
    refused(undefined, /public_key is required/);
    refused(42, /public_key is required/);
    refused('   ', /public_key is required/);
  });

  it('refuses a private key, two lines, DSA, certificates and authorized_keys options', () => {
    refused('-----BEGIN OPENSSH PRIVATE KEY-----', /private key/);
    refused(`${ed25519.publicLine}\n${ecdsa.publicLine}`, /one key on one line/);
    refused('ssh-dss AAAAB3NzaC1kc3M= x', /DSA keys are not accepted/);
    refused('ssh-ed25519-cert-v01@openssh.com AAAA x', /not accepted/);
    refused(`command="sh" ${ed25519.publicLine}`, /not a key type/);
  });

  it('refuses base64 that is not the wire format of the named type', () => {
    const [, blob] = ed25519.publicLine.split(' ');
    const [, rsaBlob] = rsa.publicLine.split(' ');
    refused(`ssh-ed25519 not*base64`, /base64 data/);
    refused(`ssh-rsa ${blob}`, /type field differs/);
    refused(`ssh-ed25519 ${rsaBlob}`, /type field differs/);
    refused(`ssh-ed25519 ${Buffer.from(Buffer.from(blob!, 'base64').subarray(0, 30)).toString('base64')}`, /truncated/);
    refused(`ssh-ed25519 ${Buffer.concat([Buffer.from(blob!, 'base64'), Buffer.from([0])]).toString('base64')}`, /trailing bytes/);
  });

  it('refuses control characters', () => {
    refused(`${ed25519.publicLine}\u001b[2J`, /control characters/);
  });
});
