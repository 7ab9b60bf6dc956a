import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseUpOptions, UP_HELP } from '../../src/main/options.js';

const parse = (...argv: string[]) => {
  const options = parseUpOptions(argv, {});
  assert.notEqual(options, 'help');
  return options as Exclude<typeof options, 'help'>;
};

describe('bin/berth up options', () => {
  it('allow no private range for tenant URLs by default', () => {
    assert.deepEqual(parse().allowPrivateUrls, []);
  });

  it('take --allow-private-urls once per range, IPv4 and IPv6', () => {
    assert.deepEqual(parse('--allow-private-urls', '10.1.0.0/16', '--allow-private-urls', 'fd00::/8').allowPrivateUrls, ['10.1.0.0/16', 'fd00::/8']);
    assert.match(UP_HELP, /--allow-private-urls CIDR/);
  });

  it('refuse an --allow-private-urls value that is not a CIDR range, naming it', () => {
    assert.throws(() => parse('--allow-private-urls', '10.0.0.0/40'), /--allow-private-urls takes a CIDR range such as .* not "10\.0\.0\.0\/40"/);
  });

  it('take the npm registry for builds from --npm-registry, else BERTH_NPM_REGISTRY, else none', () => {
    assert.equal(parse().npmRegistry, undefined);
    assert.equal(parse('--npm-registry', 'https://npm.mirror.example/').npmRegistry, 'https://npm.mirror.example/');
    const fromEnv = parseUpOptions([], { BERTH_NPM_REGISTRY: 'http://10.0.0.5:4873/' });
    assert.notEqual(fromEnv, 'help');
    assert.equal((fromEnv as Exclude<typeof fromEnv, 'help'>).npmRegistry, 'http://10.0.0.5:4873/');
    assert.match(UP_HELP, /--npm-registry URL/);
  });

  it('refuse an --npm-registry that is not an http(s) URL, naming it', () => {
    assert.throws(() => parse('--npm-registry', 'registry.npmjs.org'), /--npm-registry \(or BERTH_NPM_REGISTRY\) must be an http\(s\) URL, not "registry\.npmjs\.org"/);
  });

  it('run dynos on the stack image from the per-host cache unless --dyno-root host (or BERTH_DYNO_ROOT) asks for the host root', () => {
    assert.deepEqual([parse().dynoRoot, parse().stackCacheDir], ['stack', '/var/cache/berth/stacks']);
    assert.equal(parse('--dyno-root', 'host').dynoRoot, 'host');
    const fromEnv = parseUpOptions([], { BERTH_DYNO_ROOT: 'host', BERTH_STACK_CACHE: '/srv/stacks' });
    assert.notEqual(fromEnv, 'help');
    assert.deepEqual([(fromEnv as Exclude<typeof fromEnv, 'help'>).dynoRoot, (fromEnv as Exclude<typeof fromEnv, 'help'>).stackCacheDir], ['host', '/srv/stacks']);
    const flagOverEnv = parseUpOptions(['--dyno-root', 'stack'], { BERTH_DYNO_ROOT: 'host' });
    assert.equal((flagOverEnv as Exclude<typeof flagOverEnv, 'help'>).dynoRoot, 'stack');
    assert.equal(parse('--stack-cache', '/tmp/s').stackCacheDir, '/tmp/s');
    assert.throws(() => parse('--dyno-root', 'docker'), /--dyno-root \(or BERTH_DYNO_ROOT\) must be stack or host, not "docker"/);
    assert.match(UP_HELP, /--dyno-root stack\|host/);
  });

  it('leave the disk budget to the data dir\'s filesystem and keep 10 releases by default', () => {
    const options = parse();
    assert.equal(options.diskBudgetBytes, undefined);
    assert.equal(options.keepReleases, 10);
  });

  it('read --disk-budget as a size and --keep-releases as a count', () => {
    const options = parse('--disk-budget', '20G', '--keep-releases', '3');
    assert.equal(options.diskBudgetBytes, 20 * 1024 ** 3);
    assert.equal(options.keepReleases, 3);
    assert.match(UP_HELP, /--disk-budget SIZE/);
  });

  it('read --app-disk-cap as a size, absent by default (the pipeline\'s 4 GiB then applies)', () => {
    assert.equal(parse('--app-disk-cap', '512M').appDiskCapBytes, 512 * 1024 ** 2);
    assert.equal(parse().appDiskCapBytes, undefined);
    assert.match(UP_HELP, /--app-disk-cap SIZE/);
  });

  it('leave webhook retries to the default schedule unless the hidden --webhook-retry-delays-ms gives one', () => {
    assert.equal(parse().webhookRetryDelaysMs, undefined);
    assert.deepEqual(parse('--webhook-retry-delays-ms', '50, 100,2000').webhookRetryDelaysMs, [50, 100, 2000]);
  });

  it('serve git over SSH on 2222 by default, on --ssh-port N (0: a free one), and not at all with --ssh-port off', () => {
    assert.equal(parse().sshPort, 2222);
    assert.equal(parse('--ssh-port', '0').sshPort, 0);
    assert.equal(parse('--ssh-port', '2022').sshPort, 2022);
    assert.equal(parse('--ssh-port', 'off').sshPort, undefined);
    assert.match(UP_HELP, /--ssh-port N\|off/);
  });

  it('leave dashboard sessions to the 2 h idle and 24 h absolute defaults unless --session-idle-minutes and --session-max-hours say otherwise', () => {
    assert.equal(parse().sessionIdleMs, undefined);
    assert.equal(parse().sessionMaxMs, undefined);
    const options = parse('--session-idle-minutes', '30', '--session-max-hours', '8');
    assert.equal(options.sessionIdleMs, 30 * 60_000);
    assert.equal(options.sessionMaxMs, 8 * 3_600_000);
    assert.match(UP_HELP, /--session-idle-minutes N/);
  });

  for (const [flag, value, message] of [
    ['--session-idle-minutes', '0', /--session-idle-minutes must be a whole number from 1 to 10080/],
    ['--session-max-hours', '1.5', /--session-max-hours must be a whole number/],
    ['--webhook-retry-delays-ms', '50,soon', /--webhook-retry-delays-ms/],
    ['--ssh-port', 'on', /--ssh-port must be a port number from 0 to 65535/],
    ['--disk-budget', 'lots', /--disk-budget must be a size such as 20G/],
    ['--disk-budget', '0', /--disk-budget must be a size/],
    ['--app-disk-cap', 'huge', /--app-disk-cap must be a size such as 4G/],
    ['--keep-releases', '0', /--keep-releases must be a whole number from 1 to 1000/],
    ['--keep-releases', 'ten', /--keep-releases must be a whole number/],
    ['--idle-after', '0', /--idle-after must be a whole number of minutes from 1 to 10080/],
    ['--backup-keep', '3', /--backup-keep needs --backup-dir DIR/],
  ] as const) {
    it(`refuse ${flag} ${value} with a message naming the flag`, () => {
      assert.throws(() => parse(flag, value), message);
    });
  }

  it('idle web dynos after 30 minutes unless --idle-after MIN (or the hidden --idle-after-ms) says otherwise', () => {
    assert.equal(parse().idleAfterMs, 30 * 60_000);
    assert.equal(parse('--idle-after', '5').idleAfterMs, 5 * 60_000);
    assert.equal(parse('--idle-after-ms', '1500').idleAfterMs, 1500);
  });

  it('take daily backups only with --backup-dir, keeping 7 unless --backup-keep N', () => {
    assert.equal(parse().backups, undefined);
    assert.deepEqual(parse('--backup-dir', '/var/backups/berth').backups, { dir: '/var/backups/berth', keep: 7 });
    assert.deepEqual(parse('--backup-dir', '/b', '--backup-keep', '3').backups, { dir: '/b', keep: 3 });
    assert.throws(() => parse('--backup-dir', '/b', '--backup-keep', 'all'), /--backup-keep must be a whole number of backups from 1 to 1000/);
  });

  it('keep the router on 8080 and 8443 unless a public domain is served where ports 80 and 443 can be bound', () => {
    const lowPorts = (...argv: string[]) => parseUpOptions(argv, {}, { canBindLowPorts: true }) as Exclude<ReturnType<typeof parseUpOptions>, 'help'>;
    assert.deepEqual([parse('--domain', 'example.com').routerPort, parse('--domain', 'example.com').routerTlsPort], [8080, 8443], 'without the capability');
    assert.deepEqual([lowPorts('--domain', 'example.com').routerPort, lowPorts('--domain', 'example.com').routerTlsPort], [80, 443]);
    assert.deepEqual([lowPorts().routerPort, lowPorts('--domain', 'localhost').routerPort], [8080, 8080], 'localhost is no public domain');
    const chosen = lowPorts('--domain', 'example.com', '--router-port', '0', '--router-tls-port', '9443');
    assert.deepEqual([chosen.routerPort, chosen.routerTlsPort], [0, 9443], 'the flags still win');
  });

  it('turn ACME on by default only for a public domain bound beyond loopback, with Let\'s Encrypt as the CA', () => {
    assert.equal(parse().acme, undefined);
    assert.equal(parse('--domain', 'example.com').acme, undefined, 'loopback: nobody outside could validate');
    assert.deepEqual(parse('--domain', 'example.com', '--bind', '0.0.0.0').acme, { directoryUrl: 'https://acme-v02.api.letsencrypt.org/directory' });
    assert.equal(parse('--domain', 'example.com', '--bind', '0.0.0.0', '--acme', 'off').acme, undefined);
    const test = parse('--domain', 'acme.test', '--acme', 'on', '--acme-directory', 'https://127.0.0.1:14000/dir', '--acme-email', 'ops@example.com', '--acme-retry-ms', '200');
    assert.deepEqual(test.acme, { directoryUrl: 'https://127.0.0.1:14000/dir', email: 'ops@example.com', retryBaseMs: 200 });
    assert.match(UP_HELP, /--acme on\|off/);
    assert.match(UP_HELP, /--acme-directory URL/);
  });

  for (const [argv, message] of [
    [['--acme', 'yes'], /--acme must be on or off, not "yes"/],
    [['--acme', 'on'], /--acme on needs a --domain a public CA can certify .* not "localhost"/],
    [['--domain', 'example.com', '--acme', 'on', '--acme-directory', 'letsencrypt'], /--acme-directory must be the http\(s\) URL of an ACME directory/],
    [['--domain', 'example.com', '--acme', 'on', '--acme-email', 'ops'], /--acme-email must be an email address, not "ops"/],
  ] as const) {
    it(`refuse ${argv.join(' ')} with a message naming the flag`, () => {
      assert.throws(() => parse(...argv), message);
    });
  }
});
