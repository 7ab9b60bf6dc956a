import { CliError, UsageError } from './cli-error.js';
import type { CliIo } from './command.js';
import { typeKeys } from './line-editor.js';

type RawInput = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

/** Asks on stderr and reads one line from the terminal; `echo: false` hides what is typed. */
export async function prompt(io: CliIo, question: string, options: { echo: boolean }): Promise<string> {
  const stdin = io.stdin as RawInput;
  if (stdin.isTTY !== true || typeof stdin.setRawMode !== 'function') {
    throw new UsageError(`Cannot ask "${question.trim()}" without a terminal.`);
  }
  const setRawMode = stdin.setRawMode.bind(stdin);
  io.stderr.write(question);
  setRawMode(true);
  stdin.setEncoding('utf8');
  try {
    return await new Promise<string>((resolve, reject) => {
      let text = '';
      const onData = (chunk: string | Buffer) => {
        const step = typeKeys(text, String(chunk), options.echo);
        text = step.text;
        if (step.echo) io.stderr.write(step.echo);
        if (step.status === 'more') return;
        stdin.off('data', onData);
        stdin.off('end', onEnd);
        if (step.status === 'done') resolve(text);
        else reject(new CliError('Cancelled.', { exitCode: 130 }));
      };
      const onEnd = () => {
        stdin.off('data', onData);
        reject(new CliError('Cancelled: the terminal closed.', { exitCode: 130 }));
      };
      stdin.on('data', onData);
      stdin.once('end', onEnd);
      stdin.resume();
    });
  } finally {
    setRawMode(false);
    stdin.pause();
    io.stderr.write('\n');
  }
}

const MAX_STDIN_BYTES = 1024 * 1024;

/** All of stdin (for --password-stdin), up to 1 MiB. */
export async function readStdin(io: CliIo): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > MAX_STDIN_BYTES) throw new UsageError('stdin is over 1 MiB: --password-stdin expects one line holding the password.');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The password on the first line of `text`, without its line ending. */
export function firstLine(text: string): string {
  return text.split(/\r?\n/, 1)[0] ?? '';
}
