/**
 * One HTTP exchange with an add-on provider, treated as untrusted: a deadline for the whole
 * exchange, no redirects followed, the response body capped, JSON required when there is a body.
 * Every way it can go wrong is a typed failure the provider turns into words for the user.
 */

export interface PartnerCall {
  method: 'POST' | 'PUT' | 'DELETE';
  url: string;
  /** `Basic base64(id:password)`. */
  authorization: string;
  body?: unknown;
  timeoutMs: number;
  maxResponseBytes: number;
}

export type PartnerReply =
  | { kind: 'answered'; status: number; json: Record<string, unknown> | undefined }
  | { kind: 'unreachable'; detail: string }
  | { kind: 'timeout' }
  | { kind: 'garbage'; status: number; detail: string };

async function readCapped(body: ReadableStream<Uint8Array> | null, max: number): Promise<Buffer | 'too_large'> {
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return 'too_large';
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function connectionDetail(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

/** Sends one request; never throws. */
export async function callPartner(call: PartnerCall): Promise<PartnerReply> {
  const signal = AbortSignal.timeout(call.timeoutMs);
  const headers: Record<string, string> = { authorization: call.authorization, accept: 'application/json', 'user-agent': 'berth-addons/1' };
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(call.url, {
      method: call.method,
      headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      redirect: 'manual',
      signal,
    });
  } catch (err) {
    if (signal.aborted) return { kind: 'timeout' };
    return { kind: 'unreachable', detail: connectionDetail(err) };
  }
  let raw: Buffer | 'too_large';
  try {
    raw = await readCapped(res.body, call.maxResponseBytes);
  } catch (err) {
    if (signal.aborted) return { kind: 'timeout' };
    return { kind: 'garbage', status: res.status, detail: `the response broke off (${connectionDetail(err)})` };
  }
  if (raw === 'too_large') return { kind: 'garbage', status: res.status, detail: `the response is larger than ${call.maxResponseBytes} bytes` };
  const textBody = raw.toString('utf8').trim();
  if (textBody === '') return { kind: 'answered', status: res.status, json: undefined };
  let parsed: unknown;
  try {
    parsed = JSON.parse(textBody);
  } catch {
    return { kind: 'garbage', status: res.status, detail: 'the response is not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { kind: 'garbage', status: res.status, detail: 'the response is not a JSON object' };
  }
  return { kind: 'answered', status: res.status, json: parsed as Record<string, unknown> };
}
