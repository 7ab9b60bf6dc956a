// Streams a text URL (build output) chunk by chunk as it is written, into a callback.
import { sameOrigin } from '../api/client.js';

export async function streamText(url: string, onText: (text: string) => void, signal: AbortSignal): Promise<void> {
  const response = await fetch(sameOrigin(url), { signal, cache: 'no-store' });
  if (!response.ok || !response.body) throw new Error(`The output stream answered HTTP ${response.status}.`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    onText(value);
  }
}
