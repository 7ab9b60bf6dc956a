/**
 * Real pipes for a dyno's stdio. Node's `stdio: 'pipe'` hands children unix socketpairs, on which
 * `open("/dev/stdout")` fails with ENXIO, a common way for apps (nginx, php-fpm, shell scripts)
 * to log. Node cannot call pipe(2), so: take fifos from the stock (fifo-stock.ts), open both ends, unlink. Our read end is opened
 * O_NONBLOCK first (never blocks), then the dyno's write end blocking (a reader exists, so it
 * returns at once); for stdin our end is O_RDWR (never blocks) and the dyno's end O_RDONLY. The
 * dyno's ends are passed to spawn and closed here right after. The fifos belong to the dyno's uid
 * (mode 0600), or the dyno could not reopen them as /dev/stdout.
 */
import { closeSync, constants, fchownSync, openSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { Socket } from 'node:net';

export interface DynoPipes {
  stdout: Socket;
  stderr: Socket;
  stdin?: Socket;
  /** The dyno's ends, for spawn's stdio[0..2]. */
  childStdio: [number | 'ignore', number, number];
  /** Close the dyno's ends in this process (after spawn). */
  closeChildEnds(): void;
  /** Hand the fifos to the dyno's uid (once it is known). */
  chown(uid: number): void;
  /** The dyno gets no stdin after all: close our end (it reads EOF at once, as from /dev/null). */
  dropStdin(): void;
  destroy(): void;
}

/** `paths`: two fresh fifos (stdout, stderr), three with stdin (FifoStock makes them). */
export async function makeDynoPipes(paths: readonly string[], withStdin: boolean): Promise<DynoPipes> {
  const fds: number[] = [];
  try {
    const outRead = openSync(paths[0]!, constants.O_RDONLY | constants.O_NONBLOCK); fds.push(outRead);
    const outWrite = openSync(paths[0]!, constants.O_WRONLY); fds.push(outWrite);
    const errRead = openSync(paths[1]!, constants.O_RDONLY | constants.O_NONBLOCK); fds.push(errRead);
    const errWrite = openSync(paths[1]!, constants.O_WRONLY); fds.push(errWrite);
    let inWrite: number | undefined;
    let inRead: number | undefined;
    if (withStdin) {
      inWrite = openSync(paths[2]!, constants.O_RDWR); fds.push(inWrite);
      inRead = openSync(paths[2]!, constants.O_RDONLY); fds.push(inRead);
    }
    const childEnds = [outWrite, errWrite, ...(inRead === undefined ? [] : [inRead])];
    const stdout = new Socket({ fd: outRead, readable: true, writable: false });
    const stderr = new Socket({ fd: errRead, readable: true, writable: false });
    const stdin = inWrite === undefined ? undefined : new Socket({ fd: inWrite, readable: false, writable: true });
    let childOpen = true;
    const closeChildEnds = (): void => {
      if (!childOpen) return;
      childOpen = false;
      for (const fd of childEnds) closeSync(fd);
    };
    const pipes: DynoPipes = {
      stdout,
      stderr,
      ...(stdin ? { stdin } : {}),
      childStdio: [inRead ?? 'ignore', outWrite, errWrite],
      closeChildEnds,
      // Owned by the dyno's uid, so it can reopen them via /dev/stdout (/proc/self/fd/1).
      chown: (uid: number) => {
        for (const fd of [outRead, errRead]) fchownSync(fd, uid, uid);
        if (pipes.stdin && inWrite !== undefined) fchownSync(inWrite, uid, uid);
      },
      dropStdin: () => {
        pipes.stdin?.destroy();
        delete pipes.stdin;
      },
      destroy: () => {
        closeChildEnds();
        stdout.destroy();
        stderr.destroy();
        stdin?.destroy();
      },
    };
    return pipes;
  } catch (err) {
    for (const fd of fds) closeSync(fd);
    throw err;
  } finally {
    await Promise.all(paths.map((p) => unlink(p).catch(() => undefined)));
  }
}
