import { allFlags, type Command } from './command.js';
import type { Colours } from './colour.js';
import { formatTable } from './format.js';

const ENVIRONMENT: [string, string][] = [
  ['BERTH_API_URL', 'the Berth API (default: your last `berth login`, else http://localhost:5000)'],
  ['BERTH_API_KEY', 'API key to use instead of the saved login'],
  ['BERTH_APP', 'app for commands that take -a APP'],
  ['NO_COLOR', 'set to turn colour off'],
];

/** `berth help`: every command with its summary. */
export function generalHelp(commands: readonly Command[], c: Colours): string {
  const rows = commands.map((cmd) => [`  ${cmd.name}`, cmd.summary]);
  return [
    `${c.bold('Usage:')} berth COMMAND [options]`,
    '',
    'Berth is a self-hosted Heroku: push code with git, Berth builds and runs it.',
    '',
    c.bold('Commands:'),
    ...formatTable(rows),
    '',
    c.bold('Environment:'),
    ...formatTable(ENVIRONMENT.map(([name, text]) => [`  ${name}`, text])),
    '',
    'Run `berth help COMMAND` (or `berth COMMAND --help`) for its options and examples.',
    '',
  ].join('\n');
}

/** `berth help CMD` / `berth CMD --help`. */
export function commandHelp(command: Command, c: Colours): string {
  const summary = `${command.summary.charAt(0).toUpperCase()}${command.summary.slice(1)}.`;
  const lines = [`${c.bold('Usage:')} berth ${command.usage}`, '', summary];
  if (command.description) lines.push('', command.description);
  if (command.args && command.args.length > 0) {
    lines.push('', c.bold('Arguments:'), ...formatTable(command.args.map((a) => [`  ${a.name}`, a.description])));
  }
  if (!command.external) {
    const flags = Object.entries(allFlags(command)).map(([name, f]) => {
      const short = f.short === undefined ? '    ' : `-${f.short}, `;
      const value = f.type === 'string' ? ` ${f.value ?? 'VALUE'}` : '';
      return [`  ${short}--${name}${value}`, f.description];
    });
    lines.push('', c.bold('Options:'), ...formatTable(flags));
  }
  if (command.examples.length > 0) lines.push('', c.bold('Examples:'), ...command.examples.map((e) => `  ${e}`));
  if (command.aliases && command.aliases.length > 0) lines.push('', `${c.bold('Aliases:')} ${command.aliases.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
