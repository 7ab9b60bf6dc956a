/**
 * The terminal of an attached one-off dyno (`heroku run`): the client's rendezvous socket becomes
 * the dyno's stdin, stdout and stderr. Without a TTY the client ends its input with EOT (\x04),
 * which closes the dyno's stdin; when the dyno exits the socket gets the exit-status marker the
 * official CLI and ours look for, then ends.
 */
import type { Duplex } from 'node:stream';
import type { RunningDyno } from '../runtime/types.js';

const EOT = 4;
/** Ends an attached dyno's output, followed by the exit status and CRLF (the official CLI's format). */
export const EXIT_STATUS_MARKER = '\uFFFF heroku-command-exit-status: ';

export function attachTerminal(dyno: RunningDyno, terminal: Duplex, options: { tty: boolean; onClose(): void }): void {
  // The client's terminal is the dyno's: output goes to it, not to the logs.
  dyno.stdout.pipe(terminal, { end: false });
  dyno.stderr.pipe(terminal, { end: false });
  const stdin = dyno.stdin;
  if (stdin && options.tty) terminal.pipe(stdin);
  else if (stdin) {
    terminal.on('data', (chunk: Buffer) => {
      if (stdin.writableEnded) return;
      const eot = chunk.indexOf(EOT);
      if (eot < 0) return void stdin.write(chunk);
      if (eot > 0) stdin.write(chunk.subarray(0, eot));
      stdin.end();
    });
  }
  terminal.on('error', () => terminal.destroy());
  terminal.on('close', options.onClose);
  terminal.resume();
  void dyno.exited.then((exit) => terminal.end(`${EXIT_STATUS_MARKER}${exit.code ?? 255}\r\n`));
}
