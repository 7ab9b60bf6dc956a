// Logplex throughput and latency (prints JSON). Real processes: N writer processes print lines
// into pipes that LogChannels ingests; a tail client process reads an SSE tail session; an HTTP
// drain receiver process counts frames. Two phases:
//   saturated: writers print as fast as the pipes take it → lines/s, loss, latency under load;
//   paced:     writers print at a fixed total rate → write-to-tail latency p50/p99.
// Usage: node dist/bench/logs/throughput.js [--writers 4] [--seconds 5] [--rate 50000] [--drain-buffer 1024]
// Each writer line: `w=<writer> n=<seq> t=<wall ms> <padding>` (~100 bytes), written in 16 KB
// blocks as a stdio-buffered program would; `t` is taken when the block is written.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { DrainManager } from '../../src/logplex/drain-manager.js';
import { LogChannels } from '../../src/logplex/log-channels.js';
import { createLogSessionServer } from '../../src/logplex/log-session-server.js';
import { LogSessions } from '../../src/logplex/log-sessions.js';

const self = fileURLToPath(import.meta.url);
const wallMs = (): number => performance.timeOrigin + performance.now();
const role = process.argv[2];

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

// ---------------------------------------------------------------------------------------------
// writer: argv = writer <id> <seconds> <rate per second, 0 = as fast as possible>
async function writer(): Promise<void> {
  const id = process.argv[3];
  const seconds = Number(process.argv[4]);
  const rate = Number(process.argv[5]);
  const padding = 'x'.repeat(60);
  const end = Date.now() + seconds * 1000;
  let n = 0;
  const block = (count: number): string => {
    const t = wallMs().toFixed(3);
    let text = '';
    for (let i = 0; i < count; i++) text += `w=${id} n=${n++} t=${t} ${padding}\n`;
    return text;
  };
  if (rate === 0) {
    await new Promise<void>((resolve) => {
      const pump = (): void => {
        while (Date.now() < end) {
          if (!process.stdout.write(block(160))) return void process.stdout.once('drain', pump);
        }
        resolve();
      };
      pump();
    });
  } else {
    const tickMs = 5;
    const start = Date.now();
    while (Date.now() < end) {
      const due = Math.floor(((Date.now() - start) / 1000) * rate);
      if (due > n) process.stdout.write(block(due - n));
      await new Promise((resolve) => setTimeout(resolve, tickMs));
    }
  }
  process.stderr.write(`${JSON.stringify({ writer: id, lines: n })}\n`);
}

// ---------------------------------------------------------------------------------------------
// tail: argv = tail <url>; reads SSE, checks per-writer sequences, records latencies.
function tail(): void {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const latencies: number[] = [];
  const next = new Map<string, number>();
  let received = 0;
  let lost = 0;
  let l11 = 0;
  let first = 0;
  let last = 0;
  let rest = '';
  get(process.argv[3] as string, { headers: { Accept: 'text/event-stream' } }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const now = wallMs();
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('data: ')) continue;
        const w = line.indexOf(' w=');
        if (w === -1) {
          const m = /dropped (\d+) messages/.exec(line);
          if (m) l11 += Number(m[1]);
          continue;
        }
        const sp1 = line.indexOf(' ', w + 3);
        const sp2 = line.indexOf(' ', sp1 + 3);
        const sp3 = line.indexOf(' ', sp2 + 3);
        const writerId = line.slice(w + 3, sp1);
        const n = Number(line.slice(sp1 + 3, sp2));
        const t = Number(line.slice(sp2 + 3, sp3));
        const expected = next.get(writerId) ?? 0;
        if (n > expected) lost += n - expected;
        next.set(writerId, n + 1);
        latencies.push(now - t);
        received++;
        if (first === 0) first = now;
        last = now;
      }
    });
  });
  process.on('message', () => {
    const sorted = Float64Array.from(latencies).sort();
    process.send?.({
      received, lost, l11, seconds: (last - first) / 1000, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1),
      loopP99: loop.percentile(99) / 1e6, loopMax: loop.max / 1e6,
    });
  });
  process.send?.({ ready: true });
}

// ---------------------------------------------------------------------------------------------
// receiver: an HTTP drain endpoint counting frames and L10 drops per drain token.
function receiver(): void {
  const counts = new Map<string, { frames: number; dropped: number; first: number; last: number }>();
  const server = createServer((req, res) => {
    const token = String(req.headers['logplex-drain-token']);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const now = wallMs();
      const body = Buffer.concat(chunks).toString('utf8');
      const c = counts.get(token) ?? { frames: 0, dropped: 0, first: now, last: now };
      c.frames += Number(req.headers['logplex-msg-count']);
      for (const m of body.matchAll(/Error L10 \(output buffer overflow\): (\d+) messages/g)) {
        c.dropped += Number(m[1]);
        c.frames--;
      }
      c.last = now;
      counts.set(token, c);
      res.writeHead(200).end();
    });
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
  process.on('message', (token: string) => process.send?.(counts.get(token) ?? { frames: 0, dropped: 0, first: 0, last: 0 }));
}

// ---------------------------------------------------------------------------------------------
function ask<T>(child: ChildProcess, message: unknown): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as T));
    child.send(message as string);
  });
}

async function main(): Promise<void> {
  const writers = flag('writers', 4);
  const seconds = flag('seconds', 5);
  const rate = flag('rate', 50_000);
  const drainBuffer = flag('drain-buffer', 1024);
  const loadBefore = loadavg()[0];
  const dir = await mkdtemp(path.join(tmpdir(), 'berth-bench-logs-'));
  const channels = await LogChannels.open({ dir });
  const sessions = new LogSessions({ channels });
  const server = createLogSessionServer(sessions);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const drains = await DrainManager.open({ channels, bufferLines: drainBuffer });
  const drainReceiver = fork(self, ['receiver'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { port } = await new Promise<{ port: number }>((resolve) => drainReceiver.once('message', (m) => resolve(m as { port: number })));

  async function phase(name: string, perWriterRate: number): Promise<Record<string, unknown>> {
    const channel = `bench-${name}`;
    const drain = await drains.add(channel, `http://127.0.0.1:${port}/logs`);
    const { path: sessionPath } = sessions.issue(channel, { tail: true, lines: 0 });
    const tailer = fork(self, ['tail', `${base}${sessionPath}`], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise((resolve) => tailer.once('message', resolve));
    await new Promise((resolve) => setTimeout(resolve, 200)); // the tail's GET is in

    let ingested = 0;
    let firstIn = 0;
    let lastIn = 0;
    const off = channels.subscribe(channel, () => {
      const now = wallMs();
      if (ingested++ === 0) firstIn = now;
      lastIn = now;
    });
    const children = Array.from({ length: writers }, (_, i) =>
      spawn(process.execPath, [self, 'writer', String(i), String(seconds), String(perWriterRate)], { stdio: ['ignore', 'pipe', 'ignore'] }),
    );
    const cpuBefore = process.cpuUsage();
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    await Promise.all(children.map((child, i) => channels.ingest(channel, 'app', `web.${i + 1}`, child.stdout)));
    const cpu = process.cpuUsage(cpuBefore);
    loop.disable();

    // Wait (bounded) for the tail and the drain to catch up.
    let tailReport: Record<string, number> = {};
    let drainReport = { frames: 0, dropped: 0, first: 0, last: 0 };
    for (let i = 0; i < 200; i++) {
      tailReport = await ask<Record<string, number>>(tailer, 'report');
      drainReport = await ask<typeof drainReport>(drainReceiver, drain.token);
      const tailDone = (tailReport.received ?? 0) + (tailReport.l11 ?? 0) >= ingested;
      if (tailDone && drainReport.frames + drainReport.dropped >= ingested) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    off();
    tailer.kill();
    await drains.remove(channel, drain.token);
    const ingestSeconds = (lastIn - firstIn) / 1000;
    const drainSeconds = (drainReport.last - drainReport.first) / 1000;
    return {
      writers,
      targetLinesPerSec: perWriterRate === 0 ? 'as fast as possible' : perWriterRate * writers,
      linesIngested: ingested,
      ingestLinesPerSec: Math.round(ingested / ingestSeconds),
      logplexCpuPercent: round(((cpu.user + cpu.system) / 1e6 / ingestSeconds) * 100, 0),
      logplexEventLoopDelayMs: { p99: round(loop.percentile(99) / 1e6), max: round(loop.max / 1e6) },
      tailClientEventLoopDelayMs: { p99: round(tailReport.loopP99 ?? Number.NaN), max: round(tailReport.loopMax ?? Number.NaN) },
      tail: {
        received: tailReport.received,
        lost: tailReport.lost,
        l11Dropped: tailReport.l11,
        linesPerSec: Math.round((tailReport.received ?? 0) / (tailReport.seconds ?? 1)),
        latencyMs: { p50: round(tailReport.p50 ?? Number.NaN), p99: round(tailReport.p99 ?? Number.NaN), max: round(tailReport.max ?? Number.NaN) },
      },
      drain: {
        delivered: drainReport.frames,
        droppedL10: drainReport.dropped,
        linesPerSec: Math.round(drainReport.frames / Math.max(drainSeconds, 0.001)),
      },
    };
  }

  const saturated = await phase('saturated', 0);
  const paced = await phase('paced', Math.round(rate / writers));
  sessions.close();
  server.closeAllConnections();
  server.close();
  await drains.close();
  await channels.close();
  drainReceiver.kill();
  await rm(dir, { recursive: true, force: true });
  process.stdout.write(
    `${JSON.stringify(
      {
        benchmark: 'logs/throughput',
        // Load average (1 min) before and after: other work on the host skews latency.
        host: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadBefore: round(loadBefore ?? 0), loadAfter: round(loadavg()[0] ?? 0) },
        lineBytes: 100,
        seconds,
        drainBufferLines: drainBuffer,
        targets: { linesPerSec: 50_000, tailLoss: 0, p99Ms: 50 },
        saturated,
        paced,
      },
      null,
      2,
    )}\n`,
  );
}

if (role === 'writer') await writer();
else if (role === 'tail') tail();
else if (role === 'receiver') receiver();
else await main();
