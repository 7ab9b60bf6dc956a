import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { formatRuntimeMetrics } from '../../src/logplex/runtime-metrics.js';

const MB = 1024 * 1024;

describe('runtime metrics', () => {
  it('print memory and load samples the way Heroku does', () => {
    const [memory, load] = formatRuntimeMetrics({
      source: 'web.1',
      dyno: 'heroku.2808254.d97d0ea7-cf3d-411b-b453-d2943a50b456',
      memory: { total: 21 * MB, rss: 21.22 * MB, cache: 0, swap: 0, pgpgin: 348836, pgpgout: 343403, quota: 512 * MB },
      load: { avg1m: 0.004, avg5m: 0.125, avg15m: 1 },
    });
    assert.equal(
      memory,
      'source=web.1 dyno=heroku.2808254.d97d0ea7-cf3d-411b-b453-d2943a50b456 sample#memory_total=21.00MB sample#memory_rss=21.22MB' +
        ' sample#memory_cache=0.00MB sample#memory_swap=0.00MB sample#memory_pgpgin=348836pages sample#memory_pgpgout=343403pages' +
        ' sample#memory_quota=512.00MB',
    );
    assert.equal(
      load,
      'source=web.1 dyno=heroku.2808254.d97d0ea7-cf3d-411b-b453-d2943a50b456 sample#load_avg_1m=0.00 sample#load_avg_5m=0.13 sample#load_avg_15m=1.00',
    );
  });
});
