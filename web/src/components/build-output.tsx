// A build's output, streamed live while the build runs (a plain-text <pre>: never HTML).
import { useEffect, useRef, useState } from 'preact/hooks';
import { streamText } from '../lib/text-stream.js';

const MAX_CHARS = 2_000_000;

export function BuildOutput({ url, buildId }: { url: string; buildId: string }) {
  const pre = useRef<HTMLPreElement>(null);
  const [state, setState] = useState<'streaming' | 'done' | 'failed'>('streaming');
  const [error, setError] = useState('');
  useEffect(() => {
    const controller = new AbortController();
    const node = pre.current;
    if (!node) return undefined;
    node.textContent = '';
    let size = 0;
    streamText(
      url,
      (text) => {
        size += text.length;
        if (size > MAX_CHARS) node.textContent = (node.textContent ?? '').slice(-MAX_CHARS / 2);
        const follow = node.scrollTop + node.clientHeight >= node.scrollHeight - 8;
        node.append(text);
        if (follow) node.scrollTop = node.scrollHeight;
      },
      controller.signal,
    ).then(
      () => setState('done'),
      (e: Error) => {
        if (controller.signal.aborted) return;
        setState('failed');
        setError(e.message);
      },
    );
    return () => controller.abort();
  }, [url, buildId]);
  return (
    <div class="output">
      <p class="muted" role="status">
        {state === 'streaming' ? 'Streaming build output…' : state === 'done' ? 'End of build output.' : `Output unavailable: ${error}`}
      </p>
      <pre ref={pre} class="log" tabIndex={0} aria-label="Build output" data-build={buildId} />
    </div>
  );
}
