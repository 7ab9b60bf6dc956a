// The bad-input corpus, CLI part: arguments a user (or a script fed by someone else) passes to
// `berth`, against a real in-process API. Each exits non-zero with a message naming the rule
// (from the CLI's own parser or from the API) and changes nothing.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../src/cli/main.js';
import { captureIo } from '../cli/capture-io.js';
import { deploy, newApp } from '../api/deploy-helpers.js';
import { startApi, type ApiHarness } from '../support/api-harness.js';

const CASES: Array<{ argv: string[]; message: RegExp }> = [
  { argv: ['ps:scale', 'web=lots'], message: /Dyno size "lots" does not exist/ },
  { argv: ['ps:scale', 'web=-1'], message: /Invalid scale argument/ },
  { argv: ['ps:scale', 'web=1:huge-9x'], message: /huge-9x/ },
  { argv: ['ps:scale', 'web=1:performance-l'], message: /quota|standard-2x/ },
  { argv: ['releases', '-n', '0'], message: /not a count/ },
  { argv: ['releases', '-n', '1e9'], message: /not a count/ },
  { argv: ['accounts:quota', 'corpus-cli@example.test', '--max-quantity', 'many'], message: /not a count/ },
  { argv: ['apps:create', 'Not_A_Valid_Name'], message: /Not_A_Valid_Name/ },
  { argv: ['config:set', 'NOEQUALS'], message: /KEY=VALUE|=/ },
  { argv: ['config:set', '1BAD=x'], message: /letter or underscore/ },
  { argv: ['config:set', '__BERTH_UID=0'], message: /reserved/ },
  { argv: ['drains:add', 'syslog+udp://logs.example.test:514'], message: /UDP/ },
  { argv: ['no-such-command'], message: /no-such-command/ },
];

describe('hostile CLI arguments', () => {
  let api: ApiHarness;
  let home: string;
  let key: string;
  let app: string;
  before(async () => {
    api = await startApi();
    home = await mkdtemp(join(tmpdir(), 'berth-cli-corpus-'));
    key = (await api.createUser('corpus-cli@example.test')).key;
    app = (await newApp(api, key, 'clicorpus')).name;
    await deploy(api, key, app);
  });
  after(async () => {
    await api.close();
    await rm(home, { recursive: true, force: true });
  });

  const state = async () => {
    const get = async (path: string) => (await api.request(path, { key })).json();
    return { apps: await get('/apps'), config: await get(`/apps/${app}/config-vars`), releases: await get(`/apps/${app}/releases`), drains: await get(`/apps/${app}/log-drains`) };
  };

  for (const c of CASES) {
    it(`refuses berth ${c.argv.join(' ')} with a message and changes nothing`, async () => {
      const before = await state();
      const io = captureIo({ env: { HOME: home, BERTH_API_URL: api.url, BERTH_API_KEY: key, BERTH_APP: app, NO_COLOR: '1' }, cwd: home });
      const code = await runCli(c.argv, io.io);
      assert.notEqual(code, 0, io.stdout());
      assert.match(io.stderr(), c.message);
      assert.deepEqual(await state(), before);
    });
  }
});
