// A tiny DNS server for tests (UDP and TCP on one port, A records only): names map to an IPv4 address or to NXDOMAIN.
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type AddressInfo, type Server, type Socket as TcpSocket } from 'node:net';

export interface DnsResponder {
  /** host:port to hand to resolvers (pebble's -dnsserver, Berth's --acme-dns-server). */
  address: string;
  /** Names asked, in order (lower case, no trailing dot). */
  asked: string[];
  close(): Promise<void>;
}

/**
 * Answers A queries from `answer(name)`: an IPv4 address, or undefined for NXDOMAIN; every other
 * type (AAAA, CAA…) gets an empty NOERROR answer for a known name. Over UDP for Node's resolver,
 * over TCP (2-byte length prefix) for pebble's VA, which asks that way; nothing leaves 127.0.0.1.
 */
export async function startDnsResponder(answer: (name: string) => string | undefined): Promise<DnsResponder> {
  const asked: string[] = [];
  const tcp: Server = createServer((conn) => serveTcp(conn, (query) => respond(query, answer, asked)));
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  const port = (tcp.address() as AddressInfo).port;
  const udp: Socket = createSocket('udp4');
  udp.on('message', (query, peer) => {
    const reply = respond(query, answer, asked);
    if (reply) udp.send(reply, peer.port, peer.address);
  });
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(port, '127.0.0.1', () => resolve());
  }).catch(async (err: unknown) => {
    await new Promise((resolve) => tcp.close(resolve));
    throw err;
  });
  return {
    address: `127.0.0.1:${port}`,
    asked,
    close: async () => {
      await new Promise<void>((resolve) => udp.close(() => resolve()));
      await new Promise((resolve) => tcp.close(resolve));
    },
  };
}

/** DNS over TCP: each message is preceded by its length (RFC 1035 §4.2.2). */
function serveTcp(conn: TcpSocket, reply: (query: Buffer) => Buffer | undefined): void {
  let pending = Buffer.alloc(0);
  conn.on('error', () => undefined);
  conn.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
      const length = pending.readUInt16BE(0);
      const answer = reply(pending.subarray(2, 2 + length));
      pending = pending.subarray(2 + length);
      if (!answer) continue;
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(answer.length, 0);
      conn.write(Buffer.concat([prefix, answer]));
    }
  });
}

function respond(query: Buffer, answer: (name: string) => string | undefined, asked: string[]): Buffer | undefined {
  if (query.length < 12 || query.readUInt16BE(4) !== 1) return undefined;
  const labels: string[] = [];
  let offset = 12;
  while (offset < query.length) {
    const length = query[offset] as number;
    offset += 1;
    if (length === 0) break;
    labels.push(query.subarray(offset, offset + length).toString('latin1'));
    offset += length;
  }
  if (offset + 4 > query.length) return undefined;
  const type = query.readUInt16BE(offset);
  const question = query.subarray(12, offset + 4);
  const name = labels.join('.').toLowerCase();
  asked.push(name);
  const address = answer(name);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  // QR, opcode 0, AA, RD copied, RA; rcode 3 (NXDOMAIN) for unknown names.
  header.writeUInt16BE(0x8400 | (query.readUInt16BE(2) & 0x0100) | 0x0080 | (address === undefined ? 3 : 0), 2);
  header.writeUInt16BE(1, 4);
  const records: Buffer[] = [];
  if (address !== undefined && type === 1) {
    const record = Buffer.alloc(16);
    record.writeUInt16BE(0xc00c, 0);
    record.writeUInt16BE(1, 2);
    record.writeUInt16BE(1, 4);
    record.writeUInt32BE(5, 6);
    record.writeUInt16BE(4, 10);
    address.split('.').forEach((part, i) => record.writeUInt8(Number(part), 12 + i));
    records.push(record);
  }
  header.writeUInt16BE(records.length, 6);
  return Buffer.concat([header, question, ...records]);
}
