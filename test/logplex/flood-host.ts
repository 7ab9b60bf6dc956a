// Child process for the memory test: hosts LogChannels on argv[2], ingests 100 MB printed without
// a newline by a grandchild writer through a real pipe, prints {lastSeq, maxLineBytes, grewMb}.
import { spawn } from 'node:child_process';

import { LogChannels } from '../../src/logplex/log-channels.js';

const writer = `
  const block = Buffer.alloc(1024 * 1024, 'a');
  let left = 100;
  const write = () => { while (left > 0) { left--; if (!process.stdout.write(block)) return process.stdout.once('drain', write); } };
  write();
`;

const channels = await LogChannels.open({ dir: process.argv[2] as string });
const child = spawn(process.execPath, ['-e', writer], { stdio: ['ignore', 'pipe', 'inherit'] });
const before = process.memoryUsage().rss;
let peak = before;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
await channels.ingest('flood', 'app', 'web.1', child.stdout);
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
await channels.close();
const history = channels.history('flood');
process.stdout.write(
  JSON.stringify({
    lastSeq: history.at(-1)?.seq,
    maxLineBytes: Math.max(...history.map((e) => Buffer.byteLength(e.line.message))),
    grewMb: Math.round((peak - before) / 1024 / 1024),
  }),
);
