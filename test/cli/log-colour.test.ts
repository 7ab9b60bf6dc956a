import assert from 'node:assert/strict';
import { test } from 'node:test';
import { colours } from '../../src/cli/colour.js';
import { colourFor, colouriseLogLine, LOG_LINE } from '../../src/cli/log-colour.js';

const on = colours(true);
const off = colours(false);
const T = '2026-11-22T10:00:00.000000+00:00';

test('the log line pattern splits the header, process name and message', () => {
  const match = LOG_LINE.exec(`${T} app[web.1]: Listening on 5000`);
  assert.deepEqual(match && [match[1], match[2], match[3], match[4]], [`${T} app[web.1]:`, 'web', '.1', ' Listening on 5000']);
});

const cases: [string, string, string][] = [
  ['an app line gets its process colour on the header', `${T} app[web.1]: Listening on 5000`, `${colourFor('web', on)(`${T} app[web.1]:`)} Listening on 5000`],
  ['a router line gets its status coloured', `${T} heroku[router]: at=info method=GET path="/" status=200 bytes=5`, `${colourFor('router', on)(`${T} heroku[router]:`)} at=info method=GET path="/" status=${on.green('200')} bytes=5`],
  ['a router error line gets at=error and a 5xx in red', `${T} heroku[router]: at=error code=H12 status=503`, `${colourFor('router', on)(`${T} heroku[router]:`)} at=${on.red('error')} code=H12 status=${on.red('503')}`],
  ['a state change gets both states coloured', `${T} heroku[web.1]: State changed from starting to up`, `${colourFor('web', on)(`${T} heroku[web.1]:`)} State changed from ${on.cyan('starting')} to ${on.green('up')}`],
  ['a crash exit status is red', `${T} heroku[worker.2]: Process exited with status 1`, `${colourFor('worker', on)(`${T} heroku[worker.2]:`)} Process exited with status ${on.red('1')}`],
  ['an R14 error is red', `${T} heroku[web.1]: Error R14 (Memory quota exceeded)`, `${colourFor('web', on)(`${T} heroku[web.1]:`)} ${on.red('Error R14 (Memory quota exceeded)')}`],
  ['a line without a header is unchanged', 'plain text without a header', 'plain text without a header'],
];

for (const [name, line, expected] of cases) {
  test(`the log colouriser: ${name}`, () => {
    assert.equal(colouriseLogLine(line, on), expected);
  });
}

test('dynos of one process type share a colour, and it is stable', () => {
  const header = (p: string) => colouriseLogLine(`${T} app[${p}]: x`, on).split(`${T}`)[0];
  assert.equal(header('web.1'), header('web.2'));
  assert.equal(colourFor('clock', on)('x'), colourFor('clock', on)('x'));
  assert.notEqual(colourFor('web', on)('x'), colourFor('router', on)('x'));
});

test('the message is trimmed after the header, as the official CLI prints it', () => {
  assert.equal(colouriseLogLine(`${T} app[web.1]:   indented`, off), `${T} app[web.1]: indented`);
});
