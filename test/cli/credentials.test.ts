import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CliError } from '../../src/cli/cli-error.js';
import {
  chooseApiKey, chooseApiUrl, credentialsPath, normalizeApiUrl, parseCredentials, withCredential, withoutCredential, type Credentials,
} from '../../src/cli/credentials.js';
import { CredentialsFile } from '../../src/cli/credentials-file.js';

const alice = { email: 'alice@example.com', token: 'key-a', authorization_id: 'auth-a' };
const bob = { email: 'bob@example.com', token: 'key-b', authorization_id: 'auth-b' };
const two: Credentials = { 'https://berth.example.com': alice, 'http://localhost:5000': bob };

const paths: [string, NodeJS.ProcessEnv, string][] = [
  ['the file lives under HOME/.config by default', { HOME: '/home/u' }, '/home/u/.config/berth/credentials.json'],
  ['XDG_CONFIG_HOME moves it', { HOME: '/home/u', XDG_CONFIG_HOME: '/cfg' }, '/cfg/berth/credentials.json'],
  ['a relative XDG_CONFIG_HOME is ignored', { HOME: '/home/u', XDG_CONFIG_HOME: 'cfg' }, '/home/u/.config/berth/credentials.json'],
  ['without HOME the fallback home is used', {}, '/fallback/.config/berth/credentials.json'],
];
for (const [name, env, expected] of paths) test(name, () => assert.equal(credentialsPath(env, '/fallback'), expected));

const urls: [string, NodeJS.ProcessEnv, Credentials, string][] = [
  ['BERTH_API_URL wins over saved logins', { BERTH_API_URL: 'http://h:1/' }, two, 'http://h:1'],
  ['the first saved login comes next', {}, two, 'https://berth.example.com'],
  ['with nothing saved the API is on localhost:5000', {}, {}, 'http://localhost:5000'],
];
for (const [name, env, saved, expected] of urls) test(name, () => assert.equal(chooseApiUrl(env, saved), expected));

const keys: [string, NodeJS.ProcessEnv, string, string | undefined][] = [
  ['BERTH_API_KEY wins over the saved key', { BERTH_API_KEY: 'env-key' }, 'http://localhost:5000', 'env-key'],
  ['the saved key for the API URL is used', {}, 'http://localhost:5000', 'key-b'],
  ['a trailing slash still finds the saved key', {}, 'https://berth.example.com/', 'key-a'],
  ['an API URL with no login has no key', {}, 'http://other:5000', undefined],
];
for (const [name, env, url, expected] of keys) test(name, () => assert.equal(chooseApiKey(env, two, url)?.key, expected));

test('normalizeApiUrl drops trailing slashes and rejects other schemes', () => {
  assert.equal(normalizeApiUrl(' http://localhost:5000/ '), 'http://localhost:5000');
  assert.equal(normalizeApiUrl('https://h/api/'), 'https://h/api');
  assert.throws(() => normalizeApiUrl('ftp://h'), CliError);
  assert.throws(() => normalizeApiUrl('localhost:5000'), CliError);
});

test('withCredential puts the newest login first, replacing one for the same URL', () => {
  const replaced = withCredential(two, 'http://localhost:5000/', alice);
  assert.deepEqual(Object.keys(replaced), ['http://localhost:5000/', 'https://berth.example.com']);
  assert.equal(chooseApiUrl({}, replaced), 'http://localhost:5000');
});

test('withoutCredential removes the entry whatever the trailing slash', () => {
  assert.deepEqual(withoutCredential(two, 'http://localhost:5000/'), { 'https://berth.example.com': alice });
});

test('parseCredentials names the file when it is broken', () => {
  assert.deepEqual(parseCredentials(JSON.stringify(two), '/c.json'), two);
  assert.throws(() => parseCredentials('{', '/c.json'), /Cannot read \/c\.json: it is not valid JSON/);
  assert.throws(() => parseCredentials('[]', '/c.json'), /expected an object keyed by API URL/);
  assert.throws(() => parseCredentials('{"http://h":{}}', '/c.json'), /the entry for http:\/\/h has no token/);
});

test('CredentialsFile writes 0600 in a 0700 directory and reads back what it wrote', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'berth-creds-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const file = new CredentialsFile(join(root, 'config', 'berth', 'credentials.json'));
  assert.deepEqual(await file.read(), {});
  await file.write(two);
  assert.deepEqual(await file.read(), two);
  assert.equal((await stat(file.path)).mode & 0o777, 0o600);
  assert.equal((await stat(join(root, 'config', 'berth'))).mode & 0o777, 0o700);
  await writeFile(file.path, '');
  assert.deepEqual(await file.read(), {});
  await file.write({});
  assert.equal(await readFile(file.path, 'utf8'), '{}\n');
});
