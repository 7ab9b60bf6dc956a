/** `apps:transfers:accept` and `apps:transfers:decline`: the recipient answers an app transfer. */
import type { Command } from './command.js';
import type { AppTransferJson } from './transfer-types.js';

export function transferAnswer(state: 'accepted' | 'declined'): Command {
  const verb = state === 'accepted' ? 'accept' : 'decline';
  return {
    name: `apps:transfers:${verb}`,
    summary: state === 'accepted' ? 'accept an app offered to you: it becomes yours' : 'decline an app offered to you',
    usage: `apps:transfers:${verb} APP`,
    args: [{ name: 'APP', required: true, description: 'the app name (or the transfer id)' }],
    flags: {},
    examples: [`berth apps:transfers:${verb} their-app`],
    async run(ctx) {
      const name = ctx.args[0] as string;
      const transfer = await ctx.api.patch<AppTransferJson>(`/account/app-transfers/${encodeURIComponent(name)}`, { state });
      ctx.print(`${state === 'accepted' ? 'Accepting' : 'Declining'} the transfer of ${transfer.app.name ?? name} from ${transfer.owner.email}... done`);
    },
  };
}
