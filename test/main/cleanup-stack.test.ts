import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CleanupStack } from '../../src/main/cleanup-stack.js';

describe('the cleanup stack', () => {
  it('undoes the newest step first, keeps going past a failure and runs each cleanup once', async () => {
    const done: string[] = [];
    const errors: unknown[] = [];
    const stack = new CleanupStack((err) => errors.push(err));
    stack.defer(() => void done.push('unlock'));
    stack.defer(async () => {
      done.push('close store');
      throw new Error('store already closed');
    });
    stack.defer(async () => void done.push('stop agent'));
    await stack.unwind();
    await stack.unwind();
    assert.deepEqual(done, ['stop agent', 'close store', 'unlock']);
    assert.deepEqual(errors.map((e) => (e as Error).message), ['store already closed']);
  });

  it('turns a cleanup that throws synchronously into a reported error', async () => {
    const errors: unknown[] = [];
    const stack = new CleanupStack((err) => errors.push(err));
    stack.defer(() => {
      throw new Error('boom');
    });
    await stack.unwind();
    assert.equal(errors.length, 1);
  });
});
