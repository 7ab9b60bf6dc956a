import { isIP } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';
import { CliError } from './cli-error.js';
import { errorCode } from './connection-error.js';
import { writeOut } from './http-stream.js';
import { RunOutputFilter } from './run-output.js';

type Input = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown; unref?: () => unknown };

export interface AttachOptions {
  /** `rendezvous://host:port/SECRET[?query]` from the dyno's `attach_url`. */
  attachUrl: string;
  /** Trusted CAs; undefined uses Node's (bundled roots plus NODE_EXTRA_CA_CERTS). */
  ca?: string | Buffer | (string | Buffer)[];
  stdin: Input;
  stdout: NodeJS.WritableStream;
  /** Put a terminal stdin in raw mode (keys, ^C included, go to the dyno as typed). */
  rawMode: boolean;
  /** CRLF → LF on output (stdout is not a terminal). */
  crlfToLf: boolean;
  /** Called once the rendezvous answered (its first chunk): the dyno is attached. */
  onAttached?: () => void;
  /** The socket is closed after this long without traffic (default 1 h, as Heroku's client). */
  idleTimeoutMs?: number;
}

export interface AttachResult {
  /** The command's exit status from the marker line; undefined if the connection closed first. */
  exitCode: number | undefined;
  /** Four ^C within a second made the client hang up. */
  forcedDisconnect: boolean;
}

/** The parts of a rendezvous URL (spec/heroku-compat.md §5). */
export function parseAttachUrl(url: string): { host: string; port: number; secret: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(`The dyno's attach_url ${JSON.stringify(url)} is not a URL.`);
  }
  if (parsed.protocol !== 'rendezvous:') {
    throw new CliError(`The dyno's attach_url uses ${parsed.protocol}//, which this CLI cannot attach to (only rendezvous://).`);
  }
  const port = Number(parsed.port);
  if (!parsed.hostname || !Number.isInteger(port) || port < 1) throw new CliError(`The dyno's attach_url ${url} has no host and port.`);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port, secret: `${parsed.pathname.slice(1)}${parsed.search}` };
}

/**
 * The `heroku run` rendezvous client: TLS to host:port (the certificate is always verified),
 * `SECRET\r\n`, the whole first chunk dropped, then stdin → dyno and dyno → stdout until the
 * exit-status marker arrives or the connection closes.
 */
export function attachRendezvous(options: AttachOptions): Promise<AttachResult> {
  const { host, port, secret } = parseAttachUrl(options.attachUrl);
  const filter = new RunOutputFilter(options.crlfToLf);
  const { stdin, stdout } = options;
  return new Promise<AttachResult>((resolve, reject) => {
    const socket: TLSSocket = connect({
      host,
      port,
      ...(isIP(host) ? {} : { servername: host }),
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      rejectUnauthorized: true,
    });
    let attached = false;
    let settled = false;
    let exitCode: number | undefined;
    let forcedDisconnect = false;
    let interrupts: number[] = [];
    let writing = Promise.resolve();

    const onInput = (chunk: string | Buffer) => {
      if (options.rawMode && String(chunk) === '\u0003') {
        const now = Date.now();
        interrupts = [...interrupts.filter((t) => t > now - 1000), now];
        if (interrupts.length >= 4) {
          forcedDisconnect = true;
          socket.destroy();
          return;
        }
      }
      socket.write(chunk);
    };
    const onInputEnd = () => {
      if (!options.rawMode && !socket.destroyed) socket.write('\u0004');
    };
    const startInput = () => {
      if (options.rawMode) stdin.setRawMode?.(true);
      stdin.on('data', onInput);
      stdin.once('end', onInputEnd);
      stdin.resume();
    };
    const stopInput = () => {
      stdin.off('data', onInput);
      stdin.off('end', onInputEnd);
      if (options.rawMode) stdin.setRawMode?.(false);
      stdin.pause();
      stdin.unref?.();
    };
    const print = (text: string) => {
      if (text === '') return;
      socket.pause();
      writing = writing.then(() => writeOut(stdout, text)).then(
        () => void socket.resume(),
        () => void socket.destroy(),
      );
    };
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      if (!attached && !error) {
        error = new CliError(`The dyno rendezvous at ${host}:${port} closed the connection before attaching.`, {
          hint: 'The dyno may have failed to start, or it waited too long for this client: see `berth logs`, then try again.',
        });
      }
      stopInput();
      const rest = filter.end();
      print(rest.text);
      if (exitCode === undefined) exitCode = rest.exitCode;
      socket.destroy();
      void writing.then(() => (error ? reject(error) : resolve({ exitCode, forcedDisconnect })));
    };

    socket.setEncoding('utf8');
    socket.setTimeout(options.idleTimeoutMs ?? 3_600_000, () => finish(new CliError('The dyno connection was idle for too long and was closed.')));
    socket.once('secureConnect', () => socket.write(`${secret}\r\n`));
    socket.on('data', (chunk: string) => {
      if (!attached) {
        // The rendezvous's greeting: the whole first chunk is dropped.
        attached = true;
        options.onAttached?.();
        startInput();
        return;
      }
      const out = filter.push(chunk);
      print(out.text);
      if (out.exitCode !== undefined) {
        exitCode = out.exitCode;
        finish();
      }
    });
    socket.once('close', () => finish());
    socket.on('error', (err) => finish(attached ? undefined : describeTlsFailure(host, port, err)));
  });
}

function describeTlsFailure(host: string, port: number, err: Error): CliError {
  const code = errorCode(err);
  if (code !== undefined && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return new CliError(`Cannot verify the TLS certificate of the dyno rendezvous at ${host}:${port} (${code}).`, {
      hint: "Set NODE_EXTRA_CA_CERTS to Berth's CA certificate (tls/ca.crt under the data dir, ~/.berth by default), or log in again with `berth login`: it saves the CA.",
    });
  }
  if (code === 'ECONNREFUSED') return new CliError(`Cannot connect to the dyno rendezvous at ${host}:${port}: connection refused.`, { hint: 'Is the Berth host agent running, and is that port reachable from here?' });
  return new CliError(`Cannot attach to the dyno at ${host}:${port}: ${err.message}`);
}
