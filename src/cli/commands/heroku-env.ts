import { exportLines, herokuEnvironment } from '../../core/heroku-env.js';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { chooseApiKey } from '../credentials.js';

interface EndpointsJson {
  git_host: string;
}

export const herokuEnv: Command = {
  name: 'heroku-env',
  summary: 'print the exports that point the official heroku CLI at Berth and keep it off Heroku\'s hosts',
  usage: 'heroku-env',
  flags: {},
  examples: ['eval "$(berth heroku-env)"', 'berth heroku-env >> ~/.berth-heroku.sh'],
  async run(ctx) {
    const key = chooseApiKey(ctx.io.env, await ctx.credentials.read(), ctx.apiUrl);
    if (!key) throw new CliError(`Not logged in to ${ctx.apiUrl}.`, { hint: 'Run `berth login`, or set BERTH_API_KEY.' });
    const endpoints = await ctx.api.get<EndpointsJson>('/berth/endpoints');
    for (const line of exportLines(herokuEnvironment({ apiUrl: ctx.apiUrl, gitHost: endpoints.git_host, apiKey: key.key }))) ctx.print(line);
  },
};
