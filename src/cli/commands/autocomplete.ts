import { UsageError } from '../cli-error.js';
import type { Command } from '../command.js';
import { bashCompletion, zshCompletion } from '../completion-script.js';

export const autocomplete: Command = {
  name: 'autocomplete',
  summary: 'print a shell completion script for bash or zsh',
  description:
    'The script is generated from this CLI\'s own command table: commands, aliases, flags.\n' +
    'bash:  echo \'source <(berth autocomplete bash)\' >> ~/.bashrc\n' +
    'zsh:   echo \'source <(berth autocomplete zsh)\' >> ~/.zshrc   (after compinit)',
  usage: 'autocomplete bash|zsh',
  args: [{ name: 'SHELL', required: true, description: 'bash or zsh', choices: ['bash', 'zsh'] }],
  flags: {},
  examples: ['source <(berth autocomplete bash)', 'berth autocomplete zsh > ~/.zfunc/_berth'],
  async run(ctx) {
    const [shell] = ctx.args;
    if (shell === 'bash') ctx.io.stdout.write(bashCompletion(ctx.commands));
    else if (shell === 'zsh') ctx.io.stdout.write(zshCompletion(ctx.commands));
    else throw new UsageError(`No completion for ${JSON.stringify(shell)}: use bash or zsh.`);
    return 0;
  },
};
