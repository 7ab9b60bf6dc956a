import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { testEnv } from '../support/berth-process.js';
import { repoRoot } from '../support/repo-root.js';
import { startAddonApi, type AddonTestbed } from '../api/addon-helpers.js';

/**
 * The official `heroku` CLI's add-on commands (devDependency heroku@11.10.0) against the API
 * handler in process, with test providers behind heroku-postgresql and heroku-redis: the requests
 * it makes (resolve actions, Accept-Expansion, attachments by name) get the shapes it reads.
 * Environment as in test/e2e/heroku-cli.test.ts: no telemetry, no update checks, a temp HOME.
 */

const HEROKU = join(repoRoot(), 'node_modules', '.bin', 'heroku');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

let bed: AddonTestbed;
let home: string;
let key: string;
const APP = `hk-addons-${process.pid.toString(36)}`;
const OTHER = `hk-addons-o-${process.pid.toString(36)}`;

before(async () => {
  bed = await startAddonApi();
  home = await mkdtemp(join(tmpdir(), 'berth-heroku-addons-'));
  key = (await bed.api.createUser('heroku-addons@example.test')).key;
  for (const name of [APP, OTHER]) assert.equal((await bed.api.request('/apps', { method: 'POST', key, body: JSON.stringify({ name }) })).status, 201);
});
after(async () => {
  await bed.api.close();
  await rm(home, { recursive: true, force: true });
});

function heroku(args: string[]): Promise<CliResult> {
  const base = testEnv();
  for (const name of Object.keys(base)) if (name.startsWith('HEROKU_')) delete base[name];
  const env = {
    ...base,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    HEROKU_HOST: bed.api.url,
    HEROKU_API_KEY: key,
    HEROKU_PARTICLEBOARD_URL: bed.api.url,
    DISABLE_TELEMETRY: 'true',
    HEROKU_SKIP_NEW_VERSION_CHECK: 'true',
    HEROKU_DISABLE_AUTOUPDATE: 'true',
    CI: 'true',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
  };
  return new Promise((resolve, reject) => {
    const child = execFile(HEROKU, args, { env, cwd: home, timeout: 60_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? error.code : 0;
      if (typeof code !== 'number') return reject(new Error(`heroku ${args.join(' ')} did not exit normally: ${error?.message}\n${stdout}\n${stderr}`));
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end();
  });
}

const flat = (text: string) => text.replace(/›/g, ' ').replace(/\s+/g, ' ').trim();
const describeResult = (r: CliResult) => `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;

describe('the official heroku CLI add-on commands', () => {
  let dbName = '';

  it('heroku addons:create provisions Postgres and prints the add-on and its config var', async () => {
    const created = await heroku(['addons:create', 'heroku-postgresql:essential-0', '-a', APP, '--', '--version', '16']);
    assert.equal(created.code, 0, describeResult(created));
    const match = /Created (postgresql-[a-z]+-\d{5}) as DATABASE_URL/.exec(created.stdout);
    assert.ok(match, describeResult(created));
    dbName = match[1] as string;
    assert.match(created.stdout, new RegExp(`${dbName} is ready\\.`));
    assert.match(flat(created.stderr), new RegExp(`Creating heroku-postgresql:essential-0 on ⬢? ?${APP}\\.\\.\\. ~\\$0\\.007/hour \\(max \\$5/month\\)`));
  });

  it('heroku addons lists it with its plan, price and attachment', async () => {
    const listed = await heroku(['addons', '-a', APP]);
    assert.equal(listed.code, 0, describeResult(listed));
    assert.match(listed.stdout, new RegExp(`heroku-postgresql \\(${dbName}\\)\\s+essential-0\\s+~\\$0\\.007/hour\\s+\\$5/month\\s+created`));
    assert.match(listed.stdout, /as DATABASE/);
  });

  it('heroku apps:info lists the add-on plan under Addons', async () => {
    const info = await heroku(['apps:info', '-a', APP]);
    assert.equal(info.code, 0, describeResult(info));
    assert.match(info.stdout, /Addons:\s+heroku-postgresql:essential-0/);
  });

  it('heroku addons:info DATABASE resolves the attachment and shows plan, attachments, owner and state', async () => {
    const info = await heroku(['addons:info', 'DATABASE', '-a', APP]);
    assert.equal(info.code, 0, describeResult(info));
    assert.match(info.stdout, new RegExp(`=== ${dbName}`));
    assert.match(info.stdout, /Plan:\s+heroku-postgresql:essential-0/);
    assert.match(info.stdout, new RegExp(`Attachments:\\s+${APP}::DATABASE`));
    assert.match(info.stdout, new RegExp(`Owning app:\\s+${APP}`));
    assert.match(info.stdout, /State:\s+created/);
  });

  it('heroku addons:attach shares it with a second app under --as, and addons:detach removes it again', async () => {
    const attached = await heroku(['addons:attach', dbName, '-a', OTHER, '--as', 'SHARED']);
    assert.equal(attached.code, 0, describeResult(attached));
    assert.match(flat(attached.stderr), new RegExp(`Attaching ${dbName} as SHARED to ⬢? ?${OTHER}\\.\\.\\. done`));
    assert.match(flat(attached.stderr), /Setting SHARED config vars and restarting .*done, v2/);
    const config = await bed.api.request(`/apps/${OTHER}/config-vars`, { key });
    assert.ok('SHARED_URL' in ((await config.json()) as Record<string, string>));

    const detached = await heroku(['addons:detach', 'SHARED', '-a', OTHER]);
    assert.equal(detached.code, 0, describeResult(detached));
    assert.match(flat(detached.stderr), /Unsetting SHARED config vars and restarting .*done, v3/);
  });

  it('heroku addons:upgrade changes the plan', async () => {
    const upgraded = await heroku(['addons:upgrade', dbName, 'standard-0', '-a', APP]);
    assert.equal(upgraded.code, 0, describeResult(upgraded));
    assert.match(flat(upgraded.stderr), new RegExp(`Changing ${dbName} on ⬢? ?${APP} from heroku-postgresql:essential-0 to heroku-postgresql:standard-0\\.\\.\\. done`));
    assert.match(upgraded.stdout, /Now on standard-0\./);
  });

  it('heroku addons:rename renames it', async () => {
    const renamed = await heroku(['addons:rename', dbName, `main-${APP}`]);
    assert.equal(renamed.code, 0, describeResult(renamed));
    assert.match(renamed.stdout, new RegExp(`${dbName} successfully renamed to main-${APP}\\.`));
    dbName = `main-${APP}`;
  });

  it('heroku addons:services and addons:plans list the catalog', async () => {
    const services = await heroku(['addons:services']);
    assert.equal(services.code, 0, describeResult(services));
    assert.match(services.stdout, /heroku-postgresql\s+Heroku Postgres\s+ga/);
    const plans = await heroku(['addons:plans', 'heroku-redis']);
    assert.equal(plans.code, 0, describeResult(plans));
    assert.match(plans.stdout, /default\s+heroku-redis:mini\s+Mini\s+~\$0\.004\/hour\s+\$3\/month/);
  });

  it('heroku addons:destroy --confirm destroys it', async () => {
    const destroyed = await heroku(['addons:destroy', dbName, '-a', APP, '--confirm', APP]);
    assert.equal(destroyed.code, 0, describeResult(destroyed));
    assert.match(flat(destroyed.stderr), new RegExp(`Destroying ${dbName} on ⬢? ?${APP}\\.\\.\\. done`));
    const listed = await heroku(['addons', '-a', APP]);
    assert.match(listed.stdout, new RegExp(`No add-ons for app ${APP}\\.`));
  });
});
