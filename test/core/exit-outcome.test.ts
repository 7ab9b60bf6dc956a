import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exitOutcome, type ExitFacts } from '../../src/core/exit-outcome.js';

const exited = (code: number | null, oomKilled = false, sandboxError?: string): ExitFacts['end'] => ({ kind: 'exited', code, oomKilled, sandboxError });
const facts = (over: Partial<ExitFacts>): ExitFacts => ({ state: 'up', stopping: false, oneOff: false, end: exited(1), lastError: null, crashCount: 0, ...over });

describe('exitOutcome', () => {
  it('crashes a formation dyno that exits on its own, counting the crash', () => {
    assert.deepEqual(exitOutcome(facts({ end: exited(1), crashCount: 2 })), {
      state: 'crashed',
      lines: ['Process exited with status 1', 'State changed from up to crashed'],
      lastError: 'exit 1',
      crashCount: 3,
    });
  });

  it('takes down a dyno that was asked to stop, shown as going from up to down', () => {
    assert.deepEqual(exitOutcome(facts({ state: 'stopping', stopping: true, end: exited(143) })), {
      state: 'down',
      lines: ['Process exited with status 143', 'State changed from up to down'],
    });
  });

  it('completes a one-off dyno whatever its exit status, and takes it down when stopped', () => {
    assert.deepEqual(exitOutcome(facts({ oneOff: true, end: exited(3) })).lines, ['Process exited with status 3', 'State changed from up to complete']);
    assert.deepEqual(exitOutcome(facts({ oneOff: true, stopping: true, state: 'stopping', end: exited(143) })).lines, ['Process exited with status 143', 'State changed from up to down']);
  });

  it('blames the memory ceiling (R15) for an OOM kill, unless the dyno was being stopped', () => {
    const oom = exitOutcome(facts({ end: exited(137, true) }));
    assert.equal(oom.state === 'crashed' && oom.lastError, 'R15');
    assert.deepEqual(oom.lines.slice(0, 2), ['Error R15 (Memory quota vastly exceeded)', 'Stopping process with SIGKILL']);
    assert.deepEqual(exitOutcome(facts({ stopping: true, state: 'stopping', end: exited(137, true) })).lines, ['Process exited with status 137', 'State changed from up to down']);
  });

  it('does not repeat R15 when memory sampling already logged the kill that ended the dyno', () => {
    const outcome = exitOutcome(facts({ end: { kind: 'exited', code: 137, oomKilled: true, oomReported: true } }));
    assert.equal(outcome.state === 'crashed' && outcome.lastError, 'R15');
    assert.deepEqual(outcome.lines, ['Stopping process with SIGKILL', 'Process exited with status 137', 'State changed from up to crashed']);
  });

  it('keeps the reason noted before the exit, such as R10 after a boot timeout', () => {
    const outcome = exitOutcome(facts({ state: 'starting', lastError: 'R10', end: exited(137) }));
    assert.deepEqual(outcome.state === 'crashed' && [outcome.lastError, outcome.lines.at(-1)], ['R10', 'State changed from starting to crashed']);
  });

  it('reports a sandbox failure as the platform’s fault (R99) before the exit line', () => {
    assert.deepEqual(exitOutcome(facts({ state: 'starting', end: exited(null, false, 'bwrap: setting up uid map') })).lines, [
      'Error R99 (Platform error) -> bwrap: setting up uid map',
      'Process exited with status unknown',
      'State changed from starting to crashed',
    ]);
  });

  it('crashes a formation dyno that could not start, without an exit line; a one-off completes', () => {
    const end = { kind: 'start-failed' as const, error: 'no space left on device' };
    assert.deepEqual(exitOutcome(facts({ state: 'starting', end })), {
      state: 'crashed',
      lines: ['Error R99 (Platform error) -> the dyno could not be started: no space left on device', 'State changed from starting to crashed'],
      lastError: 'R99',
      crashCount: 1,
    });
    assert.deepEqual(exitOutcome(facts({ state: 'starting', oneOff: true, end })).lines.slice(1), ['Process exited with status unknown', 'State changed from starting to complete']);
  });
});
