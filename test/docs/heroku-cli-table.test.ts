import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { repoRoot } from '../support/repo-root.js';

interface TableScript {
  cliCommands(): Array<{ id: string; summary: string }>;
  testedCommands(ids: string[]): Map<string, string>;
  tableFor(commands: Array<{ id: string; summary: string }>, tested: Map<string, string>): string;
}

describe('docs/heroku-cli.md', () => {
  it("lists every command of the pinned official CLI with the status the tests and rules give it (run node scripts/heroku-command-table.mjs when this fails)", async () => {
    const script = (await import(pathToFileURL(join(repoRoot(), 'scripts', 'heroku-command-table.mjs')).href)) as TableScript;
    const commands = script.cliCommands();
    assert.ok(commands.length > 300, `the CLI lists ${commands.length} commands`);
    const expected = script.tableFor(commands, script.testedCommands(commands.map((c) => c.id)));
    const actual = await readFile(join(repoRoot(), 'docs', 'heroku-cli.md'), 'utf8');
    assert.equal(actual, expected);
    for (const id of ['apps:create', 'config:set', 'pipelines:promote', 'webhooks:add', 'pg:info']) assert.match(actual, new RegExp(`\\| \`heroku ${id}\` \\| tested \\|`));
  });
});
