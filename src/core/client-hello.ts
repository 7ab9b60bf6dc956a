/**
 * Reads the server name (SNI) from the start of a TLS connection, before any handshake: the
 * ClientHello's `server_name` extension (RFC 6066), across as many handshake records as it
 * spans. Pure: bytes in, a verdict out. Used to pick the certificate before the handshake starts,
 * since Node ignores an SNICallback context whose key type differs from the default's under
 * TLS 1.3 (nodejs/node#54235).
 */
export type ClientHelloVerdict =
  /** More bytes are needed to decide. */
  | { kind: 'partial' }
  /** A ClientHello; `serverName` is absent when the client sent none (e.g. it connected by IP). */
  | { kind: 'hello'; serverName: string | undefined }
  /** Not a TLS ClientHello (or malformed): let the TLS stack answer it with the default context. */
  | { kind: 'other' };

const RECORD_HANDSHAKE = 22;
const HANDSHAKE_CLIENT_HELLO = 1;
const EXTENSION_SERVER_NAME = 0;
const NAME_TYPE_HOST = 0;
/** A ClientHello larger than this is not waited for (real ones are far smaller, even with post-quantum key shares). */
export const MAX_CLIENT_HELLO_BYTES = 64 * 1024;

export function readClientHello(bytes: Uint8Array): ClientHelloVerdict {
  // Reassemble the handshake payload from consecutive handshake records.
  const payload: number[] = [];
  let offset = 0;
  let needed: number | undefined;
  while (offset + 5 <= bytes.length) {
    if (bytes[offset] !== RECORD_HANDSHAKE || bytes[offset + 1] !== 3) return { kind: 'other' };
    const length = ((bytes[offset + 3] as number) << 8) | (bytes[offset + 4] as number);
    if (length === 0) return { kind: 'other' };
    if (offset + 5 + length > bytes.length) {
      for (let i = offset + 5; i < bytes.length; i++) payload.push(bytes[i] as number);
      offset = bytes.length;
      break;
    }
    for (let i = offset + 5; i < offset + 5 + length; i++) payload.push(bytes[i] as number);
    offset += 5 + length;
    if (needed === undefined && payload.length >= 4) needed = handshakeLength(payload);
    if (needed !== undefined && payload.length >= needed) break;
  }
  if (bytes.length > 0 && bytes[0] !== RECORD_HANDSHAKE) return { kind: 'other' };
  if (payload.length >= 1 && payload[0] !== HANDSHAKE_CLIENT_HELLO) return { kind: 'other' };
  if (payload.length < 4) return bytes.length >= MAX_CLIENT_HELLO_BYTES ? { kind: 'other' } : { kind: 'partial' };
  const total = handshakeLength(payload);
  if (total > MAX_CLIENT_HELLO_BYTES) return { kind: 'other' };
  if (payload.length < total) return { kind: 'partial' };
  const name = serverNameOf(payload.slice(4, total));
  return name === null ? { kind: 'other' } : { kind: 'hello', serverName: name };
}

const handshakeLength = (p: readonly number[]) => 4 + (((p[1] as number) << 16) | ((p[2] as number) << 8) | (p[3] as number));

/** The host name in a ClientHello body; undefined when it has none; null when malformed. */
function serverNameOf(body: readonly number[]): string | undefined | null {
  let at = 2 + 32; // legacy_version, random
  const u8 = (i: number) => body[i] as number;
  const u16 = (i: number) => (u8(i) << 8) | u8(i + 1);
  if (at + 1 > body.length) return null;
  at += 1 + u8(at); // session id
  if (at + 2 > body.length) return null;
  at += 2 + u16(at); // cipher suites
  if (at + 1 > body.length) return null;
  at += 1 + u8(at); // compression methods
  if (at === body.length) return undefined; // no extensions at all
  if (at + 2 > body.length) return null;
  const end = at + 2 + u16(at);
  if (end > body.length) return null;
  at += 2;
  while (at + 4 <= end) {
    const type = u16(at);
    const length = u16(at + 2);
    const data = at + 4;
    if (data + length > end) return null;
    if (type === EXTENSION_SERVER_NAME) {
      if (length < 2) return null;
      let entry = data + 2;
      const listEnd = Math.min(data + 2 + u16(data), data + length);
      while (entry + 3 <= listEnd) {
        const nameType = u8(entry);
        const nameLength = u16(entry + 1);
        if (entry + 3 + nameLength > listEnd) return null;
        if (nameType === NAME_TYPE_HOST) return String.fromCharCode(...body.slice(entry + 3, entry + 3 + nameLength));
        entry += 3 + nameLength;
      }
      return undefined;
    }
    at = data + length;
  }
  return undefined;
}
