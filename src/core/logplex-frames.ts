/**
 * The body a log producer POSTs to a logplex input (`application/logplex-1`, what Heroku gives
 * add-on partners as `log_input_url`): octet-counted RFC 5424 messages, `LEN SP <PRI>1 TIME HOST
 * APP PROCID MSGID [SD] MSG`. Parsed strictly and bounded; a malformed frame stops the parse.
 */

export interface LogplexFrame {
  /** PROCID, e.g. `acme-kv` (Heroku shows partner lines as `app[PROCID]`). */
  procId: string;
  message: string;
}

const HEADER = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (?:- )?/;

/** `text` split after `bytes` UTF-8 octets, or undefined when it is shorter (pure: no Buffer). */
function splitAtOctet(text: string, bytes: number): [string, string] | undefined {
  let used = 0;
  let index = 0;
  for (const char of text) {
    if (used >= bytes) break;
    const code = char.codePointAt(0) as number;
    used += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    index += char.length;
  }
  return used === bytes ? [text.slice(0, index), text.slice(index)] : undefined;
}

/** The frames of `body` (at most `maxFrames`), or the reason it is malformed. */
export function parseLogplexFrames(body: string, maxFrames: number): { ok: true; frames: LogplexFrame[] } | { ok: false; reason: string } {
  const frames: LogplexFrame[] = [];
  let rest = body;
  while (rest.trim() !== '') {
    rest = rest.replace(/^[\r\n]+/, '');
    const length = /^(\d{1,6}) /.exec(rest);
    if (!length) return { ok: false, reason: `frame ${frames.length + 1} does not start with its length ("LEN <PRI>1 …")` };
    const start = (length[0] as string).length;
    const size = Number(length[1]);
    const split = splitAtOctet(rest.slice(start), size);
    if (!split) return { ok: false, reason: `frame ${frames.length + 1} does not match its length ${size}` };
    const [frame, after] = split;
    rest = after;
    const header = HEADER.exec(frame);
    if (!header) return { ok: false, reason: `frame ${frames.length + 1} is not an RFC 5424 message` };
    if (frames.length >= maxFrames) return { ok: false, reason: `more than ${maxFrames} frames in one request` };
    frames.push({ procId: header[5] as string, message: frame.slice((header[0] as string).length).replace(/\r?\n$/, '') });
  }
  return { ok: true, frames };
}
