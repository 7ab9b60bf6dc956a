import { appPath } from '../api-client.js';
import { jsonFlag, type Command } from '../command.js';
import type { StackJson } from './stacks.js';

interface AppStacksJson {
  name: string;
  stack: { name: string };
  build_stack: { name: string };
}

export const stack: Command = {
  name: 'stack',
  summary: "the app's stack, the one its next build uses, and what they are built from",
  usage: 'stack [-a APP] [--json]',
  flags: { json: jsonFlag },
  needsApp: true,
  examples: ['berth stack -a my-app'],
  async run(ctx) {
    const app = await ctx.api.get<AppStacksJson>(appPath(ctx.app()));
    const all = await ctx.api.get<StackJson[]>('/stacks');
    if (ctx.bool('json')) return void ctx.printJson({ stack: app.stack.name, build_stack: app.build_stack.name });
    const describe = (name: string) => {
      const s = all.find((x) => x.name === name);
      return s ? `${name} (${s.base}${s.version ? `, image ${s.version}` : ''})` : name;
    };
    ctx.print(`=== ${app.name} stack`);
    ctx.print(`* ${describe(app.stack.name)}`);
    if (app.build_stack.name !== app.stack.name) ctx.print(`  next build: ${describe(app.build_stack.name)}`);
  },
};
