import { UsageError } from '../cli-error.js';
import { jsonFlag, type Command } from '../command.js';

interface SettingsJson {
  signup: boolean;
}

export const adminSettings: Command = {
  name: 'admin:settings',
  summary: '(admin) show or change platform settings: self-service sign-up (off by default)',
  usage: 'admin:settings [--signup on|off] [--json]',
  flags: { signup: { type: 'string', value: 'on|off', description: 'let anyone create an account with `berth signup`' }, json: jsonFlag },
  examples: ['berth admin:settings', 'berth admin:settings --signup on'],
  async run(ctx) {
    const signup = ctx.string('signup');
    if (signup !== undefined && signup !== 'on' && signup !== 'off') throw new UsageError('--signup takes on or off.');
    const settings = signup === undefined ? await ctx.api.get<SettingsJson>('/admin/settings') : await ctx.api.patch<SettingsJson>('/admin/settings', { signup: signup === 'on' });
    if (ctx.bool('json')) return void ctx.printJson(settings);
    ctx.print(`signup: ${settings.signup ? 'on' : 'off'}`);
  },
};
