import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { PlatformError } from '../../src/core/errors.js';
import {
  drainOverflowMessage,
  escapeControlCharacters,
  formatLogLine,
  formatLogTime,
  httpsDrainFrame,
  type LogLine,
  matchesFilter,
  octetFrame,
  parseLogFilter,
  splitByBytes,
  syslogDrainFrame,
  syslogPriority,
  tailOverflowMessage,
  utf8ByteLength,
} from '../../src/core/log-line.js';

// 2026-11-22T10:00:00.123456Z in microseconds.
const T = Date.UTC(2026, 10, 22, 10, 0, 0) * 1000 + 123_456;
const line = (process: string, message = 'hello', source: LogLine['source'] = 'app'): LogLine => ({ time: T, source, process, message });

describe('log line formatting', () => {
  it('prints microseconds and a +00:00 offset', () => {
    assert.equal(formatLogTime(T), '2026-11-22T10:00:00.123456+00:00');
    assert.equal(formatLogTime(Date.UTC(2026, 0, 1) * 1000 + 7), '2026-01-01T00:00:00.000007+00:00');
  });

  it('prints a line the way logplex format/4 does', () => {
    assert.equal(formatLogLine(line('web.1', 'Listening on 5000')), '2026-11-22T10:00:00.123456+00:00 app[web.1]: Listening on 5000');
    assert.equal(formatLogLine(line('router', 'at=info', 'heroku')), '2026-11-22T10:00:00.123456+00:00 heroku[router]: at=info');
  });

  it('matches the colouring regex of the official CLI', () => {
    const match = /^(.*?\[([\w-]+)([\d.]+)?]:)(.*)?$/.exec(formatLogLine(line('web.1')));
    assert.equal(match?.[2], 'web');
    assert.equal(match?.[3], '.1');
  });

  it('words L10 and L11 as Heroku does', () => {
    assert.equal(drainOverflowMessage(55, T), 'Error L10 (output buffer overflow): 55 messages dropped since 2026-11-22T10:00:00+00:00.');
    assert.equal(
      tailOverflowMessage(1101, T),
      'Error L11 (Tail buffer overflow) -> This tail session dropped 1101 messages since 2026-11-22T10:00:00+00:00.',
    );
  });
});

describe('control characters and long lines', () => {
  it('renders escape sequences visibly and keeps tabs', () => {
    assert.equal(escapeControlCharacters('\x1b[31mred\x1b[0m\tok'), '\\x1b[31mred\\x1b[0m\tok');
    assert.equal(escapeControlCharacters('bell\x07 nul\x00 del\x7f csi\u009b'), 'bell\\x07 nul\\x00 del\\x7f csi\\u009b');
    assert.equal(escapeControlCharacters('carriage\rreturn'), 'carriage\\x0dreturn');
  });

  it('leaves ordinary text, backslashes and non-ASCII alone', () => {
    for (const text of ['plain', 'C:\\path\\x1b', 'é ü 日本 🚀', '']) assert.equal(escapeControlCharacters(text), text);
  });

  it('counts UTF-8 bytes', () => {
    assert.equal(utf8ByteLength('abc'), 3);
    assert.equal(utf8ByteLength('é'), 2);
    assert.equal(utf8ByteLength('日'), 3);
    assert.equal(utf8ByteLength('🚀'), 4);
    assert.equal(utf8ByteLength('\ud800'), 3);
  });

  it('splits by bytes without cutting a character in two', () => {
    assert.deepEqual(splitByBytes('abcdef', 4), ['abcd', 'ef']);
    assert.deepEqual(splitByBytes('aé🚀b', 3), ['aé', '🚀', 'b']);
    const big = 'x'.repeat(25_000);
    assert.deepEqual(splitByBytes(big).map((p) => p.length), [10_000, 10_000, 5_000]);
  });
});

describe('filters', () => {
  const cases: Array<[string, { source?: unknown; dyno?: unknown }, LogLine, boolean]> = [
    ['no filter matches everything', {}, line('web.1'), true],
    ['a process type matches its dynos', { dyno: 'web' }, line('web.2'), true],
    ['a process type matches itself', { dyno: 'web' }, line('web'), true],
    ['a process type does not match a longer type', { dyno: 'web' }, line('webhook.1'), false],
    ['a dyno name matches only that dyno', { dyno: 'web.1' }, line('web.12'), false],
    ['a dyno name matches heroku lines about it', { dyno: 'web.1' }, line('web.1', 'State changed', 'heroku'), true],
    ['router selects the router', { dyno: 'router' }, line('router', 'at=info', 'heroku'), true],
    ['source app drops heroku lines', { source: 'app' }, line('router', 'at=info', 'heroku'), false],
    ['source heroku keeps them', { source: 'heroku', dyno: 'router' }, line('router', 'at=info', 'heroku'), true],
  ];
  for (const [name, input, subject, expected] of cases) {
    it(name, () => assert.equal(matchesFilter(subject, parseLogFilter(input)), expected));
  }

  it('treats empty strings and null as no filter', () => {
    assert.deepEqual(parseLogFilter({ source: '', dyno: null }), {});
  });

  for (const bad of [{ source: 'router' }, { dyno: 'web 1' }, { dyno: 5 }, { dyno: '../x' }]) {
    it(`refuses ${JSON.stringify(bad)} with invalid_params naming the rule`, () => {
      assert.throws(() => parseLogFilter(bad), (err: unknown) => err instanceof PlatformError && err.id === 'invalid_params' && /use|name/.test(err.message));
    });
  }
});

describe('drain frames', () => {
  it('uses Heroku priorities per source', () => {
    assert.equal(syslogPriority(line('web.1')), 190);
    assert.equal(syslogPriority(line('router', '', 'heroku')), 158);
    assert.equal(syslogPriority(line('web.1', '', 'heroku')), 45);
    assert.equal(syslogPriority(line('logplex', '', 'heroku')), 172);
  });

  it('octet-counts in bytes, newline included', () => {
    assert.equal(octetFrame('héllo\n'), '7 héllo\n');
  });

  it('frames HTTPS drain lines with host as HOSTNAME and no structured data', () => {
    const frame = httpsDrainFrame(line('web.3', 'State changed from starting to up', 'heroku'));
    const body = '<45>1 2026-11-22T10:00:00.123456+00:00 host heroku web.3 - State changed from starting to up\n';
    assert.equal(frame, `${Buffer.byteLength(body)} ${body}`);
  });

  it('frames syslog drain lines with the drain token as HOSTNAME', () => {
    const frame = syslogDrainFrame(line('web.1', 'hi 🚀'), 'd.0b1e');
    const body = '<190>1 2026-11-22T10:00:00.123456+00:00 d.0b1e app web.1 - - hi 🚀\n';
    assert.equal(frame, `${Buffer.byteLength(body)} ${body}`);
  });
});
