import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppJson, AppSetupJson } from '../api-types.js';
import { CliError } from '../cli-error.js';
import { Git } from '../git.js';
import type { Command, CommandContext } from '../command.js';
import { streamBuildOutput, uploadSource } from '../source-upload.js';

const POLL_MS = 1000;

async function poll(ctx: CommandContext, id: string, until: (setup: AppSetupJson) => boolean): Promise<AppSetupJson> {
  for (;;) {
    const setup = await ctx.api.get<AppSetupJson>(`/app-setups/${encodeURIComponent(id)}`);
    if (until(setup)) return setup;
    await sleep(POLL_MS);
  }
}

function parseEnv(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CliError(`--env ${JSON.stringify(pair)} is not KEY=VALUE.`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

export const setup: Command = {
  name: 'setup',
  aliases: ['apps:setup'],
  summary: "create an app from a directory's app.json: config, add-ons, build, formation, postdeploy",
  description:
    'Packs DIR (as berth deploy does) and runs an app setup (POST /app-setups, Heroku\'s "Deploy to\n' +
    'Heroku" flow): app.json is checked first, and every problem is listed with its JSON path\n' +
    'before anything is created. Then the app is created, its env set (values, --env, generated\n' +
    'secrets), its add-ons provisioned, the source built and released, the formation scaled and\n' +
    'scripts.postdeploy run in a one-off dyno. Exits 1 when the setup fails.',
  usage: 'setup [DIR] [--app NAME] [--env KEY=VALUE]...',
  args: [{ name: 'DIR', required: false, description: 'the app directory with app.json (default .)' }],
  flags: {
    app: { type: 'string', short: 'a', value: 'NAME', description: "the new app's name (default: app.json's name, else a random one)" },
    env: { type: 'string', short: 'e', value: 'KEY=VALUE', description: 'a config var for app.json env (required ones without a value need it)', multiple: true },
    'no-remote': { type: 'boolean', description: 'do not add a `berth` git remote' },
  },
  examples: ['berth setup', 'berth setup ./my-app --app my-app -e API_TOKEN=abc'],
  async run(ctx) {
    const dir = resolve(ctx.io.cwd, ctx.args[0] ?? '.');
    const env = parseEnv(ctx.strings('env'));
    const packed = await uploadSource(ctx, dir, 'set up');
    const name = ctx.string('app');
    const started = await ctx.api.post<AppSetupJson>('/app-setups', {
      ...(name ? { app: { name } } : {}),
      source_blob: { url: packed.getUrl, version: packed.commit },
      overrides: { env },
    });
    if (started.status === 'failed' || !started.app) {
      throw new CliError(started.failure_message ?? 'The app setup failed.', { hint: 'Fix app.json (or give the missing values with --env KEY=VALUE), then run berth setup again.' });
    }
    const app = started.app.name;
    ctx.note(`Setting up ${app} (setup ${started.id})...`);
    const building = await poll(ctx, started.id, (s) => s.build !== null || s.status !== 'pending');
    if (building.build) await streamBuildOutput(ctx, building.build.output_stream_url);
    const done = await poll(ctx, started.id, (s) => s.status !== 'pending');
    if (done.postdeploy) {
      ctx.note(`Running postdeploy... exited with status ${done.postdeploy.exit_code}`);
      if (done.postdeploy.output) ctx.note(done.postdeploy.output.replace(/\n$/, ''));
    }
    if (done.status === 'failed') {
      throw new CliError(`Setting up ${app} failed: ${done.failure_message ?? 'no reason given'}`, { hint: `The app ${app} stays as far as the setup got: see berth logs -a ${app}, or berth apps:destroy ${app}.` });
    }
    const info = await ctx.api.get<AppJson>(`/apps/${encodeURIComponent(app)}`);
    ctx.print(`Set up ${app}: ${done.resolved_success_url ?? info.web_url}`);
    // The remote goes into DIR's repository (not the current directory's).
    const git = new Git(dir);
    if (ctx.bool('no-remote') || !(await git.isInsideWorkTree())) return;
    const result = await git.setRemote('berth', info.git_url);
    ctx.print(`Git remote berth ${result === 'unchanged' ? 'already points there' : result}: ${info.git_url}`);
  },
};
