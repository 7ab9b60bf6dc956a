/**
 * The pre-receive hook program (run by `git receive-pack` through the stub that repositories.ts
 * installs). It reads the `old new ref` lines git gives it, connects to the git service's unix
 * socket, and prints every line the service sends back the moment it arrives (git relays hook
 * output to the pusher as `remote: ` lines). Its exit status is the service's verdict: 0 lets git
 * update the refs, anything else makes git report "pre-receive hook declined". Any failure to
 * reach the service, or a connection that drops before the verdict, declines the push with a
 * message saying so.
 */
import { connect } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { MAX_HELLO_BYTES, parseRefLines, type HookHello } from './hook-protocol.js';

export interface HookRun {
  socketPath: string | undefined;
  token: string | undefined;
  objectDirectory: string | undefined;
  alternateObjectDirectories: string | undefined;
  stdin: Readable;
  stdout: Writable;
}

const say = (out: Writable, line: string): void => { out.write(`${line}\n`); };

async function readAll(stream: Readable, max: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > max) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Resolves with the exit code. */
export async function runPreReceiveHook(run: HookRun): Promise<number> {
  const out = run.stdout;
  if (!run.socketPath || !run.token) {
    say(out, ' !     This repository accepts pushes only through Berth\'s git service (git push to the app\'s git URL).');
    return 1;
  }
  const input = await readAll(run.stdin, MAX_HELLO_BYTES / 2);
  const refs = input === undefined ? undefined : parseRefLines(input);
  if (!refs) {
    say(out, ' !     Berth could not read the list of updated refs from git; push again.');
    return 1;
  }
  const hello: HookHello = {
    token: run.token,
    refs,
    objectDirectory: run.objectDirectory,
    alternateObjectDirectories: run.alternateObjectDirectories,
  };
  return new Promise((resolve) => {
    let verdict: boolean | undefined;
    let pending = '';
    const socket = connect(run.socketPath!);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(hello)}\n`));
    socket.on('data', (chunk: string) => {
      pending += chunk;
      let end: number;
      while ((end = pending.indexOf('\n')) >= 0) {
        const text = pending.slice(0, end);
        pending = pending.slice(end + 1);
        let message: { line?: unknown; ok?: unknown };
        try {
          message = JSON.parse(text) as typeof message;
        } catch {
          continue;
        }
        if (typeof message.line === 'string') say(out, message.line);
        if (typeof message.ok === 'boolean') verdict = message.ok;
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') {
        say(out, ' !     Berth\'s git service is not running (is Berth restarting?). Nothing was deployed; push again in a moment.');
        verdict ??= false;
      }
    });
    socket.on('close', () => {
      if (verdict === undefined) {
        say(out, ' !     The push lost its connection to Berth before the build finished (Berth restarted or stopped).');
        say(out, ' !     Nothing was deployed from this push; push again.');
      }
      resolve(verdict ? 0 : 1);
    });
  });
}
