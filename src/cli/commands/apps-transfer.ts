import type { Command } from '../command.js';
import type { AppTransferJson } from '../transfer-types.js';

export const appsTransfer: Command = {
  name: 'apps:transfer',
  summary: 'offer the app to another account; it becomes theirs when they accept (berth apps:transfers:accept)',
  description: 'Berth sends no mail: tell the recipient, who sees the offer with `berth apps:transfers`. Once accepted, you stay on the app as a collaborator.',
  usage: 'apps:transfer EMAIL [-a APP]',
  args: [{ name: 'EMAIL', required: true, description: "the recipient's account email" }],
  flags: {},
  needsApp: true,
  examples: ['berth apps:transfer teammate@example.com', 'berth apps:transfer new-owner@example.com -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const transfer = await ctx.api.post<AppTransferJson>('/account/app-transfers', { app, recipient: ctx.args[0] });
    ctx.print(`Initiating transfer of ${app} to ${transfer.recipient.email}... pending`);
    ctx.note(`${transfer.recipient.email} accepts it with \`berth apps:transfers:accept ${app}\`.`);
  },
};
