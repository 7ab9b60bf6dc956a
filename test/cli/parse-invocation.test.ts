import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { parseInvocation, type Invocation } from '../../src/cli/parse-invocation.js';

/** The invocation reduced to comparable data. */
function summary(invocation: Invocation): unknown {
  switch (invocation.kind) {
    case 'run':
      return { run: invocation.command.name, args: invocation.args, flags: { ...invocation.flags } };
    case 'usage':
      return { usage: invocation.message };
    default:
      return invocation;
  }
}

const cases: [string, string[], unknown][] = [
  ['no arguments show the general help', [], { kind: 'help' }],
  ['--help shows the general help', ['--help'], { kind: 'help' }],
  ['-h shows the general help', ['-h'], { kind: 'help' }],
  ['help CMD shows that command', ['help', 'apps:create'], { kind: 'help', topic: 'apps:create' }],
  ['CMD --help shows that command', ['apps', '--help'], { kind: 'help', topic: 'apps' }],
  ['an alias --help shows the real command', ['create', '-h'], { kind: 'help', topic: 'apps:create' }],
  ['an external command with --help shows its help', ['up', '--help'], { kind: 'help', topic: 'up' }],
  ['a plain command runs with no flags', ['apps'], { run: 'apps', args: [], flags: {} }],
  ['boolean flags come back true', ['apps', '--all', '--json'], { run: 'apps', args: [], flags: { all: true, json: true } }],
  ['-a sets the app flag of commands that need an app', ['apps:info', '-a', 'my-app'], { run: 'apps:info', args: [], flags: { app: 'my-app' } }],
  ['--app=NAME works too', ['apps:info', '--app=my-app'], { run: 'apps:info', args: [], flags: { app: 'my-app' } }],
  ['a positional and string flags parse together', ['apps:create', 'web-1', '--region', 'local', '--no-remote'], { run: 'apps:create', args: ['web-1'], flags: { region: 'local', 'no-remote': true } }],
  ['an alias runs its command', ['whoami'], { run: 'auth:whoami', args: [], flags: {} }],
  ['an unknown flag is a usage error', ['apps', '--bogus'], { usage: 'Unknown option --bogus.' }],
  ['a string flag without a value is a usage error', ['apps:info', '-a'], { usage: 'Option -a, --app needs a value.' }],
  ['a boolean flag with a value is a usage error', ['apps', '--all=yes'], { usage: 'Option --all does not take a value.' }],
  ['a missing required argument is a usage error', ['apps:rename'], { usage: 'Missing argument NEWNAME: the new app name.' }],
  ['an extra argument is a usage error', ['apps', 'extra'], { usage: 'Unexpected argument "extra": apps takes no arguments.' }],
  ['-a is not a flag of commands without an app', ['apps', '-a', 'x'], { usage: 'Unknown option -a.' }],
  ['a flag before the command is a usage error', ['-a', 'x', 'apps'], { usage: '-a goes after the command name, as in `berth apps:info -a ...`.' }],
  ['a misspelt command suggests the nearest', ['apps:destory'], { kind: 'unknown', name: 'apps:destory', suggestion: 'apps:destroy' }],
  ['a prefix suggests the command it starts', ['apps:inf'], { kind: 'unknown', name: 'apps:inf', suggestion: 'apps:info' }],
  ['nonsense suggests nothing', ['xyzzy-plugh'], { kind: 'unknown', name: 'xyzzy-plugh' }],
  ['a variadic argument takes every positional', ['config:set', 'A=1', 'B=2', '-a', 'x'], { run: 'config:set', args: ['A=1', 'B=2'], flags: { app: 'x' } }],
  ['a required variadic argument needs one', ['config:unset'], { usage: 'Missing argument KEY: one or more config var names.' }],
  ['an optional variadic argument may be empty', ['ps:scale'], { run: 'ps:scale', args: [], flags: {} }],
  ['scale arguments with a minus sign are not flags', ['ps:scale', 'web-1', 'worker+2'], { run: 'ps:scale', args: ['web-1', 'worker+2'], flags: {} }],
  ['a repeatable flag collects every value', ['run', '-e', 'A=1', '--env', 'B=2', 'bash'], { run: 'run', args: ['bash'], flags: { env: ['A=1', 'B=2'] } }],
  ['run passes unknown flags on to the command', ['run', 'ls', '-la', '/app'], { run: 'run', args: ['ls', '-la', '/app'], flags: {} }],
  ['run takes its own flags from after the command', ['run', 'bash', '-a', 'my-app', '--no-tty'], { run: 'run', args: ['bash'], flags: { app: 'my-app', 'no-tty': true } }],
  ['run takes --flag=value spellings', ['run', '--size=standard-2x', 'bash'], { run: 'run', args: ['bash'], flags: { size: 'standard-2x' } }],
  ['run passes everything after -- untouched', ['run', '-a', 'x', '--', 'grep', '-e', 'foo', '-a'], { run: 'run', args: ['grep', '-e', 'foo', '-a'], flags: { app: 'x' } }],
  ['run keeps a short flag group as the command\'s', ['run', 'ls', '-al'], { run: 'run', args: ['ls', '-al'], flags: {} }],
  ['run without a command is a usage error', ['run', '-a', 'x'], { usage: 'Missing argument COMMAND: the command line to run, e.g. bash.' }],
  ['run with a flag missing its value is a usage error', ['run', 'bash', '-a'], { usage: 'Option -a, --app needs a value.' }],
];

for (const [name, argv, expected] of cases) {
  test(`${name} (berth ${argv.join(' ')})`, () => {
    assert.deepEqual(summary(parseInvocation(argv, COMMANDS)), expected);
  });
}
