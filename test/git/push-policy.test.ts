import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decidePush } from '../../src/git/push-policy.js';

const ZERO = '0'.repeat(40);
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const update = (ref: string, oldSha = ZERO, newSha = A) => ({ oldSha, newSha, ref });

describe('what a push means', () => {
  it('main deploys, with notes for the other branches pushed alongside', () => {
    const main = update('refs/heads/main');
    assert.deepEqual(decidePush([update('refs/heads/feature'), main, update('refs/tags/v1')]), {
      kind: 'deploy',
      deploy: main,
      notes: ['-----> Pushed to non-deploy branch feature; only main or master deploys.'],
    });
  });

  it('master deploys too, and a force push is just another update', () => {
    const master = update('refs/heads/master', A, B);
    assert.deepEqual(decidePush([master]), { kind: 'deploy', deploy: master, notes: [] });
  });

  it('other branches and tags are stored without deploying', () => {
    assert.deepEqual(decidePush([update('refs/heads/mainline'), update('refs/heads/old', A, ZERO), update('refs/tags/v2')]), {
      kind: 'store',
      notes: [
        '-----> Pushed to non-deploy branch mainline; only main or master deploys.',
        '-----> Deleted branch old (only main or master deploys).',
      ],
    });
  });

  it('deleting main or master is refused', () => {
    for (const ref of ['refs/heads/main', 'refs/heads/master']) {
      const decision = decidePush([update(ref, A, ZERO)]);
      assert.equal(decision.kind, 'reject');
      assert.match(decision.kind === 'reject' ? decision.lines[0] ?? '' : '', /^ !     Deleting the (main|master) branch is not allowed/);
    }
  });

  it('updating main and master in one push is refused as ambiguous', () => {
    const decision = decidePush([update('refs/heads/main'), update('refs/heads/master')]);
    assert.equal(decision.kind, 'reject');
  });
});
