/**
 * The program Berth's sshd runs, as the unprivileged `git` user, in two roles:
 *
 *   gate-main.js keys SOCKET TYPE BLOB   AuthorizedKeysCommand: prints `restrict TYPE BLOB` when
 *                                        the key belongs to a Berth account, nothing otherwise
 *   gate-main.js git SOCKET              ForceCommand: every session; forwards the client's
 *                                        command (SSH_ORIGINAL_COMMAND), the key that logged in
 *                                        (SSH_USER_AUTH, from ExposeAuthInfo) and stdin to the
 *                                        control plane, and relays its stdout, stderr and exit
 *
 * It decides nothing: the control plane (gate-server.ts) looks the key up and parses and
 * authorizes the command. Imports only node:* and the frame format, so it starts fast.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { FRAME, FrameReader, firstLine, type GateKeyAnswer, type GateRequest } from './gate-frames.js';

const UNAVAILABLE = ' !     Berth is not answering (restarting?); try again in a moment.\n';

function keys(socketPath: string, type: string, blob: string): void {
  const key = `${type} ${blob}`;
  if (!/^[a-z0-9@.-]{1,64} [A-Za-z0-9+/=]{1,16384}$/.test(key)) process.exit(0);
  const socket = connect(socketPath);
  const chunks: Buffer[] = [];
  socket.setTimeout(10_000, () => socket.destroy(new Error('timed out')));
  socket.on('connect', () => socket.end(`${JSON.stringify({ op: 'key', key } satisfies GateRequest)}\n`));
  socket.on('data', (chunk: Buffer) => {
    const got = firstLine(chunks, chunk);
    if (!got) return;
    const answer = JSON.parse(got.line) as GateKeyAnswer;
    if (answer.known) process.stdout.write(`restrict ${key}\n`);
    socket.destroy();
  });
  socket.on('error', (err) => {
    process.stderr.write(`berth ssh gate: ${err.message}\n`);
    process.exitCode = 0;
  });
}

/** The key this session logged in with: the `publickey TYPE BLOB` line of SSH_USER_AUTH. */
function sessionKey(): string | undefined {
  const path = process.env.SSH_USER_AUTH;
  if (!path) return undefined;
  const line = readFileSync(path, 'utf8').split('\n').find((l) => l.startsWith('publickey '));
  return line?.split(' ').slice(1, 3).join(' ');
}

function git(socketPath: string): void {
  const key = sessionKey();
  if (!key) {
    process.stderr.write(' !     This SSH session has no public key (Berth accepts keys only).\n');
    process.exit(1);
  }
  const request: GateRequest = { op: 'git', key, command: process.env.SSH_ORIGINAL_COMMAND, protocol: process.env.GIT_PROTOCOL };
  const socket = connect({ path: socketPath, allowHalfOpen: true });
  let exitCode: number | undefined;
  const reader = new FrameReader((kind, payload) => {
    if (kind === FRAME.stdout) { if (!process.stdout.write(payload)) { socket.pause(); process.stdout.once('drain', () => socket.resume()); } }
    else if (kind === FRAME.stderr) process.stderr.write(payload);
    else if (kind === FRAME.exit) exitCode = payload.readUInt8(0);
  });
  socket.on('connect', () => {
    socket.write(`${JSON.stringify(request)}\n`);
    process.stdin.pipe(socket);
  });
  socket.on('data', (chunk: Buffer) => reader.push(chunk));
  socket.on('error', () => {
    if (exitCode === undefined) process.stderr.write(UNAVAILABLE);
    process.exit(exitCode ?? 1);
  });
  socket.on('end', () => {
    if (exitCode === undefined) process.stderr.write(UNAVAILABLE);
    process.stdout.end(() => process.exit(exitCode ?? 1));
  });
}

const [mode, socketPath, ...rest] = process.argv.slice(2);
if (mode === 'keys' && socketPath && rest.length === 2) keys(socketPath, rest[0] as string, rest[1] as string);
else if (mode === 'git' && socketPath) git(socketPath);
else {
  process.stderr.write('usage: gate-main.js keys SOCKET TYPE BLOB | git SOCKET\n');
  process.exit(2);
}
