import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDotenv, parseDotenv, quoteValue } from '../../src/cli/dotenv.js';

const cases: [string, string, Record<string, string>][] = [
  ['a plain assignment', 'A=1', { A: '1' }],
  ['spaces around the equals sign', 'A = one two ', { A: 'one two' }],
  ['an export prefix', 'export DATABASE_URL=postgres://x', { DATABASE_URL: 'postgres://x' }],
  ['an empty value', 'EMPTY=', { EMPTY: '' }],
  ['an equals sign inside the value', 'URL=https://x/?a=1&b=2', { URL: 'https://x/?a=1&b=2' }],
  ['comment lines and blank lines', '# top\n\n  # indented\nA=1\n', { A: '1' }],
  ['a comment after an unquoted value', 'A=1 # the count', { A: '1' }],
  ['a hash without a space before it', 'COLOUR=#fff', { COLOUR: '#fff' }],
  ['double quotes with escapes', 'A="line1\\nline2 \\"q\\" \\\\ \\$HOME \\t"', { A: 'line1\nline2 "q" \\ $HOME \t' }],
  ['single quotes kept literally', "A='no \\n escape # here'", { A: 'no \\n escape # here' }],
  ['backticks kept literally', 'A=`it\'s "x"`', { A: 'it\'s "x"' }],
  ['a comment after a closing quote', 'A="x" # note', { A: 'x' }],
  ['a double-quoted value over several lines', 'KEY="-----BEGIN\nabc\n-----END"\nB=2', { KEY: '-----BEGIN\nabc\n-----END', B: '2' }],
  ['CRLF line endings', 'A=1\r\nB="2"\r\n', { A: '1', B: '2' }],
  ['a later line winning', 'A=1\nA=2', { A: '2' }],
  ['a byte order mark', '\uFEFFA=1', { A: '1' }],
  ['names like __proto__ as plain names', '__proto__=x\nconstructor=y', { ['__proto__']: 'x', constructor: 'y' }],
];

for (const [name, text, expected] of cases) {
  test(`the .env parser reads ${name}`, () => {
    const result = parseDotenv(text);
    assert.deepEqual(result.problems, []);
    assert.deepEqual({ ...result.vars }, { ...expected });
    assert.deepEqual(Object.keys(result.vars), Object.keys(expected));
  });
}

const problems: [string, string, number, RegExp][] = [
  ['a line without an equals sign', 'A=1\nJUST_A_NAME', 2, /expected KEY=value/],
  ['a name starting with a digit', '1A=x', 1, /not a valid name/],
  ['a name with a dash', 'MY-VAR=x', 1, /not a valid name/],
  ['an unclosed double quote', 'A="open\nB=2', 1, /never closed/],
  ['text after a closing quote', "A='x'y", 1, /after the closing/],
];

for (const [name, text, line, message] of problems) {
  test(`the .env parser reports ${name} with its line number`, () => {
    const [problem, ...rest] = parseDotenv(text).problems;
    assert.deepEqual(rest, []);
    assert.equal(problem?.line, line);
    assert.match(problem?.message ?? '', message);
  });
}

const quotes: [string, string][] = [
  ['plain', 'plain'],
  ['two words', "'two words'"],
  ['#hash', "'#hash'"],
  ['$HOME', "'$HOME'"],
  ["it's", '"it\'s"'],
  ['a\nb', '"a\\nb"'],
  ['"$x`!\\\'', '"\\"\\$x\\`\\!\\\\\'"'],
  ['', ''],
];

for (const [value, quoted] of quotes) {
  test(`quoteValue quotes ${JSON.stringify(value)} as the official CLI does`, () => {
    assert.equal(quoteValue(value), quoted);
  });
}

test('every value formatDotenv writes reads back the same', () => {
  const vars: Record<string, string> = {
    PLAIN: 'abc',
    SPACES: '  padded  ',
    QUOTES: `single ' double " back \``,
    NEWLINES: 'one\ntwo\r\nthree\n',
    SHELL: '$HOME `cmd` !x \\n # not a comment',
    EMPTY: '',
    UNICODE: 'café ☕ 日本',
    TAB: 'a\tb',
    EQUALS: 'a=b=c',
  };
  const text = formatDotenv(vars);
  assert.match(text, /^EMPTY=\nEQUALS='a=b=c'\n/);
  const parsed = parseDotenv(text);
  assert.deepEqual(parsed.problems, []);
  assert.deepEqual(parsed.vars, vars);
});
