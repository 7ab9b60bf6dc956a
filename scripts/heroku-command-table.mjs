#!/usr/bin/env node
// Writes docs/heroku-cli.md: every command of the pinned official heroku CLI (devDependencies)
// and what it does against Berth. "tested" means a test in this repository runs that command
// of the real CLI against a real Berth (found by scanning the tests that start the CLI binary);
// the other statuses come from the rules below. Run after adding a CLI test or upgrading the CLI:
//   node scripts/heroku-command-table.mjs        (test/docs/heroku-cli-table.test.ts checks it is current)
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The pinned CLI's visible commands (id and summary). */
export function cliCommands() {
  const env = { ...process.env, DISABLE_TELEMETRY: 'true', HEROKU_UPDATE_INSTANCE_DISABLED: '1' };
  delete env.NODE_EXTRA_CA_CERTS;
  const out = execFileSync(join(root, 'node_modules', '.bin', 'heroku'), ['commands', '--json'], { env, encoding: 'utf8', timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
  const seen = new Map();
  for (const c of JSON.parse(out)) if (!c.hidden && !seen.has(c.id)) seen.set(c.id, { summary: (c.summary ?? c.description ?? '').split('\n')[0], aliases: c.aliases ?? [] });
  return [...seen].map(([id, { summary, aliases }]) => ({ id, summary, aliases })).sort((a, b) => a.id.localeCompare(b.id));
}

/** Each command id with the ids that run the same command (`logout` and `auth:logout`, `ps:kill` and `ps:stop`). */
function aliasGroups(commands) {
  const group = new Map(commands.map((c) => [c.id, new Set([c.id])]));
  for (const c of commands) {
    for (const alias of c.aliases ?? []) {
      const a = group.get(c.id);
      const b = group.get(alias) ?? new Set([alias]);
      if (a === b) continue;
      for (const id of b) a.add(id);
      for (const id of a) group.set(id, a);
    }
  }
  return group;
}

function testFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? testFiles(path) : /\.test\.ts$/.test(name) ? [path] : [];
  });
}

/** Commands the tests run with the real CLI: arrays starting with a command id, in files that start the CLI binary. */
export function testedCommands(ids) {
  const known = new Set(ids);
  const tested = new Map();
  for (const file of testFiles(join(root, 'test'))) {
    const text = readFileSync(file, 'utf8');
    // …or run it through test/support/heroku-cli.ts (runHeroku, runHerokuPrompted).
    if (!/'node_modules', '\.bin', 'heroku'|join\(BIN, 'heroku'\)|support\/heroku-cli\.js'/.test(text)) continue;
    // `heroku(['apps:info', …])`, `run(t, HEROKU, ['ps', …])` or `heroku(t, 'webhooks:add', …)`.
    for (const m of text.matchAll(/(?:\[|\(\s*t\s*,)\s*'([a-z0-9][a-z0-9:-]*)'/g)) {
      if (known.has(m[1]) && !tested.has(m[1])) tested.set(m[1], file.slice(root.length + 1));
    }
  }
  return tested;
}

/**
 * Commands that send the key to a Heroku host whatever the environment says: they are listed as
 * `heroku` even when a test runs them (a test here has no network, so it only sees them fail).
 */
const LEAKS = [
  [/^(pipelines:diff|pipelines:connect|pipelines:setup|reviewapps:enable|reviewapps:disable|ci:run|ci:rerun|ci:debug)$/, 'heroku', "sends your key to Heroku's GitHub-link service (kolkrabbi.heroku.com) whatever you set: do not run it with a Berth key (berth pipelines:diff, berth reviewapps:*)"],
];

/** What a command that no test runs does against Berth, by rule (first match wins). */
const RULES = [
  [/^(help|commands|version|version:info|which|update|autocomplete|search|repl|plugins|plugins:.*|local|local:.*|mcp:start)$/, 'local', 'runs on your machine; no API calls'],
  [/^(notifications|status|apps:errors|usage:addons)$/, 'heroku', "talks to Heroku's own services (not Berth): do not run it with a Berth key"],
  [/^(2fa|2fa:.*|auth:2fa.*|twofactor.*)$/, 'no', 'two-factor auth is not part of Berth'],
  [/^(ci|ci:.*)$/, 'no', 'Heroku CI is not part of Berth'],
  [/^container:.*$/, 'no', 'container builds need a registry; Berth builds with buildpacks'],
  [/^(spaces|spaces:.*|drains:get|drains:set|ps:socks|ps:exec|ps:forward|ps:copy)$/, 'no', 'Private Spaces and Heroku Exec are not part of Berth'],
  [/^pg:diagnose$/, 'no', "needs Heroku's pgdiagnose service: with berth heroku-env's PGDIAGNOSE_URL it asks Berth, which has none, and fails (without it the CLI sends the database URL and your key to pgdiagnose.herokai.com)"],
  [/^(telemetry|telemetry:.*|data:.*|pg:upgrade.*|pg:links.*|pg:promote|pg:unfollow|pg:connection-pooling:attach|redis:promote|redis:upgrade|pg:settings.*|pg:credentials:(create|destroy|repair-default)|pg:fork)$/, 'no', "a Heroku Data feature Berth's PostgreSQL/Redis do not offer yet"],
  [/^(orgs|orgs:open|apps:favorites.*|ps:autoscale:.*|ps:type|dyno:.*)$/, 'no', 'not implemented'],
  [/^certs:generate$/, 'no', 'certificate signing requests are not implemented; automatic certificates (certs:auto) are'],
  [/^(pg:locks|pg:blocking|pg:ps|pg:long-running-queries)$/, 'no', "runs, but lists no other session's query: Berth's database logins act as the database's group role (SET role), and PostgreSQL shows a session's query only to its own login role"],
  [/^(pg:outliers|pg:calls)$/, 'no', 'needs the pg_stat_statements extension, which Berth\'s PostgreSQL does not install yet'],
  [/^(apps:join|join|apps:lock|lock|apps:unlock|unlock)$/, 'no', 'app locking and joining are not part of Berth: every team member sees every team app (view) and a team admin grants more (access:update)'],
  [/^clients:(create|destroy|info|rotate|update)$/, 'no', 'OAuth clients (third-party apps that ask users to authorize them) are not part of Berth: `heroku clients` lists none; scripts use `heroku authorizations:create` keys'],
  [/^addons:open$/, 'no', "Berth's add-ons have no dashboard of their own (web_url is null), so there is nothing to open; `heroku addons:info` shows what a dashboard would"],
  [/^accounts:set$/, 'no', "writes the cached key into .netrc for api.heroku.com and git.heroku.com whatever HEROKU_HOST says, so it does not switch the account Berth sees (log in again with `heroku login -i`)"],
  [/^accounts:current$/, 'no', "reads the login .netrc holds for api.heroku.com whatever HEROKU_HOST says, so it never names the account Berth sees (`heroku whoami` does)"],
  [/^releases:retry$/, 'no', "the CLI first looks for a `release` entry in the formation, which Berth leaves out (the release phase is not a formation entry); POST /apps/:app/releases {\"slug\"} re-runs the release phase"],
  [/^(pipelines:connect|pipelines:setup|pipelines:transfer|pipelines:open|reviewapps:.*)$/, 'no', "needs Heroku's GitHub integration; use `berth reviewapps*`"],
];

export function tableFor(commands, tested) {
  const groups = aliasGroups(commands);
  const rows = commands.map(({ id, summary }) => {
    const leak = LEAKS.find(([re]) => re.test(id));
    if (leak) return { id, status: leak[1], note: leak[2], summary };
    if (tested.has(id)) return { id, status: 'tested', note: `exercised by ${tested.get(id)}`, summary };
    // An alias runs the same command: tested when the command or another alias is.
    const twin = [...(groups.get(id) ?? [])].sort().find((other) => tested.has(other));
    if (twin) return { id, status: 'tested', note: `exercised by ${tested.get(twin)} (as \`heroku ${twin}\`)`, summary };
    const rule = RULES.find(([re]) => re.test(id));
    return rule ? { id, status: rule[1], note: rule[2], summary } : { id, status: 'untested', note: 'not run by any test; may work', summary };
  });
  const count = (s) => rows.filter((r) => r.status === s).length;
  const cell = (text) => text.replace(/\|/g, '\\|');
  return [
    '# The official heroku CLI against Berth',
    '',
    `Every command of the pinned \`heroku\` CLI (${rows.length} commands; devDependencies in package.json) and what it does`,
    'against Berth, written by `node scripts/heroku-command-table.mjs` (a test fails when this file',
    'is out of date). Set the environment from `berth heroku-env` first, so nothing goes to Heroku.',
    '',
    '| status | meaning | commands |',
    '|---|---|---|',
    `| tested | a test runs this command of the real CLI against a real Berth and checks the result | ${count('tested')} |`,
    `| untested | Berth may serve it; no test runs it yet | ${count('untested')} |`,
    `| local | runs on your machine, no API call | ${count('local')} |`,
    `| heroku | talks to Heroku's own services (sending your key there): never run it with a Berth key | ${count('heroku')} |`,
    `| no | needs a feature Berth does not have (the note says which) | ${count('no')} |`,
    '',
    '| command | status | note | what it does |',
    '|---|---|---|---|',
    ...rows.map((r) => `| \`heroku ${r.id}\` | ${r.status} | ${cell(r.note)} | ${cell(r.summary)} |`),
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const commands = cliCommands();
  const text = tableFor(commands, testedCommands(commands.map((c) => c.id)));
  writeFileSync(join(root, 'docs', 'heroku-cli.md'), text);
  process.stdout.write(`docs/heroku-cli.md: ${commands.length} commands\n`);
}
