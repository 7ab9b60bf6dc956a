import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { createServer } from 'node:tls';
import { after, before, test } from 'node:test';
import { CliError } from '../../src/cli/cli-error.js';
import { attachRendezvous, parseAttachUrl } from '../../src/cli/rendezvous-client.js';
import { startFakeRendezvous, type FakeRendezvous } from './fake-rendezvous.js';

let dyno: FakeRendezvous;

before(async () => {
  dyno = await startFakeRendezvous(3);
});
after(() => dyno.close());

function sink(): { stream: Writable; text(): string } {
  let text = '';
  return {
    stream: new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        text += String(chunk);
        done();
      },
    }),
    text: () => text,
  };
}

test('a rendezvous URL gives host, port and the secret with its query', () => {
  assert.deepEqual(parseAttachUrl('rendezvous://rendezvous.example.com:5000/SECRET123?x=1'), { host: 'rendezvous.example.com', port: 5000, secret: 'SECRET123?x=1' });
  assert.throws(() => parseAttachUrl('https://example.com/x'), CliError);
  assert.throws(() => parseAttachUrl('rendezvous://example.com/x'), CliError);
});

test('the client sends the secret, drops the greeting, pipes stdin with a closing EOT and returns the exit status', async () => {
  const out = sink();
  let attached = 0;
  const result = await attachRendezvous({
    attachUrl: `rendezvous://127.0.0.1:${dyno.port}/s3cret?attempt=1`,
    ca: dyno.caCert,
    stdin: Readable.from([Buffer.from('hello '), Buffer.from('wörld')]),
    stdout: out.stream,
    rawMode: false,
    crlfToLf: true,
    onAttached: () => attached++,
  });
  assert.deepEqual(result, { exitCode: 3, forcedDisconnect: false });
  assert.equal(attached, 1);
  assert.equal(out.text(), 'got: hello wörld\n');
  assert.equal(dyno.secrets.at(-1), 's3cret?attempt=1');
  assert.equal(dyno.inputs.at(-1), 'hello wörld');
});

test('output keeps its CRLF line endings when stdout is a terminal', async () => {
  const out = sink();
  await attachRendezvous({ attachUrl: `rendezvous://127.0.0.1:${dyno.port}/tty`, ca: dyno.caCert, stdin: Readable.from([]), stdout: out.stream, rawMode: false, crlfToLf: false });
  assert.equal(out.text(), 'got: \r\n');
});

test('a rendezvous certificate from an untrusted CA is refused with the NODE_EXTRA_CA_CERTS hint', async () => {
  const before = dyno.secrets.length;
  await assert.rejects(
    attachRendezvous({ attachUrl: `rendezvous://127.0.0.1:${dyno.port}/never-sent`, stdin: Readable.from([]), stdout: sink().stream, rawMode: false, crlfToLf: true }),
    (err: unknown) => err instanceof CliError && /Cannot verify the TLS certificate/.test(err.message) && /NODE_EXTRA_CA_CERTS/.test(err.hint ?? ''),
  );
  assert.equal(dyno.secrets.length, before, 'the secret never reached an unverified server');
});

test('a trusted certificate for another address is refused', async () => {
  const elsewhere = await startFakeRendezvous(0, '127.0.0.2');
  try {
    await assert.rejects(
      attachRendezvous({ attachUrl: `rendezvous://127.0.0.2:${elsewhere.port}/wrong-host`, ca: elsewhere.caCert, stdin: Readable.from([]), stdout: sink().stream, rawMode: false, crlfToLf: true }),
      (err: unknown) => err instanceof CliError && /Cannot verify the TLS certificate .*ERR_TLS_CERT_ALTNAME_INVALID/.test(err.message),
    );
    assert.deepEqual(elsewhere.secrets, []);
  } finally {
    await elsewhere.close();
  }
});

test('a rendezvous that hangs up before its greeting is an error, not an empty run', async () => {
  const server = createServer({ cert: dyno.serverCert, key: dyno.serverKey }, (socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    await assert.rejects(
      attachRendezvous({ attachUrl: `rendezvous://127.0.0.1:${port}/unknown`, ca: dyno.caCert, stdin: Readable.from([]), stdout: sink().stream, rawMode: false, crlfToLf: true }),
      (err: unknown) => err instanceof CliError && /closed the connection before attaching/.test(err.message),
    );
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
