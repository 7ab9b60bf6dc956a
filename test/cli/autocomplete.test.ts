import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { runCli } from '../../src/cli/main.js';
import { captureIo } from './capture-io.js';

/** `berth autocomplete bash` is sourced into a real bash and asked to complete command lines. */

let dir: string;
let script: string;

async function autocomplete(shell: string) {
  const captured = captureIo({ env: { HOME: tmpdir() }, cwd: tmpdir() });
  const code = await runCli(['autocomplete', shell], captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-autocomplete-'));
  script = join(dir, 'berth.bash');
  const bash = await autocomplete('bash');
  assert.equal(bash.code, 0, bash.stderr);
  await writeFile(script, bash.stdout);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Sources the script in a fresh bash and runs `body` there. */
function bash(body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['--norc', '--noprofile', '-c', `source ${JSON.stringify(script)}\n${body}`], { timeout: 15_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`bash failed: ${stderr}`));
      else resolve(stdout);
    });
  });
}

/** What bash offers after `line` (the cursor at its end), one candidate per line, sorted. */
async function complete(line: string): Promise<string[]> {
  const out = await bash(`COMP_LINE=${JSON.stringify(line)}; COMP_POINT=\${#COMP_LINE}; _berth_completions; printf '%s\\n' "\${COMPREPLY[@]}"`);
  return out.split('\n').filter((l) => l !== '').sort();
}

describe('berth autocomplete bash, sourced into bash', () => {
  it('registers a completion function for berth', async () => {
    assert.equal(await bash('complete -p berth'), 'complete -o default -F _berth_completions berth\n');
  });

  it('completes command names from the command table, aliases included', async () => {
    const all = await complete('berth ');
    const expected = [...COMMANDS.flatMap((c) => (c.name === 'git:credentials' ? [] : [c.name, ...(c.aliases ?? [])])), 'help'].sort();
    assert.deepEqual(all, expected);
    assert.deepEqual(await complete('berth lo'), ['local', 'local:start', 'login', 'logout', 'logs']);
  });

  it('completes after a colon with only the rest, since bash splits words at colons', async () => {
    assert.deepEqual(await complete('berth apps:cr'), ['create']);
    assert.deepEqual(await complete('berth pg:backups:s'), ['schedule', 'schedules']);
  });

  it("completes a command's flags, --app where it needs an app, and a first argument's choices", async () => {
    assert.deepEqual(await complete('berth local --p'), ['--port', '--procfile']);
    assert.deepEqual(await complete('berth ps:scale -'), ['--app', '--help', '-a', '-h']);
    assert.deepEqual(await complete('berth autocomplete '), ['--help', '-h', 'bash', 'zsh']);
    assert.deepEqual(await complete('berth help apps:i'), ['info']);
  });

  it('offers nothing of its own for an unknown command (bash then completes file names)', async () => {
    assert.deepEqual(await complete('berth no-such-command --'), []);
  });

  it('matches what compgen offers for the same word list', async () => {
    const viaCompgen = (await bash(`compgen -W "$(COMP_LINE='berth '; COMP_POINT=6; _berth_completions; echo "\${COMPREPLY[*]}")" -- maint`)).split('\n').filter(Boolean).sort();
    assert.deepEqual(viaCompgen, ['maintenance', 'maintenance:off', 'maintenance:on']);
    assert.deepEqual(await complete('berth maint'), viaCompgen);
  });
});

describe('berth autocomplete zsh', () => {
  it('prints a #compdef script that describes every command and registers _berth', async () => {
    const zsh = await autocomplete('zsh');
    assert.equal(zsh.code, 0, zsh.stderr);
    assert.match(zsh.stdout, /^#compdef berth\n/);
    assert.match(zsh.stdout, /\n {4}'apps\\:create:create an app/);
    assert.match(zsh.stdout, /\n {4}local\|local:start\) candidates=\(--procfile -f --env -e --port -p --help -h\) ;;\n/);
    assert.match(zsh.stdout, /compdef _berth berth\n/);
  });

  it('refuses another shell with a usage error', async () => {
    const fish = await autocomplete('fish');
    assert.equal(fish.code, 2);
    assert.match(fish.stderr, /No completion for "fish": use bash or zsh\./);
  });
});
