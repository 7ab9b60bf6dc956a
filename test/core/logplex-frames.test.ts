import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLogplexFrames } from '../../src/core/logplex-frames.js';

const frame = (procId: string, message: string) => {
  const text = `<190>1 2026-01-01T00:00:00Z host app ${procId} - ${message}`;
  return `${new TextEncoder().encode(text).length} ${text}`;
};

describe('logplex frames', () => {
  it('reads octet-counted RFC 5424 messages, counting UTF-8 octets', () => {
    assert.deepEqual(parseLogplexFrames(frame('acme', 'one') + frame('acme.2', 'zwei – ü'), 10), {
      ok: true,
      frames: [
        { procId: 'acme', message: 'one' },
        { procId: 'acme.2', message: 'zwei – ü' },
      ],
    });
    assert.deepEqual(parseLogplexFrames('', 10), { ok: true, frames: [] });
  });

  it('refuses a missing length, a wrong length, a non-RFC 5424 frame and too many frames', () => {
    for (const [body, reason] of [
      ['hello', /does not start with its length/],
      ['99 <190>1 2026-01-01T00:00:00Z h a p - short', /does not match its length 99/],
      ['5 hello', /not an RFC 5424 message/],
      [frame('a', '1') + frame('a', '2') + frame('a', '3'), /more than 2 frames/],
    ] as const) {
      const parsed = parseLogplexFrames(body, 2);
      assert.equal(parsed.ok, false);
      if (!parsed.ok) assert.match(parsed.reason, reason);
    }
  });
});
