import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../src/cli/cli-error.js';
import { EXIT_MARKER, RunOutputFilter } from '../../src/cli/run-output.js';
import { buildCommand, parseEnvFlags } from '../../src/cli/run-request.js';

const M = EXIT_MARKER;

/** Feeds the chunks through a filter; what it printed and the exit status it found. */
function run(chunks: string[], crlfToLf: boolean): { text: string; exitCode?: number } {
  const filter = new RunOutputFilter(crlfToLf);
  let text = '';
  let exitCode: number | undefined;
  for (const chunk of chunks) {
    const out = filter.push(chunk);
    text += out.text;
    if (out.exitCode !== undefined) {
      exitCode = out.exitCode;
      break;
    }
  }
  const rest = filter.end();
  text += rest.text;
  exitCode ??= rest.exitCode;
  return exitCode === undefined ? { text } : { text, exitCode };
}

const cases: [string, string[], boolean, { text: string; exitCode?: number }][] = [
  ['plain output passes through', ['hello\n', 'world\n'], false, { text: 'hello\nworld\n' }],
  ['the marker line is removed and read', [`hi\n${M}0\n`], false, { text: 'hi\n', exitCode: 0 }],
  ['a non-zero status is read', [`${M}127\n`], false, { text: '', exitCode: 127 }],
  ['a terminal marker line ending in CRLF is removed whole', [`out\r\n${M}3\r\n`], false, { text: 'out\r\n', exitCode: 3 }],
  ['a marker split across chunks is still found', ['out\n\uFFFF heroku-com', 'mand-exit-status: 4', '2\n'], false, { text: 'out\n', exitCode: 42 }],
  ['digits split before the newline are not cut short', [`${M}1`, '27\n'], false, { text: '', exitCode: 127 }],
  ['a marker after output without a newline is removed', [`no newline${M}5\n`], false, { text: 'no newline', exitCode: 5 }],
  ['a marker at the very end without a newline is read at close', [`x\n${M}9`], false, { text: 'x\n', exitCode: 9 }],
  ['a lone U+FFFF that is not a marker is printed', ['a\uFFFFb\n'], false, { text: 'a\uFFFFb\n' }],
  ['a partial marker never completed is printed at close', ['x\uFFFF heroku'], false, { text: 'x\uFFFF heroku' }],
  ['no marker means no status', ['bye\n'], false, { text: 'bye\n' }],
  ['CRLF becomes LF for a pipe', ['a\r\nb\r\n'], true, { text: 'a\nb\n' }],
  ['a CRLF split across chunks becomes LF', ['a\r', '\nb'], true, { text: 'a\nb' }],
  ['a lone CR is kept', ['progress\rdone\n'], true, { text: 'progress\rdone\n' }],
  ['a CR at the very end is kept', ['a\r'], true, { text: 'a\r' }],
  ['CRLF stays for a terminal', ['a\r\n'], false, { text: 'a\r\n' }],
  ['CRLF output and a CRLF marker for a pipe', [`one\r\ntwo\r\n${M}0\r\n`], true, { text: 'one\ntwo\n', exitCode: 0 }],
  ['a CR held back before a split marker stays a CR', ['a\r', `\uFFFF heroku-command-exit-status: 1\r\n`], true, { text: 'a\r', exitCode: 1 }],
];

for (const [name, chunks, crlfToLf, expected] of cases) {
  test(`the run output filter: ${name}`, () => {
    assert.deepEqual(run(chunks, crlfToLf), expected);
  });
}

test('every split of a marker stream into two chunks gives the same output and status', () => {
  const stream = `line one\r\nline two\r\n${M}17\r\n`;
  for (let i = 0; i <= stream.length; i++) {
    assert.deepEqual(run([stream.slice(0, i), stream.slice(i)], true), { text: 'line one\nline two\n', exitCode: 17 }, `split at ${i}`);
  }
});

const commands: [string[], string][] = [
  [['bash'], 'bash'],
  [['rake test'], 'rake test'],
  [['ls', '-la', '/app'], 'ls -la /app'],
  [['echo', 'two words'], "echo 'two words'"],
  [['echo', 'say "hi"'], `echo 'say "hi"'`],
  [['node', '-e', 'process.exit(3)'], "node -e 'process.exit(3)'"],
  [['echo', "it's"], "echo 'it'\\''s'"],
  [['echo', ''], "echo ''"],
];

for (const [args, expected] of commands) {
  test(`run builds the command line ${JSON.stringify(expected)} from ${JSON.stringify(args)}`, () => {
    assert.equal(buildCommand(args), expected);
  });
}

test('run reads -e values, repeated or split with semicolons', () => {
  assert.deepEqual(parseEnvFlags(['A=1', 'B=x=y;C= spaced ', 'D=']), { A: '1', B: 'x=y', C: 'spaced', D: '' });
  assert.throws(() => parseEnvFlags(['NOEQUALS']), UsageError);
  assert.throws(() => parseEnvFlags(['1BAD=x']), UsageError);
});
