import { Readable, Writable } from 'node:stream';
import type { CliIo } from '../../src/cli/main.js';

export interface CapturedIo {
  io: CliIo;
  stdout(): string;
  stderr(): string;
}

/** CliIo with stdout/stderr collected into strings and stdin fed from `input`. */
export function captureIo(options: { env: NodeJS.ProcessEnv; cwd: string; input?: string }): CapturedIo {
  let out = '';
  let err = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        append(String(chunk));
        done();
      },
    });
  const io: CliIo = {
    stdout: sink((t) => (out += t)),
    stderr: sink((t) => (err += t)),
    stdin: Readable.from(options.input === undefined ? [] : [Buffer.from(options.input)]),
    env: options.env,
    cwd: options.cwd,
  };
  return { io, stdout: () => out, stderr: () => err };
}
