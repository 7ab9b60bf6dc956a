import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from '../../src/cli/commands/index.js';

const commandsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'commands');

test('every command name and alias is unique', () => {
  const names = COMMANDS.flatMap((c) => [c.name, ...(c.aliases ?? [])]);
  assert.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), []);
});

for (const command of COMMANDS) {
  test(`${command.name} lives in its own kebab-case file`, () => {
    assert.ok(existsSync(join(commandsDir, `${command.name.replace(/:/g, '-')}.js`)));
  });
  test(`${command.name} has a summary, a usage starting with its name and runnable examples`, () => {
    assert.ok(command.summary.length > 0);
    assert.ok(command.usage.startsWith(command.name), command.usage);
    assert.ok(command.examples.length > 0);
    for (const example of command.examples) assert.match(example, /(?:^|[\s(])(?:bin\/)?berth [a-z]/);
  });
  test(`${command.name} declares flags with descriptions and one-letter short names`, () => {
    for (const [name, flag] of Object.entries(command.flags)) {
      assert.match(name, /^[a-z][a-z-]*$/);
      assert.ok(flag.description.length > 0, name);
      if (flag.short !== undefined) assert.match(flag.short, /^[a-z]$/);
    }
  });
}
